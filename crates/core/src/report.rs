//! The report's figures, computed from a stored interview record.

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

use crate::content;
use crate::face::timeline::{self, FaceSummary};
use crate::format;
use crate::record::{InterviewRecord, Status};
use crate::speech::audio::{AudioMetrics, SYLLABLES_PER_WORD};
use crate::speech::text::{self, TextMetrics};

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
    pub speech: Option<AudioMetrics>,
    pub transcript: Option<String>,
    /// The recogniser's time-stamped results and whether the user corrected the text
    /// (see [`crate::replay`]).
    pub segments: Vec<crate::record::TranscriptSegment>,
    pub transcript_corrected: bool,
    /// What produced the transcript, and its words' own times (the on-device model).
    pub transcript_source: Option<crate::record::TranscriptSource>,
    pub words: Vec<crate::record::TimedWord>,
    /// Transcript metrics (with the audio's speaking time when there is one).
    pub delivery: Option<TextMetrics>,
    /// Focus and expression shares over the answer (None without face analysis).
    pub face: Option<FaceSummary>,
    /// What the answer said (STAR, talking points, job terms), from its transcript.
    pub content: Option<crate::content::Content>,
    /// The length the bank suggests for the answer, in seconds.
    pub suggested_s: Option<u32>,
    /// A follow-up question: the index of the question it followed up.
    pub follows: Option<usize>,
}

impl QuestionRow {
    /// Words per minute of speaking: the transcript's words when there is a transcript,
    /// else the audio's syllable estimate.
    pub fn pace(&self) -> Option<f64> {
        self.delivery
            .as_ref()
            .and_then(|d| d.wpm_speaking)
            .or_else(|| self.speech.as_ref().and_then(|s| s.audio_pace()))
    }

    /// Recording time at which the transcript text at byte `offset` was said.
    pub fn time_of_text(&self, offset: usize) -> f64 {
        let text = self.transcript.as_deref().unwrap_or("");
        if let Some(t) = crate::replay::time_of_word(text, &self.words, offset) {
            // max/min, not clamp: clamp panics on NaN or inverted bounds from damaged data.
            return t.max(self.start_ms).min(self.start_ms + self.answer_ms);
        }
        crate::replay::time_of(
            self.transcript.as_deref().unwrap_or(""),
            &self.segments,
            self.transcript_corrected,
            self.start_ms,
            self.start_ms + self.answer_ms,
            offset,
        )
    }
}

/// Speech delivery over all answers.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeechSummary {
    /// Words per minute over speaking time, estimated from syllables, over the answers
    /// whose pace was not withheld (None when every answer's was).
    pub wpm: Option<f64>,
    /// Answers whose audio pace was withheld (noise), and why (the first reason).
    pub withheld: usize,
    pub withheld_reason: Option<String>,
    /// Answers with a noisy background ([`AudioMetrics::noisy`]).
    pub noisy: usize,
    /// What decided speech from silence: one detector for every answer, or None when
    /// answers differ.
    pub detector: Option<crate::speech::audio::Detector>,
    pub speaking_ms: f64,
    pub pauses_1s: usize,
    pub long_pauses: usize,
    pub longest_pause_ms: f64,
    pub filled_pauses: usize,
    pub pitch_spread_st: Option<f64>,
    pub loudness_dbfs: Option<f64>,
}

/// Transcript figures over all answers with a transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliverySummary {
    pub answers: usize,
    pub words: usize,
    pub fillers: usize,
    pub fillers_per_100_words: f64,
    /// Word and phrase repetitions.
    pub repetitions: usize,
    pub stammers: usize,
    pub revisions: usize,
    /// Transcript words over the audio's speaking time, when every transcribed answer has
    /// audio.
    pub wpm: Option<f64>,
}

/// Sums the answers' transcript figures (None without any transcript).
pub fn summarise_delivery(rows: &[QuestionRow]) -> Option<DeliverySummary> {
    let with: Vec<(&TextMetrics, Option<f64>)> = rows
        .iter()
        .filter_map(|r| {
            r.delivery
                .as_ref()
                .map(|d| (d, r.speech.as_ref().map(|s| s.speaking_ms)))
        })
        .collect();
    if with.is_empty() {
        return None;
    }
    let words: usize = with.iter().map(|(d, _)| d.words).sum();
    let fillers: usize = with.iter().map(|(d, _)| d.fillers).sum();
    let speaking: Option<f64> = with.iter().map(|(_, s)| *s).sum();
    Some(DeliverySummary {
        answers: with.len(),
        words,
        fillers,
        // Same base as the per-answer figure: per 100 words, fillers not counted as words.
        fillers_per_100_words: if words > 0 {
            100.0 * fillers as f64 / words as f64
        } else {
            0.0
        },
        repetitions: with
            .iter()
            .map(|(d, _)| d.repetitions + d.phrase_repetitions)
            .sum(),
        stammers: with.iter().map(|(d, _)| d.stammers).sum(),
        revisions: with.iter().map(|(d, _)| d.revisions).sum(),
        wpm: speaking
            .filter(|ms| *ms > 0.0)
            .map(|ms| words as f64 / (ms / 60_000.0)),
    })
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
    pub transcript_mode: &'static str,
    pub asked: usize,
    pub planned: usize,
    pub rows: Vec<QuestionRow>,
    /// Mean answer time over answered questions (ms).
    pub mean_answer_ms: f64,
    pub speech: Option<SpeechSummary>,
    pub delivery: Option<DeliverySummary>,
    /// Focus and expression shares over all answers.
    pub face: Option<FaceSummary>,
    /// Whether eye focus used a calibration made on this device.
    pub focus_calibrated: bool,
    pub vision_note: Option<String>,
}

/// Combines per-answer speech metrics: pace weighted by speaking time, counts summed,
/// pitch spread and loudness averaged over answers weighted by speaking time.
pub fn summarise_speech(answers: &[&AudioMetrics]) -> Option<SpeechSummary> {
    // Answers analysed but no speech heard (a muted or distant microphone, or only noise
    // the voice-activity model rejects) still get a summary: it says so.
    if answers.is_empty() {
        return None;
    }
    let speaking_ms: f64 = answers.iter().map(|a| a.speaking_ms).sum();
    // Counts from stored data are summed without overflow (bounds keep them small; a
    // damaged record must still not panic here).
    let total = |it: &mut dyn Iterator<Item = usize>| it.fold(0usize, usize::saturating_add);
    let count = |f: fn(&AudioMetrics) -> usize| total(&mut answers.iter().map(|a| f(a)));
    // Pace over the answers whose pace is trusted.
    let paced: Vec<&&AudioMetrics> = answers
        .iter()
        .filter(|a| a.audio_pace().is_some())
        .collect();
    let paced_syllables = total(&mut paced.iter().map(|a| a.syllables));
    let paced_ms: f64 = paced.iter().map(|a| a.speaking_ms).sum();
    let weighted = |f: &dyn Fn(&AudioMetrics) -> Option<f64>| {
        let (sum, w) = answers
            .iter()
            .filter_map(|a| f(a).map(|v| (v * a.speaking_ms, a.speaking_ms)))
            .fold((0.0, 0.0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
        (w > 0.0).then(|| sum / w)
    };
    Some(SpeechSummary {
        wpm: (paced_ms > 0.0)
            .then(|| paced_syllables as f64 / SYLLABLES_PER_WORD / (paced_ms / 60_000.0)),
        withheld: answers.len() - paced.len(),
        withheld_reason: answers.iter().find_map(|a| a.pace_withheld.clone()),
        noisy: answers.iter().filter(|a| a.noisy()).count(),
        detector: answers
            .first()
            .map(|a| a.detector)
            .filter(|d| answers.iter().all(|a| a.detector == *d)),
        speaking_ms,
        pauses_1s: count(|a| a.pauses_1s),
        long_pauses: count(|a| a.long_pauses),
        longest_pause_ms: answers
            .iter()
            .map(|a| a.longest_pause_ms)
            .fold(0.0, f64::max),
        filled_pauses: count(|a| a.filled_pauses.len()),
        pitch_spread_st: weighted(&|a| a.pitch_spread_st),
        loudness_dbfs: weighted(&|a| a.loudness_dbfs),
    })
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
                speech: rec
                    .speech
                    .iter()
                    .find(|a| a.index == s.index)
                    .map(|a| a.audio.clone()),
                transcript: rec.transcript(s.index).map(str::to_string),
                segments: rec
                    .transcripts
                    .iter()
                    .find(|t| t.index == s.index)
                    .map(|t| t.segments.clone())
                    .unwrap_or_default(),
                transcript_corrected: rec
                    .transcripts
                    .iter()
                    .any(|t| t.index == s.index && t.corrected),
                transcript_source: rec
                    .transcripts
                    .iter()
                    .find(|t| t.index == s.index)
                    .map(|t| t.source),
                words: rec
                    .transcripts
                    .iter()
                    .find(|t| t.index == s.index)
                    .map(|t| t.words.clone())
                    .unwrap_or_default(),
                delivery: rec
                    .transcript(s.index)
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| {
                        let speaking = rec
                            .speech
                            .iter()
                            .find(|a| a.index == s.index)
                            .map(|a| a.audio.speaking_ms);
                        text::analyse(t, answer_ms, speaking, &text::ENGLISH)
                    }),
                content: rec
                    .transcript(s.index)
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| content::analyse(q, t, &rec.job_terms)),
                suggested_s: q.suggested_s,
                follows: q.follows,
                face: Some(timeline::summarise(
                    &rec.timeline,
                    s.start_ms,
                    s.start_ms + answer_ms,
                ))
                .filter(|f| f.frames > 0),
            }
        })
        .collect();
    let mean_answer_ms = if rows.is_empty() {
        0.0
    } else {
        rows.iter().map(|r| r.answer_ms).sum::<f64>() / rows.len() as f64
    };
    let speech = summarise_speech(
        &rows
            .iter()
            .filter_map(|r| r.speech.as_ref())
            .collect::<Vec<_>>(),
    );
    // Over all answers: the answers' spans only (not the pauses between questions).
    let face = {
        let mut all = Vec::new();
        for r in &rows {
            all.extend(
                rec.timeline
                    .iter()
                    .filter(|f| {
                        (f.t as f64) >= r.start_ms && (f.t as f64) < r.start_ms + r.answer_ms
                    })
                    .cloned(),
            );
        }
        Some(timeline::summarise(&all, 0.0, f64::MAX)).filter(|f| f.frames > 0)
    };
    Report {
        speech,
        delivery: summarise_delivery(&rows),
        face,
        focus_calibrated: rec.calibration.is_some_and(|c| c.measured),
        vision_note: rec.vision_note.clone(),
        id: rec.id.clone(),
        date: format::date_time(rec.created_ms, tz_offset_min),
        track: rec.track.label(),
        duration: format::mmss(rec.duration_ms),
        duration_ms: rec.duration_ms,
        status: rec.status,
        note: rec.note.clone(),
        media: rec.media.label(),
        transcript_mode: rec.transcript_mode.label(),
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

    fn audio(speaking_ms: f64, syllables: usize, pauses_1s: usize, spread: f64) -> AudioMetrics {
        AudioMetrics {
            duration_ms: speaking_ms + 2000.0,
            speaking_ms,
            speaking_ratio: 0.8,
            pauses: Vec::new(),
            pauses_1s,
            long_pauses: pauses_1s / 2,
            longest_pause_ms: 1000.0 * pauses_1s as f64,
            syllables,
            syllables_per_s: 0.0,
            wpm_estimate_speaking: 0.0,
            wpm_estimate_elapsed: 0.0,
            pitch_mean_hz: Some(150.0),
            pitch_spread_st: Some(spread),
            monotone: false,
            loudness_dbfs: Some(-20.0),
            loudness_spread_db: Some(3.0),
            filled_pauses: Vec::new(),
            ..Default::default()
        }
    }

    #[test]
    fn speech_is_attached_to_rows_and_summarised() {
        let mut r = record();
        r.set_speech(1, audio(30_000.0, 145, 2, 3.0));
        r.set_speech(0, audio(10_000.0, 29, 1, 1.0));
        r.set_speech(1, audio(30_000.0, 145, 2, 3.0)); // replaced, not duplicated
        assert_eq!(
            r.speech.iter().map(|s| s.index).collect::<Vec<_>>(),
            vec![0, 1]
        );
        let rep = build_report(&r, 0.0);
        assert!(rep.rows[0].speech.is_some() && rep.rows[2].speech.is_none());
        assert!(rep.rows[0].delivery.is_none());
        let s = rep.speech.unwrap();
        // 174 syllables / 1.45 over 40 s = 180 words per minute.
        assert!((s.wpm.unwrap() - 180.0).abs() < 1e-9);
        assert_eq!((s.withheld, s.noisy), (0, 0));
        // A noisy answer's pace is left out of the total, and the row says none.
        let mut noisy = audio(10_000.0, 29, 1, 1.0);
        noisy.snr_db = Some(5.0);
        noisy.pace_withheld = Some("background noise high".into());
        r.set_speech(0, noisy);
        let rep = build_report(&r, 0.0);
        let s = rep.speech.unwrap();
        // 145 syllables / 1.45 over the other answer's 30 s = 200 words per minute.
        assert!((s.wpm.unwrap() - 200.0).abs() < 1e-9);
        assert_eq!((s.withheld, s.noisy), (1, 1));
        assert_eq!(rep.rows[0].pace(), None);
        assert_eq!(s.pauses_1s, 3);
        assert_eq!(s.longest_pause_ms, 2000.0);
        assert!((s.pitch_spread_st.unwrap() - 2.5).abs() < 1e-9);
        assert!(summarise_speech(&[]).is_none());
        // Audio analysed, nobody heard: a summary with no pace, not "no audio".
        let silent = AudioMetrics::default();
        let s = summarise_speech(&[&silent]).unwrap();
        assert_eq!((s.wpm, s.speaking_ms), (None, 0.0));
    }

    #[test]
    fn transcript_metrics_use_the_answer_time() {
        let mut r = record();
        r.set_transcript(0, "Um, I I built the, uh, billing system", false);
        r.set_speech(0, audio(3000.0, 10, 0, 3.0));
        let rep = build_report(&r, 0.0);
        let t = rep.rows[0].delivery.as_ref().unwrap();
        assert_eq!((t.words, t.fillers, t.repetitions), (6, 2, 1));
        // 6 words over the 4 s answer and over the 3 s of speech.
        assert!((t.wpm_elapsed.unwrap() - 90.0).abs() < 1e-9);
        assert!((t.wpm_speaking.unwrap() - 120.0).abs() < 1e-9);
    }

    #[test]
    fn delivery_and_voice_over_answers() {
        use crate::speech::audio::ContourPoint;
        let mut r = record();
        r.set_transcript(0, "um we we shipped it", false);
        r.set_transcript(1, "uh the tests the tests passed today", false);
        let mut a = audio(3000.0, 10, 0, 3.0);
        a.contour = (0..20)
            .map(|k| ContourPoint {
                t_ms: k * 250,
                level_dbfs: Some(-20.0),
                pitch_hz: None,
            })
            .collect();
        r.set_speech(0, a.clone());
        r.set_speech(1, a);
        let rep = build_report(&r, 0.0);
        let d = rep.delivery.clone().unwrap();
        assert_eq!((d.answers, d.words, d.fillers), (2, 10, 2));
        assert!((d.fillers_per_100_words - 20.0).abs() < 1e-9);
        assert_eq!(d.repetitions, 2);
        // 10 words over 6 s of speech.
        assert!((d.wpm.unwrap() - 100.0).abs() < 1e-9);
        // Contours are placed at each answer's start and cut at its end (4 s and 10 s).
        let v = crate::charts::voice_points(&rep);
        assert_eq!(v.len(), 16 + 20);
        assert_eq!(v[16].t_ms, 4000.0);
        // The typed transcript maps its words onto the answer.
        assert_eq!(rep.rows[0].time_of_text(0), 0.0);
        assert!(build_report(&record(), 0.0).delivery.is_none());
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

#[cfg(test)]
mod face_tests {
    use super::*;
    use crate::face::focus::Focus;
    use crate::face::timeline::FrameSample;
    use crate::interview::QuestionSpan;
    use crate::questions::{plan_questions, Track};
    use crate::record::MediaKind;

    #[test]
    fn face_shares_per_answer_and_overall() {
        let qs = plan_questions(Track::SoftwareEngineering, 2, 60, &[], 5);
        let mut rec = InterviewRecord::new(
            "a".into(),
            0.0,
            Track::SoftwareEngineering,
            qs,
            String::new(),
            MediaKind::AudioVideo,
        );
        rec.spans = vec![
            QuestionSpan {
                index: 0,
                start_ms: 0.0,
                end_ms: Some(1000.0),
            },
            QuestionSpan {
                index: 1,
                start_ms: 1000.0,
                end_ms: Some(2000.0),
            },
        ];
        rec.finish(2000.0);
        let mut p = [0.0f32; 7];
        p[3] = 1.0;
        for i in 0..20u32 {
            let focus = if i < 10 {
                Focus::Centre
            } else if i < 15 {
                Focus::Away
            } else {
                Focus::NoFace
            };
            let face = focus != Focus::NoFace;
            rec.timeline.push(FrameSample {
                t: i * 100,
                focus,
                expr: if face {
                    FrameSample::quantise(&p)
                } else {
                    vec![]
                },
                yaw: None,
                pitch: None,
            });
        }
        let r = build_report(&rec, 0.0);
        assert_eq!(r.rows[0].face.as_ref().unwrap().focus, [1.0, 0.0, 0.0, 0.0]);
        assert_eq!(r.rows[1].face.as_ref().unwrap().focus, [0.0, 0.0, 0.5, 0.5]);
        let all = r.face.unwrap();
        assert_eq!(all.frames, 20);
        assert_eq!(all.focus, [0.5, 0.0, 0.25, 0.25]);
        assert!((all.expressions[3] - 1.0).abs() < 1e-6);
        assert!(!r.focus_calibrated);
    }
}
