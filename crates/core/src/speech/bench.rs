//! The noise and distance bench: an espeak-ng clip with known words and inserted
//! silences ([`super::clips`]), the same clip under each noise of [`super::noise`] at
//! 20, 10 and 5 dB SNR, with reverberation, and from a distant microphone; scored against
//! truths taken from the clean clip. Shared by `speech-bench --noise`, the tests, and the
//! Silero VAD's bench in `crates/vad` (which passes its own detector).

use super::audio::{self, AudioMetrics, HOP_MS};
use super::{clips, dsp::dbfs, noise};

/// What the clean clip says: speech per 10 ms hop, and its pauses of 1 s and more.
pub struct Truth {
    pub speech: Vec<bool>,
    pub speaking_ms: f64,
    /// `(start_ms, end_ms)` of each silence of 1 s or more between speech.
    pub pauses_1s: Vec<(f64, f64)>,
    pub words: usize,
    pub duration_ms: f64,
}

/// Speech is wherever the clean synthetic signal is above -55 dBFS (espeak-ng's silences
/// are digital zeros, its quietest consonants around -50), with the same gap closing
/// (200 ms) and burst dropping (60 ms) as the detectors.
pub fn truth(clean: &[f32], words: usize) -> Truth {
    let hop = (HOP_MS * 16.0) as usize;
    let n = clean.len() / hop;
    let mut speech: Vec<bool> = (0..n)
        .map(|i| {
            let c = i * hop + hop / 2;
            dbfs(&clean[c.saturating_sub(200)..(c + 200).min(clean.len())]) > -55.0
        })
        .collect();
    audio::fill_runs(&mut speech, false, 20);
    audio::fill_runs(&mut speech, true, 6);
    let speaking_ms = speech.iter().filter(|s| **s).count() as f64 * HOP_MS;
    let first = speech.iter().position(|s| *s).unwrap_or(0);
    let last = speech.iter().rposition(|s| *s).map_or(0, |i| i + 1);
    let pauses_1s = audio::runs(&speech[first..last], false)
        .into_iter()
        .map(|(a, b)| ((first + a) as f64 * HOP_MS, (first + b) as f64 * HOP_MS))
        .filter(|(a, b)| b - a >= 1000.0)
        .collect();
    Truth {
        speech,
        speaking_ms,
        pauses_1s,
        words,
        duration_ms: clean.len() as f64 / 16.0,
    }
}

/// One way the clip was heard.
pub struct Condition {
    pub name: String,
    pub snr_db: Option<f64>,
    pub samples: Vec<f32>,
}

/// Noises mixed at each SNR, plus room conditions; `babble` is optional because it needs
/// espeak-ng voices (it is made once by the caller with [`clips::babble`]).
pub fn conditions(clean: &[f32], truth: &Truth, babble: Option<&[f32]>) -> Vec<Condition> {
    let n = clean.len();
    let mut noises: Vec<(&str, Vec<f32>)> = vec![
        ("white", noise::white(n, 11)),
        ("pink", noise::pink(n, 12)),
        ("brown", noise::brown(n, 13)),
        ("fan", noise::fan(n, 14)),
        ("keyboard", noise::keyboard(n, 15)),
    ];
    if let Some(b) = babble {
        noises.push(("babble", b.to_vec()));
    }
    let mut out = vec![Condition {
        name: "clean".into(),
        snr_db: None,
        samples: clean.to_vec(),
    }];
    for snr in [20.0, 10.0, 5.0] {
        for (name, z) in &noises {
            out.push(Condition {
                name: format!("{name} {snr} dB"),
                snr_db: Some(snr),
                samples: noise::mix(clean, &truth.speech, z, snr),
            });
        }
    }
    // A living room (0.5 s reverberation time), alone and with pink noise at 10 dB.
    let wet = noise::convolve(clean, &noise::room_impulse(0.5, 21));
    out.push(Condition {
        name: "reverb 0.5 s".into(),
        snr_db: None,
        samples: wet.clone(),
    });
    out.push(Condition {
        name: "reverb + pink 10 dB".into(),
        snr_db: Some(10.0),
        samples: noise::mix(&wet, &truth.speech, &noise::pink(n, 22), 10.0),
    });
    // A laptop half a metre to a metre away: 20 dB quieter, more reverberant (0.7 s), over
    // the microphone's own hiss (white noise at -70 dBFS) and a quiet fan at -60 dBFS.
    let far: Vec<f32> = noise::convolve(clean, &noise::room_impulse(0.7, 23))
        .iter()
        .map(|v| v * 0.1)
        .collect();
    let hiss = noise::white(n, 24);
    let fan = noise::fan(n, 25);
    let (g_hiss, g_fan) = (
        10f32.powf(-70.0 / 20.0) * 3f32.sqrt(),
        10f32.powf(-60.0 / 20.0),
    );
    let far: Vec<f32> = (0..n)
        .map(|i| far[i] + g_hiss * hiss[i] + g_fan * fan[i])
        .collect();
    out.push(Condition {
        name: "distant (-20 dB, reverb 0.7 s)".into(),
        snr_db: None,
        samples: far,
    });
    out
}

/// One detector's figures on one condition, against the truth.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// (found - true) / true speaking time, in %.
    pub speaking_err_pct: f64,
    pub pauses_found: usize,
    pub pauses_true: usize,
    /// Every true pause of 1 s or more matched by exactly one found (overlapping), and no
    /// other found.
    pub pauses_exact: bool,
    /// The largest start or end error of a matched pause (ms).
    pub pause_worst_ms: f64,
    /// Pauses of 1 s or more found where the clean clip has continuous speech.
    pub pauses_invented: usize,
    /// Audio-only pace over elapsed time against words / duration, in %.
    pub pace_err_pct: f64,
    /// Why the analysis withheld its pace, if it did.
    pub pace_withheld: Option<String>,
    pub snr_db: Option<f64>,
    pub filled_pauses: usize,
}

pub fn score(m: &AudioMetrics, t: &Truth) -> Score {
    let found: Vec<(f64, f64)> = m
        .pauses
        .iter()
        .filter(|p| p.duration_ms >= 1000.0)
        .map(|p| (p.start_ms, p.start_ms + p.duration_ms))
        .collect();
    let overlaps = |a: &(f64, f64), b: &(f64, f64)| a.0 < b.1 && b.0 < a.1;
    let mut worst: f64 = 0.0;
    let mut matched_all = true;
    for tp in &t.pauses_1s {
        let hits: Vec<&(f64, f64)> = found.iter().filter(|f| overlaps(f, tp)).collect();
        if hits.len() != 1 {
            matched_all = false;
        }
        for h in hits {
            worst = worst.max((h.0 - tp.0).abs()).max((h.1 - tp.1).abs());
        }
    }
    let invented = found
        .iter()
        .filter(|f| !t.pauses_1s.iter().any(|tp| overlaps(f, tp)))
        .count();
    let truth_wpm = t.words as f64 / (t.duration_ms / 60_000.0);
    Score {
        speaking_err_pct: (m.speaking_ms - t.speaking_ms) / t.speaking_ms * 100.0,
        pauses_found: found.len(),
        pauses_true: t.pauses_1s.len(),
        pauses_exact: matched_all && invented == 0 && found.len() == t.pauses_1s.len(),
        pause_worst_ms: worst,
        pauses_invented: invented,
        pace_err_pct: (m.wpm_estimate_elapsed - truth_wpm) / truth_wpm * 100.0,
        pace_withheld: m.pace_withheld.clone(),
        snr_db: m.snr_db,
        filled_pauses: m.filled_pauses.len(),
    }
}

/// The table's header and one row per condition and detector.
pub fn header() -> String {
    format!(
        "{:<32} {:<7} {:>8} {:>9} {:>8} {:>8} {:>8} {:>9} {:>7}",
        "condition",
        "vad",
        "speak %",
        "pauses",
        "worst ms",
        "invented",
        "pace %",
        "est. SNR",
        "fillers"
    )
}

pub fn row(condition: &str, detector: &str, s: &Score) -> String {
    let pace = match &s.pace_withheld {
        Some(_) => format!("({:+.1})w", s.pace_err_pct),
        None => format!("{:+.1}", s.pace_err_pct),
    };
    format!(
        "{:<32} {:<7} {:>+8.1} {:>5}/{:<3} {:>8.0} {:>8} {:>8} {:>9} {:>7}",
        condition,
        detector,
        s.speaking_err_pct,
        s.pauses_found,
        s.pauses_true,
        s.pause_worst_ms,
        s.pauses_invented,
        pace,
        s.snr_db.map_or("-".into(), |v| format!("{v:.1}")),
        s.filled_pauses
    )
}

/// The line above a bench's table: the clip and its truth.
pub fn describe(clip: &clips::Clip, t: &Truth) -> String {
    format!(
        "espeak-ng en-us {} wpm, {:.1} s, {} words; true speaking {:.0} ms, pauses >= 1 s: {:?}",
        clip.rate_wpm,
        clip.duration_ms() / 1000.0,
        clip.words,
        t.speaking_ms,
        t.pauses_1s
    )
}

/// [`verdict`] as printed lines: "[met] ..." or "[NOT met] ...".
pub fn verdict_lines(results: &[Result_]) -> Vec<String> {
    verdict(results)
        .into_iter()
        .map(|(line, met)| format!("[{}] {line}", if met { "met" } else { "NOT met" }))
        .collect()
}

/// The clean clip at `rate_wpm`, its truth and the babble to mix (espeak-ng).
pub fn setup(rate_wpm: u32) -> Result<(clips::Clip, Truth, Vec<f32>), String> {
    let clip = clips::espeak(rate_wpm)?;
    let t = truth(&clip.samples, clip.words);
    let babble = clips::babble(clip.samples.len())?;
    Ok((clip, t, babble))
}

/// One condition's result under one detector.
pub struct Result_ {
    pub condition: String,
    pub snr_db: Option<f64>,
    pub score: Score,
}

/// The bars, checked over a detector's results: each line says what was asked,
/// whether it was met, and the worst case.
pub fn verdict(results: &[Result_]) -> Vec<(String, bool)> {
    let at = |snr: f64| results.iter().filter(move |r| r.snr_db == Some(snr));
    let worst = |it: &mut dyn Iterator<Item = &Result_>, f: &dyn Fn(&Score) -> f64| {
        it.map(|r| (f(&r.score), r.condition.clone()))
            .fold(
                (0.0f64, String::new()),
                |a, b| if b.0 > a.0 { b } else { a },
            )
    };
    let mut out = Vec::new();
    let (v, c) = worst(&mut at(10.0), &|s| s.speaking_err_pct.abs());
    out.push((
        format!("10 dB: speaking time within 5% (worst {v:.1}%, {c})"),
        v <= 5.0,
    ));
    let bad: Vec<String> = at(10.0)
        .filter(|r| !r.score.pauses_exact)
        .map(|r| r.condition.clone())
        .collect();
    out.push((
        format!("10 dB: pauses >= 1 s counted exactly (missed in: {bad:?})"),
        bad.is_empty(),
    ));
    let (v, c) = worst(&mut at(10.0), &|s| s.pause_worst_ms);
    out.push((
        format!("10 dB: pauses located within 150 ms (worst {v:.0} ms, {c})"),
        v <= 150.0,
    ));
    let (v, c) = worst(&mut at(10.0), &|s| {
        if s.pace_withheld.is_some() {
            f64::INFINITY
        } else {
            s.pace_err_pct.abs()
        }
    });
    out.push((
        format!("10 dB: pace within 12%, not withheld (worst {v:.1}%, {c})"),
        v <= 12.0,
    ));
    let invented: usize = at(5.0).map(|r| r.score.pauses_invented).sum();
    out.push((
        format!("5 dB: no pause invented ({invented} in all)"),
        invented == 0,
    ));
    let (v, c) = worst(&mut at(5.0), &|s| {
        if s.pace_withheld.is_some() {
            0.0
        } else {
            s.pace_err_pct.abs()
        }
    });
    out.push((
        format!("5 dB: pace withheld or within 20% (worst shown {v:.1}%, {c})"),
        v <= 20.0,
    ));
    out
}
