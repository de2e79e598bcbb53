//! Reads questions aloud with speechSynthesis, preferring on-device voices so that the
//! question text does not leave the machine.

use wasm_bindgen::JsCast;
use web_sys::{SpeechSynthesis, SpeechSynthesisUtterance, SpeechSynthesisVoice};

fn synth() -> Option<SpeechSynthesis> {
    web_sys::window()?.speech_synthesis().ok()
}

/// The best voice: local English first, then any local voice. Remote voices are not used.
fn pick_voice(s: &SpeechSynthesis) -> Option<SpeechSynthesisVoice> {
    let voices: Vec<SpeechSynthesisVoice> = s
        .get_voices()
        .iter()
        .filter_map(|v| v.dyn_into().ok())
        .filter(|v: &SpeechSynthesisVoice| v.local_service())
        .collect();
    voices
        .iter()
        .find(|v| v.lang().starts_with("en") && v.default())
        .or_else(|| voices.iter().find(|v| v.lang().starts_with("en")))
        .or_else(|| voices.first())
        .cloned()
}

/// True when a local voice exists (headless browsers and some systems have none).
pub fn available() -> bool {
    synth().and_then(|s| pick_voice(&s)).is_some()
}

/// Speaks `text`; returns false when no local voice is available.
pub fn speak(text: &str) -> bool {
    let Some(s) = synth() else { return false };
    let Some(voice) = pick_voice(&s) else {
        return false;
    };
    s.cancel();
    let Ok(u) = SpeechSynthesisUtterance::new_with_text(text) else {
        return false;
    };
    u.set_voice(Some(&voice));
    u.set_rate(1.0);
    s.speak(&u);
    true
}

pub fn cancel() {
    if let Some(s) = synth() {
        s.cancel();
    }
}
