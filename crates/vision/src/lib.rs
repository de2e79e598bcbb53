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

/// The repository's `models/` folder, for the native tools.
pub const MODELS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models");

/// The four shipped models from a `models/` folder (`face/*.onnx`, `emotion/emotion.onnx`),
/// loaded and optimised as the browser worker loads them.
pub fn load_shipped(
    models: &str,
) -> tract_onnx::prelude::TractResult<(face::FaceModels, emotion::EmotionModel)> {
    Ok((
        face::FaceModels::from_dir(format!("{models}/face"))?,
        emotion::EmotionModel::from_path(format!("{models}/emotion/emotion.onnx"))?,
    ))
}
