//! Browser media glue: camera/microphone, recording, speech synthesis, level meter.
//! Thin wrappers over web-sys; decisions (messages, fallbacks) are kept small and explicit.

pub mod analysis;
pub mod asr;
pub mod camera;
pub mod level;
pub mod lock;
pub mod pcm;
pub mod recorder;
pub mod speech;
pub mod transcript;
pub mod vision;
