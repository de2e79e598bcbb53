//! Checks of the emotion model: accuracy over labelled faces, and its outputs against
//! onnxruntime's on synthetic faces.

use crate::emotion::{preprocess, EmotionModel};
use crate::eval::fer::SIDE;
#[cfg(not(target_arch = "wasm32"))]
use tract_onnx::prelude::TractResult;

/// Accuracy figures over labelled 48x48 faces.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Evaluation {
    pub faces: usize,
    pub accuracy: f64,
    pub recall: [f64; 7],
    pub support: [usize; 7],
    /// `confusion[true][predicted]`
    pub confusion: [[usize; 7]; 7],
    pub ms_mean: f64,
    pub ms_median: f64,
    pub ms_p95: f64,
}

/// Runs the model over FER2013 records, timing each face (preprocessing + inference).
#[cfg(not(target_arch = "wasm32"))]
pub fn evaluate(model: &EmotionModel, faces: &[crate::eval::fer::Face]) -> TractResult<Evaluation> {
    let mut confusion = [[0usize; 7]; 7];
    let mut ms = Vec::with_capacity(faces.len());
    for f in faces {
        let t = std::time::Instant::now();
        let e = model.classify48(f.pixels)?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        confusion[f.label as usize][e.top()] += 1;
    }
    let support: [usize; 7] = std::array::from_fn(|i| confusion[i].iter().sum());
    let recall = std::array::from_fn(|i| {
        if support[i] > 0 {
            confusion[i][i] as f64 / support[i] as f64
        } else {
            0.0
        }
    });
    let correct: usize = (0..7).map(|i| confusion[i][i]).sum();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    Ok(Evaluation {
        faces: faces.len(),
        accuracy: correct as f64 / faces.len().max(1) as f64,
        recall,
        support,
        confusion,
        ms_mean: ms.iter().sum::<f64>() / ms.len().max(1) as f64,
        ms_median: pct(0.5),
        ms_p95: pct(0.95),
    })
}

/// A deterministic 48x48 test face (same formula as `synthetic_face` in
/// `models/emotion/train/export.py`, which records the model's outputs on it).
pub fn synthetic_face(k: u32) -> Vec<u8> {
    let k = k as i32;
    let mut img = vec![0u8; SIDE * SIDE];
    for y in 0..SIDE as i32 {
        for x in 0..SIDE as i32 {
            let (dx, dy) = ((x - 24) as f64 / 18.0, (y - 26) as f64 / 22.0);
            let mut v = 60 + (x * (3 + k) + y * (5 - k)).rem_euclid(40);
            if dx * dx + dy * dy < 1.0 {
                v = 170 + 10 * k;
            }
            if (y - 20).abs() < 2 && ((x - 17).abs() < 3 || (x - 31).abs() < 3) {
                v = 40;
            }
            if (y - (34 + k)).abs() < 2 && (x - 24).abs() < 6 + 2 * k {
                v = 70;
            }
            img[(y as usize) * SIDE + x as usize] = v as u8;
        }
    }
    img
}

/// Compares the model's logits on the synthetic faces with the reference outputs that
/// `export.py` recorded from onnxruntime (`models/emotion/reference.json`). Returns the
/// first difference above `tol`, if any. Used by the native and the wasm tests.
pub fn check_reference(model: &EmotionModel, reference_json: &str, tol: f32) -> Result<(), String> {
    let refs: serde_json::Value =
        serde_json::from_str(reference_json).map_err(|e| e.to_string())?;
    let faces = refs["faces"].as_array().ok_or("no faces in reference")?;
    for face in faces {
        let seed = face["seed"].as_u64().ok_or("no seed")? as u32;
        let want: Vec<f32> = face["logits"]
            .as_array()
            .ok_or("no logits")?
            .iter()
            .filter_map(|v| v.as_f64())
            .map(|v| v as f32)
            .collect();
        let got = model
            .logits(preprocess(&synthetic_face(seed)))
            .map_err(|e| e.to_string())?;
        if want.len() != 7 || got.iter().zip(&want).any(|(g, w)| (g - w).abs() > tol) {
            return Err(format!(
                "face {seed}: tract {got:?} vs onnxruntime {want:?}"
            ));
        }
    }
    Ok(())
}
