//! Microphone level from a Web Audio analyser, for the meter in Setup and the interview.

use web_sys::{AnalyserNode, AudioContext, MediaStream};

pub struct LevelMeter {
    ctx: AudioContext,
    analyser: AnalyserNode,
    buf: Vec<f32>,
}

impl LevelMeter {
    pub fn new(stream: &MediaStream) -> Result<LevelMeter, String> {
        let ctx = AudioContext::new().map_err(|e| format!("{e:?}"))?;
        let src = ctx
            .create_media_stream_source(stream)
            .map_err(|e| format!("{e:?}"))?;
        let analyser = ctx.create_analyser().map_err(|e| format!("{e:?}"))?;
        analyser.set_fft_size(1024);
        src.connect_with_audio_node(&analyser)
            .map_err(|e| format!("{e:?}"))?;
        let n = analyser.fft_size() as usize;
        Ok(LevelMeter {
            ctx,
            analyser,
            buf: vec![0.0; n],
        })
    }

    /// Level 0..1 on a dB scale: -60 dBFS and below is 0, 0 dBFS is 1.
    pub fn level(&mut self) -> f64 {
        // Autoplay rules may start the context suspended until a gesture.
        let _ = self.ctx.resume();
        self.analyser.get_float_time_domain_data(&mut self.buf);
        let rms = (self
            .buf
            .iter()
            .map(|x| (*x as f64) * (*x as f64))
            .sum::<f64>()
            / self.buf.len() as f64)
            .sqrt();
        let db = 20.0 * rms.max(1e-9).log10();
        ((db + 60.0) / 60.0).clamp(0.0, 1.0)
    }

    pub fn close(&self) {
        let _ = self.ctx.close();
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        self.close();
    }
}
