//! In the browser (wasm32, headless Chromium): the committed emotion model loads in tract
//! and classifies with the same outputs onnxruntime gave at export.
#![cfg(target_arch = "wasm32")]

use interviewer_vision::emotion::EmotionModel;
use interviewer_vision::eval::emotion;
use interviewer_vision::image::Gray;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static MODEL: &[u8] = include_bytes!("../../../models/emotion/emotion.onnx");
static REFERENCE: &str = include_str!("../../../models/emotion/reference.json");

#[wasm_bindgen_test]
fn emotion_model_loads_and_matches_reference() {
    let m = EmotionModel::from_bytes(MODEL).expect("model loads in wasm");
    emotion::check_reference(&m, REFERENCE, 1e-3).unwrap();
    // A crop of another size goes through the resize path and still gives probabilities.
    let big = Gray::new(48, 48, emotion::synthetic_face(1)).resize(120, 120);
    let e = m.classify(&big).unwrap();
    assert!((e.probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
}
