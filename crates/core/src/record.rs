//! What is stored for one interview, and how an interrupted one is recovered.

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

use crate::interview::QuestionSpan;
use crate::questions::{PlannedQuestion, Track};
use serde::{Deserialize, Serialize};

/// Version of the interview record's JSON shape. Bump it with a step in [`migrate_record`].
/// 2: the face timeline is stored packed (`face::packed`); format 1 held a list.
pub const RECORD_FORMAT: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being recorded now, or the tab closed before it finished.
    Recording,
    Finished,
    /// Recovered after the tab was closed or crashed mid-interview.
    Recovered,
    /// Recording stopped by an error (e.g. storage full); what was saved is kept.
    Stopped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    AudioVideo,
    AudioOnly,
    VideoOnly,
}

impl MediaKind {
    pub fn label(self) -> &'static str {
        match self {
            MediaKind::AudioVideo => "camera and microphone",
            MediaKind::AudioOnly => "microphone only",
            MediaKind::VideoOnly => "camera only",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterviewRecord {
    pub id: String,
    pub format: u32,
    /// Epoch milliseconds when the recording started.
    pub created_ms: f64,
    pub track: Track,
    pub questions: Vec<PlannedQuestion>,
    pub spans: Vec<QuestionSpan>,
    pub status: Status,
    /// Length of the recording in milliseconds (time of the last saved chunk while recording).
    pub duration_ms: f64,
    pub mime_type: String,
    pub media: MediaKind,
    pub chunk_count: u32,
    pub bytes: f64,
    /// Why recording stopped early, for the report.
    #[serde(default)]
    pub note: Option<String>,
    /// Speech delivery per answered question, from the audio (absent without a microphone).
    #[serde(default)]
    pub speech: Vec<AnswerSpeech>,
    /// Transcript per answered question (speech recognition, corrected by the user).
    #[serde(default)]
    pub transcripts: Vec<AnswerTranscript>,
    /// How the transcript was made: see [`TranscriptMode`].
    #[serde(default)]
    pub transcript_mode: TranscriptMode,
    /// Face analysis per analysed frame (empty without a camera or when the models could
    /// not load; see `vision_note`).
    #[serde(default, with = "crate::face::packed")]
    pub timeline: Vec<crate::face::timeline::FrameSample>,
    /// The eye-focus calibration used; None means the built-in default.
    #[serde(default)]
    pub calibration: Option<crate::face::focus::Calibration>,
    /// Why there is no face analysis, when there is none.
    #[serde(default)]
    pub vision_note: Option<String>,
    /// Epoch milliseconds of the last chunk saved while recording: a record still
    /// `Recording` whose heartbeat is recent belongs to a live tab, not a crashed one.
    #[serde(default)]
    pub heartbeat_ms: Option<f64>,
    /// The key terms of the job posting the interview was built from (as the user
    /// edited them); the report shows which each answer used. Empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub job_terms: Vec<String>,
}

/// One answer's data as the store keeps it, in its own row beside the record's head, so
/// that saving it never rewrites the whole record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerData {
    pub index: usize,
    #[serde(default)]
    pub speech: Option<crate::speech::audio::AudioMetrics>,
    #[serde(default)]
    pub transcript: Option<AnswerTranscript>,
}

impl AnswerData {
    /// A new row written over an old one: what the new one holds replaces the old, what
    /// it lacks is kept (speech figures and transcript finish at different times). A
    /// transcript the user corrected keeps its text when the model's arrives; the model's
    /// word times are kept beside it.
    pub fn merged_over(self, old: Option<AnswerData>) -> AnswerData {
        let Some(old) = old else {
            return self;
        };
        let transcript = match (old.transcript, self.transcript) {
            (Some(mut o), Some(n)) if o.corrected && n.source == TranscriptSource::Model => {
                o.words = n.words;
                Some(o)
            }
            (o, n) => n.or(o),
        };
        AnswerData {
            index: self.index,
            speech: self.speech.or(old.speech),
            transcript,
        }
    }
}

/// A recording tab saves a chunk every second; one silent for longer than this is gone.
pub const LIVE_WINDOW_MS: f64 = 5_000.0;

/// How an interview's answers are transcribed, in the order the app prefers them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptMode {
    /// No speech recognition (not offered, not installed, or not allowed).
    #[default]
    None,
    /// This app's own model (Whisper tiny.en), in a worker: audio stays on the device,
    /// in any browser, offline.
    Model,
    /// The browser's on-device recognition: audio stays on the device.
    OnDevice,
    /// The browser vendor's cloud recognition, which the user explicitly allowed.
    Cloud,
}

impl TranscriptMode {
    pub fn label(self) -> &'static str {
        match self {
            TranscriptMode::None => "no speech recognition",
            TranscriptMode::Model => "this app's on-device speech recognition (Whisper tiny.en)",
            TranscriptMode::OnDevice => "the browser's on-device speech recognition",
            TranscriptMode::Cloud => "the browser's cloud speech recognition (you allowed it)",
        }
    }
}

/// What produced an answer's transcript.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptSource {
    /// The browser's speech recognition (on-device or cloud: the record's mode says).
    #[default]
    Browser,
    /// This app's model.
    Model,
    /// Typed by the user (the answer had no transcript).
    Typed,
}

/// A word of a transcript, placed on the recording (milliseconds from its start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedWord {
    pub text: String,
    pub start_ms: f64,
    pub end_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerTranscript {
    pub index: usize,
    pub text: String,
    /// The user edited it after the interview.
    #[serde(default)]
    pub corrected: bool,
    /// Final results as the recogniser gave them, each at its time in the recording.
    #[serde(default)]
    pub segments: Vec<TranscriptSegment>,
    #[serde(default)]
    pub source: TranscriptSource,
    /// Each word with its time (this app's model; empty for the browser's recognition,
    /// which gives results, not words).
    #[serde(default)]
    pub words: Vec<TimedWord>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranscriptSegment {
    /// Milliseconds from the recording start when the recogniser finalised it.
    pub t_ms: f64,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerSpeech {
    /// Question index.
    pub index: usize,
    pub audio: crate::speech::audio::AudioMetrics,
}

/// What the store knows about one saved piece of the recording (the bytes stay in the store).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChunkMeta {
    pub seq: u32,
    /// Milliseconds from recording start when this chunk was handed over.
    pub t_ms: f64,
    pub size: f64,
}

impl InterviewRecord {
    pub fn new(
        id: String,
        created_ms: f64,
        track: Track,
        questions: Vec<PlannedQuestion>,
        mime_type: String,
        media: MediaKind,
    ) -> Self {
        InterviewRecord {
            id,
            format: RECORD_FORMAT,
            created_ms,
            track,
            questions,
            spans: Vec::new(),
            status: Status::Recording,
            duration_ms: 0.0,
            mime_type,
            media,
            chunk_count: 0,
            bytes: 0.0,
            note: None,
            speech: Vec::new(),
            transcripts: Vec::new(),
            transcript_mode: TranscriptMode::None,
            timeline: Vec::new(),
            calibration: None,
            vision_note: None,
            heartbeat_ms: None,
            job_terms: Vec::new(),
        }
    }

    /// The record without its timeline and per-answer data: what the store keeps in the
    /// interviews store (the rest lives in rows of its own, see [`AnswerData`]).
    pub fn head(&self) -> InterviewRecord {
        InterviewRecord {
            id: self.id.clone(),
            format: self.format,
            created_ms: self.created_ms,
            track: self.track,
            questions: self.questions.clone(),
            spans: self.spans.clone(),
            status: self.status,
            duration_ms: self.duration_ms,
            mime_type: self.mime_type.clone(),
            media: self.media,
            chunk_count: self.chunk_count,
            bytes: self.bytes,
            note: self.note.clone(),
            speech: Vec::new(),
            transcripts: Vec::new(),
            transcript_mode: self.transcript_mode,
            timeline: Vec::new(),
            calibration: self.calibration,
            vision_note: self.vision_note.clone(),
            heartbeat_ms: self.heartbeat_ms,
            job_terms: self.job_terms.clone(),
        }
    }

    /// What the record holds for answer `index`.
    pub fn answer_data(&self, index: usize) -> AnswerData {
        AnswerData {
            index,
            speech: self
                .speech
                .iter()
                .find(|s| s.index == index)
                .map(|s| s.audio.clone()),
            transcript: self.transcripts.iter().find(|t| t.index == index).cloned(),
        }
    }

    /// Every answer's data (export splits a record this way for the store).
    pub fn answers(&self) -> Vec<AnswerData> {
        let mut idx: Vec<usize> = self
            .speech
            .iter()
            .map(|s| s.index)
            .chain(self.transcripts.iter().map(|t| t.index))
            .collect();
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().map(|i| self.answer_data(i)).collect()
    }

    /// Puts an answer row back into the record (reading from the store). A row replaces
    /// what the head held for that answer (records saved before the split kept it there).
    pub fn merge_answer(&mut self, a: AnswerData) {
        if let Some(m) = a.speech {
            self.set_speech(a.index, m);
        }
        if let Some(t) = a.transcript {
            self.transcripts.retain(|x| x.index != t.index);
            self.transcripts.push(t);
            self.transcripts.sort_by_key(|t| t.index);
        }
    }

    /// A record left `Recording` by a tab that may still be recording it: its last chunk
    /// was saved less than [`LIVE_WINDOW_MS`] ago.
    pub fn is_live(&self, now_ms: f64) -> bool {
        self.is_unfinished()
            && self
                .heartbeat_ms
                .is_some_and(|h| now_ms - h < LIVE_WINDOW_MS && h <= now_ms + LIVE_WINDOW_MS)
    }

    pub fn is_unfinished(&self) -> bool {
        self.status == Status::Recording
    }

    /// Stores (or replaces) the speech metrics of one answer.
    pub fn set_speech(&mut self, index: usize, audio: crate::speech::audio::AudioMetrics) {
        self.speech.retain(|s| s.index != index);
        self.speech.push(AnswerSpeech { index, audio });
        self.speech.sort_by_key(|s| s.index);
    }

    /// Appends recognised text to an answer's transcript (or replaces it when `corrected`).
    pub fn set_transcript(&mut self, index: usize, text: &str, corrected: bool) {
        match self.transcripts.iter_mut().find(|t| t.index == index) {
            Some(t) if corrected => {
                t.text = text.trim().to_string();
                t.corrected = true;
            }
            Some(t) => {
                if !t.text.is_empty() {
                    t.text.push(' ');
                }
                t.text.push_str(text.trim());
            }
            None => {
                self.transcripts.push(AnswerTranscript {
                    index,
                    text: text.trim().to_string(),
                    corrected,
                    segments: Vec::new(),
                    source: if corrected {
                        TranscriptSource::Typed
                    } else {
                        TranscriptSource::Browser
                    },
                    words: Vec::new(),
                });
                self.transcripts.sort_by_key(|t| t.index);
            }
        }
    }

    /// The model's transcript of an answer (replaces what the answer had, unless the user
    /// corrected it: their text stays, the words' times are kept beside it).
    pub fn set_model_transcript(&mut self, index: usize, text: &str, words: Vec<TimedWord>) {
        match self.transcripts.iter_mut().find(|t| t.index == index) {
            Some(t) if t.corrected => t.words = words,
            Some(t) => {
                t.text = text.trim().to_string();
                t.source = TranscriptSource::Model;
                t.segments.clear();
                t.words = words;
            }
            None => {
                self.transcripts.push(AnswerTranscript {
                    index,
                    text: text.trim().to_string(),
                    corrected: false,
                    segments: Vec::new(),
                    source: TranscriptSource::Model,
                    words,
                });
                self.transcripts.sort_by_key(|t| t.index);
            }
        }
    }

    /// Answers still waiting for this app's model (the interview asked for it and the
    /// answer has no transcript yet): transcribed from the stored recording after a reload.
    pub fn awaiting_model(&self) -> Vec<usize> {
        if self.transcript_mode != TranscriptMode::Model {
            return Vec::new();
        }
        self.spans
            .iter()
            .map(|s| s.index)
            .filter(|i| !self.transcripts.iter().any(|t| t.index == *i))
            .collect()
    }

    /// Adds a recogniser's final result, time-stamped on the recording, to an answer.
    pub fn add_segment(&mut self, index: usize, t_ms: f64, text: &str) {
        self.set_transcript(index, text, false);
        if let Some(t) = self.transcripts.iter_mut().find(|t| t.index == index) {
            t.segments.push(TranscriptSegment {
                t_ms,
                text: text.trim().to_string(),
            });
        }
    }

    pub fn transcript(&self, index: usize) -> Option<&str> {
        self.transcripts
            .iter()
            .find(|t| t.index == index)
            .map(|t| t.text.as_str())
    }

    /// Answered questions (those with a span), with their text.
    pub fn answered(&self) -> impl Iterator<Item = (&QuestionSpan, &PlannedQuestion)> {
        self.spans
            .iter()
            .filter_map(|s| self.questions.get(s.index).map(|q| (s, q)))
    }

    /// Closes a record whose tab went away mid-interview, from the chunks actually saved:
    /// the recording ends at the last chunk, an open question ends there too, and questions
    /// that started after it are dropped (their video never reached the disk).
    pub fn recover(&mut self, chunks: &[ChunkMeta]) {
        let end = chunks.iter().map(|c| c.t_ms).fold(0.0, f64::max);
        self.duration_ms = end;
        self.chunk_count = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
        self.bytes = chunks.iter().map(|c| c.size).sum();
        self.spans.retain(|s| s.start_ms < end);
        for s in &mut self.spans {
            let e = s.end_ms.unwrap_or(end).min(end);
            s.end_ms = Some(e.max(s.start_ms));
        }
        self.status = Status::Recovered;
        self.note = Some(
            "This interview was interrupted (the tab closed or crashed); \
             everything saved up to that moment was recovered."
                .into(),
        );
    }

    /// Marks a normal end of recording at `duration_ms` (the end of the last saved chunk).
    /// Question spans are clipped to the recording; one that starts after it is dropped.
    pub fn finish(&mut self, duration_ms: f64) {
        let end = duration_ms.max(0.0);
        self.duration_ms = end;
        self.spans.retain(|s| s.start_ms < end);
        for s in &mut self.spans {
            s.end_ms = Some(s.end_ms.unwrap_or(end).min(end).max(s.start_ms));
        }
        self.status = Status::Finished;
    }

    /// Marks a recording cut short by an error (e.g. a full disk).
    pub fn stop_with_error(&mut self, duration_ms: f64, reason: &str) {
        self.finish(duration_ms);
        self.status = Status::Stopped;
        self.note = Some(reason.to_string());
    }
}

/// Key of the timeline piece the final save writes (the frames after the last chunk):
/// after every chunk's piece, so that reading the pieces in key order keeps time order.
pub const FINAL_PIECE: u32 = u32::MAX;

/// A timeline piece as stored: the packed frames (`face::packed`) as one string.
pub fn pack_frames(frames: &[crate::face::timeline::FrameSample]) -> String {
    crate::face::packed::to_base64(&crate::face::packed::encode(frames))
}

/// Puts a record back together from the store's rows: its head (records saved before
/// the split still hold their timeline and answers there), its timeline pieces in key
/// order, and its answer rows. A damaged piece or an answer of a question the record does
/// not have makes the whole record unreadable (it is shown as damaged, never half read).
pub fn assemble(
    mut head: InterviewRecord,
    pieces: &[(u32, String)],
    answers: Vec<AnswerData>,
) -> Result<InterviewRecord, RecordError> {
    let mut pieces: Vec<&(u32, String)> = pieces.iter().collect();
    pieces.sort_by_key(|p| p.0);
    for (seq, packed) in pieces {
        let frames = crate::face::packed::from_base64(packed)
            .and_then(|b| crate::face::packed::decode(&b))
            .map_err(|e| RecordError::Invalid(format!("timeline piece {seq}: {e}")))?;
        head.timeline.extend(frames);
    }
    for a in answers {
        if a.index >= head.questions.len() {
            return Err(RecordError::Invalid(format!(
                "answer {} of a {}-question interview",
                a.index,
                head.questions.len()
            )));
        }
        head.merge_answer(a);
    }
    // The rows are checked as the head was: a damaged row makes the record damaged.
    validate(&head)?;
    Ok(head)
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecordError {
    NotAnObject,
    Newer(u32),
    Invalid(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::NotAnObject => write!(f, "not an interview record"),
            RecordError::Newer(v) => write!(
                f,
                "made by a newer version of the app (record format {v}, this app reads up to {RECORD_FORMAT})"
            ),
            RecordError::Invalid(e) => write!(f, "malformed interview record: {e}"),
        }
    }
}

/// Reads a stored or imported record of any format this app knows, upgrading it to the
/// current one, and checks what serde cannot: every field within `bounds`.
pub fn migrate_record(mut v: serde_json::Value) -> Result<InterviewRecord, RecordError> {
    let obj = v.as_object_mut().ok_or(RecordError::NotAnObject)?;
    let format = obj
        .get("format")
        .and_then(|f| f.as_u64())
        .ok_or_else(|| RecordError::Invalid("missing format".into()))?;
    if format > u64::from(RECORD_FORMAT) {
        return Err(RecordError::Newer(
            u32::try_from(format).unwrap_or(u32::MAX),
        ));
    }
    // Format 1 -> 2: the timeline went from a list to a packed string; the field reads
    // both, so there is nothing to rewrite. Future steps: `if format < N { ...; format = N }`.
    let rec: InterviewRecord =
        serde_json::from_value(v).map_err(|e| RecordError::Invalid(e.to_string()))?;
    validate(&rec)?;
    Ok(rec)
}

fn validate(r: &InterviewRecord) -> Result<(), RecordError> {
    crate::bounds::check_record(r).map_err(RecordError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> InterviewRecord {
        let qs = crate::questions::plan_questions(Track::General, 3, 60, &[], 1);
        let mut r = InterviewRecord::new(
            "iv-1".into(),
            1.7e12,
            Track::General,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        );
        r.spans = vec![
            QuestionSpan {
                index: 0,
                start_ms: 0.0,
                end_ms: Some(4000.0),
            },
            QuestionSpan {
                index: 1,
                start_ms: 4000.0,
                end_ms: None,
            },
        ];
        r
    }

    fn chunks(n: u32) -> Vec<ChunkMeta> {
        (0..n)
            .map(|i| ChunkMeta {
                seq: i,
                t_ms: (i + 1) as f64 * 1000.0,
                size: 100.0,
            })
            .collect()
    }

    #[test]
    fn recover_closes_open_question_at_last_chunk() {
        let mut r = sample();
        r.recover(&chunks(6));
        assert_eq!(r.status, Status::Recovered);
        assert_eq!(r.duration_ms, 6000.0);
        assert_eq!(r.chunk_count, 6);
        assert_eq!(r.bytes, 600.0);
        assert_eq!(r.spans[1].end_ms, Some(6000.0));
        assert!(r.note.is_some());
    }

    #[test]
    fn recover_drops_questions_never_saved() {
        let mut r = sample();
        r.recover(&chunks(3));
        assert_eq!(r.spans.len(), 1);
        assert_eq!(r.spans[0].end_ms, Some(3000.0));
        let mut r = sample();
        r.recover(&[]);
        assert!(r.spans.is_empty());
        assert_eq!(r.duration_ms, 0.0);
    }

    #[test]
    fn finish_and_stop() {
        let mut r = sample();
        r.finish(9000.0);
        assert_eq!(r.status, Status::Finished);
        assert_eq!(r.spans[1].end_ms, Some(9000.0));
        let mut r = sample();
        r.stop_with_error(5000.0, "storage full");
        assert_eq!(r.status, Status::Stopped);
        assert_eq!(r.note.as_deref(), Some("storage full"));
    }

    #[test]
    fn finish_clips_spans_to_the_saved_recording() {
        let mut r = sample();
        r.spans[0].end_ms = Some(4000.0);
        r.finish(3500.0);
        assert_eq!(
            r.spans.len(),
            1,
            "question 2 started after the last saved chunk"
        );
        assert_eq!(r.spans[0].end_ms, Some(3500.0));
        assert_eq!(r.duration_ms, 3500.0);
    }

    #[test]
    fn record_round_trips_and_validates() {
        let r = sample();
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(migrate_record(v.clone()).unwrap(), r);

        let mut newer = v.clone();
        newer["format"] = 99.into();
        assert_eq!(migrate_record(newer), Err(RecordError::Newer(99)));

        let mut bad = v.clone();
        bad["spans"][1]["index"] = 7.into();
        assert!(matches!(migrate_record(bad), Err(RecordError::Invalid(_))));

        let mut bad = v.clone();
        bad["track"] = "astronaut".into();
        assert!(matches!(migrate_record(bad), Err(RecordError::Invalid(_))));

        assert_eq!(
            migrate_record(serde_json::json!([1, 2])),
            Err(RecordError::NotAnObject)
        );
        assert!(matches!(
            migrate_record(serde_json::json!({"id": "x"})),
            Err(RecordError::Invalid(_))
        ));
    }

    #[test]
    fn transcripts_append_and_correct() {
        let mut r = sample();
        r.set_transcript(1, " I led ", false);
        r.set_transcript(0, "Hello", false);
        r.set_transcript(1, "the team. ", false);
        assert_eq!(r.transcript(1), Some("I led the team."));
        assert_eq!(
            r.transcripts.iter().map(|t| t.index).collect::<Vec<_>>(),
            vec![0, 1]
        );
        r.set_transcript(1, "I led the whole team.", true);
        assert_eq!(r.transcript(1), Some("I led the whole team."));
        assert!(r.transcripts[1].corrected);
        assert_eq!(r.transcript(2), None);
        // Recogniser results keep their times; a correction keeps them too.
        r.add_segment(2, 9000.0, " we shipped ");
        r.add_segment(2, 9800.0, "early");
        assert_eq!(r.transcript(2), Some("we shipped early"));
        let segs = &r.transcripts[2].segments;
        assert_eq!(
            (segs.len(), segs[1].t_ms, segs[0].text.as_str()),
            (2, 9800.0, "we shipped")
        );
        r.set_transcript(2, "We shipped a month early.", true);
        assert_eq!(r.transcripts[2].segments.len(), 2);
    }

    #[test]
    fn head_and_answers_split_and_merge_back() {
        let mut r = sample();
        r.set_speech(1, crate::speech::audio::AudioMetrics::default());
        r.add_segment(0, 1200.0, "hello");
        r.timeline
            .push(crate::face::timeline::FrameSample::default());
        let head = r.head();
        assert!(head.speech.is_empty() && head.transcripts.is_empty() && head.timeline.is_empty());
        assert_eq!(head.spans, r.spans);
        let answers = r.answers();
        assert_eq!(
            answers.iter().map(|a| a.index).collect::<Vec<_>>(),
            vec![0, 1]
        );
        let mut back = head;
        for a in answers {
            back.merge_answer(a);
        }
        back.timeline = r.timeline.clone();
        assert_eq!(back, r);
    }

    #[test]
    fn assemble_reads_pieces_in_key_order_after_the_heads_own_timeline() {
        use crate::face::timeline::FrameSample;
        let f = |t| FrameSample {
            t,
            ..FrameSample::default()
        };
        let mut head = sample();
        head.timeline = vec![f(1)]; // a record saved before the split
        let pieces = vec![
            (FINAL_PIECE, pack_frames(&[f(40)])),
            (0, pack_frames(&[f(10), f(20)])),
            (1, pack_frames(&[f(30)])),
        ];
        let mut speech = AnswerData {
            index: 1,
            speech: Some(crate::speech::audio::AudioMetrics::default()),
            transcript: None,
        };
        let r = assemble(head.clone(), &pieces, vec![speech.clone()]).unwrap();
        assert_eq!(
            r.timeline.iter().map(|x| x.t).collect::<Vec<_>>(),
            vec![1, 10, 20, 30, 40]
        );
        assert_eq!(r.speech.len(), 1);
        speech.index = 99;
        assert!(assemble(head.clone(), &pieces, vec![speech]).is_err());
        let bad = vec![(0, "!!!!".to_string())];
        assert!(assemble(head, &bad, Vec::new()).is_err());
    }

    #[test]
    fn answer_rows_merge_without_losing_what_came_first() {
        let speech = AnswerData {
            index: 0,
            speech: Some(crate::speech::audio::AudioMetrics::default()),
            transcript: None,
        };
        let mut r = sample();
        r.set_model_transcript(0, "model text", vec![]);
        let model = r.answer_data(0);
        let merged = model.clone().merged_over(Some(speech.clone()));
        assert!(merged.speech.is_some() && merged.transcript.is_some());
        // The user's correction wins over a later model transcript; its words are kept.
        let mut typed = sample();
        typed.set_transcript(0, "what I said", true);
        let mut words = model.clone();
        words.transcript.as_mut().unwrap().words = vec![TimedWord {
            text: "model".into(),
            start_ms: 1.0,
            end_ms: 2.0,
        }];
        let m = words.merged_over(Some(typed.answer_data(0)));
        let t = m.transcript.unwrap();
        assert_eq!(
            (t.text.as_str(), t.corrected, t.words.len()),
            ("what I said", true, 1)
        );
        assert_eq!(speech.clone().merged_over(None), speech);
    }

    #[test]
    fn live_only_with_a_recent_heartbeat() {
        let mut r = sample();
        assert!(!r.is_live(10_000.0), "no heartbeat: an old tab");
        r.heartbeat_ms = Some(10_000.0);
        assert!(r.is_live(12_000.0));
        assert!(!r.is_live(10_000.0 + LIVE_WINDOW_MS));
        assert!(
            !r.is_live(-1e12),
            "a heartbeat far in the future is not trusted"
        );
        r.status = Status::Finished;
        assert!(!r.is_live(12_000.0));
    }

    #[test]
    fn note_is_optional_in_stored_json() {
        let mut v = serde_json::to_value(sample()).unwrap();
        for k in ["note", "speech", "transcripts", "transcript_mode"] {
            v.as_object_mut().unwrap().remove(k);
        }
        let r = migrate_record(v).unwrap();
        assert_eq!((r.note, r.transcript_mode), (None, TranscriptMode::None));
    }
}
