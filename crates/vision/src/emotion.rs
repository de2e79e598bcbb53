//! Facial expression: a 7-class FER2013 model (see `models/emotion/MODEL_CARD.md`).
//!
//! Input contract: a 48x48 grayscale face registered like FER2013 (face centred, filling
//! the frame); the model sees its centre 44x44, standardised per image.

use crate::eval::fer::SIDE;
use crate::image::Gray;
use tract_onnx::prelude::*;

pub use interviewer_core::face::EXPRESSIONS as CLASSES;
/// Side of the model input: the centre of the 48x48 face (from the models table).
pub const CROP: usize = interviewer_core::models::EMOTION.input[2];

/// Probabilities of the seven FER2013 classes, in [`CLASSES`] order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Expression {
    pub probs: [f32; 7],
}

impl Expression {
    pub fn top(&self) -> usize {
        interviewer_core::face::top_expression(&self.probs)
    }

    pub fn label(&self) -> &'static str {
        CLASSES[self.top()]
    }
}

/// Centre crop and per-image standardisation, exactly as in training
/// (`models/emotion/train/train.py`: `standardize`, `centre`).
pub fn preprocess(face48: &[u8]) -> Vec<f32> {
    assert_eq!(face48.len(), SIDE * SIDE, "expected a 48x48 face");
    let o = (SIDE - CROP) / 2;
    let mut v = Vec::with_capacity(CROP * CROP);
    for y in 0..CROP {
        for x in 0..CROP {
            v.push(face48[(y + o) * SIDE + x + o] as f32 / 255.0);
        }
    }
    let n = v.len() as f32;
    let mean = v.iter().sum::<f32>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n;
    let scale = 1.0 / (var.sqrt() + 0.02);
    for x in &mut v {
        *x = (*x - mean) * scale;
    }
    v
}

pub fn softmax(logits: &[f32]) -> [f32; 7] {
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p = [0.0f32; 7];
    let mut sum = 0.0;
    for (i, l) in logits.iter().take(7).enumerate() {
        p[i] = (l - m).exp();
        sum += p[i];
    }
    for x in &mut p {
        *x /= sum;
    }
    p
}

pub struct EmotionModel {
    plan: Arc<TypedRunnableModel>,
}

impl EmotionModel {
    /// Loads and optimises the ONNX model from its bytes (the browser fetches them; native
    /// tools read the file).
    pub fn from_bytes(onnx: &[u8]) -> TractResult<EmotionModel> {
        Ok(EmotionModel {
            plan: crate::runtime::load(onnx, interviewer_core::models::EMOTION.input)?,
        })
    }

    pub fn from_path(path: impl AsRef<std::path::Path>) -> TractResult<EmotionModel> {
        Self::from_bytes(&std::fs::read(path)?)
    }

    /// Logits for an already preprocessed input (`CROP * CROP` values).
    pub fn logits(&self, input: Vec<f32>) -> TractResult<[f32; 7]> {
        let t = Tensor::from_shape(&[1, 1, CROP, CROP], &input)?;
        let out = self.plan.run(tvec!(t.into()))?;
        let view = out[0].to_plain_array_view::<f32>()?;
        let mut l = [0.0f32; 7];
        for (i, v) in view.iter().take(7).enumerate() {
            l[i] = *v;
        }
        Ok(l)
    }

    /// Expression of a 48x48 FER2013-registered grayscale face.
    pub fn classify48(&self, face48: &[u8]) -> TractResult<Expression> {
        Ok(Expression {
            probs: softmax(&self.logits(preprocess(face48))?),
        })
    }

    /// Expression of a face crop of any size (resized to 48x48 first).
    pub fn classify(&self, face: &Gray) -> TractResult<Expression> {
        let f = if face.width == SIDE && face.height == SIDE {
            face.clone()
        } else {
            face.resize(SIDE, SIDE)
        };
        self.classify48(&f.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preprocess_standardises_the_centre() {
        let face: Vec<u8> = (0..SIDE * SIDE).map(|i| ((i % SIDE) * 5) as u8).collect();
        let v = preprocess(&face);
        assert_eq!(v.len(), CROP * CROP);
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / v.len() as f32;
        assert!(mean.abs() < 1e-4);
        // Unit variance shrunk by the +0.02 guard: (s / (s + 0.02))^2 for the crop's std s.
        let s = (2..46).map(|x| (x * 5) as f32 / 255.0).collect::<Vec<_>>();
        let m = s.iter().sum::<f32>() / s.len() as f32;
        let sd = (s.iter().map(|v| (v - m).powi(2)).sum::<f32>() / s.len() as f32).sqrt();
        assert!((var - (sd / (sd + 0.02)).powi(2)).abs() < 1e-4, "{var}");
        // First value comes from column 2 (the crop skips 2 pixels each side).
        assert!(v[0] < v[1]);
        // A flat face does not divide by zero.
        assert!(preprocess(&[128; SIDE * SIDE])
            .iter()
            .all(|x| x.abs() < 1e-3));
    }

    #[test]
    fn softmax_sums_to_one() {
        let p = softmax(&[1.0, 2.0, 3.0, 0.0, -1.0, 5.0, 100.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(Expression { probs: p }.label(), "neutral");
    }
}
