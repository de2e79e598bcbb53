//! Audio metrics from 16 kHz mono PCM: voice activity, pauses, speech rate from syllable
//! nuclei, pitch, loudness and filled pauses. Works without any transcript.

use super::dsp::{band_energies, dbfs, yin};
use serde::{Deserialize, Serialize};

/// Sample rate the analysis expects (the browser capture resamples to it).
pub const RATE: u32 = 16_000;
/// 10 ms analysis hop.
const HOP: usize = 160;
/// Syllables per word used to turn the syllable rate into words per minute: 1.45, within
/// the 1.4-1.5 usual for conversational English (the benchmark passage has about 1.4).
pub const SYLLABLES_PER_WORD: f64 = 1.45;
/// Intensity dip (dB) required on each side of a syllable nucleus. De Jong & Wempe use 2 dB
/// on a smoother contour; 1.5 dB on the 20 ms contour keeps fast speech (200 wpm) within
/// 10% on the espeak-ng benchmark.
const MIN_DIP_DB: f32 = 1.5;
/// Pitch spread (standard deviation, semitones) under which speech is flagged monotone.
pub const MONOTONE_SEMITONES: f64 = 2.0;
/// A pause this long or longer is reported as a long pause.
pub const LONG_PAUSE_MS: f64 = 1500.0;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub start_ms: f64,
    pub duration_ms: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AudioMetrics {
    pub duration_ms: f64,
    /// Time with voice activity, from the first to the last speech.
    pub speaking_ms: f64,
    pub speaking_ratio: f64,
    /// Silent gaps of 250 ms or more between speech, in order.
    pub pauses: Vec<Span>,
    pub pauses_1s: usize,
    pub long_pauses: usize,
    pub longest_pause_ms: f64,
    /// Syllable nuclei (De Jong & Wempe 2009): voiced intensity peaks with dips on both sides.
    pub syllables: usize,
    pub syllables_per_s: f64,
    /// Words per minute estimated from syllables (÷ [`SYLLABLES_PER_WORD`]).
    pub wpm_estimate_speaking: f64,
    pub wpm_estimate_elapsed: f64,
    pub pitch_mean_hz: Option<f64>,
    /// Standard deviation of f0 in semitones.
    pub pitch_spread_st: Option<f64>,
    pub monotone: bool,
    /// Mean level of speech frames (dBFS) and its standard deviation (dB).
    pub loudness_dbfs: Option<f64>,
    pub loudness_spread_db: Option<f64>,
    /// "uhh", "umm": long voiced stretches with flat pitch and a steady spectrum.
    pub filled_pauses: Vec<Span>,
    /// Loudness and pitch every [`CONTOUR_MS`], for the report's charts.
    #[serde(default)]
    pub contour: Vec<ContourPoint>,
    /// Which voice-activity decision the figures rest on (records before it: energy).
    #[serde(default)]
    pub detector: Detector,
    /// Speech-to-noise ratio (dB): the power of the speech frames, less the noise's, over
    /// the noise's (the level where nobody speaks). None without both speech and silence.
    #[serde(default)]
    pub snr_db: Option<f64>,
    /// Why the audio-only pace (`syllables`, `wpm_estimate_*`) should not be shown, when it
    /// should not: the figures are still filled in, for benchmarks.
    #[serde(default)]
    pub pace_withheld: Option<String>,
}

/// Under this speech-to-noise ratio the report says the background was noisy: pace and
/// pauses less reliable (the noise bench's figures hold to 10 dB, babble aside).
pub const NOISY_SNR_DB: f64 = 10.0;

impl AudioMetrics {
    /// Words per minute of speaking from the syllables, unless withheld (noise).
    pub fn audio_pace(&self) -> Option<f64> {
        self.pace_withheld
            .is_none()
            .then_some(self.wpm_estimate_speaking)
    }

    /// The background was loud enough to make pace and pauses less reliable.
    pub fn noisy(&self) -> bool {
        self.snr_db.is_some_and(|s| s < NOISY_SNR_DB)
    }
}

impl Detector {
    pub fn label(self) -> &'static str {
        match self {
            Detector::Energy => "a loudness threshold (the voice-activity model was not loaded)",
            Detector::Silero => "a voice-activity model (Silero VAD, on this device)",
        }
    }
}

/// Under this speech-to-noise ratio the audio-only pace is withheld: on the noise bench
/// (`noise-bench`) it stays within 12% down to 10 dB and drifts past 20% by 5 dB.
pub const MIN_PACE_SNR_DB: f64 = 7.5;
/// Syllable nuclei must rise this far above the noise level: a fan's 8 Hz flutter or
/// babble makes intensity peaks of its own that are not the speaker's syllables.
const NUCLEUS_OVER_NOISE_DB: f32 = 6.0;

/// The voice-activity decision behind speaking time, pauses and syllables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Detector {
    /// An adaptive energy threshold (the fallback when the model is not loaded).
    #[default]
    Energy,
    /// Silero VAD's speech probabilities (`crates/vad`) through [`super::vad::segments`].
    Silero,
}

/// Step of [`AudioMetrics::contour`]: fine enough to show phrases, small enough to store
/// (240 points for a 60 s answer).
pub const CONTOUR_MS: u32 = 250;

/// Loudness and pitch over one [`CONTOUR_MS`] window of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContourPoint {
    /// Window start, ms from the start of the answer's audio.
    pub t_ms: u32,
    /// Mean level of the window's speech frames (dBFS); None when nobody spoke.
    pub level_dbfs: Option<f32>,
    /// Median pitch of the window's voiced frames (Hz); None when unvoiced.
    pub pitch_hz: Option<f32>,
}

/// Per-10-ms frame features.
struct Frames {
    /// dBFS over 25 ms.
    level: Vec<f32>,
    /// Intensity (dB) over 20 ms, for syllable nuclei.
    intensity: Vec<f32>,
}

fn frames(x: &[f32]) -> Frames {
    let n = x.len() / HOP;
    let win = |i: usize, half: usize| {
        let c = i * HOP + HOP / 2;
        &x[c.saturating_sub(half)..(c + half).min(x.len())]
    };
    let level: Vec<f32> = (0..n).map(|i| dbfs(win(i, 200))).collect();
    // A short (20 ms) window: at 200 words per minute syllables are ~150 ms apart, and a
    // longer window smooths away the dips between them.
    let intensity = (0..n).map(|i| dbfs(win(i, 160))).collect();
    Frames { level, intensity }
}

fn percentile(v: &[f32], p: f64) -> f32 {
    if v.is_empty() {
        return -120.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f32::total_cmp);
    s[((s.len() - 1) as f64 * p).round() as usize]
}

/// Voice activity per frame: above an adaptive threshold, with gaps under 200 ms filled
/// and bursts under 60 ms dropped.
fn voice_activity(level: &[f32]) -> Vec<bool> {
    let floor = percentile(level, 0.10);
    let loud = percentile(level, 0.95);
    let thr = (floor + 10.0).max(loud - 35.0).max(-65.0);
    let mut v: Vec<bool> = level.iter().map(|l| *l > thr).collect();
    fill_runs(&mut v, false, 20);
    fill_runs(&mut v, true, 6);
    v
}

/// Flips interior runs of `value` shorter than `max_len` frames.
pub(crate) fn fill_runs(v: &mut [bool], value: bool, max_len: usize) {
    let n = v.len();
    let mut i = 0;
    while i < n {
        if v[i] != value {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && v[i] == value {
            i += 1;
        }
        // Silence gaps are only filled between speech; speech bursts anywhere.
        let interior = start > 0 && i < n;
        if i - start < max_len && (value || interior) {
            v[start..i].iter_mut().for_each(|x| *x = !value);
        }
    }
}

pub(crate) fn runs(v: &[bool], value: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        if v[i] == value {
            let s = i;
            while i < v.len() && v[i] == value {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

fn semitones(hz: f64) -> f64 {
    12.0 * (hz / 100.0).log2()
}

fn mean_sd(v: &[f64]) -> Option<(f64, f64)> {
    if v.is_empty() {
        return None;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64;
    Some((m, var.sqrt()))
}

/// Milliseconds per analysis hop.
pub const HOP_MS: f64 = HOP as f64 * 1000.0 / RATE as f64;

/// The metrics with the energy detector's voice activity.
pub fn analyse(x: &[f32]) -> AudioMetrics {
    let f = frames(x);
    let vad = voice_activity(&f.level);
    analyse_frames(x, f, vad, Detector::Energy)
}

/// The metrics with speech where a voice-activity model put it: `segments` are
/// `(start_ms, end_ms)` from [`super::vad::segments`].
pub fn analyse_with_segments(x: &[f32], segments: &[(f64, f64)]) -> AudioMetrics {
    let f = frames(x);
    let mut vad = super::vad::per_hop(segments, f.level.len(), HOP_MS);
    gate_quiet_stretches(&mut vad, &f.level);
    analyse_frames(x, f, vad, Detector::Silero)
}

/// Inside the model's speech, a long stretch far quieter than the candidate is a pause:
/// people talking nearby (babble) are speech to the model, but they are quieter at the
/// microphone than the candidate in front of it. Levels are smoothed over
/// [`GATE_SMOOTH_HOPS`] so that the dips between syllables never qualify.
fn gate_quiet_stretches(vad: &mut [bool], level: &[f32]) {
    let speech: Vec<f32> = vad
        .iter()
        .zip(level)
        .filter(|(v, _)| **v)
        .map(|(_, l)| *l)
        .collect();
    // At least a second of speech to know the candidate's level.
    if speech.len() < 100 {
        return;
    }
    let thr = percentile(&speech, GATE_REFERENCE) - GATE_BELOW_SPEECH_DB;
    // Mean power over a centred window, in dB.
    let n = level.len();
    let half = GATE_SMOOTH_HOPS / 2;
    let power: Vec<f64> = level
        .iter()
        .map(|l| 10f64.powf(f64::from(*l) / 10.0))
        .collect();
    let mut prefix = vec![0.0f64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + power[i];
    }
    let smooth: Vec<f32> = (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(half), (i + half + 1).min(n));
            (10.0
                * ((prefix[b] - prefix[a]) / (b - a) as f64)
                    .max(1e-12)
                    .log10()) as f32
        })
        .collect();
    let quiet: Vec<bool> = (0..n).map(|i| vad[i] && smooth[i] < thr).collect();
    for (a, b) in runs(&quiet, true) {
        if b - a >= GATE_MIN_HOPS {
            for v in &mut vad[a..b] {
                *v = false;
            }
        }
    }
}

/// How far below the candidate's loud speech (the 90th percentile of the level over the
/// model's speech) a stretch must stay, and for how long (400 ms), to count as a pause.
/// Tuned on `noise-bench` by changing these constants by hand: without the gate babble at
/// 10 dB filled the candidate's pauses; 8 dB below started to eat into clean speech; with
/// 12 dB, babble at 10 dB is +4.6% and 3/3 pauses, every other condition as it was.
const GATE_REFERENCE: f64 = 0.9;
const GATE_BELOW_SPEECH_DB: f32 = 12.0;
const GATE_MIN_HOPS: usize = 40;
/// Hops the gate's level is averaged over (300 ms).
const GATE_SMOOTH_HOPS: usize = 30;

fn analyse_frames(x: &[f32], f: Frames, vad: Vec<bool>, detector: Detector) -> AudioMetrics {
    let ms_per_frame = HOP_MS;
    let duration_ms = x.len() as f64 * 1000.0 / RATE as f64;
    let n = f.level.len();
    let speech = runs(&vad, true);
    let (first, last) = match (speech.first(), speech.last()) {
        (Some(a), Some(b)) => (a.0, b.1),
        _ => (0, 0),
    };
    let speaking_frames: usize = speech.iter().map(|(a, b)| b - a).sum();
    let speaking_ms = speaking_frames as f64 * ms_per_frame;
    let pauses: Vec<Span> = runs(&vad[first..last], false)
        .into_iter()
        .map(|(a, b)| Span {
            start_ms: (first + a) as f64 * ms_per_frame,
            duration_ms: (b - a) as f64 * ms_per_frame,
        })
        .filter(|p| p.duration_ms >= 250.0)
        .collect();

    // Pitch every 20 ms on speech frames (40 ms YIN window, 60-400 Hz).
    let mut f0: Vec<Option<f32>> = vec![None; n];
    for i in (0..n).step_by(2) {
        if !vad[i] {
            continue;
        }
        let c = i * HOP + HOP / 2;
        if c < 320 || c + 320 > x.len() {
            continue;
        }
        f0[i] = yin(&x[c - 320..c + 320], RATE, 60.0, 400.0, 0.15);
        if i + 1 < n {
            f0[i + 1] = f0[i];
        }
    }

    // Speech and noise levels: the noise is the median level where nobody speaks (at
    // least half a second of it), else the quietest 5%.
    let quiet: Vec<f32> = (0..n).filter(|&i| !vad[i]).map(|i| f.level[i]).collect();
    let noise_db = if quiet.len() >= 50 {
        percentile(&quiet, 0.5)
    } else {
        percentile(&f.level, 0.05)
    };
    let speech_power = {
        let p: Vec<f64> = (0..n)
            .filter(|&i| vad[i])
            .map(|i| 10f64.powf(f.level[i] as f64 / 10.0))
            .collect();
        (!p.is_empty()).then(|| p.iter().sum::<f64>() / p.len() as f64)
    };
    let noise_power = 10f64.powf(noise_db as f64 / 10.0);
    // Digital silence (synthetic clips) reads as -120 dBFS: cap the ratio at 60 dB.
    let snr_db = speech_power
        .filter(|_| quiet.len() >= 10)
        .map(|sp| (10.0 * ((sp - noise_power).max(1e-12) / noise_power).log10()).min(60.0));

    // Syllable nuclei: peaks above (99th percentile - 25 dB) and clear of the noise, with
    // a dip of MIN_DIP_DB on both sides, inside speech, kept when voiced.
    let thr = (percentile(&f.intensity, 0.99) - 25.0).max(noise_db + NUCLEUS_OVER_NOISE_DB);
    let peaks: Vec<usize> = (1..n.saturating_sub(1))
        .filter(|&i| {
            vad[i]
                && f.intensity[i] > thr
                && f.intensity[i] >= f.intensity[i - 1]
                && f.intensity[i] > f.intensity[i + 1]
        })
        .collect();
    let mut syllables = 0;
    let mut prev_kept: Option<usize> = None;
    for (k, &p) in peaks.iter().enumerate() {
        let next = peaks.get(k + 1).copied().unwrap_or(n);
        let dip_after = f.intensity[p..next]
            .iter()
            .copied()
            .fold(f32::INFINITY, f32::min);
        let start = prev_kept.unwrap_or(0);
        let dip_before = f.intensity[start..=p]
            .iter()
            .copied()
            .fold(f32::INFINITY, f32::min);
        let dipped = f.intensity[p] - dip_after >= MIN_DIP_DB || next == n;
        let rose = prev_kept.is_none() || f.intensity[p] - dip_before >= MIN_DIP_DB;
        // Voicing at the peak itself, with YIN's looser threshold: a voicing decision, not
        // a pitch estimate.
        let c = p * HOP + HOP / 2;
        let voiced = c >= 320
            && c + 320 <= x.len()
            && yin(&x[c - 320..c + 320], RATE, 60.0, 400.0, 0.35).is_some();
        if dipped && rose && voiced {
            syllables += 1;
            prev_kept = Some(p);
        }
    }
    let syllables_per_s = if speaking_ms > 0.0 {
        syllables as f64 / (speaking_ms / 1000.0)
    } else {
        0.0
    };
    let to_wpm = |ms: f64| {
        if ms > 0.0 {
            syllables as f64 / SYLLABLES_PER_WORD / (ms / 60_000.0)
        } else {
            0.0
        }
    };

    let voiced_hz: Vec<f64> = f0.iter().step_by(2).flatten().map(|h| *h as f64).collect();
    let pitch = mean_sd(&voiced_hz.iter().map(|h| semitones(*h)).collect::<Vec<_>>());
    let loud: Vec<f64> = (0..n)
        .filter(|&i| vad[i])
        .map(|i| f.level[i] as f64)
        .collect();
    let loudness = mean_sd(&loud);

    AudioMetrics {
        duration_ms,
        speaking_ms,
        speaking_ratio: if duration_ms > 0.0 {
            speaking_ms / duration_ms
        } else {
            0.0
        },
        pauses_1s: pauses.iter().filter(|p| p.duration_ms >= 1000.0).count(),
        long_pauses: pauses
            .iter()
            .filter(|p| p.duration_ms >= LONG_PAUSE_MS)
            .count(),
        longest_pause_ms: pauses.iter().map(|p| p.duration_ms).fold(0.0, f64::max),
        pauses,
        syllables,
        syllables_per_s,
        wpm_estimate_speaking: to_wpm(speaking_ms),
        wpm_estimate_elapsed: to_wpm(duration_ms),
        pitch_mean_hz: (!voiced_hz.is_empty())
            .then(|| voiced_hz.iter().sum::<f64>() / voiced_hz.len() as f64),
        pitch_spread_st: pitch.map(|p| p.1),
        monotone: pitch.is_some_and(|p| p.1 < MONOTONE_SEMITONES) && voiced_hz.len() >= 50,
        loudness_dbfs: loudness.map(|l| l.0),
        loudness_spread_db: loudness.map(|l| l.1),
        filled_pauses: filled_pauses(x, &f0),
        contour: contour(&f.level, &vad, &f0),
        detector,
        snr_db,
        pace_withheld: snr_db.filter(|s| *s < MIN_PACE_SNR_DB).map(|s| {
            format!("background noise high (speech {s:.0} dB above it): pace from the audio is not reliable")
        }),
    }
}

fn contour(level: &[f32], vad: &[bool], f0: &[Option<f32>]) -> Vec<ContourPoint> {
    let step = (CONTOUR_MS as usize * RATE as usize / 1000) / HOP;
    (0..level.len())
        .step_by(step)
        .map(|a| {
            let b = (a + step).min(level.len());
            let speech: Vec<f32> = (a..b).filter(|&i| vad[i]).map(|i| level[i]).collect();
            let mut hz: Vec<f32> = f0[a..b].iter().step_by(2).flatten().copied().collect();
            hz.sort_by(f32::total_cmp);
            ContourPoint {
                t_ms: (a * HOP * 1000 / RATE as usize) as u32,
                level_dbfs: (!speech.is_empty())
                    .then(|| speech.iter().sum::<f32>() / speech.len() as f32),
                pitch_hz: hz.get(hz.len() / 2).copied(),
            }
        })
        .collect()
}

/// Stretches of at least 400 ms where every 20 ms frame is voiced, pitch stays within one
/// semitone of the stretch's mean, and the spectrum (8 bands) moves less than 2.5 dB a frame.
fn filled_pauses(x: &[f32], f0: &[Option<f32>]) -> Vec<Span> {
    const MIN_FRAMES: usize = 20; // 20 x 20 ms
    let ms = |i: usize| i as f64 * HOP as f64 * 1000.0 / RATE as f64;
    let idx: Vec<usize> = (0..f0.len()).step_by(2).collect();
    let spectrum = |i: usize| {
        let c = i * HOP + HOP / 2;
        (c >= 256 && c + 256 <= x.len()).then(|| {
            // Bands far below the loudest carry only noise: floor them at -30 dB from it.
            let mut b = band_energies(&x[c - 256..c + 256], 8);
            let top = b.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            b.iter_mut().for_each(|v| *v = v.max(top - 30.0));
            b
        })
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < idx.len() {
        let mut end = k;
        let mut prev_spec: Option<Vec<f32>> = None;
        let mut st: Vec<f64> = Vec::new();
        while end < idx.len() {
            let Some(hz) = f0[idx[end]] else { break };
            let s = semitones(hz as f64);
            let mean = (st.iter().sum::<f64>() + s) / (st.len() + 1) as f64;
            if st.iter().chain([s].iter()).any(|v| (v - mean).abs() > 1.0) {
                break;
            }
            let Some(spec) = spectrum(idx[end]) else {
                break;
            };
            if let Some(p) = &prev_spec {
                let flux = p.iter().zip(&spec).map(|(a, b)| (a - b).abs()).sum::<f32>()
                    / spec.len() as f32;
                if flux > 2.5 {
                    break;
                }
            }
            prev_spec = Some(spec);
            st.push(s);
            end += 1;
        }
        if end - k >= MIN_FRAMES {
            out.push(Span {
                start_ms: ms(idx[k]),
                duration_ms: ms(idx[end - 1] - idx[k] + 2),
            });
            k = end;
        } else {
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vowel-like sound: harmonics of f0 with a slow amplitude envelope per "syllable".
    fn voiced(ms: f64, f0: f32, syllables: usize, vibrato: f32) -> Vec<f32> {
        let n = (ms / 1000.0 * RATE as f64) as usize;
        let mut phase = 0.0f32;
        (0..n)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                let f = f0 * (1.0 + vibrato * (2.0 * std::f32::consts::PI * 1.5 * t).sin());
                phase += 2.0 * std::f32::consts::PI * f / RATE as f32;
                let env = if syllables == 0 {
                    1.0
                } else {
                    let p = (i as f32 / n as f32) * syllables as f32;
                    (std::f32::consts::PI * p.fract()).sin().powi(2)
                };
                let s: f32 = (1..6).map(|h| (phase * h as f32).sin() / h as f32).sum();
                0.3 * env * s
            })
            .collect()
    }

    fn silence(ms: f64) -> Vec<f32> {
        vec![0.0; (ms / 1000.0 * RATE as f64) as usize]
    }

    #[test]
    fn pauses_are_found_and_timed() {
        let mut x = voiced(1000.0, 140.0, 5, 0.1);
        x.extend(silence(1200.0));
        x.extend(voiced(800.0, 140.0, 4, 0.1));
        x.extend(silence(1600.0));
        x.extend(voiced(800.0, 140.0, 4, 0.1));
        x.extend(silence(400.0));
        x.extend(voiced(600.0, 140.0, 3, 0.1));
        let m = analyse(&x);
        assert_eq!(m.pauses_1s, 2, "{:?}", m.pauses);
        assert_eq!(m.long_pauses, 1);
        assert!(
            (m.longest_pause_ms - 1600.0).abs() < 120.0,
            "{}",
            m.longest_pause_ms
        );
        assert!((m.pauses[0].start_ms - 1000.0).abs() < 120.0);
        assert!((m.speaking_ms - 3200.0).abs() < 300.0, "{}", m.speaking_ms);
    }

    #[test]
    fn syllables_are_counted_from_intensity_peaks() {
        let mut x = voiced(2000.0, 130.0, 8, 0.05);
        x.extend(silence(500.0));
        x.extend(voiced(1000.0, 130.0, 4, 0.05));
        let m = analyse(&x);
        assert!(
            (11..=13).contains(&m.syllables),
            "{} syllables",
            m.syllables
        );
        // Unvoiced noise bursts are not syllables.
        let mut rng = crate::questions::Rng::new(5);
        let noise: Vec<f32> = (0..32_000u32)
            .map(|i| {
                let r = (rng.next_u64() % 65536) as f32 / 65536.0 - 0.5;
                r * 0.4 * ((i as f32 / 4000.0 * std::f32::consts::PI).sin().powi(2))
            })
            .collect();
        assert!(analyse(&noise).syllables <= 1);
    }

    #[test]
    fn pitch_and_monotone() {
        let flat = analyse(&voiced(3000.0, 120.0, 10, 0.0));
        assert!((flat.pitch_mean_hz.unwrap() - 120.0).abs() < 3.0);
        assert!(flat.monotone);
        let lively = analyse(&voiced(3000.0, 160.0, 10, 0.35));
        assert!(!lively.monotone, "spread {:?}", lively.pitch_spread_st);
        assert!(lively.loudness_dbfs.unwrap() < 0.0);
    }

    #[test]
    fn filled_pause_is_a_long_steady_vowel() {
        let mut x = voiced(1000.0, 140.0, 5, 0.15);
        x.extend(silence(300.0));
        x.extend(voiced(700.0, 110.0, 0, 0.0)); // "uhhh"
        x.extend(silence(300.0));
        x.extend(voiced(1000.0, 140.0, 5, 0.15));
        let m = analyse(&x);
        assert_eq!(m.filled_pauses.len(), 1, "{:?}", m.filled_pauses);
        assert!((m.filled_pauses[0].start_ms - 1300.0).abs() < 150.0);
        assert!(m.filled_pauses[0].duration_ms >= 400.0);
    }

    #[test]
    fn contour_follows_level_and_pitch() {
        let mut x = voiced(1000.0, 120.0, 0, 0.0);
        x.extend(silence(1000.0));
        x.extend(voiced(1000.0, 200.0, 0, 0.0).iter().map(|v| v * 0.25));
        let m = analyse(&x);
        assert_eq!(m.contour.len(), 12);
        assert_eq!(m.contour[1].t_ms, 250);
        let at = |ms: u32| m.contour.iter().find(|p| p.t_ms == ms).unwrap();
        assert!((at(500).pitch_hz.unwrap() - 120.0).abs() < 3.0);
        assert!((at(2500).pitch_hz.unwrap() - 200.0).abs() < 5.0);
        assert_eq!(at(1500).level_dbfs, None);
        assert_eq!(at(1500).pitch_hz, None);
        // A quarter of the amplitude is 12 dB quieter.
        let drop = at(500).level_dbfs.unwrap() - at(2500).level_dbfs.unwrap();
        assert!((drop - 12.0).abs() < 1.0, "{drop}");
    }

    #[test]
    fn silence_has_no_speech() {
        let m = analyse(&silence(2000.0));
        assert_eq!(m.speaking_ms, 0.0);
        assert_eq!(m.syllables, 0);
        assert!(m.pauses.is_empty());
        assert_eq!(m.pitch_mean_hz, None);
        assert!(!m.monotone);
    }
}
