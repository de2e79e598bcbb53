//! The face pipeline on a real photograph (scikit-image's `astronaut.png`, a public-domain
//! NASA portrait) against what MediaPipe 0.10.14's own Python solutions computed on the
//! same pixels (`tests/fixtures/astronaut.mediapipe.json`, made by
//! `models/face/reference.py`).
#![cfg(not(target_arch = "wasm32"))]

use interviewer_core::face::detection;
use interviewer_core::face::roi::Roi;
use interviewer_vision::face::{to_rgba, FaceModels, FacePipeline};
use interviewer_vision::warp::Frame;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn astronaut() -> (usize, usize, Vec<u8>) {
    let img = image::open(root().join("crates/vision/tests/fixtures/astronaut.png"))
        .unwrap()
        .to_rgb8();
    let (w, h) = img.dimensions();
    (
        w as usize,
        h as usize,
        to_rgba(w as usize, h as usize, 3, img.as_raw()),
    )
}

fn reference() -> serde_json::Value {
    let s = std::fs::read_to_string(
        root().join("crates/vision/tests/fixtures/astronaut.mediapipe.json"),
    )
    .unwrap();
    serde_json::from_str(&s).unwrap()
}

fn models() -> FaceModels {
    interviewer_vision::load_shipped(interviewer_vision::MODELS_DIR)
        .unwrap()
        .0
}

#[test]
fn detector_decoding_matches_the_original_tflite_model() {
    // Same 128x128 input (512 -> 128 sampled at block centres), original TFLite model,
    // decoded by models/face/reference.py: tract + the Rust decoder must agree exactly.
    let (w, h, px) = astronaut();
    let frame = Frame::new(w, h, &px);
    let (reg, scores, lb) = models().detect_raw(&frame).unwrap();
    let cands = detection::decode(&reg, &scores, &detection::anchors(), &lb);
    let best = cands
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))
        .unwrap();
    let r = reference();
    let want = &r["tflite_top"];
    let f = |v: &serde_json::Value| v.as_f64().unwrap() as f32;
    assert!((best.score - f(&want["score"])).abs() < 1e-4);
    assert!((best.xmin - f(&want["xmin"])).abs() < 0.05, "{best:?}");
    assert!((best.ymin - f(&want["ymin"])).abs() < 0.05);
    assert!((best.width - f(&want["width"])).abs() < 0.05);
    for k in 0..detection::KEYPOINTS {
        assert!((best.keypoints[k].x - f(&want["keypoints"][k][0])).abs() < 0.05);
        assert!((best.keypoints[k].y - f(&want["keypoints"][k][1])).abs() < 0.05);
    }
}

#[test]
fn detection_after_nms_is_close_to_mediapipe_solution() {
    // MediaPipe's own graph resamples the frame differently before the detector, which
    // moves its box by a few pixels (3-4% of the face); the mesh, which the pipeline uses
    // for everything downstream, is checked to sub-pixel level below.
    let (w, h, px) = astronaut();
    let frame = Frame::new(w, h, &px);
    let dets = models().detect(&frame).unwrap();
    let r = reference();
    let want = &r["detections"][0];
    assert_eq!(dets.len(), 1, "{dets:?}");
    let d = &dets[0];
    let f = |v: &serde_json::Value| v.as_f64().unwrap() as f32;
    assert!(
        (d.score - f(&want["score"])).abs() < 0.01,
        "score {}",
        d.score
    );
    let tol = 0.06 * f(&want["width"]) * w as f32;
    assert!(
        (d.xmin - f(&want["xmin"]) * w as f32).abs() < tol,
        "xmin {}",
        d.xmin
    );
    assert!(
        (d.ymin - f(&want["ymin"]) * h as f32).abs() < tol,
        "ymin {}",
        d.ymin
    );
    assert!((d.width - f(&want["width"]) * w as f32).abs() < tol);
    // Eyes, nose tip, mouth (the ear points are not used).
    for k in 0..4 {
        let kp = &want["keypoints"][k];
        assert!(
            (d.keypoints[k].x - f(&kp[0]) * w as f32).abs() < tol,
            "kp {k}"
        );
        assert!(
            (d.keypoints[k].y - f(&kp[1]) * h as f32).abs() < tol,
            "kp {k}"
        );
    }
}

#[test]
fn mesh_and_iris_match_mediapipe() {
    let (w, h, px) = astronaut();
    let frame = Frame::new(w, h, &px);
    let m = models();
    let det = m.detect(&frame).unwrap().remove(0);
    let (lm, presence) = m.landmarks(&frame, &Roi::from_detection(&det)).unwrap();
    assert!(presence > 0.9, "presence {presence}");
    let r = reference();
    let want = r["landmarks"].as_array().unwrap();
    assert_eq!(want.len(), 468);
    let mut errs: Vec<f32> = lm
        .iter()
        .zip(want)
        .map(|(p, q)| {
            let qx = q[0].as_f64().unwrap() as f32 * w as f32;
            let qy = q[1].as_f64().unwrap() as f32 * h as f32;
            ((p.x - qx).powi(2) + (p.y - qy).powi(2)).sqrt()
        })
        .collect();
    errs.sort_by(f32::total_cmp);
    let (median, max) = (errs[errs.len() / 2], errs[errs.len() - 1]);
    eprintln!("mesh vs MediaPipe: median {median:.3} px, max {max:.3} px");
    assert!(median < 1.0 && max < 3.0, "median {median} max {max}");

    // Iris centres against MediaPipe's refined mesh (points 468 and 473).
    let irises = r["iris_centres"].as_array().unwrap();
    let mut pipe = FacePipeline::new(m, None, interviewer_vision::face::native_now);
    let out = pipe.process(&frame, 0.0).unwrap();
    let face = out.face.unwrap();
    for (k, want) in irises.iter().enumerate() {
        let (x, y) = (
            want[0].as_f64().unwrap() as f32 * w as f32,
            want[1].as_f64().unwrap() as f32 * h as f32,
        );
        let got = face.irises[k];
        let d = ((got.x - x).powi(2) + (got.y - y).powi(2)).sqrt();
        eprintln!("iris {k}: {got:?} vs ({x:.1}, {y:.1}): {d:.2} px");
        assert!(d < 2.0, "iris {k} off by {d} px");
    }
}

#[test]
fn fer_faces_through_the_pipeline_keep_their_accuracy() {
    // FER2013 validation faces, upscaled 4x into a 640x480 frame: detection -> mesh ->
    // registered crop -> emotion. On the faces found, the accuracy must stay within 3
    // points of classifying the originals directly.
    let path = std::env::var("FER2013_VAL")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/data/fer2013/val.bin"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let faces = interviewer_vision::eval::fer::records(&bytes).unwrap();
    let emotion = interviewer_vision::emotion::EmotionModel::from_path(
        root().join("models/emotion/emotion.onnx"),
    )
    .unwrap();
    let e =
        interviewer_vision::eval::fer_pipeline::evaluate(&models(), &emotion, &faces, 4).unwrap();
    let pct = interviewer_vision::eval::fer_pipeline::PipelineEval::pct;
    let direct = pct(e.direct_correct_detected, e.detected);
    let through = pct(e.pipeline_correct, e.detected);
    eprintln!(
        "detected {:.2}%, direct {direct:.2}%, through the pipeline {through:.2}%",
        e.detection_rate()
    );
    assert!(
        e.detection_rate() > 88.0,
        "detection rate {:.2}%",
        e.detection_rate()
    );
    assert!(
        (through - direct).abs() <= 3.0,
        "direct {direct:.2}% vs pipeline {through:.2}%"
    );
}
