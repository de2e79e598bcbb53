//! Model inference for AI Interviewer with tract. Pure Rust: the same code runs natively
//! (evaluation and benchmark tools, tests) and in the browser's inference worker.
//!
//! Layers: `runtime` loads a graph (with our `kernels` swapped in for wasm); `face` and
//! `emotion` are the per-frame pipeline on top of it (`warp` and `image` feed them
//! pixels); `eval` and `bench` measure it.

pub mod bench;
pub mod emotion;
pub mod eval;
pub mod face;
pub mod image;
pub mod kernels;
pub mod runtime;
#[cfg(not(target_arch = "wasm32"))]
pub mod video;
pub mod warp;

use interviewer_core::models;

pub use models::MODELS_DIR;

/// The shipped face and emotion models, loaded and optimised as the browser worker loads
/// them, from a `models/` folder laid out as the repository's ([`MODELS_DIR`]).
pub fn load_shipped(
    models_dir: &str,
) -> tract_onnx::prelude::TractResult<(face::FaceModels, emotion::EmotionModel)> {
    let read = |m: &models::ModelFile| std::fs::read(format!("{models_dir}/{}", m.path));
    Ok((
        face::FaceModels::from_bytes(
            &read(&models::DETECTOR)?,
            &read(&models::MESH)?,
            &read(&models::IRIS)?,
        )?,
        emotion::EmotionModel::from_bytes(&read(&models::EMOTION)?)?,
    ))
}
