//! On-device speech recognition for AI Interviewer: OpenAI's Whisper tiny.en run by tract,
//! natively (the `transcribe` and `asr-bench` tools, tests) and in the browser's speech
//! recognition worker. Layers: `mel` (front end) and `tokens` (byte-level BPE) are plain
//! Rust; `decode` holds Whisper's decoding rules behind a closure; `model` runs the two
//! ONNX graphs; `transcribe` turns an answer's audio into segments and `words` into timed
//! words.

pub mod decode;
pub mod kernels;
pub mod mel;
pub mod metrics;
pub mod model;
pub mod tokens;
pub mod transcribe;
pub mod words;

pub use model::Whisper;
pub use transcribe::{transcribe, Options, Transcription, WordTimes};
