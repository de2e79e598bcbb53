//! What the face pipeline reports for one frame: produced by the inference worker (or
//! the native tools), read by the UI for the overlay and the timeline.

use super::focus::Focus;
use super::pose::{Gaze, HeadPose};
use super::Pt;

/// Milliseconds spent in each stage of one frame (0 when a stage did not run).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageTimes {
    pub detect: f64,
    pub mesh: f64,
    pub iris: f64,
    pub emotion: f64,
    pub total: f64,
}

/// What one frame showed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FaceObservation {
    /// Detector box of this frame, or the tracked ROI's square when tracking.
    pub roi: RoiOut,
    pub tracked: bool,
    pub presence: f32,
    pub pose: HeadPose,
    pub gaze: Gaze,
    /// Iris centres, image-left eye first.
    pub irises: [Pt; 2],
    /// A few landmarks for the overlay (eye corners, nose tip, chin).
    pub points: Vec<Pt>,
    pub expression: Option<[f32; 7]>,
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct RoiOut {
    pub cx: f32,
    pub cy: f32,
    pub side: f32,
    pub angle: f32,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FrameResult {
    pub t_ms: f64,
    pub face: Option<FaceObservation>,
    /// Raw and smoothed focus class.
    pub raw_focus: Focus,
    pub focus: Focus,
    pub times: StageTimes,
}
