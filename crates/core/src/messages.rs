//! Messages between the page and its Web Workers: one enum per worker and direction,
//! passed as structured-clone values (serde-wasm-bindgen, see `crates/worker-link`), with
//! large data (camera frames, audio, model files) beside the message as transferables,
//! never inside it. Adding a message is one variant here and one arm in the worker.
//!
//! On the wire a message is `{msg: <the enum, tagged by "type">, data: [transferables]}`;
//! the benchmark pages (`bench/pages/*.mjs`) build the same shape in JavaScript.

use crate::face::focus::Calibration;
use crate::face::observation::FrameResult;
use crate::speech::audio::AudioMetrics;
use serde::{Deserialize, Serialize};

/// Page -> inference worker (`crates/vision-worker`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisionIn {
    /// A camera frame, its ImageBitmap beside the message (transferred), shown at `t_ms`
    /// on the recording.
    Frame { t_ms: f64 },
    /// The eye-focus calibration to use (None: the default layout).
    Calibration { calibration: Option<Calibration> },
    /// Forget the tracked face and the focus smoothing (a new session).
    Reset,
}

/// Inference worker -> page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisionOut {
    /// Model bytes fetched so far (the worker loads its models as soon as it starts:
    /// messages sent before its wasm runs would be lost).
    Progress { loaded: f64, total: f64 },
    /// Models loaded and optimised in `ms`.
    Ready { ms: f64 },
    /// The models could not be loaded.
    Failed { message: String },
    /// The analysis of one frame.
    Frame { result: FrameResult },
    /// A frame could not be analysed (the worker takes the next one).
    FrameError { message: String },
}

/// Page -> inference worker, benchmarks only: the worker answers these when built with
/// its `bench` feature (`scripts/bench.sh`), else with [`BenchOut::Error`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BenchIn {
    /// How often the expression runs and whether both irises run on every frame.
    Rates {
        emotion_every_ms: Option<f64>,
        both_irises: bool,
    },
    /// Times `model` (a name in `models::MODELS`) `runs` times after 10 warm-up runs on
    /// the Float32Array beside the message; a second item beside it, ONNX bytes of a
    /// variant of that model, is timed instead. `knobs`: tract knobs "NAME=value,...".
    Time {
        model: String,
        runs: u32,
        #[serde(default)]
        knobs: String,
    },
    /// Mean ms per node of the ONNX bytes beside the input, over `runs` runs.
    Profile {
        model: String,
        runs: u32,
        #[serde(default)]
        knobs: String,
    },
}

/// Inference worker -> page, benchmarks only.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BenchOut {
    /// ms per run; the model's outputs (Float32Arrays) beside the message.
    Times {
        model: String,
        times: Vec<f64>,
    },
    /// Per node of the optimised graph, and per operator kind `(op, ms, nodes)`.
    Profile {
        model: String,
        nodes: Vec<NodeTime>,
        kinds: Vec<(String, f64, usize)>,
    },
    Error {
        message: String,
    },
}

/// Mean time per run spent in one node of an optimised graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeTime {
    pub node: String,
    pub op: String,
    pub ms: f64,
}

/// Per-node times summed by operator kind, largest first: (op, ms per run, nodes).
pub fn by_op(times: &[NodeTime]) -> Vec<(String, f64, usize)> {
    let mut kinds: Vec<(String, f64, usize)> = Vec::new();
    for t in times {
        match kinds.iter_mut().find(|k| k.0 == t.op) {
            Some(k) => {
                k.1 += t.ms;
                k.2 += 1;
            }
            None => kinds.push((t.op.clone(), t.ms, 1)),
        }
    }
    kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
    kinds
}

/// Page -> speech worker (`crates/speech-worker`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpeechIn {
    /// Delivery figures of 16 kHz mono PCM (a Float32Array beside the message). `id`
    /// pairs the answer with its request. `quick`: the energy detector only (the live
    /// meter's blocks); otherwise the voice-activity model decides where it is loaded.
    Analyse {
        id: u32,
        #[serde(default)]
        quick: bool,
    },
}

/// Speech worker -> page.
#[allow(
    clippy::large_enum_variant,
    reason = "one message per answer, serialised at once: its size on the stack does not matter"
)]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpeechOut {
    Metrics { id: u32, metrics: AudioMetrics },
    Failed { id: u32, message: String },
}

impl SpeechOut {
    pub fn id(&self) -> u32 {
        match self {
            SpeechOut::Metrics { id, .. } | SpeechOut::Failed { id, .. } => *id,
        }
    }
}

/// Page -> speech recognition worker (`crates/asr-worker`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AsrIn {
    /// Fetch the model (the table's `asr` rows) and load it: `Progress`, then `Ready` or
    /// `Failed`. The worker loads nothing until asked: the model is downloaded only when
    /// the user turns on-device transcription on.
    Load,
    /// Transcribe 16 kHz mono PCM (a Float32Array beside the message) that starts at
    /// `offset_ms` on the recording; `prompt`: text to condition on (e.g. the question).
    Transcribe {
        id: u32,
        offset_ms: f64,
        #[serde(default)]
        prompt: Option<String>,
    },
}

/// Speech recognition worker -> page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AsrOut {
    /// Model bytes fetched so far.
    Progress {
        loaded: f64,
        total: f64,
    },
    Ready {
        ms: f64,
    },
    /// The model could not be fetched or loaded.
    Failed {
        message: String,
    },
    /// Share (0..1) of request `id`'s audio transcribed so far.
    Working {
        id: u32,
        done: f64,
    },
    Transcript {
        id: u32,
        text: String,
        /// On the recording's time line.
        words: Vec<crate::record::TimedWord>,
        /// Milliseconds of audio, and of computing.
        audio_ms: f64,
        compute_ms: f64,
    },
    Error {
        id: u32,
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_by_type() {
        let v = serde_json::to_value(VisionIn::Frame { t_ms: 12.5 }).unwrap();
        assert_eq!(v, serde_json::json!({"type": "frame", "t_ms": 12.5}));
        let v = serde_json::to_value(BenchIn::Time {
            model: "mesh".into(),
            runs: 5,
            knobs: String::new(),
        })
        .unwrap();
        assert_eq!(v["type"], "time");
        // What the benchmark pages send, without the optional knobs.
        let b: BenchIn = serde_json::from_value(
            serde_json::json!({"type": "profile", "model": "iris", "runs": 3}),
        )
        .unwrap();
        assert_eq!(
            b,
            BenchIn::Profile {
                model: "iris".into(),
                runs: 3,
                knobs: String::new()
            }
        );
        let s: SpeechOut = serde_json::from_value(
            serde_json::json!({"type": "failed", "id": 7, "message": "no pcm"}),
        )
        .unwrap();
        assert_eq!(s.id(), 7);
    }

    #[test]
    fn by_op_sums_per_kind_largest_first() {
        let t = |op: &str, ms| NodeTime {
            node: String::new(),
            op: op.into(),
            ms,
        };
        let k = by_op(&[t("Conv", 1.0), t("Relu", 0.5), t("Conv", 2.0)]);
        assert_eq!(k, vec![("Conv".into(), 3.0, 2), ("Relu".into(), 0.5, 1)]);
    }
}
