//! Face geometry for the vision pipeline, independent of any model runtime: BlazeFace
//! anchors and decoding, rotated regions of interest and their transforms, head pose,
//! gaze and the smoothed focus class, and the per-frame timeline the report reads.
//!
//! Coordinates are image pixels, x to the right and y down, as the camera delivers
//! them (not mirrored). Angles are radians unless a name says `_deg`.

pub mod detection;
pub mod focus;
pub mod observation;
pub mod packed;
pub mod pose;
pub mod roi;
pub mod timeline;

/// FER2013 expression classes, in the emotion model's output order.
pub const EXPRESSIONS: [&str; 7] = [
    "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral",
];

/// Index of the most probable expression (neutral for an empty or all-NaN input).
pub fn top_expression(probs: &[f32; 7]) -> usize {
    (0..7)
        .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
        .unwrap_or(6)
}

/// A 2D point in image pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pt {
    pub x: f32,
    pub y: f32,
}

impl Pt {
    pub const fn new(x: f32, y: f32) -> Pt {
        Pt { x, y }
    }
}

/// A 3D landmark: x, y in image pixels; z depth in the same scale (smaller is nearer).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct P3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
}

impl P3 {
    pub const fn new(x: f32, y: f32, z: f32) -> P3 {
        P3 { x, y, z }
    }
    pub fn xy(self) -> Pt {
        Pt::new(self.x, self.y)
    }
    fn sub(self, o: P3) -> P3 {
        P3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
    fn cross(self, o: P3) -> P3 {
        P3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }
    fn norm(self) -> P3 {
        let l = (self.x * self.x + self.y * self.y + self.z * self.z)
            .sqrt()
            .max(1e-9);
        P3::new(self.x / l, self.y / l, self.z / l)
    }
}

/// Indices into MediaPipe's 468-point face mesh used by this pipeline.
pub mod mesh {
    /// Outer and inner corner of the eye that appears on the image's left (the subject's right).
    pub const EYE_A_OUTER: usize = 33;
    pub const EYE_A_INNER: usize = 133;
    pub const EYE_A_UPPER: usize = 159;
    pub const EYE_A_LOWER: usize = 145;
    /// Inner and outer corner of the eye on the image's right (the subject's left).
    pub const EYE_B_INNER: usize = 362;
    pub const EYE_B_OUTER: usize = 263;
    pub const EYE_B_UPPER: usize = 386;
    pub const EYE_B_LOWER: usize = 374;
    pub const FOREHEAD: usize = 10;
    pub const CHIN: usize = 152;
    pub const NOSE_TIP: usize = 1;
    pub const MOUTH_UPPER: usize = 13;
    pub const MOUTH_LOWER: usize = 14;
    pub const COUNT: usize = 468;
}
