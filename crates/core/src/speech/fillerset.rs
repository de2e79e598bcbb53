//! A labelled set for filled-pause detection: short clips of two fluent phrases with one
//! item between them, spoken by espeak-ng, each part synthesised alone and joined so the
//! item's time is known exactly. Items are fillers ("uh", "um", "erm", in several voices,
//! pitches and lengths, lengthened too) or non-fillers (a phrase spoken slowly, with its
//! vowels drawn out inside words; a fan's hum; brown noise).

use super::audio::{AudioMetrics, Span};
use super::{clips, noise};

const RATE: f64 = 16_000.0;

pub struct Labelled {
    pub name: String,
    pub samples: Vec<f32>,
    /// `(start_ms, end_ms)` of each filler.
    pub fillers: Vec<(f64, f64)>,
}

/// espeak-ng pads its output with silence: cut what is below -70 dBFS at both ends.
fn trim(x: Vec<f32>) -> Vec<f32> {
    let loud = |v: &f32| v.abs() > 3e-4;
    let a = x.iter().position(loud).unwrap_or(0);
    let b = x.iter().rposition(loud).map_or(a, |i| i + 1);
    x[a..b].to_vec()
}

fn silence(ms: f64) -> Vec<f32> {
    vec![0.0; (ms / 1000.0 * RATE) as usize]
}

const PHRASES: [&str; 6] = [
    "In my last role I led a small team",
    "we had six months and two engineers",
    "then we replaced one service at a time",
    "so I sent a short note every Friday",
    "we shipped a month early",
    "billing errors fell by half",
];

/// The set: 24 clips with one filler each and 12 without.
pub fn labelled() -> Result<Vec<Labelled>, String> {
    let voices = ["en-us", "en+m3", "en-us+f2", "en-gb-scotland+m5"];
    let mut out = Vec::new();
    let mut k = 0;
    let mut clip =
        |name: String, voice: &str, item: Vec<f32>, filler: bool| -> Result<(), String> {
            let a = trim(clips::speak(PHRASES[k % 6], voice, 160, &[])?);
            let b = trim(clips::speak(PHRASES[(k + 3) % 6], voice, 160, &[])?);
            k += 1;
            let mut x = a;
            x.extend(silence(250.0));
            let start = x.len() as f64 / RATE * 1000.0;
            x.extend(item);
            let end = x.len() as f64 / RATE * 1000.0;
            x.extend(silence(250.0));
            x.extend(b);
            out.push(Labelled {
                name,
                samples: x,
                fillers: if filler {
                    vec![(start, end)]
                } else {
                    Vec::new()
                },
            });
            Ok(())
        };
    for (v, voice) in voices.iter().enumerate() {
        for word in ["uh", "um", "erm"] {
            // A plain filler at a low pitch, and a drawn-out one at a higher pitch.
            let pitch = (30 + 10 * v).to_string();
            let plain = trim(clips::speak(word, voice, 120, &["-p", &pitch])?);
            clip(format!("{word} {voice} p{pitch}"), voice, plain, true)?;
            let pitch = (55 + 10 * v).to_string();
            let ssml = format!("<speak><prosody rate=\"35%\">{word}</prosody></speak>");
            let long = trim(clips::speak(&ssml, voice, 160, &["-p", &pitch])?);
            clip(format!("{word} long {voice} p{pitch}"), voice, long, true)?;
        }
    }
    for (v, voice) in voices.iter().enumerate() {
        // Slow speech: vowels held inside words, not fillers.
        let ssml = format!(
            "<speak><prosody rate=\"40%\">{}</prosody></speak>",
            [
                "so we saw more",
                "all of you know",
                "I hope to go home",
                "we were far away"
            ][v]
        );
        let slow = trim(clips::speak(&ssml, voice, 160, &[])?);
        clip(format!("slow words {voice}"), voice, slow, false)?;
        let n = (1.2 * RATE) as usize;
        let hum: Vec<f32> = noise::fan(n, 40 + v as u64)
            .iter()
            .map(|s| s * 0.05)
            .collect();
        clip(format!("fan hum {voice}"), voice, hum, false)?;
        let rumble: Vec<f32> = noise::brown(n, 50 + v as u64)
            .iter()
            .map(|s| s * 0.2)
            .collect();
        clip(format!("brown noise {voice}"), voice, rumble, false)?;
    }
    Ok(out)
}

/// True positives, false positives and misses of `found` against `truth`: a found span
/// overlapping a true filler (each true filler matched once) is a hit.
pub fn count(found: &[Span], truth: &[(f64, f64)]) -> (usize, usize, usize) {
    let mut used = vec![false; truth.len()];
    let (mut tp, mut fp) = (0, 0);
    for f in found {
        let (a, b) = (f.start_ms, f.start_ms + f.duration_ms);
        match (0..truth.len()).find(|&i| !used[i] && a < truth[i].1 && truth[i].0 < b) {
            Some(i) => {
                used[i] = true;
                tp += 1;
            }
            None => fp += 1,
        }
    }
    (tp, fp, used.iter().filter(|u| !**u).count())
}

/// Precision and recall over the set, each clip analysed by `analyse` after `degrade`
/// (identity for clean; noise for the noisy runs); also the names of the clips missed or
/// wrongly flagged.
pub fn precision_recall(
    set: &[Labelled],
    degrade: &dyn Fn(&Labelled) -> Vec<f32>,
    analyse: &dyn Fn(&[f32]) -> AudioMetrics,
) -> (f64, f64, Vec<String>) {
    let (mut tp, mut fp, mut missed) = (0, 0, 0);
    let mut wrong = Vec::new();
    for c in set {
        let m = analyse(&degrade(c));
        let (t, f, n) = count(&m.filled_pauses, &c.fillers);
        tp += t;
        fp += f;
        missed += n;
        if f + n > 0 {
            wrong.push(format!("{} ({}fp {}fn)", c.name, f, n));
        }
    }
    let p = if tp + fp > 0 {
        tp as f64 / (tp + fp) as f64
    } else {
        1.0
    };
    let r = tp as f64 / (tp + missed).max(1) as f64;
    (p, r, wrong)
}

/// The clip with pink noise at `snr_db` (speech power measured where the clip is not
/// silent).
pub fn with_noise(c: &Labelled, snr_db: f64, seed: u64) -> Vec<f32> {
    let t = super::bench::truth(&c.samples, 0);
    noise::mix(
        &c.samples,
        &t.speech,
        &noise::pink(c.samples.len(), seed),
        snr_db,
    )
}
