//! Spoken test clips made with espeak-ng: known words at a known rate, with silences of
//! known length inserted. Used by the `speech-bench` benchmark and the speech tests.

use super::{dsp, wav};

/// Sentences of an interview answer; a silence of `BREAKS_MS[i]` follows sentence group i.
pub const PASSAGES: [&str; 4] = [
    "In my last role I led a small team that rebuilt the billing system for our largest customers. \
     We had six months, two engineers and a lot of old code that nobody wanted to touch.",
    "First we wrote tests around the parts that mattered most, then we replaced one service at a time, \
     and we kept the old system running until the numbers matched every night.",
    "The hardest part was keeping everyone informed, so I sent a short note every Friday \
     with what we finished, what was late, and what we needed from other teams.",
    "We shipped a month early, billing errors fell by half, and two of the people I worked with \
     went on to lead projects of their own.",
];
pub const BREAKS_MS: [u32; 3] = [1200, 2000, 1700];

pub fn word_count() -> usize {
    PASSAGES.iter().map(|p| p.split_whitespace().count()).sum()
}

pub struct Clip {
    pub rate_wpm: u32,
    pub words: usize,
    /// 16 kHz mono.
    pub samples: Vec<f32>,
}

impl Clip {
    pub fn duration_ms(&self) -> f64 {
        self.samples.len() as f64 * 1000.0 / 16_000.0
    }
}

/// Speaks the passages at `rate_wpm` with espeak-ng (SSML breaks for the silences).
pub fn espeak(rate_wpm: u32) -> Result<Clip, String> {
    let mut ssml = String::from("<speak>");
    for (i, p) in PASSAGES.iter().enumerate() {
        ssml.push_str(p);
        if let Some(ms) = BREAKS_MS.get(i) {
            ssml.push_str(&format!(" <break time=\"{ms}ms\"/> "));
        }
    }
    ssml.push_str("</speak>");
    let out = std::process::Command::new("espeak-ng")
        .args([
            "-m",
            "-v",
            "en-us",
            "-s",
            &rate_wpm.to_string(),
            "--stdout",
            &ssml,
        ])
        .output()
        .map_err(|e| {
            format!("espeak-ng could not run ({e}); install it (scripts/setup.sh does)")
        })?;
    if !out.status.success() {
        return Err(format!(
            "espeak-ng failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let a = wav::read(&out.stdout)?;
    Ok(Clip {
        rate_wpm,
        words: word_count(),
        samples: dsp::resample(&a.samples, a.sample_rate, 16_000),
    })
}
