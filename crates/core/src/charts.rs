//! What the report's charts show, as plain data: series over the recording's time, the
//! question boundaries, and the mapping between time and chart pixels that both drawing
//! and click-to-seek use. The browser glue only draws these.

// Reads stored and imported data: no index, slice or narrowing cast that data can break
// (issue 20); each one left carries an `allow` with its reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )
)]

use crate::face::focus::Focus;
use crate::face::timeline::FrameSample;
use crate::report::{QuestionRow, Report};

/// Pixel layout of a time chart: the plot area inside the canvas, and the time range it
/// spans. Drawing, the playback cursor and click-to-seek all go through it, so a click
/// lands on the time drawn under it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeFrame {
    /// Plot area's left and right edges (px from the canvas' left).
    pub left: f64,
    pub right: f64,
    pub start_ms: f64,
    pub end_ms: f64,
}

impl TimeFrame {
    pub fn x_of(&self, t_ms: f64) -> f64 {
        let span = (self.end_ms - self.start_ms).max(1.0);
        self.left + (t_ms - self.start_ms) / span * (self.right - self.left)
    }

    /// The time under pixel `x`, clamped to the chart's range.
    pub fn t_of(&self, x: f64) -> f64 {
        let w = (self.right - self.left).max(1.0);
        let f = ((x - self.left) / w).clamp(0.0, 1.0);
        self.start_ms + f * (self.end_ms - self.start_ms)
    }
}

/// Where each answer starts, with its 1-based number, for the boundary marks.
pub fn boundaries(report: &Report) -> Vec<(f64, usize)> {
    report
        .rows
        .iter()
        .map(|r| (r.start_ms, r.index + 1))
        .collect()
}

/// Width of the bins the expression chart averages over: 2 s keeps a 10-minute interview
/// to 300 columns while still showing a smile that lasts a sentence.
pub const EXPRESSION_BIN_MS: f64 = 2000.0;

/// One bin of the expression chart: mean probability of each class over the bin's frames
/// with an expression (None when the bin had none: drawn as a gap, not as zero).
#[derive(Clone, Debug, PartialEq)]
pub struct ExpressionBin {
    pub start_ms: f64,
    pub probs: Option<[f32; 7]>,
}

/// Expression probabilities averaged in [`EXPRESSION_BIN_MS`] bins from 0 to `end_ms`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "bin counts from a finite time clamped to a day (at most 43 200) and from u32 frame times; probabilities to f32 lose only precision"
)]
pub fn expression_bins(timeline: &[FrameSample], end_ms: f64) -> Vec<ExpressionBin> {
    // At most a day of bins: a damaged end time never sizes the allocation.
    let end_ms = if end_ms.is_finite() {
        end_ms.clamp(0.0, crate::bounds::MAX_DURATION_MS)
    } else {
        0.0
    };
    let n = (end_ms / EXPRESSION_BIN_MS).ceil() as usize;
    let mut sums = vec![([0f64; 7], 0usize); n];
    for f in timeline.iter().filter(|f| f.expr.len() == 7) {
        let k = (f.t as f64 / EXPRESSION_BIN_MS) as usize;
        if let Some((s, c)) = sums.get_mut(k) {
            for (acc, p) in s.iter_mut().zip(&f.expr) {
                *acc += *p as f64 / 255.0;
            }
            *c += 1;
        }
    }
    sums.into_iter()
        .enumerate()
        .map(|(k, (s, c))| ExpressionBin {
            start_ms: k as f64 * EXPRESSION_BIN_MS,
            probs: (c > 0).then(|| {
                // Normalised so the stack fills the column (quantisation leaves ±1%).
                let total: f64 = s.iter().sum::<f64>().max(1e-9);
                s.map(|v| (v / total) as f32)
            }),
        })
        .collect()
}

/// A stretch of constant focus, for the focus band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FocusRun {
    pub start_ms: f64,
    pub end_ms: f64,
    pub focus: Focus,
}

/// Frames longer apart than this leave a gap in the band (analysis paused or dropped).
pub const FOCUS_GAP_MS: f64 = 1000.0;

/// Consecutive frames with the same focus merged into runs; each frame lasts until the
/// next one (at most [`FOCUS_GAP_MS`]).
pub fn focus_runs(timeline: &[FrameSample]) -> Vec<FocusRun> {
    let mut runs: Vec<FocusRun> = Vec::new();
    for (i, f) in timeline.iter().enumerate() {
        let start = f.t as f64;
        let next = timeline.get(i + 1).map(|n| n.t as f64);
        let end = match next {
            Some(n) if n - start <= FOCUS_GAP_MS => n,
            // The last frame, or one before a gap: the typical frame interval.
            _ => start + 100.0,
        };
        match runs.last_mut() {
            Some(r) if r.focus == f.focus && (r.end_ms - start).abs() < 1e-9 => r.end_ms = end,
            _ => runs.push(FocusRun {
                start_ms: start,
                end_ms: end,
                focus: f.focus,
            }),
        }
    }
    runs
}

/// Pace of one answer for the bar chart ([`QuestionRow::pace`], the advice's figure);
/// no bar where nothing was measured.
pub fn answer_pace(row: &QuestionRow) -> Option<f64> {
    row.pace().filter(|w| *w > 0.0)
}

/// A point of the loudness and pitch chart, on the recording's time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VoicePoint {
    pub t_ms: f64,
    pub level_dbfs: Option<f32>,
    pub pitch_hz: Option<f32>,
}

/// Every answer's loudness/pitch contour placed at the answer's start in the recording.
pub fn voice_points(report: &Report) -> Vec<VoicePoint> {
    report
        .rows
        .iter()
        .filter_map(|r| r.speech.as_ref().map(|s| (r.start_ms, r.answer_ms, s)))
        .flat_map(|(start, len, s)| {
            s.contour
                .iter()
                .filter(move |p| (p.t_ms as f64) < len.max(1.0))
                .map(move |p| VoicePoint {
                    t_ms: start + p.t_ms as f64,
                    level_dbfs: p.level_dbfs,
                    pitch_hz: p.pitch_hz,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(t: u32, focus: Focus, happy: Option<u8>) -> FrameSample {
        FrameSample {
            t,
            focus,
            expr: happy
                .map(|h| {
                    let mut v = vec![0u8; 7];
                    v[3] = h;
                    v[6] = 255 - h;
                    v
                })
                .unwrap_or_default(),
            yaw: None,
            pitch: None,
        }
    }

    #[test]
    fn time_frame_maps_both_ways() {
        let f = TimeFrame {
            left: 40.0,
            right: 640.0,
            start_ms: 0.0,
            end_ms: 60_000.0,
        };
        assert_eq!(f.x_of(30_000.0), 340.0);
        assert_eq!(f.t_of(340.0), 30_000.0);
        assert_eq!(f.t_of(0.0), 0.0);
        assert_eq!(f.t_of(9999.0), 60_000.0);
        for x in [40.0, 123.0, 640.0] {
            assert!((f.x_of(f.t_of(x)) - x).abs() < 1e-9);
        }
    }

    #[test]
    fn expressions_are_averaged_per_bin_with_gaps() {
        let tl = vec![
            sample(0, Focus::Centre, Some(255)),
            sample(1000, Focus::Centre, Some(0)),
            sample(2500, Focus::NoFace, None),
            sample(4100, Focus::Centre, Some(255)),
        ];
        let bins = expression_bins(&tl, 5000.0);
        assert_eq!(bins.len(), 3);
        let p = bins[0].probs.unwrap();
        assert!((p[3] - 0.5).abs() < 1e-6 && (p[6] - 0.5).abs() < 1e-6);
        assert_eq!(bins[1].probs, None);
        assert_eq!(bins[2].start_ms, 4000.0);
        assert!((bins[2].probs.unwrap()[3] - 1.0).abs() < 1e-6);
        // Frames past the end are ignored, not a panic.
        assert_eq!(expression_bins(&tl, 1000.0).len(), 1);
    }

    #[test]
    fn focus_runs_merge_and_break_at_gaps() {
        let tl = vec![
            sample(0, Focus::Centre, None),
            sample(100, Focus::Centre, None),
            sample(200, Focus::Away, None),
            sample(300, Focus::Away, None),
            sample(3000, Focus::Away, None), // after a 2.7 s gap
        ];
        let r = focus_runs(&tl);
        assert_eq!(
            r.iter()
                .map(|r| (r.start_ms, r.end_ms, r.focus))
                .collect::<Vec<_>>(),
            vec![
                (0.0, 200.0, Focus::Centre),
                (200.0, 400.0, Focus::Away),
                (3000.0, 3100.0, Focus::Away)
            ]
        );
        assert!(focus_runs(&[]).is_empty());
    }
}
