//! The report's figures, computed from a stored interview record.

use crate::format;
use crate::record::{InterviewRecord, Status};

#[derive(Clone, Debug, PartialEq)]
pub struct QuestionRow {
    pub index: usize,
    pub text: String,
    /// Where the answer starts in the recording (ms), for seeking.
    pub start_ms: f64,
    pub answer_ms: f64,
    pub limit_s: u32,
    /// Answer ran past the question's time limit (it was cut there).
    pub hit_limit: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub id: String,
    pub date: String,
    pub track: &'static str,
    pub duration: String,
    pub duration_ms: f64,
    pub status: Status,
    pub note: Option<String>,
    pub media: &'static str,
    pub asked: usize,
    pub planned: usize,
    pub rows: Vec<QuestionRow>,
    /// Mean answer time over answered questions (ms).
    pub mean_answer_ms: f64,
}

pub fn build_report(rec: &InterviewRecord, tz_offset_min: f64) -> Report {
    let rows: Vec<QuestionRow> = rec
        .answered()
        .map(|(s, q)| {
            let answer_ms = s.duration_ms().unwrap_or(0.0);
            QuestionRow {
                index: s.index,
                text: q.text.clone(),
                start_ms: s.start_ms,
                answer_ms,
                limit_s: q.limit_s,
                // Within half a second of the limit counts as cut off by the timer.
                hit_limit: answer_ms + 500.0 >= q.limit_s as f64 * 1000.0,
            }
        })
        .collect();
    let mean_answer_ms = if rows.is_empty() {
        0.0
    } else {
        rows.iter().map(|r| r.answer_ms).sum::<f64>() / rows.len() as f64
    };
    Report {
        id: rec.id.clone(),
        date: format::date_time(rec.created_ms, tz_offset_min),
        track: rec.track.label(),
        duration: format::mmss(rec.duration_ms),
        duration_ms: rec.duration_ms,
        status: rec.status,
        note: rec.note.clone(),
        media: rec.media.label(),
        asked: rows.len(),
        planned: rec.questions.len(),
        rows,
        mean_answer_ms,
    }
}

/// History list: newest first.
pub fn sort_history(records: &mut [InterviewRecord]) {
    records.sort_by(|a, b| b.created_ms.total_cmp(&a.created_ms));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::InterviewClock;
    use crate::questions::{plan_questions, Track};
    use crate::record::MediaKind;

    fn record() -> InterviewRecord {
        let qs = plan_questions(Track::SoftwareEngineering, 3, 10, &[], 5);
        let mut r = InterviewRecord::new(
            "a".into(),
            0.0,
            Track::SoftwareEngineering,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        );
        let mut c = InterviewClock::new(r.questions.iter().map(|q| q.limit_s).collect());
        c.advance(0.0);
        c.advance(4_000.0);
        c.advance(14_000.0); // second answer hit its 10 s limit
        c.finish(20_000.0);
        r.spans = c.spans;
        r.finish(20_500.0);
        r
    }

    #[test]
    fn rows_follow_spans() {
        let rep = build_report(&record(), 0.0);
        assert_eq!(rep.asked, 3);
        assert_eq!(rep.planned, 3);
        assert_eq!(rep.duration, "0:20");
        assert_eq!(rep.rows[0].answer_ms, 4000.0);
        assert!(!rep.rows[0].hit_limit);
        assert!(rep.rows[1].hit_limit);
        assert_eq!(rep.rows[2].start_ms, 14_000.0);
        assert!((rep.mean_answer_ms - 20_000.0 / 3.0).abs() < 1e-9);
        assert_eq!(rep.track, "Software engineering");
        assert_eq!(rep.date, "1970-01-01 00:00");
    }

    #[test]
    fn empty_interview_has_no_rows() {
        let mut r = record();
        r.spans.clear();
        let rep = build_report(&r, 0.0);
        assert_eq!(rep.asked, 0);
        assert_eq!(rep.mean_answer_ms, 0.0);
    }

    #[test]
    fn history_newest_first() {
        let mut a = record();
        let mut b = record();
        a.created_ms = 1.0;
        b.created_ms = 2.0;
        b.id = "b".into();
        let mut v = vec![a, b];
        sort_history(&mut v);
        assert_eq!(v[0].id, "b");
    }
}
