//! The face pipeline in the browser (wasm32 with +simd128, headless Chromium): the same
//! results as natively on the astronaut photo, and a benchmark (ignored by default; run
//! by `scripts/bench-face.sh`) that prints milliseconds per stage and per frame.
#![cfg(target_arch = "wasm32")]

use interviewer_vision::emotion::EmotionModel;
use interviewer_vision::face::{to_rgba, FaceModels, FacePipeline};
use interviewer_vision::warp::Frame;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static DETECTOR: &[u8] = include_bytes!("../../../models/face/face_detection_short_range.onnx");
static MESH: &[u8] = include_bytes!("../../../models/face/face_landmark.onnx");
static IRIS: &[u8] = include_bytes!("../../../models/face/iris_landmark.onnx");
static EMOTION: &[u8] = include_bytes!("../../../models/emotion/emotion.onnx");
static PHOTO: &[u8] = include_bytes!("fixtures/astronaut.png");
static REFERENCE: &str = include_str!("fixtures/astronaut.mediapipe.json");

fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().into();
    f.call0(&perf).unwrap().as_f64().unwrap()
}

fn photo() -> (usize, usize, Vec<u8>) {
    let img = image::load_from_memory(PHOTO).unwrap().to_rgb8();
    let (w, h) = img.dimensions();
    (
        w as usize,
        h as usize,
        to_rgba(w as usize, h as usize, 3, img.as_raw()),
    )
}

fn pipeline() -> FacePipeline {
    let models = FaceModels::from_bytes(DETECTOR, MESH, IRIS).expect("face models load in wasm");
    let emotion = EmotionModel::from_bytes(EMOTION).expect("emotion model loads");
    FacePipeline::new(models, Some(emotion), now)
}

#[wasm_bindgen_test]
fn pipeline_finds_the_face_and_irises_in_wasm() {
    let (w, h, px) = photo();
    let mut p = pipeline();
    let r = p.process(&Frame::new(w, h, &px), 0.0).unwrap();
    let f = r.face.expect("face found");
    let reference: serde_json::Value = serde_json::from_str(REFERENCE).unwrap();
    for k in 0..2 {
        let q = &reference["iris_centres"][k];
        let (x, y) = (
            q[0].as_f64().unwrap() as f32 * w as f32,
            q[1].as_f64().unwrap() as f32 * h as f32,
        );
        let d = ((f.irises[k].x - x).powi(2) + (f.irises[k].y - y).powi(2)).sqrt();
        assert!(d < 2.0, "iris {k} off by {d} px");
    }
    let e = f.expression.expect("expression on the first frame");
    assert_eq!(
        (0..7).max_by(|&a, &b| e[a].total_cmp(&e[b])),
        Some(3),
        "the astronaut smiles: {e:?}"
    );
}

#[wasm_bindgen_test]
#[ignore]
fn bench_face_pipeline() {
    let (w, h, px) = photo();
    let frame = Frame::new(w, h, &px);
    let t0 = now();
    let mut p = pipeline();
    let load = now() - t0;
    p.rates.emotion_every_ms = 0.0;
    let m = &p.models;
    let time = |n: usize, f: &mut dyn FnMut()| {
        for _ in 0..5 {
            f();
        }
        let mut v: Vec<f64> = (0..n)
            .map(|_| {
                let t = now();
                f();
                now() - t
            })
            .collect();
        v.sort_by(f64::total_cmp);
        (v[n / 2], v[n * 95 / 100])
    };
    let det = m.detect(&frame).unwrap().remove(0);
    let roi = interviewer_core::face::roi::Roi::from_detection(&det);
    let (lm, _) = m.landmarks(&frame, &roi).unwrap();
    let eye = interviewer_core::face::roi::Roi::from_eye_corners(lm[33].xy(), lm[133].xy());
    let n = 100;
    let d = time(n, &mut || {
        m.detect(&frame).unwrap();
    });
    let me = time(n, &mut || {
        m.landmarks(&frame, &roi).unwrap();
    });
    let ir = time(n, &mut || {
        m.iris(&frame, &eye, false).unwrap();
    });
    let emo = p.emotion.as_ref().unwrap();
    let em = time(n, &mut || {
        emo.classify48(&interviewer_vision::face::emotion_crop(&frame, &lm))
            .unwrap();
    });
    let mut t = 0.0;
    let whole = time(n, &mut || {
        t += 66.0;
        p.process(&frame, t).unwrap();
    });
    console_log!("face pipeline in wasm (headless Chromium, {n} runs, ms median / p95):");
    console_log!("  load + optimise all models {load:.0} ms");
    console_log!("  detect  {:.2} / {:.2}", d.0, d.1);
    console_log!("  mesh    {:.2} / {:.2}", me.0, me.1);
    console_log!("  iris    {:.2} / {:.2} (one eye)", ir.0, ir.1);
    console_log!("  emotion {:.2} / {:.2}", em.0, em.1);
    console_log!(
        "  whole frame, tracking, one iris per frame, emotion every frame {:.2} / {:.2} ({:.0} fps)",
        whole.0,
        whole.1,
        1000.0 / whole.0
    );
}
