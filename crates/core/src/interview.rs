//! Interview timing: which question is on screen, how long it has run, where its answer
//! starts and ends in the recording.

use serde::{Deserialize, Serialize};

/// Where one question sits in the recording, in milliseconds from the recording start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionSpan {
    pub index: usize,
    pub start_ms: f64,
    /// `None` while the question is still being answered (or when the tab died).
    pub end_ms: Option<f64>,
}

impl QuestionSpan {
    pub fn duration_ms(&self) -> Option<f64> {
        self.end_ms.map(|e| (e - self.start_ms).max(0.0))
    }
}

/// The state of a running interview's clock. Times are milliseconds on the recording's
/// time line (0 = recording start), supplied by the caller so this stays testable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterviewClock {
    pub limits_s: Vec<u32>,
    pub spans: Vec<QuestionSpan>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Countdown {
    /// Milliseconds left (negative once over the limit).
    pub remaining_ms: f64,
    /// 0..=1 share of the limit used.
    pub fraction: f64,
    pub expired: bool,
}

impl InterviewClock {
    pub fn new(limits_s: Vec<u32>) -> Self {
        InterviewClock {
            limits_s,
            spans: Vec::new(),
        }
    }

    pub fn current(&self) -> Option<usize> {
        self.spans
            .last()
            .filter(|s| s.end_ms.is_none())
            .map(|s| s.index)
    }

    pub fn finished(&self) -> bool {
        self.current().is_none() && self.spans.len() == self.limits_s.len()
    }

    /// Starts the first question, or the next one (closing the current). Returns the
    /// index now running, or `None` once all questions are done.
    pub fn advance(&mut self, now_ms: f64) -> Option<usize> {
        if let Some(last) = self.spans.last_mut() {
            if last.end_ms.is_none() {
                last.end_ms = Some(now_ms.max(last.start_ms));
            }
        }
        let next = self.spans.len();
        if next >= self.limits_s.len() {
            return None;
        }
        self.spans.push(QuestionSpan {
            index: next,
            start_ms: now_ms,
            end_ms: None,
        });
        Some(next)
    }

    /// Ends the interview early: closes the current question, asks no more.
    pub fn finish(&mut self, now_ms: f64) {
        if let Some(last) = self.spans.last_mut() {
            if last.end_ms.is_none() {
                last.end_ms = Some(now_ms.max(last.start_ms));
            }
        }
        self.limits_s.truncate(self.spans.len());
    }

    pub fn countdown(&self, now_ms: f64) -> Option<Countdown> {
        let span = self.spans.last().filter(|s| s.end_ms.is_none())?;
        let limit_ms = self.limits_s[span.index] as f64 * 1000.0;
        let used = (now_ms - span.start_ms).max(0.0);
        Some(Countdown {
            remaining_ms: limit_ms - used,
            fraction: if limit_ms > 0.0 {
                (used / limit_ms).min(1.0)
            } else {
                1.0
            },
            expired: used >= limit_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_through_questions() {
        let mut c = InterviewClock::new(vec![60, 30]);
        assert_eq!(c.current(), None);
        assert_eq!(c.advance(100.0), Some(0));
        assert_eq!(c.current(), Some(0));
        let cd = c.countdown(30_100.0).unwrap();
        assert_eq!(cd.remaining_ms, 30_000.0);
        assert!((cd.fraction - 0.5).abs() < 1e-9);
        assert!(!cd.expired);
        assert_eq!(c.advance(40_000.0), Some(1));
        assert_eq!(c.spans[0].duration_ms(), Some(39_900.0));
        assert!(c.countdown(71_000.0).unwrap().expired);
        assert!(c.countdown(71_000.0).unwrap().remaining_ms < 0.0);
        assert_eq!(c.advance(75_000.0), None);
        assert!(c.finished());
        assert_eq!(c.spans[1].end_ms, Some(75_000.0));
        assert_eq!(c.countdown(80_000.0), None);
    }

    #[test]
    fn finish_early_truncates_plan() {
        let mut c = InterviewClock::new(vec![60, 60, 60]);
        c.advance(0.0);
        c.advance(1000.0);
        c.finish(2500.0);
        assert!(c.finished());
        assert_eq!(c.spans.len(), 2);
        assert_eq!(c.spans[1].duration_ms(), Some(1500.0));
    }

    #[test]
    fn end_never_before_start() {
        let mut c = InterviewClock::new(vec![10]);
        c.advance(500.0);
        c.finish(100.0);
        assert_eq!(c.spans[0].duration_ms(), Some(0.0));
    }
}
