//! The running interview as a state machine. The interview page feeds it what happens
//! (the recorder started, a chunk arrived or was saved, Next, the timer, microphone
//! samples, an analysis came back, the recorder stopped), each with its
//! `performance.now()` time, and carries out the [`Effect`]s it returns. Every rule of the
//! recording lives here and is tested natively; the page is glue.
//!
//! Times: `now` arguments are the page's clock (ms); the run turns them into times on the
//! recording (0 = the moment the recorder started), so question spans, chunk times,
//! transcript times and face frames all share one origin.

use crate::content;
use crate::face::timeline::FrameSample;
use crate::interview::{Countdown, InterviewClock};
use crate::questions::PlannedQuestion;
use crate::record::{AnswerData, InterviewRecord};
use crate::speech::audio::{self, AudioMetrics};
use std::collections::BTreeMap;

/// How long the final save waits for answer analyses still running in the worker.
pub const ANALYSIS_GRACE_MS: f64 = 10_000.0;
/// Microphone samples per millisecond (16 kHz).
/// Time for a follow-up answer, at most (seconds).
const FOLLOW_UP_S: u32 = 90;
const SAMPLES_PER_MS: f64 = audio::RATE as f64 / 1000.0;
/// Answers with less audio than this are not analysed (nothing to measure).
const MIN_AUDIO_SAMPLES: usize = audio::RATE as usize / 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Recorder and microphone starting; no question asked yet.
    Starting,
    Running,
    /// Stop requested: waiting for the recorder's last chunk, pending writes and analyses.
    Stopping,
    /// The final save was handed out.
    Done,
}

/// Why the recording ends.
#[derive(Clone, Debug, PartialEq)]
pub enum StopCause {
    /// Finish or End interview.
    User,
    /// The user left the page mid-interview: keep everything, do not open the report.
    Left,
    /// The browser's storage is full.
    StorageFull,
    /// Anything else that stopped the recording (recorder error, a failed save).
    Failed(String),
}

impl StopCause {
    /// The message the page shows and the record keeps; None for a normal end.
    pub fn message(&self) -> Option<String> {
        match self {
            StopCause::User | StopCause::Left => None,
            StopCause::StorageFull => Some(
                "Recording stopped: the browser's storage for this site is full. \
                 Everything up to this point is saved. Delete old interviews in History to free space."
                    .into(),
            ),
            StopCause::Failed(m) => Some(format!("Recording stopped: {m}")),
        }
    }
}

/// What the page must do after an event.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Show and read out question `index`.
    Ask(usize),
    /// Save the record's head (question boundaries changed).
    SaveHead,
    /// Save one answer's data (its speech figures or transcript changed).
    SaveAnswer(usize),
    /// Analyse an answer's audio: 16 kHz mono samples starting at `start_ms` on the
    /// recording, never past the end of the saved recording.
    Analyse {
        index: usize,
        start_ms: f64,
        pcm: Vec<f32>,
    },
    /// Stop the media recorder; its last chunk arrives, then call `recorder_stopped`.
    StopRecorder,
    /// Stop the microphone capture and speech recognition.
    StopCapture,
    /// Tell the user why recording stopped.
    ShowError(String),
    /// A follow-up question was put in the plan at this index (the questions after it
    /// moved down by one): show the new list.
    FollowUp(usize),
}

/// One chunk to write, in one transaction with the frames analysed since the last one
/// and the record's head, so that after a crash the head never claims a chunk that is
/// not there and the face timeline grows by a constant amount per second.
#[derive(Clone, Debug, PartialEq)]
pub struct ChunkWrite {
    pub seq: u32,
    /// Milliseconds on the recording when the chunk was handed over.
    pub t_ms: f64,
    pub size: f64,
    pub head: InterviewRecord,
    pub frames: Vec<FrameSample>,
}

/// Everything the final save writes: the finished head, the frames not yet written and
/// every answer's data.
#[derive(Clone, Debug, PartialEq)]
pub struct FinalSave {
    pub head: InterviewRecord,
    pub frames: Vec<FrameSample>,
    pub answers: Vec<AnswerData>,
    /// Open the report afterwards (false when the user left the page, or nothing was saved).
    pub open_report: bool,
}

/// One answer's microphone samples, held until the recording is known to cover them.
#[derive(Clone, Debug)]
struct AnswerAudio {
    index: usize,
    start_ms: f64,
    end_ms: Option<f64>,
    pcm: Vec<f32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Committed {
    chunks: u32,
    end_ms: f64,
    bytes: f64,
}

pub struct InterviewRun {
    /// Head, speech figures and transcripts. The timeline is not kept here: frames go to
    /// the store with each chunk.
    record: InterviewRecord,
    clock: InterviewClock,
    phase: Phase,
    /// Page time when the recorder started (time 0 of the recording).
    origin: Option<f64>,
    recorder_running: bool,
    next_seq: u32,
    /// Chunks handed out and not yet saved or failed: seq -> (t_ms, size, frames).
    in_flight: BTreeMap<u32, (f64, f64, Vec<FrameSample>)>,
    /// Saved chunks after a gap (a failed write): not part of the playable recording.
    saved_after_gap: BTreeMap<u32, (f64, f64)>,
    /// The first failed chunk, if any: the recording ends before it.
    gap: Option<u32>,
    committed: Committed,
    unsaved_frames: Vec<FrameSample>,
    audio: Vec<AnswerAudio>,
    analyses: Vec<usize>,
    cause: Option<StopCause>,
    /// Page time when the recorder's last chunk was saved and stopping can finish.
    drained_at: Option<f64>,
    /// The user left the page: whatever the cause of the stop, do not open the report.
    left: bool,
    /// Ask the bank's follow-up after a story answer that lacks its actions or result.
    follow_ups: bool,
}

impl InterviewRun {
    /// A run for `record` (its questions planned, nothing recorded yet).
    pub fn new(record: InterviewRecord) -> Self {
        let clock = InterviewClock::new(record.questions.iter().map(|q| q.limit_s).collect());
        InterviewRun {
            record,
            clock,
            phase: Phase::Starting,
            origin: None,
            recorder_running: false,
            next_seq: 0,
            in_flight: BTreeMap::new(),
            saved_after_gap: BTreeMap::new(),
            gap: None,
            committed: Committed::default(),
            unsaved_frames: Vec::new(),
            audio: Vec::new(),
            analyses: Vec::new(),
            cause: None,
            drained_at: None,
            left: false,
            follow_ups: false,
        }
    }

    /// Follow-up questions on or off (the setting; off until the page says).
    pub fn set_follow_ups(&mut self, on: bool) {
        self.follow_ups = on;
    }

    /// Answer `index`'s transcript is known (the browser's recognition at Next, or the
    /// on-device model's while a later question runs): when it is a story from the bank
    /// that lacks the candidate's actions or its result, the bank's follow-up goes in right
    /// after the question now running. At most one per question, never after a follow-up,
    /// and none once the last planned question is running with its answer already given.
    pub fn consider_follow_up(&mut self, index: usize) -> Vec<Effect> {
        if !self.follow_ups || self.phase != Phase::Running {
            return Vec::new();
        }
        let Some(current) = self.current() else {
            return Vec::new();
        };
        let qs = &self.record.questions;
        let Some(q) = qs.get(index) else {
            return Vec::new();
        };
        if q.follows.is_some() || qs.iter().any(|f| f.follows == Some(index)) || index > current {
            return Vec::new();
        }
        // A later answer already under way: only the answer just given is followed up.
        if index + 1 < current {
            return Vec::new();
        }
        let (Some(bank), Some(text)) = (q.bank(), self.record.transcript(index)) else {
            return Vec::new();
        };
        let c = content::analyse(q, text, &[]);
        let Some(follow) = content::follow_up(bank, &c) else {
            return Vec::new();
        };
        let at = current + 1;
        let limit = q.limit_s.min(FOLLOW_UP_S);
        self.record.questions.insert(
            at,
            PlannedQuestion {
                text: follow.to_string(),
                limit_s: limit,
                custom: false,
                id: None,
                kind: None,
                points: Vec::new(),
                terms: Vec::new(),
                suggested_s: None,
                follows: Some(index),
            },
        );
        self.clock.limits_s.insert(at, limit);
        vec![Effect::FollowUp(at), Effect::SaveHead]
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn record(&self) -> &InterviewRecord {
        &self.record
    }

    /// The record as it is now without the timeline (what `SaveHead` saves).
    pub fn head(&self) -> InterviewRecord {
        self.record.head()
    }

    /// One answer's data (what `SaveAnswer` saves).
    pub fn answer(&self, index: usize) -> AnswerData {
        self.record.answer_data(index)
    }

    /// The question being answered, if any.
    pub fn current(&self) -> Option<usize> {
        self.clock.current()
    }

    /// Page time -> time on the recording. Before the recorder has started, the first
    /// event sets the origin (a chunk can only arrive from a started recorder).
    fn at(&mut self, now: f64) -> f64 {
        let origin = *self.origin.get_or_insert(now);
        (now - origin).max(0.0)
    }

    /// Time on the recording of page time `now` (0 before the recorder started).
    pub fn time(&self, now: f64) -> f64 {
        self.origin.map(|o| (now - o).max(0.0)).unwrap_or(0.0)
    }

    /// The recorder has started: this is time 0 of the recording.
    pub fn recorder_started(&mut self, now: f64) {
        self.origin.get_or_insert(now);
        self.recorder_running = true;
    }

    /// Recorder and microphone are ready: ask the first question. The page saves the head
    /// before anything else (an error there stops the run).
    pub fn begin(&mut self, now: f64) -> Vec<Effect> {
        if self.phase != Phase::Starting {
            return Vec::new();
        }
        self.phase = Phase::Running;
        self.advance(now)
    }

    fn advance(&mut self, now: f64) -> Vec<Effect> {
        let t = self.at(now);
        let mut fx = self.close_answer(t);
        let next = self.clock.advance(t);
        self.record.spans = self.clock.spans.clone();
        match next {
            Some(i) => {
                self.audio.push(AnswerAudio {
                    index: i,
                    start_ms: t,
                    end_ms: None,
                    pcm: Vec::new(),
                });
                fx.push(Effect::SaveHead);
                fx.push(Effect::Ask(i));
            }
            None => fx.extend(self.stop(now, StopCause::User)),
        }
        fx
    }

    /// Next question (or Finish after the last one). With the browser's live recognition
    /// the answer's transcript is known now, so its follow-up (if any) comes next.
    pub fn next(&mut self, now: f64) -> Vec<Effect> {
        if self.phase != Phase::Running {
            return Vec::new();
        }
        let mut fx = match self.current() {
            Some(i) => self.consider_follow_up(i),
            None => Vec::new(),
        };
        fx.extend(self.advance(now));
        fx
    }

    /// The answer timer: the countdown to show, and the effects of moving on when the
    /// answer's time is up.
    pub fn tick(&mut self, now: f64) -> (Option<Countdown>, Vec<Effect>) {
        if self.phase != Phase::Running {
            return (None, Vec::new());
        }
        let cd = self.clock.countdown(self.time(now));
        let fx = if cd.is_some_and(|c| c.expired) {
            self.advance(now)
        } else {
            Vec::new()
        };
        (cd, fx)
    }

    /// Closes the current answer's audio at `t`; it is analysed once the saved recording
    /// reaches `t` (see `release_audio`).
    fn close_answer(&mut self, t: f64) -> Vec<Effect> {
        if let Some(a) = self.audio.iter_mut().find(|a| a.end_ms.is_none()) {
            a.end_ms = Some(t.max(a.start_ms));
        }
        self.release_audio(false)
    }

    /// Hands out the audio of closed answers that the saved recording covers; at the end
    /// (`last`), what is left is cut at the recording's end.
    fn release_audio(&mut self, last: bool) -> Vec<Effect> {
        let end = self.committed.end_ms;
        let mut fx = Vec::new();
        let mut keep = Vec::new();
        for mut a in std::mem::take(&mut self.audio) {
            let covered = a.end_ms.is_some_and(|e| e <= end);
            if !(covered || last) {
                keep.push(a);
                continue;
            }
            if !covered {
                let ms = (end - a.start_ms).max(0.0);
                a.pcm.truncate((ms * SAMPLES_PER_MS) as usize);
            }
            if a.pcm.len() >= MIN_AUDIO_SAMPLES {
                self.analyses.push(a.index);
                fx.push(Effect::Analyse {
                    index: a.index,
                    start_ms: a.start_ms,
                    pcm: a.pcm,
                });
            }
        }
        self.audio = keep;
        fx
    }

    /// Microphone samples (16 kHz mono) as they arrive, with the page time of the first
    /// one's capture. Each goes to the answer whose span holds that moment, so an answer's
    /// audio starts exactly at its question's start (the capture delivers blocks of
    /// 100 ms, a little after they were heard, across question boundaries).
    pub fn audio(&mut self, samples: &[f32], captured_at: f64) {
        if matches!(self.phase, Phase::Starting | Phase::Done) || self.origin.is_none() {
            return;
        }
        let at = captured_at - self.origin.unwrap_or(0.0);
        for a in self.audio.iter_mut() {
            let end = a.end_ms.unwrap_or(f64::INFINITY);
            let to_index = |t: f64| {
                ((t - at) * SAMPLES_PER_MS)
                    .round()
                    .clamp(0.0, samples.len() as f64) as usize
            };
            // Up to where this answer's audio already reaches: nothing is added twice.
            let have = a.start_ms + a.pcm.len() as f64 / SAMPLES_PER_MS;
            let (from, to) = (to_index(have.max(a.start_ms)), to_index(end));
            if from >= to {
                continue;
            }
            // A gap (capture started late, a block lost) is silence, so times stay true.
            let gap = ((at + from as f64 / SAMPLES_PER_MS - have) * SAMPLES_PER_MS).round();
            if gap >= 1.0 {
                a.pcm.resize(a.pcm.len() + gap as usize, 0.0);
            }
            a.pcm.extend_from_slice(&samples[from..to]);
        }
    }

    /// The last `n` samples of the running answer (for the live silence meter).
    pub fn audio_tail(&self, n: usize) -> Option<&[f32]> {
        let a = self.audio.iter().find(|a| a.end_ms.is_none())?;
        Some(&a.pcm[a.pcm.len().saturating_sub(n)..])
    }

    /// The running answer's samples from `from` on (the live pace meter's new block), or
    /// None when no answer runs.
    pub fn audio_since(&self, from: usize) -> Option<&[f32]> {
        let a = self.audio.iter().find(|a| a.end_ms.is_none())?;
        a.pcm.get(from.min(a.pcm.len())..)
    }

    /// A face-pipeline result for the timeline (kept only while questions run).
    pub fn frame(&mut self, sample: FrameSample) {
        if self.phase == Phase::Running {
            self.unsaved_frames.push(sample);
        }
    }

    /// The recorder's MIME type, once it is known.
    pub fn set_mime(&mut self, mime: &str) {
        self.record.mime_type = mime.to_string();
    }

    /// How the transcript is made (set back to none when recognition cannot start).
    pub fn set_transcript_mode(&mut self, mode: crate::record::TranscriptMode) {
        self.record.transcript_mode = mode;
    }

    /// Why the interview has no face analysis (the models failed to load); kept once.
    pub fn note_vision(&mut self, message: &str) {
        if self.record.vision_note.is_none() {
            self.record.vision_note = Some(format!("No face analysis: {message}"));
        }
    }

    /// A final result of the browser's speech recognition for the answer running.
    pub fn transcript(&mut self, now: f64, text: &str) -> Vec<Effect> {
        let Some(i) = self.current() else {
            return Vec::new();
        };
        let t = self.time(now);
        self.record.add_segment(i, t, text);
        vec![Effect::SaveAnswer(i)]
    }

    /// The on-device model's transcript of an answer, while the interview runs (the
    /// transcriber saves it as the answer's row itself): kept in the run's record so that
    /// the final save and the follow-up see it.
    pub fn model_transcript(
        &mut self,
        index: usize,
        text: &str,
        words: Vec<crate::record::TimedWord>,
    ) -> Vec<Effect> {
        if index >= self.record.questions.len() {
            return Vec::new();
        }
        self.record.set_model_transcript(index, text, words);
        self.consider_follow_up(index)
    }

    /// The recorder handed over a chunk of `size` bytes: what to write.
    pub fn chunk(&mut self, now: f64, size: f64) -> ChunkWrite {
        let t_ms = self.at(now);
        let seq = self.next_seq;
        self.next_seq += 1;
        let frames = std::mem::take(&mut self.unsaved_frames);
        self.in_flight.insert(seq, (t_ms, size, frames.clone()));
        let mut head = self.head();
        // What the store will hold once this write commits (recovery reads the chunks).
        head.chunk_count = seq + 1;
        head.duration_ms = t_ms;
        head.bytes = self.committed.bytes + self.in_flight.values().map(|c| c.1).sum::<f64>();
        ChunkWrite {
            seq,
            t_ms,
            size,
            head,
            frames,
        }
    }

    /// A chunk write committed. Chunks commit in order; one after a failed write is not
    /// part of the playable recording.
    pub fn chunk_saved(&mut self, now: f64, seq: u32) -> Vec<Effect> {
        let Some((t_ms, size, _)) = self.in_flight.remove(&seq) else {
            return Vec::new();
        };
        if self.gap.is_some_and(|g| seq > g) {
            self.saved_after_gap.insert(seq, (t_ms, size));
        } else {
            self.committed.chunks += 1;
            self.committed.end_ms = self.committed.end_ms.max(t_ms);
            self.committed.bytes += size;
        }
        let mut fx = self.release_audio(false);
        fx.extend(self.check_drained(now));
        fx
    }

    /// A chunk write failed: recording stops (the disk is full, or storage broke). Its
    /// frames go with the next write.
    pub fn chunk_failed(&mut self, now: f64, seq: u32, quota: bool, message: &str) -> Vec<Effect> {
        if let Some((_, _, frames)) = self.in_flight.remove(&seq) {
            let later = std::mem::take(&mut self.unsaved_frames);
            self.unsaved_frames = frames;
            self.unsaved_frames.extend(later);
        }
        self.gap = Some(self.gap.map_or(seq, |g| g.min(seq)));
        let cause = if quota {
            StopCause::StorageFull
        } else {
            StopCause::Failed(message.to_string())
        };
        let mut fx = self.stop(now, cause);
        fx.extend(self.check_drained(now));
        fx
    }

    /// Ends the interview: closes the current answer, stops the recorder. The first cause
    /// given wins; later calls do nothing.
    pub fn stop(&mut self, now: f64, cause: StopCause) -> Vec<Effect> {
        if cause == StopCause::Left {
            self.left = true;
        }
        if matches!(self.phase, Phase::Stopping | Phase::Done) {
            return Vec::new();
        }
        self.phase = Phase::Stopping;
        let t = self.time(now);
        self.clock.finish(t);
        self.record.spans = self.clock.spans.clone();
        let mut fx = self.close_answer(t);
        fx.push(Effect::StopCapture);
        if let Some(m) = cause.message() {
            fx.push(Effect::ShowError(m));
        }
        self.cause = Some(cause);
        if self.recorder_running {
            fx.push(Effect::StopRecorder);
        } else {
            fx.extend(self.recorder_stopped(now));
        }
        fx
    }

    /// The recorder's stop event (after its last chunk was handed over).
    pub fn recorder_stopped(&mut self, now: f64) -> Vec<Effect> {
        self.recorder_running = false;
        self.check_drained(now)
    }

    /// Once stopping, the recorder is done and every write has landed: the recording's
    /// end is known, so the audio still held is cut there and analysed.
    fn check_drained(&mut self, now: f64) -> Vec<Effect> {
        if self.phase != Phase::Stopping
            || self.recorder_running
            || !self.in_flight.is_empty()
            || self.drained_at.is_some()
        {
            return Vec::new();
        }
        self.drained_at = Some(now);
        self.release_audio(true)
    }

    /// An answer's audio analysis came back (or failed: `None`).
    pub fn analysed(&mut self, index: usize, metrics: Option<AudioMetrics>) -> Vec<Effect> {
        if let Some(p) = self.analyses.iter().position(|&i| i == index) {
            self.analyses.remove(p);
        }
        match metrics {
            Some(m) => {
                self.record.set_speech(index, m);
                vec![Effect::SaveAnswer(index)]
            }
            None => Vec::new(),
        }
    }

    /// Analyses still running.
    pub fn analyses_pending(&self) -> usize {
        self.analyses.len()
    }

    /// Called while stopping (each event, and on a timer): the final save once the
    /// recording is complete and the analyses are back (or have had their grace time).
    pub fn poll_final(&mut self, now: f64) -> Option<FinalSave> {
        let drained = self.drained_at?;
        if self.phase != Phase::Stopping
            || (!self.analyses.is_empty() && now - drained < ANALYSIS_GRACE_MS)
        {
            return None;
        }
        self.phase = Phase::Done;
        let c = self.committed;
        let mut head = self.head();
        head.chunk_count = c.chunks;
        head.bytes = c.bytes;
        let cause = self.cause.clone().unwrap_or(StopCause::User);
        match cause.message() {
            Some(m) => head.stop_with_error(c.end_ms, &m),
            None => head.finish(c.end_ms),
        }
        self.record.spans = head.spans.clone();
        let answers = self
            .record
            .answered()
            .map(|(s, _)| s.index)
            .filter(|&i| i < head.spans.len())
            .map(|i| self.record.answer_data(i))
            .filter(|a| a.speech.is_some() || a.transcript.is_some())
            .collect();
        let end = c.end_ms;
        let frames = std::mem::take(&mut self.unsaved_frames)
            .into_iter()
            .filter(|f| (f.t as f64) <= end)
            .collect();
        Some(FinalSave {
            open_report: !self.left && c.chunks > 0,
            head,
            frames,
            answers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::{PlannedQuestion, Track};
    use crate::record::{MediaKind, Status};

    fn run(n: usize) -> InterviewRun {
        let qs = (0..n)
            .map(|i| PlannedQuestion::custom(&format!("Question {i}?"), 60))
            .collect();
        InterviewRun::new(InterviewRecord::new(
            "iv-1".into(),
            1.7e12,
            Track::General,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        ))
    }

    fn analysed(fx: &[Effect]) -> Vec<(usize, f64, usize)> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Analyse {
                    index,
                    start_ms,
                    pcm,
                } => Some((*index, *start_ms, pcm.len())),
                _ => None,
            })
            .collect()
    }

    /// Drives a chunk through write and commit.
    fn chunk(r: &mut InterviewRun, now: f64) -> Vec<Effect> {
        let w = r.chunk(now, 1000.0);
        r.chunk_saved(now + 5.0, w.seq)
    }

    #[test]
    fn time_origin_is_the_recorder_start_not_the_first_question() {
        // The page starts the recorder at page time 10,000, then spends 700 ms starting
        // the microphone capture (fetching the audio worklet) before asking question 1.
        // Before the fix the origin was taken after that wait: question 1 started at 0 ms
        // on the recording although the recorder had been running for 700 ms.
        let mut r = run(2);
        r.recorder_started(10_000.0);
        let fx = r.begin(10_700.0);
        assert_eq!(fx, vec![Effect::SaveHead, Effect::Ask(0)]);
        assert_eq!(r.record().spans[0].start_ms, 700.0);
        // A chunk handed over at 11,000 is 1 s into the recording.
        assert_eq!(r.chunk(11_000.0, 10.0).t_ms, 1000.0);
        r.next(15_000.0);
        assert_eq!(r.record().spans[1].start_ms, 5000.0);
        assert_eq!(r.time(15_000.0), 5000.0);
    }

    #[test]
    fn a_chunk_before_the_first_question_keeps_its_time() {
        let mut r = run(1);
        r.recorder_started(0.0);
        let w = r.chunk(1000.0, 500.0);
        assert_eq!((w.seq, w.t_ms), (0, 1000.0));
        assert!(w.head.spans.is_empty(), "no question asked yet");
        assert_eq!(w.head.chunk_count, 1);
        r.chunk_saved(1010.0, 0);
        r.begin(1200.0);
        assert_eq!(r.record().spans[0].start_ms, 1200.0);
        // A chunk with no recorder start seen (cannot happen, but stays consistent): its
        // own time is the origin.
        let mut r = run(1);
        assert_eq!(r.chunk(5000.0, 1.0).t_ms, 0.0);
        assert_eq!(r.time(6000.0), 1000.0);
    }

    #[test]
    fn questions_advance_and_the_last_next_stops() {
        let mut r = run(2);
        r.recorder_started(0.0);
        r.begin(0.0);
        assert_eq!(r.next(3000.0), vec![Effect::SaveHead, Effect::Ask(1)]);
        let fx = r.next(6000.0);
        assert!(fx.contains(&Effect::StopRecorder));
        assert!(fx.contains(&Effect::StopCapture));
        assert_eq!(r.phase(), Phase::Stopping);
        assert!(r.next(7000.0).is_empty(), "nothing after stopping");
    }

    #[test]
    fn the_timer_moves_on_when_time_is_up() {
        let mut r = run(2);
        r.recorder_started(0.0);
        r.begin(0.0);
        let (cd, fx) = r.tick(30_000.0);
        assert!(fx.is_empty());
        assert_eq!(cd.unwrap().remaining_ms, 30_000.0);
        let (_, fx) = r.tick(60_000.0);
        assert_eq!(fx, vec![Effect::SaveHead, Effect::Ask(1)]);
        assert_eq!(r.current(), Some(1));
    }

    #[test]
    fn chunk_writes_carry_the_frames_since_the_last_chunk_and_a_head_without_them() {
        let mut r = run(1);
        r.recorder_started(0.0);
        r.frame(FrameSample::default());
        assert!(
            r.chunk(500.0, 1.0).frames.is_empty(),
            "frames before the run are dropped"
        );
        r.begin(600.0);
        for t in [700, 800, 900] {
            r.frame(FrameSample {
                t,
                ..FrameSample::default()
            });
        }
        let w = r.chunk(1000.0, 1.0);
        assert_eq!(w.frames.len(), 3);
        assert!(w.head.timeline.is_empty());
        assert_eq!(w.head.spans.len(), 1);
        assert!(r.chunk(2000.0, 1.0).frames.is_empty());
    }

    #[test]
    fn answers_are_analysed_once_the_recording_covers_them() {
        let mut r = run(2);
        r.recorder_started(0.0);
        r.begin(0.0);
        r.audio(&vec![0.1; 16_000 * 3], 0.0);
        let fx = r.next(3000.0);
        assert!(
            analysed(&fx).is_empty(),
            "the recording ends at 0 ms so far"
        );
        let fx = chunk(&mut r, 2000.0);
        assert!(analysed(&fx).is_empty());
        let fx = chunk(&mut r, 3100.0);
        assert_eq!(analysed(&fx), vec![(0, 0.0, 48_000)]);
        assert_eq!(r.analyses_pending(), 1);
        let m = AudioMetrics {
            speaking_ms: 2500.0,
            ..AudioMetrics::default()
        };
        assert_eq!(r.analysed(0, Some(m)), vec![Effect::SaveAnswer(0)]);
        assert_eq!(r.answer(0).speech.unwrap().speaking_ms, 2500.0);
        assert_eq!(r.analyses_pending(), 0);
    }

    #[test]
    fn the_last_answer_is_cut_at_the_end_of_the_saved_recording() {
        // Speaking time was longer than the recording when the last answer's audio ran
        // past the last saved chunk.
        let mut r = run(1);
        r.recorder_started(0.0);
        r.begin(0.0);
        r.audio(&vec![0.1; 16_000 * 5], 0.0);
        chunk(&mut r, 1000.0);
        chunk(&mut r, 2000.0);
        chunk(&mut r, 3000.0);
        let fx = r.stop(5000.0, StopCause::User);
        assert!(fx.contains(&Effect::StopRecorder));
        assert!(analysed(&fx).is_empty(), "the end is not known yet");
        // The recorder's last chunk (handed over on stop) lands at 5,000.
        let w = r.chunk(5000.0, 1.0);
        assert!(r.recorder_stopped(5001.0).is_empty(), "a write is pending");
        let fx = r.chunk_saved(5010.0, w.seq);
        assert_eq!(analysed(&fx), vec![(0, 0.0, 80_000)]);

        // Storage full at the fourth chunk: the recording ends at 3 s, so does the audio.
        let mut r = run(1);
        r.recorder_started(0.0);
        r.begin(0.0);
        r.audio(&vec![0.1; 16_000 * 5], 0.0);
        for t in [1000.0, 2000.0, 3000.0] {
            chunk(&mut r, t);
        }
        let w = r.chunk(4000.0, 1.0);
        let fx = r.chunk_failed(4010.0, w.seq, true, "QuotaExceededError");
        assert!(fx.contains(&Effect::StopRecorder));
        assert!(
            matches!(fx.iter().find(|e| matches!(e, Effect::ShowError(_))), Some(Effect::ShowError(m)) if m.contains("storage"))
        );
        let w = r.chunk(4020.0, 1.0); // the recorder's last chunk, saved after the gap
        r.chunk_saved(4030.0, w.seq);
        let fx = r.recorder_stopped(4040.0);
        assert_eq!(analysed(&fx), vec![(0, 0.0, 48_000)]);
        r.analysed(0, None);
        let f = r.poll_final(4050.0).unwrap();
        assert_eq!(f.head.status, Status::Stopped);
        assert_eq!((f.head.chunk_count, f.head.duration_ms), (3, 3000.0));
        assert_eq!(f.head.bytes, 3000.0);
        assert_eq!(f.head.spans[0].end_ms, Some(3000.0));
    }

    #[test]
    fn stop_during_a_pending_analysis_waits_for_it_then_gives_up() {
        let mut r = run(2);
        r.recorder_started(0.0);
        r.begin(0.0);
        r.audio(&vec![0.1; 16_000 * 2], 0.0);
        r.next(2000.0);
        let fx = chunk(&mut r, 2500.0);
        assert_eq!(analysed(&fx).len(), 1);
        r.audio(&vec![0.1; 16_000], 2000.0);
        r.stop(3000.0, StopCause::User);
        let w = r.chunk(3000.0, 1.0);
        // The recording now covers the last answer: it goes to analysis at once.
        let fx = r.chunk_saved(3001.0, w.seq);
        assert_eq!(analysed(&fx), vec![(1, 2000.0, 16_000)]);
        assert!(analysed(&r.recorder_stopped(3002.0)).is_empty());
        assert_eq!(r.analyses_pending(), 2);
        assert!(r.poll_final(4000.0).is_none(), "waits for the analyses");
        r.analysed(0, Some(AudioMetrics::default()));
        assert!(r.poll_final(5000.0).is_none());
        let f = r
            .poll_final(3002.0 + ANALYSIS_GRACE_MS)
            .expect("gives up after the grace time");
        assert_eq!(f.head.status, Status::Finished);
        assert_eq!(f.answers.len(), 1, "only the analysis that came back");
        assert!(f.open_report);
        assert_eq!(r.phase(), Phase::Done);
        assert!(r.poll_final(1e9).is_none(), "handed out once");
        // A late result is still saved, as its own answer row.
        assert_eq!(
            r.analysed(1, Some(AudioMetrics::default())),
            vec![Effect::SaveAnswer(1)]
        );
    }

    #[test]
    fn a_stop_before_the_recorder_started_finishes_at_once() {
        let mut r = run(1);
        let fx = r.stop(100.0, StopCause::Failed("no recorder".into()));
        assert!(!fx.contains(&Effect::StopRecorder));
        let f = r.poll_final(100.0).unwrap();
        assert_eq!(f.head.status, Status::Stopped);
        assert!(!f.open_report, "nothing was recorded");
        assert_eq!(
            f.head.note.as_deref(),
            Some("Recording stopped: no recorder")
        );
    }

    #[test]
    fn leaving_the_page_keeps_everything_but_opens_no_report() {
        let mut r = run(1);
        r.recorder_started(0.0);
        r.begin(0.0);
        chunk(&mut r, 1000.0);
        r.stop(1500.0, StopCause::Left);
        r.recorder_stopped(1600.0);
        let f = r.poll_final(1600.0).unwrap();
        assert_eq!(f.head.status, Status::Finished);
        assert!(!f.open_report);
        // The first cause wins.
        assert!(r.stop(2000.0, StopCause::StorageFull).is_empty());

        // Leaving while the end is being saved: the report does not pull the user back.
        let mut r = run(1);
        r.recorder_started(0.0);
        r.begin(0.0);
        chunk(&mut r, 1000.0);
        r.stop(1500.0, StopCause::User);
        r.stop(1550.0, StopCause::Left);
        r.recorder_stopped(1600.0);
        assert!(!r.poll_final(1600.0).unwrap().open_report);
    }

    #[test]
    fn transcripts_go_to_the_answer_running_at_their_time() {
        let mut r = run(2);
        r.recorder_started(1000.0);
        assert!(r.transcript(1500.0, "too early").is_empty());
        r.begin(1500.0);
        assert_eq!(r.transcript(3000.0, " I led "), vec![Effect::SaveAnswer(0)]);
        r.next(4000.0);
        r.transcript(5000.0, "the team");
        let a0 = r.answer(0).transcript.unwrap();
        assert_eq!((a0.text.as_str(), a0.segments[0].t_ms), ("I led", 2000.0));
        assert_eq!(r.answer(1).transcript.unwrap().segments[0].t_ms, 4000.0);
    }

    #[test]
    fn final_frames_stop_at_the_recording_end() {
        let mut r = run(1);
        r.recorder_started(0.0);
        r.begin(0.0);
        chunk(&mut r, 1000.0);
        for t in [1100, 1900, 2500] {
            r.frame(FrameSample {
                t,
                ..FrameSample::default()
            });
        }
        r.stop(2600.0, StopCause::User);
        let w = r.chunk(2000.0, 1.0);
        assert_eq!(w.frames.len(), 3);
        r.chunk_failed(2001.0, w.seq, false, "broken");
        r.recorder_stopped(2002.0);
        let f = r.poll_final(2003.0).unwrap();
        // The write with the frames failed: they come back, cut at the 1 s end.
        assert_eq!(f.frames.len(), 0);
        assert_eq!(f.head.duration_ms, 1000.0);
    }

    #[test]
    fn audio_goes_to_the_answer_whose_span_holds_its_capture_time() {
        // Blocks of 100 ms arrive after they were heard, across question boundaries; an
        // answer's audio must start exactly at its question (a beep 1 s into the answer is
        // 1 s into its audio), else every pause is placed late on the recording.
        let mut r = run(2);
        r.recorder_started(0.0);
        r.begin(1000.0);
        let block = |from_ms: f64| -> Vec<f32> {
            (0..1600)
                .map(|i| from_ms as f32 + i as f32 / 16.0)
                .collect()
        };
        // Captured 950..1050: only its last 50 ms belong to answer 0.
        r.audio(&block(950.0), 950.0);
        let mut t = 1050.0;
        while t < 1950.0 {
            r.audio(&block(t), t);
            t += 100.0;
        }
        r.next(2000.0);
        // The block 1950..2050 arrives after Next: split at 2000.
        r.audio(&block(1950.0), 1950.0);
        r.audio(&block(2050.0), 2050.0);
        // A block lost: 2150..2250 never arrives; the next ones do.
        for t in [2250.0, 2350.0, 2450.0, 2550.0] {
            r.audio(&block(t), t);
        }
        let fx = r.stop(2650.0, StopCause::User);
        assert!(analysed(&fx).is_empty());
        let w = r.chunk(2700.0, 1.0);
        let fx = r.chunk_saved(2700.0, w.seq);
        let pcm: Vec<(usize, f64, Vec<f32>)> = fx
            .into_iter()
            .filter_map(|e| match e {
                Effect::Analyse {
                    index,
                    start_ms,
                    pcm,
                } => Some((index, start_ms, pcm)),
                _ => None,
            })
            .collect();
        assert_eq!(pcm.len(), 2);
        let (i0, s0, a0) = &pcm[0];
        assert_eq!((*i0, *s0, a0.len()), (0, 1000.0, 16_000));
        // Its first sample was heard at 1000 ms, its last just before 2000 ms.
        assert!((a0[0] - 1000.0).abs() < 0.1 && (a0[a0.len() - 1] - 1999.9375).abs() < 0.1);
        let (i1, s1, a1) = &pcm[1];
        assert_eq!((*i1, *s1), (1, 2000.0));
        assert!((a1[0] - 2000.0).abs() < 0.1);
        // 650 ms, the lost 100 ms as silence.
        assert_eq!(a1.len(), 650 * 16);
        assert!(a1[150 * 16..250 * 16].iter().all(|x| *x == 0.0));
        assert!((a1[250 * 16] - 2250.0).abs() < 0.1);
    }

    #[test]
    fn audio_tail_is_the_running_answer() {
        let mut r = run(2);
        r.recorder_started(0.0);
        assert!(r.audio_tail(10).is_none());
        r.begin(0.0);
        r.audio(&[1.0, 2.0, 3.0], 0.0);
        assert_eq!(r.audio_tail(2), Some(&[2.0, 3.0][..]));
        // The live pace meter's new block: what came after the analysed samples.
        assert_eq!(r.audio_since(1), Some(&[2.0, 3.0][..]));
        assert_eq!(r.audio_since(9), Some(&[][..]));
        r.next(100.0);
        assert_eq!(r.audio_tail(2), Some(&[][..]));
        assert_eq!(r.audio_since(0), Some(&[][..]));
    }

    fn bank_run(ids: &[&str]) -> InterviewRun {
        let qs = ids
            .iter()
            .map(|id| PlannedQuestion::from_bank(crate::questions::by_id(id).unwrap(), 0))
            .collect();
        let mut r = InterviewRun::new(InterviewRecord::new(
            "iv-2".into(),
            1.7e12,
            Track::General,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        ));
        r.recorder_started(0.0);
        r.begin(0.0);
        r
    }

    const NO_ENDING: &str = "At my last job a colleague and I disagreed about refunds. \
        I owned the refund process, so it was on me to sort it out. \
        So I sat down with her and listened to her reasons. \
        Then I pulled three months of data and we went through it together.";

    #[test]
    fn a_story_without_its_result_gets_the_follow_up_next() {
        let mut r = bank_run(&["gen-disagreed-with-colleague", "gen-why-this-job"]);
        r.set_follow_ups(true);
        r.transcript(5_000.0, NO_ENDING);
        let fx = r.next(40_000.0);
        assert_eq!(fx[..2], [Effect::FollowUp(1), Effect::SaveHead], "{fx:?}");
        assert!(fx.contains(&Effect::Ask(1)));
        let q = &r.record().questions;
        assert_eq!(q.len(), 3);
        assert_eq!(q[1].follows, Some(0));
        assert_eq!(
            Some(q[1].text.as_str()),
            crate::questions::by_id("gen-disagreed-with-colleague")
                .unwrap()
                .follow_up_result
        );
        assert_eq!(q[2].id.as_deref(), Some("gen-why-this-job"));
        // Never a follow-up of a follow-up, and the plan goes on after it.
        r.transcript(45_000.0, "It went fine.");
        assert_eq!(r.next(60_000.0), vec![Effect::SaveHead, Effect::Ask(2)]);
        assert_eq!(r.record().spans.len(), 3);
    }

    #[test]
    fn no_follow_up_when_off_or_when_the_story_is_whole() {
        let mut r = bank_run(&["gen-disagreed-with-colleague", "gen-why-this-job"]);
        r.transcript(5_000.0, NO_ENDING);
        assert_eq!(r.next(40_000.0), vec![Effect::SaveHead, Effect::Ask(1)]);
        let mut r = bank_run(&["gen-disagreed-with-colleague", "gen-why-this-job"]);
        r.set_follow_ups(true);
        r.transcript(
            5_000.0,
            &format!("{NO_ENDING} In the end complaints dropped by half, and we get on well now."),
        );
        assert_eq!(r.next(40_000.0), vec![Effect::SaveHead, Effect::Ask(1)]);
    }

    #[test]
    fn a_late_transcript_puts_the_follow_up_after_the_running_question() {
        let mut r = bank_run(&[
            "gen-disagreed-with-colleague",
            "gen-why-this-job",
            "gen-greatest-strength",
        ]);
        r.set_follow_ups(true);
        r.next(40_000.0);
        // The on-device model's transcript of answer 0 lands while question 1 runs.
        r.record.set_transcript(0, NO_ENDING, false);
        assert_eq!(
            r.consider_follow_up(0),
            vec![Effect::FollowUp(2), Effect::SaveHead]
        );
        assert!(r.consider_follow_up(0).is_empty(), "once");
        assert_eq!(r.record().questions[2].follows, Some(0));
        assert_eq!(r.next(60_000.0), vec![Effect::SaveHead, Effect::Ask(2)]);
    }
}
