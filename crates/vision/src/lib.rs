//! Model inference for AI Interviewer with tract. Pure Rust: the same code runs natively
//! (evaluation and benchmark tools, tests) and in the browser's inference worker.

pub mod bench;
pub mod depthwise;
pub mod direct_conv;
pub mod emotion;
pub mod face;
pub mod fer;
pub mod fer_pipeline;
mod graph_match;
pub mod image;
#[cfg(test)]
mod kernel_test;
pub mod pad;
pub mod pointwise;
pub mod pool;
pub mod prelu;
#[cfg(not(target_arch = "wasm32"))]
pub mod video;
pub mod warp;

/// The repository's `models/` folder, for the native tools.
pub const MODELS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models");

/// The shipped model files in the order the inference worker loads them (the three face
/// models, then the emotion model): folder under `models/`, file name (the app serves them
/// flat) and size in bytes, which the worker's progress bar weighs before the first byte
/// arrives. A test keeps the sizes equal to the files.
pub const SHIPPED_FILES: [(&str, &str, f64); 4] = [
    ("face", "face_detection_short_range.onnx", 224_931.0),
    ("face", "face_landmark.onnx", 1_239_434.0),
    ("face", "iris_landmark.onnx", 1_366_078.0),
    ("emotion", "emotion.onnx", 2_333_882.0),
];

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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn shipped_file_sizes_match_the_files() {
        for (dir, file, size) in super::SHIPPED_FILES {
            let path = format!("{}/{dir}/{file}", super::MODELS_DIR);
            let len = std::fs::metadata(&path).unwrap().len();
            assert_eq!(len as f64, size, "{path}");
        }
    }
}
