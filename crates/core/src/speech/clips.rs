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

/// The passages as SSML, with the inserted silences as breaks.
pub fn passages_ssml() -> String {
    let mut ssml = String::from("<speak>");
    for (i, p) in PASSAGES.iter().enumerate() {
        ssml.push_str(p);
        if let Some(ms) = BREAKS_MS.get(i) {
            ssml.push_str(&format!(" <break time=\"{ms}ms\"/> "));
        }
    }
    ssml.push_str("</speak>");
    ssml
}

/// Speaks the passages at `rate_wpm` with espeak-ng's en-us voice (SSML breaks for the
/// silences).
pub fn espeak(rate_wpm: u32) -> Result<Clip, String> {
    espeak_voice("en-us", rate_wpm)
}

/// The passages in another espeak-ng voice (`en-gb`, `en-us+f3`, `en-gb-scotland+m2`...).
pub fn espeak_voice(voice: &str, rate_wpm: u32) -> Result<Clip, String> {
    Ok(Clip {
        rate_wpm,
        words: word_count(),
        samples: speak(&passages_ssml(), voice, rate_wpm, &[])?,
    })
}

/// Any text or SSML spoken by espeak-ng, as 16 kHz mono; `extra` adds options (`-p` for
/// pitch, `-a` for amplitude).
pub fn speak(text: &str, voice: &str, rate_wpm: u32, extra: &[&str]) -> Result<Vec<f32>, String> {
    let rate = rate_wpm.to_string();
    let mut args = vec!["-m", "-v", voice, "-s", &rate];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--stdout", text]);
    let out = std::process::Command::new("espeak-ng")
        .args(&args)
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
    Ok(dsp::resample(&a.samples, a.sample_rate, 16_000))
}

/// Sentences for the babble of a crowded room: not the passages, so the talkers say
/// something else than the speaker.
const BABBLE: [&str; 6] = [
    "We could meet on Tuesday after lunch if the room is free, otherwise let us try the week after.",
    "The train was late again this morning and the coffee machine on the third floor is broken.",
    "Did you see the match last night? They scored twice in the last ten minutes.",
    "I think the report needs another look before we send it, the numbers in the second table are off.",
    "My sister moved to a new flat near the park and she is painting every room a different colour.",
    "If we order now the parts should arrive by Friday, but shipping costs have gone up a lot.",
];

/// Babble: six espeak-ng talkers (different voices, pitches and rates) saying other
/// sentences at once, each looped from its own offset, `n` samples long.
pub fn babble(n: usize) -> Result<Vec<f32>, String> {
    let voices = [
        "en-gb+m3",
        "en-us+f2",
        "en-gb-scotland+f4",
        "en-us+m7",
        "en-gb+f1",
        "en-us+m1",
    ];
    let mut out = vec![0.0f32; n];
    for (k, (text, voice)) in BABBLE.iter().zip(voices).enumerate() {
        let talker = speak(text, voice, 150 + 10 * k as u32, &[])?;
        let offset = k * 7919;
        for (i, v) in out.iter_mut().enumerate() {
            *v += talker[(i + offset) % talker.len()];
        }
    }
    Ok(out)
}
