//! Speech delivery analysis: from the transcript ([`text`]) and from the audio itself
//! ([`audio`]), so delivery feedback works with or without speech recognition.

pub mod audio;
#[cfg(not(target_arch = "wasm32"))]
pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod clips;
pub mod dsp;
#[cfg(not(target_arch = "wasm32"))]
pub mod fillerset;
pub mod live;
pub mod noise;
pub mod text;
pub mod vad;
#[cfg(not(target_arch = "wasm32"))]
pub mod voiceset;
pub mod wav;
