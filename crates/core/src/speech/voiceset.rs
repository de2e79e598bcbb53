//! Pace across voices and rates: the benchmark passages ([`super::clips`]) in espeak-ng's
//! English voices and variants, at 100 to 220 words per minute, and tempo- and
//! pitch-changed copies made with sox. Each clip's true pace is its words over its
//! duration, silences included (the figure `wpm_estimate_elapsed` estimates).

use super::clips::{self, Clip};

/// espeak-ng voices and variants of the bench. The variants are the voice files of
/// espeak-ng's `voices/!v` folder (formant and pitch changes of the base voice); klatt
/// uses the Klatt synthesiser instead of espeak's own. The male variants go on `en`:
/// `en-gb+m1` .. `+m7` all speak exactly as `en-gb` (the same bytes).
pub const VOICES: [&str; 16] = [
    "en-us",
    "en-gb",
    "en-gb-scotland",
    "en-us+f1",
    "en-us+f2",
    "en-us+f3",
    "en-us+f4",
    "en-us+f5",
    "en+m1",
    "en+m2",
    "en+m3",
    "en+m4",
    "en+m5",
    "en+m6",
    "en+m7",
    "en-us+klatt",
];
pub const RATES: [u32; 5] = [100, 130, 160, 190, 220];

pub struct VoiceClip {
    pub name: String,
    pub voice: &'static str,
    pub clip: Clip,
}

impl VoiceClip {
    pub fn true_wpm(&self) -> f64 {
        self.clip.words as f64 / (self.clip.duration_ms() / 60_000.0)
    }
}

/// The passages in `voice` at `rate_wpm`, through sox with `effect` (e.g. `tempo 0.85`,
/// `pitch -300`) when given.
pub fn speak(voice: &'static str, rate_wpm: u32, effect: &[&str]) -> Result<VoiceClip, String> {
    let name = format!(
        "{voice} {rate_wpm}{}",
        if effect.is_empty() {
            String::new()
        } else {
            format!(" sox {}", effect.join(" "))
        }
    );
    if effect.is_empty() {
        return Ok(VoiceClip {
            name,
            voice,
            clip: clips::espeak_voice(voice, rate_wpm)?,
        });
    }
    // espeak-ng's WAV piped through sox; bash passes the SSML and the effect as arguments.
    let script = r#"espeak-ng -m -v "$1" -s "$2" --stdout "$3" | sox -t wav - -t wav - "${@:4}""#;
    let mut args = vec![
        "-c".to_string(),
        script.to_string(),
        "bash".into(),
        voice.into(),
        rate_wpm.to_string(),
        clips::passages_ssml(),
    ];
    args.extend(effect.iter().map(|s| s.to_string()));
    let out = std::process::Command::new("bash")
        .args(&args)
        .output()
        .map_err(|e| format!("bash: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "espeak-ng | sox failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let a = super::wav::read(&out.stdout)?;
    Ok(VoiceClip {
        name,
        voice,
        clip: Clip {
            rate_wpm,
            words: clips::word_count(),
            samples: super::dsp::resample(&a.samples, a.sample_rate, 16_000),
        },
    })
}

/// Every voice at every rate, then sox copies (tempo 0.8 and 1.25, pitch -300 and +300
/// cents) of four voices at 160.
pub fn all() -> Result<Vec<VoiceClip>, String> {
    let mut out = Vec::new();
    for voice in VOICES {
        for rate in RATES {
            out.push(speak(voice, rate, &[])?);
        }
    }
    for voice in ["en-us", "en+m3", "en-us+f2", "en-gb-scotland"] {
        for effect in [
            ["tempo", "0.8"],
            ["tempo", "1.25"],
            ["pitch", "-300"],
            ["pitch", "300"],
        ] {
            out.push(speak(voice, 160, &effect)?);
        }
    }
    Ok(out)
}

/// The training half: voices at even positions of [`VOICES`] (and their sox copies);
/// the rest is held out, so the calibration is tested on voices it never saw.
pub fn is_training(voice: &str) -> bool {
    VOICES
        .iter()
        .position(|v| *v == voice)
        .is_some_and(|i| i % 2 == 0)
}
