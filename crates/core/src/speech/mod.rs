//! Speech delivery analysis: from the transcript ([`text`]) and from the audio itself
//! ([`audio`]), so delivery feedback works with or without speech recognition.

pub mod audio;
#[cfg(not(target_arch = "wasm32"))]
pub mod clips;
pub mod dsp;
pub mod text;
pub mod wav;
