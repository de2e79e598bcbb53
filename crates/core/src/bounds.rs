//! The bounds every stored or imported interview must keep, checked in one place: the
//! store's reader and the importer both call [`check_record`] (through
//! `record::migrate_record` and `record::assemble`), so a record that passes can be shown,
//! charted, advised on and exported without an overflow, a huge allocation or a date from
//! another millennium. A record that fails is refused on import and shown as damaged in the
//! history, never opened.

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

use crate::face::timeline::FrameSample;
use crate::record::{AnswerTranscript, ChunkMeta, InterviewRecord, Status};
use crate::speech::audio::{AudioMetrics, Span};

/// Longest interview (and any time inside one): a day.
pub const MAX_DURATION_MS: f64 = 24.0 * 3600.0 * 1000.0;
/// Interviews are dated from 2000-01-01 to 2100-01-01 (UTC); a clock outside that is wrong.
pub const MIN_DATE_MS: f64 = 946_684_800_000.0;
pub const MAX_DATE_MS: f64 = 4_102_444_800_000.0;
/// Ids are the app's own (`iv-<ms>-<hex>`): letters, digits and '-', at most this long.
pub const MAX_ID_LEN: usize = 64;
pub const MAX_QUESTIONS: usize = 200;
/// A question's text, a note, a talking point, a term.
pub const MAX_SHORT_TEXT: usize = 4_000;
pub const MAX_POINTS: usize = 100;
/// One answer's transcript (two hours of fast speech is about 150 000 characters).
pub const MAX_TRANSCRIPT: usize = 200_000;
/// Items of a list that grows with time (pauses, words, segments, contour points):
/// a day at four per second.
pub const MAX_ITEMS: usize = 400_000;
/// Analysed frames: a day at 30 frames per second.
pub const MAX_FRAMES: usize = 2_600_000;
/// Recording pieces: a day at ten per second.
pub const MAX_CHUNKS: u32 = 864_000;
/// A recording's bytes (1 TB).
pub const MAX_BYTES: f64 = 1e12;
/// A time span may reach this far past the recording's end: MediaRecorder hands over its
/// last piece a moment after the question's end was taken.
const SLACK_MS: f64 = 1_000.0;

/// What is wrong, naming the field: "created_ms out of range (-8640000000000000)".
pub type Problem = String;

fn fail<T>(what: impl Into<String>) -> Result<T, Problem> {
    Err(what.into())
}

/// An id the app made: letters, digits and '-'.
pub fn is_app_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A number as a message shows it: 1e308 and -8.64e15, not 309 digits.
fn show(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e9 {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn time(name: &str, v: f64) -> Result<(), Problem> {
    if v.is_finite() && (0.0..=MAX_DURATION_MS).contains(&v) {
        Ok(())
    } else {
        fail(format!("{name} out of range ({})", show(v)))
    }
}

fn date(name: &str, v: f64) -> Result<(), Problem> {
    if v.is_finite() && (MIN_DATE_MS..=MAX_DATE_MS).contains(&v) {
        Ok(())
    } else {
        fail(format!("{name} out of range ({})", show(v)))
    }
}

fn range(name: &str, v: f64, lo: f64, hi: f64) -> Result<(), Problem> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        fail(format!("{name} out of range ({})", show(v)))
    }
}

fn text(name: &str, s: &str, max: usize) -> Result<(), Problem> {
    if s.len() <= max {
        Ok(())
    } else {
        fail(format!("{name} too long ({} bytes)", s.len()))
    }
}

fn items<T>(name: &str, v: &[T], max: usize) -> Result<(), Problem> {
    if v.len() <= max {
        Ok(())
    } else {
        fail(format!("too many {name} ({})", v.len()))
    }
}

/// Everything a record holds, bounded and consistent. `questions` bound every answer
/// index; times lie within a day and, once the recording ended, within the recording.
pub fn check_record(r: &InterviewRecord) -> Result<(), Problem> {
    if !is_app_id(&r.id) {
        return fail("id is not one this app makes (letters, digits and '-', at most 64)");
    }
    date("created_ms", r.created_ms)?;
    if let Some(h) = r.heartbeat_ms {
        date("heartbeat_ms", h)?;
    }
    time("duration_ms", r.duration_ms)?;
    if r.chunk_count > MAX_CHUNKS {
        return fail(format!("chunk_count out of range ({})", r.chunk_count));
    }
    range("bytes", r.bytes, 0.0, MAX_BYTES)?;
    text("mime_type", &r.mime_type, 200)?;
    if r.mime_type.chars().any(|c| c.is_control()) {
        return fail("mime_type holds control characters");
    }
    for (name, note) in [("note", &r.note), ("vision_note", &r.vision_note)] {
        if let Some(n) = note {
            text(name, n, MAX_SHORT_TEXT)?;
        }
    }
    items("job terms", &r.job_terms, MAX_POINTS)?;
    for t in &r.job_terms {
        text("job term", t, MAX_SHORT_TEXT)?;
    }
    check_questions(r)?;
    check_spans(r)?;
    if let Some(c) = &r.calibration {
        for (name, v, lo) in [
            ("calibration centre", c.centre.x_deg, -90.0),
            ("calibration centre", c.centre.y_deg, -90.0),
            ("calibration left", c.left_deg, 0.0),
            ("calibration right", c.right_deg, 0.0),
            ("calibration up", c.up_deg, 0.0),
            ("calibration down", c.down_deg, 0.0),
        ] {
            range(name, f64::from(v), lo, 90.0)?;
        }
    }
    let n = r.questions.len();
    items("speech entries", &r.speech, MAX_QUESTIONS)?;
    for s in &r.speech {
        answer_index("speech", s.index, n)?;
        check_audio(&s.audio)?;
    }
    items("transcripts", &r.transcripts, MAX_QUESTIONS)?;
    for t in &r.transcripts {
        answer_index("transcript", t.index, n)?;
        check_transcript(t)?;
    }
    check_timeline(&r.timeline)
}

fn answer_index(what: &str, index: usize, questions: usize) -> Result<(), Problem> {
    if index < questions {
        Ok(())
    } else {
        fail(format!(
            "{what} of answer {index} in a {questions}-question interview"
        ))
    }
}

fn check_questions(r: &InterviewRecord) -> Result<(), Problem> {
    items("questions", &r.questions, MAX_QUESTIONS)?;
    for (i, q) in r.questions.iter().enumerate() {
        let name = |f: &str| format!("question {} {f}", i + 1);
        text(&name("text"), &q.text, MAX_SHORT_TEXT)?;
        range(&name("time limit"), f64::from(q.limit_s), 0.0, 86_400.0)?;
        if let Some(s) = q.suggested_s {
            range(&name("suggested time"), f64::from(s), 0.0, 86_400.0)?;
        }
        if let Some(id) = &q.id {
            text(&name("id"), id, 200)?;
        }
        items(&name("talking points"), &q.points, MAX_POINTS)?;
        items(&name("terms"), &q.terms, MAX_POINTS)?;
        for p in q.points.iter().chain(&q.terms) {
            text(&name("talking point"), p, MAX_SHORT_TEXT)?;
        }
        // A follow-up follows an earlier question, never itself or a later one.
        if q.follows.is_some_and(|f| f >= i) {
            return fail(name("follows a question that is not before it"));
        }
    }
    Ok(())
}

fn check_spans(r: &InterviewRecord) -> Result<(), Problem> {
    // While recording, `duration_ms` is the last saved chunk's time and the current
    // question may have started after it; once ended, every span lies inside the recording.
    let end = if r.status == Status::Recording {
        MAX_DURATION_MS
    } else {
        r.duration_ms + SLACK_MS
    };
    let mut prev = 0.0;
    for (i, s) in r.spans.iter().enumerate() {
        if s.index != i || s.index >= r.questions.len() {
            return fail("question span out of order");
        }
        time("question span start", s.start_ms)?;
        if s.start_ms < prev {
            return fail(format!(
                "question {} starts before the one before it",
                i + 1
            ));
        }
        if s.start_ms > end {
            return fail(format!("question {} starts after the recording", i + 1));
        }
        if let Some(e) = s.end_ms {
            time("question span end", e)?;
            if e < s.start_ms || e > end {
                return fail(format!("question {} ends outside the recording", i + 1));
            }
        }
        prev = s.start_ms;
    }
    Ok(())
}

fn check_spans_list(name: &str, spans: &[Span]) -> Result<(), Problem> {
    items(name, spans, MAX_ITEMS)?;
    for s in spans {
        time(name, s.start_ms)?;
        time(name, s.duration_ms)?;
    }
    Ok(())
}

/// An answer's speech figures: every number finite and in a range speech can have.
pub fn check_audio(m: &AudioMetrics) -> Result<(), Problem> {
    time("speech duration", m.duration_ms)?;
    time("speaking time", m.speaking_ms)?;
    range("speaking ratio", m.speaking_ratio, 0.0, 1.0)?;
    check_spans_list("pauses", &m.pauses)?;
    check_spans_list("filled pauses", &m.filled_pauses)?;
    for (name, v) in [
        ("pause count", m.pauses_1s),
        ("long pause count", m.long_pauses),
        ("syllable count", m.syllables),
    ] {
        if v > MAX_ITEMS * 10 {
            return fail(format!("{name} out of range ({v})"));
        }
    }
    time("longest pause", m.longest_pause_ms)?;
    range("syllables per second", m.syllables_per_s, 0.0, 100.0)?;
    range("pace (speaking)", m.wpm_estimate_speaking, 0.0, 5_000.0)?;
    range("pace (elapsed)", m.wpm_estimate_elapsed, 0.0, 5_000.0)?;
    for (name, v, lo, hi) in [
        ("pitch", m.pitch_mean_hz, 0.0, 10_000.0),
        ("pitch spread", m.pitch_spread_st, 0.0, 200.0),
        ("loudness", m.loudness_dbfs, -400.0, 100.0),
        ("loudness spread", m.loudness_spread_db, 0.0, 400.0),
    ] {
        if let Some(v) = v {
            range(name, v, lo, hi)?;
        }
    }
    if let Some(s) = m.snr_db {
        range("speech-to-noise ratio", s, -200.0, 200.0)?;
    }
    if let Some(w) = &m.pace_withheld {
        text("pace note", w, MAX_SHORT_TEXT)?;
    }
    items("contour points", &m.contour, MAX_ITEMS)?;
    for p in &m.contour {
        time("contour time", f64::from(p.t_ms))?;
        for v in [p.level_dbfs, p.pitch_hz].into_iter().flatten() {
            range("contour value", f64::from(v), -400.0, 10_000.0)?;
        }
    }
    Ok(())
}

fn check_transcript(t: &AnswerTranscript) -> Result<(), Problem> {
    text("transcript", &t.text, MAX_TRANSCRIPT)?;
    items("transcript segments", &t.segments, MAX_ITEMS)?;
    for s in &t.segments {
        time("transcript segment time", s.t_ms)?;
        text("transcript segment", &s.text, MAX_TRANSCRIPT)?;
    }
    items("transcript words", &t.words, MAX_ITEMS)?;
    for w in &t.words {
        time("word start", w.start_ms)?;
        time("word end", w.end_ms)?;
        if w.end_ms < w.start_ms {
            return fail("a word ends before it starts");
        }
        text("word", &w.text, 1_000)?;
    }
    Ok(())
}

/// The face timeline: times within a day, expression vectors of the seven classes.
pub fn check_timeline(frames: &[FrameSample]) -> Result<(), Problem> {
    items("analysed frames", frames, MAX_FRAMES)?;
    for f in frames {
        time("frame time", f64::from(f.t))?;
        if !f.expr.is_empty() && f.expr.len() != crate::face::EXPRESSIONS.len() {
            return fail("an expression with the wrong number of classes");
        }
        for v in [f.yaw, f.pitch].into_iter().flatten() {
            range("head angle", f64::from(v), -180.0, 180.0)?;
        }
    }
    Ok(())
}

/// Recording pieces as stored or imported: times within a day and in order, sizes finite.
pub fn check_chunks(chunks: &[ChunkMeta]) -> Result<(), Problem> {
    let mut prev = 0.0;
    for c in chunks {
        time("recording piece time", c.t_ms)?;
        if c.t_ms < prev {
            return fail("recording pieces out of order");
        }
        range("recording piece size", c.size, 0.0, MAX_BYTES)?;
        prev = c.t_ms;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::QuestionSpan;
    use crate::questions::{plan_questions, Track};
    use crate::record::{MediaKind, TimedWord};

    fn good() -> InterviewRecord {
        let qs = plan_questions(Track::General, 3, 60, &[], 1);
        let mut r = InterviewRecord::new(
            "iv-1700000000000-ab12".into(),
            1.7e12,
            Track::General,
            qs,
            "video/webm;codecs=vp8,opus".into(),
            MediaKind::AudioVideo,
        );
        r.spans = vec![QuestionSpan {
            index: 0,
            start_ms: 500.0,
            end_ms: Some(4_000.0),
        }];
        r.set_transcript(0, "I led the team", false);
        r.set_speech(0, AudioMetrics::default());
        r.finish(4_000.0);
        r
    }

    fn refused(f: impl FnOnce(&mut InterviewRecord)) -> Problem {
        let mut r = good();
        f(&mut r);
        check_record(&r).expect_err("should be refused")
    }

    #[test]
    fn a_normal_record_passes() {
        assert_eq!(check_record(&good()), Ok(()));
        // While recording, the current question may start after the last saved chunk.
        let mut r = good();
        r.status = Status::Recording;
        r.duration_ms = 1_000.0;
        assert_eq!(check_record(&r), Ok(()));
    }

    #[test]
    fn the_reported_hostile_records_are_refused() {
        assert_eq!(
            refused(|r| r.duration_ms = 1e308),
            "duration_ms out of range (1e308)"
        );
        assert_eq!(
            refused(|r| r.created_ms = -8.64e15),
            "created_ms out of range (-8.64e15)"
        );
        assert!(refused(|r| r.id = "../../etc".into()).contains("id"));
        assert!(refused(|r| r.id = "a#/history?x=<b>".into()).contains("id"));
        assert!(refused(|r| r.transcripts[0].index = 99).contains("answer 99"));
        assert!(refused(|r| r.speech[0].index = 4_294_967_295).contains("answer"));
    }

    #[test]
    fn times_and_sizes_are_bounded() {
        refused(|r| r.duration_ms = f64::NAN);
        refused(|r| r.duration_ms = MAX_DURATION_MS + 1.0);
        refused(|r| r.created_ms = f64::INFINITY);
        refused(|r| r.heartbeat_ms = Some(1e300));
        refused(|r| r.bytes = -1.0);
        refused(|r| r.chunk_count = u32::MAX);
        refused(|r| r.spans[0].end_ms = Some(9_000.0)); // past the recording's end
        refused(|r| r.spans[0].start_ms = -1.0);
        refused(|r| r.spans[0].end_ms = Some(100.0)); // before its start
        refused(|r| r.speech[0].audio.speaking_ratio = 2.0);
        refused(|r| r.speech[0].audio.wpm_estimate_elapsed = f64::NAN);
        refused(|r| r.speech[0].audio.pitch_mean_hz = Some(-1.0));
        refused(|r| {
            r.speech[0].audio.pauses = vec![Span {
                start_ms: 0.0,
                duration_ms: 1e308,
            }]
        });
        refused(|r| {
            r.transcripts[0].words = vec![TimedWord {
                text: "x".into(),
                start_ms: 5.0,
                end_ms: 1.0,
            }]
        });
        refused(|r| r.transcripts[0].text = "a".repeat(MAX_TRANSCRIPT + 1));
        refused(|r| r.questions[0].text = "q".repeat(MAX_SHORT_TEXT + 1));
        refused(|r| r.questions[1].follows = Some(1));
        refused(|r| r.mime_type = "video/webm\n".into());
        refused(|r| {
            r.timeline.push(FrameSample {
                expr: vec![1, 2],
                ..FrameSample::default()
            })
        });
        refused(|r| {
            r.timeline.push(FrameSample {
                t: u32::MAX,
                ..FrameSample::default()
            })
        });
    }

    #[test]
    fn chunks_in_order_within_a_day() {
        let c = |t_ms, size| ChunkMeta { seq: 0, t_ms, size };
        assert_eq!(check_chunks(&[c(1.0, 5.0), c(2.0, 5.0)]), Ok(()));
        assert!(check_chunks(&[c(2.0, 5.0), c(1.0, 5.0)]).is_err());
        assert!(check_chunks(&[c(f64::NAN, 5.0)]).is_err());
        assert!(check_chunks(&[c(1.0, -5.0)]).is_err());
    }

    #[test]
    fn app_ids() {
        assert!(is_app_id("iv-1764000000000-3fa9c"));
        for bad in ["", "../../etc", "a b", "a#b", "é", &"a".repeat(65)] {
            assert!(!is_app_id(bad), "{bad}");
        }
    }
}
