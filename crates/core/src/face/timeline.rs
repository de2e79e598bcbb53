//! What the face pipeline stores per analysed frame, and the per-question shares the
//! report shows.

use super::focus::Focus;
use super::observation::FrameResult;
use serde::{Deserialize, Serialize};

/// One analysed frame. Probabilities are stored as 0..=255 to keep a long interview's
/// timeline small (10 minutes at 15 fps is about 9,000 samples).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameSample {
    /// Milliseconds since the recording started.
    pub t: u32,
    /// Smoothed focus class (NoFace when no face was found).
    pub focus: Focus,
    /// Expression probabilities in FER2013 order, x255; empty without a face or when the
    /// expression was not analysed on this frame.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expr: Vec<u8>,
    /// Head yaw and pitch in degrees (image terms), when a face was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yaw: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch: Option<f32>,
}

impl FrameSample {
    pub fn face(&self) -> bool {
        self.focus != Focus::NoFace
    }

    /// What the timeline keeps of one pipeline result: the smoothed focus, the expression
    /// when it ran on this frame, head yaw/pitch to 0.1 degree.
    pub fn from_result(r: &FrameResult) -> FrameSample {
        let face = r.face.as_ref();
        let tenth = |v: f32| (v * 10.0).round() / 10.0;
        FrameSample {
            t: r.t_ms.max(0.0) as u32,
            focus: r.focus,
            expr: face
                .and_then(|f| f.expression)
                .map(|p| FrameSample::quantise(&p))
                .unwrap_or_default(),
            yaw: face.map(|f| tenth(f.pose.yaw_deg)),
            pitch: face.map(|f| tenth(f.pose.pitch_deg)),
        }
    }

    pub fn quantise(probs: &[f32; 7]) -> Vec<u8> {
        probs
            .iter()
            .map(|p| (p.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect()
    }
}

/// Shares over a span of the timeline, each 0..1 of the analysed frames (focus) or of
/// the frames with an expression (expressions: mean probability).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceSummary {
    pub frames: usize,
    /// Centre, border, away, no face (see [`Focus::ALL`]).
    pub focus: [f32; 4],
    /// Mean probability of each FER2013 class over frames with a face.
    pub expressions: [f32; 7],
    pub expression_frames: usize,
}

/// Summarises the samples with `from_ms <= t < to_ms`.
pub fn summarise(samples: &[FrameSample], from_ms: f64, to_ms: f64) -> FaceSummary {
    let mut s = FaceSummary::default();
    let mut counts = [0usize; 4];
    let mut sums = [0f64; 7];
    for f in samples
        .iter()
        .filter(|f| (f.t as f64) >= from_ms && (f.t as f64) < to_ms)
    {
        s.frames += 1;
        counts[f.focus.index()] += 1;
        if f.expr.len() == 7 {
            s.expression_frames += 1;
            for (k, v) in f.expr.iter().enumerate() {
                sums[k] += *v as f64 / 255.0;
            }
        }
    }
    if s.frames > 0 {
        for (share, n) in s.focus.iter_mut().zip(counts) {
            *share = n as f32 / s.frames as f32;
        }
    }
    if s.expression_frames > 0 {
        let total: f64 = sums.iter().sum();
        for (share, sum) in s.expressions.iter_mut().zip(sums) {
            *share = (sum / total.max(1e-9)) as f32;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(t: u32, focus: Focus, top: Option<usize>) -> FrameSample {
        let expr = top
            .map(|k| {
                let mut p = [0.0f32; 7];
                p[k] = 1.0;
                FrameSample::quantise(&p)
            })
            .unwrap_or_default();
        FrameSample {
            t,
            focus,
            expr,
            yaw: None,
            pitch: None,
        }
    }

    #[test]
    fn shares_within_a_span() {
        let tl = vec![
            f(0, Focus::Centre, Some(6)),
            f(100, Focus::Centre, Some(3)),
            f(200, Focus::Border, Some(6)),
            f(300, Focus::NoFace, None),
            f(1000, Focus::Away, Some(0)),
        ];
        let s = summarise(&tl, 0.0, 1000.0);
        assert_eq!(s.frames, 4);
        assert_eq!(s.focus, [0.5, 0.25, 0.0, 0.25]);
        assert_eq!(s.expression_frames, 3);
        assert!((s.expressions[6] - 2.0 / 3.0).abs() < 1e-6);
        assert!((s.expressions[3] - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(summarise(&tl, 2000.0, 3000.0), FaceSummary::default());
    }

    #[test]
    fn compact_json() {
        let j = serde_json::to_string(&f(5, Focus::NoFace, None)).unwrap();
        assert_eq!(j, r#"{"t":5,"focus":"no_face"}"#);
    }
}
