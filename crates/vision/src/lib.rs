//! Model inference for AI Interviewer with tract. Pure Rust: the same code runs natively
//! (evaluation and benchmark tools, tests) and in the browser's inference worker.

pub mod emotion;
pub mod fer;
pub mod image;
