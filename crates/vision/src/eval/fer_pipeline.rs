//! Proof that the pipeline's expression crop matches FER2013's registration: FER2013
//! faces, upscaled and pasted into a larger frame, go through detection -> mesh ->
//! expression crop -> emotion model, and the accuracy is compared with classifying the
//! original 48x48 faces directly. Also measures where FER2013 puts the eyes, which sets
//! the crop constants in [`crate::face`].

use crate::emotion::EmotionModel;
use crate::eval::fer::{Face, SIDE};
use crate::face::{emotion_crop, FaceModels};
use crate::image::Gray;
use crate::warp::Frame;
use interviewer_core::face::roi::Roi;
use interviewer_core::face::{mesh, pose};
use tract_onnx::prelude::TractResult;

pub const FRAME_W: usize = 640;
pub const FRAME_H: usize = 480;

/// A FER2013 face upscaled `scale` times and pasted at the centre of a 640x480 frame with
/// a mid-grey background; returns RGBA and the top-left corner of the paste.
pub fn paste(face48: &[u8], scale: usize) -> (Vec<u8>, usize, usize) {
    let side = SIDE * scale;
    let big = Gray::new(SIDE, SIDE, face48.to_vec()).resize(side, side);
    let (ox, oy) = ((FRAME_W - side) / 2, (FRAME_H - side) / 2);
    let mut rgba = vec![0u8; FRAME_W * FRAME_H * 4];
    for y in 0..FRAME_H {
        for x in 0..FRAME_W {
            let inside = x >= ox && x < ox + side && y >= oy && y < oy + side;
            let v = if inside { big.get(x - ox, y - oy) } else { 128 };
            let o = (y * FRAME_W + x) * 4;
            rgba[o..o + 4].copy_from_slice(&[v, v, v, 255]);
        }
    }
    (rgba, ox, oy)
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PipelineEval {
    pub faces: usize,
    pub detected: usize,
    /// Correct on the 48x48 originals: all faces, and the detected ones only.
    pub direct_correct: usize,
    pub direct_correct_detected: usize,
    /// Correct through the pipeline (faces without a detection count as wrong).
    pub pipeline_correct: usize,
    /// Median eye-centre distance and midpoint (x, y), in FER2013 pixels.
    pub eye_distance: f32,
    pub eye_mid: (f32, f32),
    /// Median head yaw / pitch and gaze y through the pipeline (degrees).
    pub yaw: f32,
    pub pitch: f32,
    pub gaze_y: f32,
}

impl PipelineEval {
    pub fn pct(n: usize, d: usize) -> f64 {
        100.0 * n as f64 / d.max(1) as f64
    }
    pub fn direct_accuracy(&self) -> f64 {
        Self::pct(self.direct_correct, self.faces)
    }
    pub fn pipeline_accuracy(&self) -> f64 {
        Self::pct(self.pipeline_correct, self.faces)
    }
    pub fn detection_rate(&self) -> f64 {
        Self::pct(self.detected, self.faces)
    }
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

pub fn evaluate(
    models: &FaceModels,
    emotion: &EmotionModel,
    faces: &[Face],
    scale: usize,
) -> TractResult<PipelineEval> {
    let mut e = PipelineEval {
        faces: faces.len(),
        ..Default::default()
    };
    let (mut dist, mut mx, mut my, mut yaw, mut pitch, mut gy) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for f in faces {
        let direct = emotion.classify48(f.pixels)?.top() == f.label as usize;
        e.direct_correct += direct as usize;
        let (rgba, ox, oy) = paste(f.pixels, scale);
        let frame = Frame::new(FRAME_W, FRAME_H, &rgba);
        let Some(det) = models.detect(&frame)?.into_iter().next() else {
            continue;
        };
        let (lm, presence) = models.landmarks(&frame, &Roi::from_detection(&det))?;
        if presence < crate::face::FACE_PRESENCE {
            continue;
        }
        e.detected += 1;
        e.direct_correct_detected += direct as usize;
        let crop = emotion_crop(&frame, &lm);
        e.pipeline_correct += (emotion.classify48(&crop)?.top() == f.label as usize) as usize;
        // Eye centres back in FER2013 pixels.
        let to_fer = |i: usize, j: usize| {
            (
                ((lm[i].x + lm[j].x) / 2.0 - ox as f32) / scale as f32,
                ((lm[i].y + lm[j].y) / 2.0 - oy as f32) / scale as f32,
            )
        };
        let a = to_fer(mesh::EYE_A_OUTER, mesh::EYE_A_INNER);
        let b = to_fer(mesh::EYE_B_INNER, mesh::EYE_B_OUTER);
        dist.push(((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt());
        mx.push((a.0 + b.0) / 2.0);
        my.push((a.1 + b.1) / 2.0);
        let p = pose::head_pose(&lm);
        yaw.push(p.yaw_deg);
        pitch.push(p.pitch_deg);
        gy.push(pose::gaze(&p, &[]).y_deg);
    }
    e.eye_distance = median(dist);
    e.eye_mid = (median(mx), median(my));
    e.yaw = median(yaw);
    e.pitch = median(pitch);
    e.gaze_y = median(gy);
    Ok(e)
}
