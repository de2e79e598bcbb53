//! Silero VAD v6 (MIT, `models/vad/`) in tract: 16 kHz mono audio in, one speech
//! probability per 32 ms frame (512 samples) out. Each frame is fed with the 64 samples
//! before it (the model's context) and the recurrent state of the frame before, exactly
//! as the reference Python does, so the figures match the model's published behaviour.
//!
//! The file shipped is the wheel's `silero_vad_16k_sequence.onnx`: the same network as
//! the streaming file, but it takes a block of frames in one call and runs the LSTM over
//! them inside the graph, so a second of audio is one call instead of 31
//! (`vad-bench` measures both; see `models/vad/MODEL_CARD.md`).

use interviewer_core::speech::{audio, vad};
use tract_onnx::prelude::*;

/// Samples per frame at 16 kHz (32 ms).
pub const FRAME: usize = 512;
/// Samples of the previous frame fed before each frame.
pub const CONTEXT: usize = 64;
/// Width of the LSTM state.
const STATE: usize = 128;
/// Frames per call of the sequence model (about 1 s): one fixed shape, so tract plans the
/// graph once; the last block is padded with silence.
pub const BLOCK: usize = 32;
/// Milliseconds per probability.
pub const FRAME_MS: f64 = FRAME as f64 * 1000.0 / 16_000.0;

type Plan = Arc<TypedRunnableModel>;

/// Which of the wheel's two loadable files a [`Vad`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// `silero_vad_16k_sequence.onnx`: input [frames, 576], h and c [1, 1, 128].
    Sequence,
    /// `silero_vad_openvino_16k.onnx`: input [1, 576], state [2, 1, 128], one frame a call.
    Streaming,
}

pub struct Vad {
    plan: Plan,
    flavour: Flavour,
}

/// Running state between calls: the LSTM's h and c, and the last 64 samples.
pub struct Stream {
    h: Vec<f32>,
    c: Vec<f32>,
    context: Vec<f32>,
}

impl Default for Stream {
    fn default() -> Self {
        Stream {
            h: vec![0.0; STATE],
            c: vec![0.0; STATE],
            context: vec![0.0; CONTEXT],
        }
    }
}

impl Vad {
    /// Loads the model from its ONNX bytes (either flavour).
    pub fn from_bytes(onnx: &[u8], flavour: Flavour) -> TractResult<Vad> {
        let rows = match flavour {
            Flavour::Sequence => BLOCK,
            Flavour::Streaming => 1,
        };
        let mut model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(onnx))?
            .with_input_fact(0, f32::fact([rows, CONTEXT + FRAME]).into())?;
        match flavour {
            Flavour::Sequence => {
                model = model
                    .with_input_fact(1, f32::fact([1, 1, STATE]).into())?
                    .with_input_fact(2, f32::fact([1, 1, STATE]).into())?;
            }
            Flavour::Streaming => {
                model = model.with_input_fact(1, f32::fact([2, 1, STATE]).into())?;
            }
        }
        let plan = model
            .into_typed()?
            .into_decluttered()?
            .into_optimized()?
            .into_runnable()?;
        Ok(Vad { plan, flavour })
    }

    /// The shipped model (`models.json`'s "vad"), read from the repository (native tools
    /// and tests).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_shipped() -> TractResult<Vad> {
        let m = &interviewer_core::models::VAD;
        let bytes = std::fs::read(m.local_path())?;
        Vad::from_bytes(&bytes, Flavour::Sequence)
    }

    /// Speech probability of each whole 512-sample frame of `pcm` (16 kHz), in order,
    /// continuing `stream` (a fresh [`Stream`] for a new recording). A trailing partial
    /// frame is left out. With [`Flavour::Sequence`], a call whose frame count is not a
    /// multiple of [`BLOCK`] ends the stream (the padded block's state is not kept): feed
    /// a live stream in multiples of `BLOCK * FRAME` samples.
    pub fn push(&self, stream: &mut Stream, pcm: &[f32]) -> TractResult<Vec<f32>> {
        let frames = pcm.len() / FRAME;
        let mut out = Vec::with_capacity(frames);
        let step = match self.flavour {
            Flavour::Sequence => BLOCK,
            Flavour::Streaming => 1,
        };
        for first in (0..frames).step_by(step) {
            let n = step.min(frames - first);
            // Each row: the 64 samples before the frame, then the frame; padded rows are
            // silence after the end, and their outputs are dropped.
            let mut rows = vec![0.0f32; step * (CONTEXT + FRAME)];
            for r in 0..n {
                let a = (first + r) * FRAME;
                let row = &mut rows[r * (CONTEXT + FRAME)..(r + 1) * (CONTEXT + FRAME)];
                if a == first * FRAME {
                    row[..CONTEXT].copy_from_slice(&stream.context);
                } else {
                    row[..CONTEXT].copy_from_slice(&pcm[a - CONTEXT..a]);
                }
                row[CONTEXT..].copy_from_slice(&pcm[a..a + FRAME]);
            }
            let input = Tensor::from_shape(&[step, CONTEXT + FRAME], &rows)?;
            match self.flavour {
                Flavour::Sequence => {
                    let h = Tensor::from_shape(&[1, 1, STATE], &stream.h)?;
                    let c = Tensor::from_shape(&[1, 1, STATE], &stream.c)?;
                    let o = self.plan.run(tvec!(input.into(), h.into(), c.into()))?;
                    let p = &flat(&o[0])?;
                    out.extend_from_slice(&p[..n]);
                    // After a padded block the state is not the state after the last
                    // real frame: a padded block ends the recording (see `push`).
                    if n == step {
                        stream.h = flat(&o[1])?;
                        stream.c = flat(&o[2])?;
                    }
                }
                Flavour::Streaming => {
                    let mut s = stream.h.clone();
                    s.extend_from_slice(&stream.c);
                    let state = Tensor::from_shape(&[2, 1, STATE], &s)?;
                    let o = self.plan.run(tvec!(input.into(), state.into()))?;
                    out.push(flat(&o[0])?[0]);
                    let s = &flat(&o[1])?;
                    stream.h = s[..STATE].to_vec();
                    stream.c = s[STATE..].to_vec();
                }
            }
            let end = (first + n) * FRAME;
            stream.context.copy_from_slice(&pcm[end - CONTEXT..end]);
        }
        Ok(out)
    }

    /// Speech probability of each 32 ms frame of a whole recording (16 kHz).
    pub fn probabilities(&self, pcm: &[f32]) -> TractResult<Vec<f32>> {
        self.push(&mut Stream::default(), pcm)
    }

    /// An answer's delivery figures with speech where the model puts it: the app's speech
    /// worker and `analyse-audio` both go through here.
    pub fn analyse(&self, pcm: &[f32]) -> TractResult<audio::AudioMetrics> {
        let p = self.probabilities(pcm)?;
        let segments = vad::segments(&p, FRAME_MS, &vad::DEFAULT);
        Ok(audio::analyse_with_segments(pcm, &segments))
    }
}

fn flat(v: &TValue) -> TractResult<Vec<f32>> {
    Ok(v.to_plain_array_view::<f32>()?.iter().copied().collect())
}
