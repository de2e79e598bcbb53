//! The per-frame face pipeline: BlazeFace detection (only when not tracking), the
//! 468-point face mesh, iris landmarks for both eyes, head pose, gaze, focus, and the
//! expression on a FER2013-registered crop. Models: `models/face/` (MediaPipe, converted)
//! and `models/emotion/`.

use crate::emotion::EmotionModel;
use crate::runtime::{flat, load, run, Plan};
use crate::warp::{crop_gray, crop_rgb, Border, Frame};
use interviewer_core::face::detection::{self, Anchor, Detection, Letterbox};
use interviewer_core::face::focus::{Calibration, Focus, FocusSmoother};
pub use interviewer_core::face::observation::{FaceObservation, FrameResult, RoiOut, StageTimes};
use interviewer_core::face::pose::{self, IrisOffset};
use interviewer_core::face::roi::{line_angle, Roi};
use interviewer_core::face::{mesh, Pt, P3};
use interviewer_core::models::{DETECTOR, IRIS, MESH};
use tract_onnx::prelude::*;

/// Side of the mesh and iris models' square inputs (from the models table).
pub const MESH_INPUT: usize = MESH.input[1];
pub const IRIS_INPUT: usize = IRIS.input[1];
/// The mesh model's face-presence score below which tracking is dropped (MediaPipe: 0.5).
pub const FACE_PRESENCE: f32 = 0.5;

/// The three MediaPipe models, loaded and optimised once.
pub struct FaceModels {
    detector: Plan,
    mesh: Plan,
    iris: Plan,
    anchors: Vec<Anchor>,
}

impl FaceModels {
    pub fn from_bytes(detector: &[u8], mesh: &[u8], iris: &[u8]) -> TractResult<FaceModels> {
        Ok(FaceModels {
            detector: load(detector, DETECTOR.input)?,
            mesh: load(mesh, MESH.input)?,
            iris: load(iris, IRIS.input)?,
            anchors: detection::anchors(),
        })
    }

    /// Raw detector outputs (regressors, scores) for a frame, and its letterbox.
    pub fn detect_raw(&self, frame: &Frame) -> TractResult<(Vec<f32>, Vec<f32>, Letterbox)> {
        let n = detection::INPUT;
        let lb = Letterbox::new(frame.width, frame.height, n);
        let s = lb.scale;
        let map = [
            1.0 / s,
            0.0,
            (0.5 - lb.pad_x) / s,
            0.0,
            1.0 / s,
            (0.5 - lb.pad_y) / s,
        ];
        let input = crop_rgb(frame, &map, n, -1.0, 1.0, Border::Zero);
        let out = run(&self.detector, &[1, n, n, 3], input)?;
        Ok((flat(&out[0])?, flat(&out[1])?, lb))
    }

    /// Runs "detector", "mesh" or "iris" on an input of its shape; all outputs flattened
    /// (benchmarks and cross-runtime checks).
    pub fn run_named(&self, name: &str, data: Vec<f32>) -> TractResult<Vec<Vec<f32>>> {
        let (plan, n) = match name {
            "detector" => (&self.detector, detection::INPUT),
            "mesh" => (&self.mesh, MESH_INPUT),
            "iris" => (&self.iris, IRIS_INPUT),
            _ => {
                return Err(tract_onnx::tract_core::internal::format_err!(
                    "unknown model {name}"
                ))
            }
        };
        run(plan, &[1, n, n, 3], data)?.iter().map(flat).collect()
    }

    /// Faces in the frame, best first.
    pub fn detect(&self, frame: &Frame) -> TractResult<Vec<Detection>> {
        let (reg, scores, lb) = self.detect_raw(frame)?;
        Ok(detection::weighted_nms(detection::decode(
            &reg,
            &scores,
            &self.anchors,
            &lb,
        )))
    }

    /// The 468 landmarks (image pixels) in an ROI and the face-presence score.
    pub fn landmarks(&self, frame: &Frame, roi: &Roi) -> TractResult<(Vec<P3>, f32)> {
        let out = run_on_crop(&self.mesh, frame, roi, MESH_INPUT, false)?;
        let presence = 1.0 / (1.0 + (-flat(&out[1])?[0]).exp());
        Ok((roi.project(&flat(&out[0])?, MESH_INPUT, false), presence))
    }

    /// Iris centre and the 5 iris points for one eye; `flip` for the eye on the image's
    /// right, which the model sees mirrored (MediaPipe's convention).
    pub fn iris(&self, frame: &Frame, roi: &Roi, flip: bool) -> TractResult<Vec<P3>> {
        let out = run_on_crop(&self.iris, frame, roi, IRIS_INPUT, flip)?;
        Ok(roi.project(&flat(&out[1])?, IRIS_INPUT, flip))
    }
}

/// Runs a landmark model (RGB in 0..1, NHWC) on an `n` x `n` crop of an ROI.
fn run_on_crop(
    plan: &Plan,
    frame: &Frame,
    roi: &Roi,
    n: usize,
    flip: bool,
) -> TractResult<TVec<TValue>> {
    let input = crop_rgb(
        frame,
        &roi.sampling_map(n, flip),
        n,
        0.0,
        1.0,
        Border::Replicate,
    );
    run(plan, &[1, n, n, 3], input)
}

/// FER2013 registration of the expression crop, relative to the eyes: the crop's side
/// is `EMOTION_SIDE_PER_EYES` times the distance between the eye centres and its centre
/// lies `EMOTION_DOWN_PER_EYES` times that distance below their midpoint. Measured by
/// running the mesh on FER2013 validation faces (`face-eval --measure`, see
/// `models/face/MODEL_CARD.md`).
pub const EMOTION_SIDE_PER_EYES: f32 = 2.77;
pub const EMOTION_DOWN_PER_EYES: f32 = 0.29;

fn eye_centre(lm: &[P3], a: usize, b: usize) -> Pt {
    Pt::new((lm[a].x + lm[b].x) / 2.0, (lm[a].y + lm[b].y) / 2.0)
}

/// The crop the emotion model sees, from the landmarks.
pub fn emotion_roi(lm: &[P3]) -> Roi {
    let ea = eye_centre(lm, mesh::EYE_A_OUTER, mesh::EYE_A_INNER);
    let eb = eye_centre(lm, mesh::EYE_B_INNER, mesh::EYE_B_OUTER);
    let d = ((eb.x - ea.x).powi(2) + (eb.y - ea.y).powi(2)).sqrt();
    let angle = line_angle(ea, eb);
    let (s, c) = angle.sin_cos();
    let mid = Pt::new((ea.x + eb.x) / 2.0, (ea.y + eb.y) / 2.0);
    let down = EMOTION_DOWN_PER_EYES * d;
    Roi {
        cx: mid.x - s * down,
        cy: mid.y + c * down,
        side: EMOTION_SIDE_PER_EYES * d,
        angle,
    }
}

/// How often the slower, slowly-changing analyses run.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    /// Run the expression model at most every this many milliseconds.
    pub emotion_every_ms: f64,
    /// Run the iris model on both eyes every frame; otherwise on one eye per frame,
    /// alternating, with the other eye's last offset (eyes move together, and this halves
    /// the most expensive stage).
    pub both_irises: bool,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            emotion_every_ms: 200.0,
            both_irises: false,
        }
    }
}

/// The stateful pipeline: tracks the face from the previous frame's landmarks and runs the
/// detector only when tracking is lost.
pub struct FacePipeline {
    pub models: FaceModels,
    pub emotion: Option<EmotionModel>,
    pub calibration: Calibration,
    pub rates: Rates,
    now: fn() -> f64,
    track: Option<Roi>,
    smoother: FocusSmoother,
    last_emotion_ms: f64,
    /// Last iris centre per eye, relative to its eye ROI (so it follows the head), and
    /// which eye runs next.
    last_iris: [Option<Pt>; 2],
    next_eye: usize,
}

impl FacePipeline {
    /// `now` is a millisecond clock (performance.now() in the browser, Instant natively).
    pub fn new(
        models: FaceModels,
        emotion: Option<EmotionModel>,
        now: fn() -> f64,
    ) -> FacePipeline {
        FacePipeline {
            models,
            emotion,
            calibration: Calibration::default(),
            rates: Rates::default(),
            now,
            track: None,
            smoother: FocusSmoother::default(),
            last_emotion_ms: f64::NEG_INFINITY,
            last_iris: [None, None],
            next_eye: 0,
        }
    }

    /// Forgets the tracked face and the focus history (a new video or interview).
    pub fn reset(&mut self) {
        self.track = None;
        self.smoother = FocusSmoother::default();
        self.last_emotion_ms = f64::NEG_INFINITY;
        self.last_iris = [None, None];
    }

    /// Gaze and pose only (no expression, no smoothing): used by calibration.
    pub fn process(&mut self, frame: &Frame, t_ms: f64) -> TractResult<FrameResult> {
        let now = self.now;
        let start = now();
        let mut times = StageTimes::default();
        // The mesh on an ROI, kept only if it still sees a face.
        let mesh_on =
            |roi: Roi, times: &mut StageTimes| -> TractResult<Option<(Roi, Vec<P3>, f32)>> {
                let t0 = now();
                let (lm, presence) = self.models.landmarks(frame, &roi)?;
                times.mesh += now() - t0;
                Ok((presence >= FACE_PRESENCE).then_some((roi, lm, presence)))
            };
        // Track from the last frame's landmarks; when that fails (or there is nothing to
        // track), detect in this frame.
        let mut found = match self.track.take() {
            Some(roi) => mesh_on(roi, &mut times)?,
            None => None,
        };
        let tracked = found.is_some();
        if found.is_none() {
            let t0 = now();
            let dets = self.models.detect(frame)?;
            times.detect += now() - t0;
            if let Some(d) = dets.first() {
                found = mesh_on(Roi::from_detection(d), &mut times)?;
            }
        }
        let Some((roi, lm, presence)) = found else {
            self.last_iris = [None, None];
            times.total = now() - start;
            let focus = self.smoother.update(Focus::NoFace, t_ms);
            return Ok(FrameResult {
                t_ms,
                face: None,
                raw_focus: Focus::NoFace,
                focus,
                times,
            });
        };
        self.track = Some(Roi::from_landmarks(&lm));

        let t0 = now();
        let eye_a = Roi::from_eye_corners(lm[mesh::EYE_A_OUTER].xy(), lm[mesh::EYE_A_INNER].xy());
        let eye_b = Roi::from_eye_corners(lm[mesh::EYE_B_INNER].xy(), lm[mesh::EYE_B_OUTER].xy());
        let eyes = [eye_a, eye_b];
        let mut iris = [Pt::default(); 2];
        for (k, eye) in eyes.iter().enumerate() {
            let run_now = self.rates.both_irises
                || !tracked
                || self.last_iris[k].is_none()
                || self.next_eye == k;
            if run_now {
                let p = self.models.iris(frame, eye, k == 1)?[0].xy();
                self.last_iris[k] = Some(eye.to_roi(p));
                iris[k] = p;
            } else if let Some(rel) = self.last_iris[k] {
                iris[k] = eye.to_image(rel.x, rel.y);
            }
        }
        self.next_eye = 1 - self.next_eye;
        let (iris_a, iris_b) = (iris[0], iris[1]);
        times.iris = now() - t0;

        let head = pose::head_pose(&lm);
        let offsets = [
            pose::iris_offset(
                lm[mesh::EYE_A_OUTER].xy(),
                lm[mesh::EYE_A_INNER].xy(),
                lm[mesh::EYE_A_UPPER].xy(),
                lm[mesh::EYE_A_LOWER].xy(),
                iris_a,
            ),
            pose::iris_offset(
                lm[mesh::EYE_B_INNER].xy(),
                lm[mesh::EYE_B_OUTER].xy(),
                lm[mesh::EYE_B_UPPER].xy(),
                lm[mesh::EYE_B_LOWER].xy(),
                iris_b,
            ),
        ];
        let gaze = pose::gaze(&head, &eye_ok(&offsets));
        let raw_focus = self.calibration.classify(&gaze);
        let focus = self.smoother.update(raw_focus, t_ms);

        let mut expression = None;
        if let Some(model) = &self.emotion {
            if t_ms - self.last_emotion_ms >= self.rates.emotion_every_ms {
                let t0 = now();
                let face48 = emotion_crop(frame, &lm);
                expression = Some(model.classify48(&face48)?.probs);
                times.emotion = now() - t0;
                self.last_emotion_ms = t_ms;
            }
        }
        times.total = now() - start;
        let points = [
            mesh::EYE_A_OUTER,
            mesh::EYE_A_INNER,
            mesh::EYE_B_INNER,
            mesh::EYE_B_OUTER,
            mesh::NOSE_TIP,
            mesh::CHIN,
            mesh::FOREHEAD,
        ]
        .iter()
        .map(|&i| lm[i].xy())
        .collect();
        Ok(FrameResult {
            t_ms,
            face: Some(FaceObservation {
                roi: RoiOut {
                    cx: roi.cx,
                    cy: roi.cy,
                    side: roi.side,
                    angle: roi.angle,
                },
                tracked,
                presence,
                pose: head,
                gaze,
                irises: [iris_a, iris_b],
                points,
                expression,
            }),
            raw_focus,
            focus,
            times,
        })
    }
}

/// Drops an eye whose iris estimate is implausible (closed or occluded eye): outside the
/// eye opening by a wide margin.
fn eye_ok(offsets: &[IrisOffset; 2]) -> Vec<IrisOffset> {
    offsets
        .iter()
        .copied()
        .filter(|o| o.h.abs() < 1.2 && o.v.abs() < 1.0)
        .collect()
}

/// The 48x48 grayscale face, registered like FER2013, for the emotion model.
pub fn emotion_crop(frame: &Frame, lm: &[P3]) -> Vec<u8> {
    crop_gray(frame, &emotion_roi(lm).sampling_map(48, false), 48)
}

/// A `now` for native callers.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_now() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// Converts an RGB or gray image to RGBA (native tools and tests).
pub fn to_rgba(width: usize, height: usize, channels: usize, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(width * height * 4);
    for p in data.chunks_exact(channels) {
        match channels {
            1 => out.extend_from_slice(&[p[0], p[0], p[0], 255]),
            3 => out.extend_from_slice(&[p[0], p[1], p[2], 255]),
            _ => out.extend_from_slice(&[p[0], p[1], p[2], p[3]]),
        }
    }
    out
}
