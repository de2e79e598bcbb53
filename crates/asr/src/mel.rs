//! Whisper's log-mel front end: 80 mel bins of 25 ms windows every 10 ms, computed as
//! `whisper.audio.log_mel_spectrogram` does (periodic Hann window, centred STFT with
//! reflect padding, power spectrum without its last frame, Slaney mel filters, log10 with
//! a 1e-10 floor, everything within 8 units of the maximum, then (x + 4) / 4).

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

pub const SAMPLE_RATE: usize = 16_000;
pub const N_FFT: usize = 400;
pub const HOP: usize = 160;
pub const N_MELS: usize = 80;
/// Frequency bins of one window (N_FFT / 2 + 1).
pub const N_BINS: usize = N_FFT / 2 + 1;
/// One window of the model: 30 s.
pub const CHUNK_SAMPLES: usize = 30 * SAMPLE_RATE;
/// Mel frames in a window (the encoder's input length).
pub const N_FRAMES: usize = CHUNK_SAMPLES / HOP;

/// Slaney-style mel scale (librosa's default, `htk=False`): linear below 1 kHz, then
/// logarithmic.
fn hz_to_mel(f: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if f >= min_log_hz {
        min_log_mel + (f / min_log_hz).ln() / logstep
    } else {
        f / f_sp
    }
}

fn mel_to_hz(m: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if m >= min_log_mel {
        min_log_hz * (logstep * (m - min_log_mel)).exp()
    } else {
        f_sp * m
    }
}

/// The mel filter bank, `[N_MELS][N_BINS]` row-major: what `librosa.filters.mel(sr=16000,
/// n_fft=400, n_mels=80)` gives and Whisper ships as `mel_filters.npz` (triangles between
/// mel-spaced points, each normalised to unit area, "slaney").
pub fn mel_filters() -> Vec<f32> {
    let fmax = SAMPLE_RATE as f64 / 2.0;
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(fmax));
    let points: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (N_MELS + 1) as f64))
        .collect();
    let freqs: Vec<f64> = (0..N_BINS)
        .map(|k| fmax * k as f64 / (N_BINS - 1) as f64)
        .collect();
    let mut w = vec![0f32; N_MELS * N_BINS];
    for m in 0..N_MELS {
        let (left, centre, right) = (points[m], points[m + 1], points[m + 2]);
        let norm = 2.0 / (right - left);
        for (k, f) in freqs.iter().enumerate() {
            let lower = (f - left) / (centre - left);
            let upper = (right - f) / (right - centre);
            w[m * N_BINS + k] = (lower.min(upper).max(0.0) * norm) as f32;
        }
    }
    w
}

/// Computes log-mel spectrograms; holds the FFT plan, the window and the filters.
pub struct LogMel {
    fft: Arc<dyn Fft<f32>>,
    window: Vec<f32>,
    filters: Vec<f32>,
}

impl Default for LogMel {
    fn default() -> Self {
        Self::new()
    }
}

impl LogMel {
    pub fn new() -> LogMel {
        let window = (0..N_FFT)
            .map(|n| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64).cos()) as f32
            })
            .collect();
        LogMel {
            fft: FftPlanner::new().plan_fft_forward(N_FFT),
            window,
            filters: mel_filters(),
        }
    }

    /// The log-mel of a whole answer as `whisper.transcribe` makes it: the audio followed
    /// by 30 s of zeros (which sets the level the range is clamped to, over the whole
    /// answer). Windows are cut from it with [`segment`].
    pub fn answer(&self, audio: &[f32]) -> Mel {
        let mut padded = vec![0f32; audio.len() + CHUNK_SAMPLES];
        padded[..audio.len()].copy_from_slice(audio);
        let data = self.compute(&padded);
        Mel {
            frames: data.len() / N_MELS,
            content: audio.len() / HOP,
            data,
        }
    }

    /// The model's input for up to 30 s of audio alone: [`answer`] then [`segment`].
    pub fn window(&self, audio: &[f32]) -> Vec<f32> {
        let n = audio.len().min(CHUNK_SAMPLES);
        let m = self.answer(&audio[..n]);
        m.segment(0, m.content)
    }

    /// Log-mel of any length of audio: `[N_MELS][len / HOP]` row-major.
    pub fn compute(&self, audio: &[f32]) -> Vec<f32> {
        let frames = audio.len() / HOP;
        let half = N_FFT / 2;
        // Centred frames: the signal reflected (without repeating the edge) at both ends.
        let at = |i: isize| -> f32 {
            let len = audio.len() as isize;
            if len == 0 {
                return 0.0;
            }
            let mut j = i;
            if j < 0 {
                j = -j;
            }
            if j >= len {
                j = 2 * (len - 1) - j;
            }
            audio
                .get(j.clamp(0, len - 1) as usize)
                .copied()
                .unwrap_or(0.0)
        };
        let mut power = vec![0f32; frames * N_BINS];
        let mut buf = vec![Complex::new(0f32, 0f32); N_FFT];
        let mut scratch = vec![Complex::new(0f32, 0f32); self.fft.get_inplace_scratch_len()];
        for t in 0..frames {
            let start = (t * HOP) as isize - half as isize;
            for (n, b) in buf.iter_mut().enumerate() {
                *b = Complex::new(at(start + n as isize) * self.window[n], 0.0);
            }
            self.fft.process_with_scratch(&mut buf, &mut scratch);
            for k in 0..N_BINS {
                power[t * N_BINS + k] = buf[k].norm_sqr();
            }
        }
        let mut mel = vec![0f32; N_MELS * frames];
        for m in 0..N_MELS {
            let f = &self.filters[m * N_BINS..(m + 1) * N_BINS];
            for t in 0..frames {
                let p = &power[t * N_BINS..(t + 1) * N_BINS];
                let s: f32 = f.iter().zip(p).map(|(a, b)| a * b).sum();
                mel[m * frames + t] = s.max(1e-10).log10();
            }
        }
        let max = mel.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for v in &mut mel {
            *v = ((*v).max(max - 8.0) + 4.0) / 4.0;
        }
        mel
    }
}

/// A log-mel spectrogram, `[N_MELS][frames]` row-major.
pub struct Mel {
    pub data: Vec<f32>,
    pub frames: usize,
    /// Frames of the audio itself (the rest is the padding).
    pub content: usize,
}

impl Mel {
    /// The encoder's input for frames `from..from + len` (at most 30 s): those frames,
    /// then zeros (`whisper.transcribe` pads the mel segment with zeros, not the audio).
    pub fn segment(&self, from: usize, len: usize) -> Vec<f32> {
        let len = len.min(N_FRAMES).min(self.frames.saturating_sub(from));
        let mut out = vec![0f32; N_MELS * N_FRAMES];
        for m in 0..N_MELS {
            let src = m * self.frames + from;
            out[m * N_FRAMES..m * N_FRAMES + len].copy_from_slice(&self.data[src..src + len]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_scale_round_trips_and_bends_at_1khz() {
        for f in [0.0, 300.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(f)) - f).abs() < 1e-6, "{f}");
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-9);
    }

    #[test]
    fn filters_are_unit_area_triangles() {
        let w = mel_filters();
        for m in 0..N_MELS {
            let row = &w[m * N_BINS..(m + 1) * N_BINS];
            assert!(row.iter().all(|v| *v >= 0.0));
            assert!(row.iter().any(|v| *v > 0.0), "filter {m} is empty");
        }
    }

    #[test]
    fn a_tone_lands_in_the_right_band_and_the_range_is_clamped() {
        let f = 1000.0;
        let audio: Vec<f32> = (0..SAMPLE_RATE)
            .map(|i| (2.0 * std::f32::consts::PI * f * i as f32 / SAMPLE_RATE as f32).sin() * 0.5)
            .collect();
        let lm = LogMel::new();
        let mel = lm.compute(&audio);
        let frames = audio.len() / HOP;
        assert_eq!(mel.len(), N_MELS * frames);
        let t = frames / 2;
        let peak = (0..N_MELS)
            .max_by(|a, b| mel[a * frames + t].total_cmp(&mel[b * frames + t]))
            .unwrap();
        // 1 kHz is mel 15: the band whose centre is nearest.
        let centres: Vec<f64> = (1..=N_MELS)
            .map(|i| mel_to_hz(hz_to_mel(8000.0) * i as f64 / (N_MELS + 1) as f64))
            .collect();
        let nearest = (0..N_MELS)
            .min_by(|a, b| {
                (centres[*a] - f as f64)
                    .abs()
                    .total_cmp(&(centres[*b] - f as f64).abs())
            })
            .unwrap();
        assert!(
            peak.abs_diff(nearest) <= 1,
            "peak band {peak}, expected {nearest}"
        );
        let (lo, hi) = mel
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        assert!(
            hi - lo <= 2.0 + 1e-6,
            "range {lo}..{hi} is more than 8 log10 units / 4"
        );
        assert_eq!(lm.window(&audio).len(), N_MELS * N_FRAMES);
    }
}
