//! Model inference for AI Interviewer with tract. Pure Rust: the same code runs natively
//! (evaluation and benchmark tools, tests) and in the browser's inference worker.

pub mod bench;
pub mod emotion;
pub mod face;
pub mod fer;
pub mod fer_pipeline;
pub mod image;
#[cfg(not(target_arch = "wasm32"))]
pub mod video;
pub mod warp;
