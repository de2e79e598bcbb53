//! Client of the speech recognition worker (`crates/asr-worker`): one per page load,
//! started only when the user turns on-device transcription on (the model is downloaded
//! then, once, and cached for offline use by the service worker). Answers are queued and
//! transcribed one at a time, in order; each result is saved as its answer's row at once,
//! so pages that show the interview (the report) fill in as results arrive, and nothing
//! is lost when the tab closes (a reload transcribes what is missing from the stored
//! recording, see [`transcribe_recording`]).

use crate::session;
use interviewer_core::messages::{AsrIn, AsrOut};
use interviewer_core::record::{AnswerData, AnswerTranscript, TranscriptSource};
use js_sys::Float32Array;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::MessageEvent;
use worker_link::WorkerClient;

#[derive(Clone, Debug, PartialEq)]
pub enum AsrStatus {
    /// Not started: the user has not turned it on in this page load.
    Off,
    /// Fetching the model: share of bytes fetched.
    Loading(f64),
    Ready,
    Failed(String),
}

/// One answer to transcribe.
#[derive(Clone, Debug)]
pub struct Job {
    pub interview: String,
    pub index: usize,
    /// Where the audio starts on the recording (ms).
    pub offset_ms: f64,
    /// 16 kHz mono.
    pub pcm: Vec<f32>,
}

/// What the page shows while answers are transcribed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// The answer being transcribed, and its share done.
    pub current: Option<(String, usize, f64)>,
    /// Answers waiting, per interview.
    pub waiting: Vec<(String, usize)>,
    /// Bumped each time a transcript is saved: pages re-read their interview.
    pub saved: u64,
    /// The last failure, if any, for the answer it concerns.
    pub error: Option<(String, usize, String)>,
}

struct Inner {
    client: Option<Rc<WorkerClient>>,
    queue: VecDeque<Job>,
    busy: Option<(u32, Job)>,
    next_id: u32,
}

/// Told of each transcript as it is done: (interview id, answer index, text, words).
pub type OnTranscript = Box<dyn Fn(&str, usize, &str, &[interviewer_core::record::TimedWord])>;

pub struct Transcriber {
    pub status: ArcRwSignal<AsrStatus>,
    pub progress: ArcRwSignal<Progress>,
    inner: RefCell<Inner>,
    /// The running interview listens here (for its follow-up questions).
    pub on_transcript: RefCell<Option<OnTranscript>>,
}

thread_local! {
    static ASR: Rc<Transcriber> = Rc::new(Transcriber {
        status: ArcRwSignal::new(AsrStatus::Off),
        progress: ArcRwSignal::new(Progress::default()),
        on_transcript: RefCell::new(None),
        inner: RefCell::new(Inner { client: None, queue: VecDeque::new(), busy: None, next_id: 0 }),
    });
}

/// The page's transcriber (its worker starts on [`Transcriber::load`]).
pub fn transcriber() -> Rc<Transcriber> {
    ASR.with(|t| t.clone())
}

impl Transcriber {
    /// Starts the worker and the model's download, once. Safe to call again: after a
    /// failure it tries again.
    pub fn load(self: &Rc<Self>) {
        if matches!(
            self.status.get_untracked(),
            AsrStatus::Loading(_) | AsrStatus::Ready
        ) {
            return;
        }
        self.status.set(AsrStatus::Loading(0.0));
        let me = self.clone();
        let on_message = move |e: MessageEvent| match worker_link::read::<AsrOut>(&e) {
            Ok((out, _)) => me.on_reply(out),
            Err(e) => web_sys::console::warn_1(&format!("speech recognition worker: {e}").into()),
        };
        let me = self.clone();
        let on_error = move |m: String| {
            me.status.set(AsrStatus::Failed(format!(
                "the speech recognition worker failed: {m}"
            )));
            me.inner.borrow_mut().client = None;
        };
        match WorkerClient::start("asr-worker", on_message, on_error) {
            Ok(client) => {
                if let Err(e) = client.post(&AsrIn::Load, &[]) {
                    self.status.set(AsrStatus::Failed(e));
                    return;
                }
                self.inner.borrow_mut().client = Some(client);
            }
            Err(e) => self.status.set(AsrStatus::Failed(e)),
        }
    }

    /// Queues an answer; it is transcribed once the model is ready and the answers before
    /// it are done.
    pub fn enqueue(self: &Rc<Self>, job: Job) {
        {
            let mut inner = self.inner.borrow_mut();
            inner
                .queue
                .retain(|j| !(j.interview == job.interview && j.index == job.index));
            inner.queue.push_back(job);
        }
        self.publish();
        self.pump();
    }

    /// Answers of `interview` queued or being transcribed.
    pub fn pending(&self, interview: &str) -> Vec<usize> {
        let inner = self.inner.borrow();
        inner
            .busy
            .iter()
            .map(|(_, j)| j)
            .chain(inner.queue.iter())
            .filter(|j| j.interview == interview)
            .map(|j| j.index)
            .collect()
    }

    fn publish(&self) {
        let inner = self.inner.borrow();
        let waiting = inner
            .queue
            .iter()
            .map(|j| (j.interview.clone(), j.index))
            .collect();
        let current = inner
            .busy
            .as_ref()
            .map(|(_, j)| (j.interview.clone(), j.index));
        drop(inner);
        self.progress.update(|p| {
            p.waiting = waiting;
            if p.current.as_ref().map(|c| (&c.0, c.1)) != current.as_ref().map(|c| (&c.0, c.1)) {
                p.current = current.map(|(i, k)| (i, k, 0.0));
            }
        });
    }

    /// Sends the next job when the worker is ready and idle.
    fn pump(self: &Rc<Self>) {
        if self.status.get_untracked() != AsrStatus::Ready {
            return;
        }
        let mut inner = self.inner.borrow_mut();
        if inner.busy.is_some() {
            return;
        }
        let Some(job) = inner.queue.pop_front() else {
            return;
        };
        let Some(client) = inner.client.clone() else {
            return;
        };
        inner.next_id += 1;
        let id = inner.next_id;
        let pcm = Float32Array::from(job.pcm.as_slice());
        let msg = AsrIn::Transcribe {
            id,
            offset_ms: job.offset_ms,
            prompt: None,
        };
        inner.busy = Some((id, job));
        drop(inner);
        if let Err(e) = client.post(&msg, &[pcm.into()]) {
            self.finish(id, Err(e));
        }
        self.publish();
    }

    fn on_reply(self: &Rc<Self>, out: AsrOut) {
        match out {
            AsrOut::Progress { loaded, total } => {
                self.status.set(AsrStatus::Loading(loaded / total.max(1.0)))
            }
            AsrOut::Ready { .. } => {
                self.status.set(AsrStatus::Ready);
                self.pump();
            }
            AsrOut::Failed { message } => {
                self.status.set(AsrStatus::Failed(message));
            }
            AsrOut::Working { id, done } => {
                if self.inner.borrow().busy.as_ref().is_some_and(|b| b.0 == id) {
                    self.progress.update(|p| {
                        if let Some(c) = p.current.as_mut() {
                            c.2 = done;
                        }
                    });
                }
            }
            AsrOut::Transcript {
                id, text, words, ..
            } => self.finish(id, Ok((text, words))),
            AsrOut::Error { id, message } => self.finish(id, Err(message)),
        }
    }

    /// A job is done: its transcript saved as the answer's row, the next one sent.
    fn finish(
        self: &Rc<Self>,
        id: u32,
        result: Result<(String, Vec<interviewer_core::record::TimedWord>), String>,
    ) {
        let job = {
            let mut inner = self.inner.borrow_mut();
            match inner.busy.take() {
                Some((bid, job)) if bid == id => job,
                other => {
                    inner.busy = other;
                    return;
                }
            }
        };
        match result {
            Ok((text, words)) => {
                if let Some(f) = self.on_transcript.borrow().as_ref() {
                    f(&job.interview, job.index, &text, &words);
                }
                let me = self.clone();
                leptos::task::spawn_local(async move {
                    let row = AnswerData {
                        index: job.index,
                        speech: None,
                        transcript: Some(AnswerTranscript {
                            index: job.index,
                            text: text.trim().to_string(),
                            corrected: false,
                            segments: Vec::new(),
                            source: TranscriptSource::Model,
                            words,
                        }),
                    };
                    let saved = match session::store().await {
                        Ok(store) => store.put_answer(&job.interview, &row).await,
                        Err(e) => Err(e),
                    };
                    me.progress.update(|p| match saved {
                        Ok(()) => p.saved += 1,
                        Err(e) => p.error = Some((job.interview.clone(), job.index, e.to_string())),
                    });
                });
            }
            Err(message) => {
                web_sys::console::warn_1(&format!("transcription failed: {message}").into());
                self.progress
                    .update(|p| p.error = Some((job.interview.clone(), job.index, message)));
            }
        }
        self.publish();
        self.pump();
    }
}

/// Queues the answers of an interview that have no transcript yet, from its stored
/// recording (after a reload, or for "Transcribe now"): the recording's audio decoded by
/// the browser at 16 kHz, cut at the question boundaries.
pub async fn transcribe_recording(
    interview: &interviewer_core::record::InterviewRecord,
    answers: &[usize],
) -> Result<usize, String> {
    if answers.is_empty() {
        return Ok(0);
    }
    let store = session::store().await.map_err(|e| e.to_string())?;
    let blob = store
        .recording(&interview.id, &interview.mime_type)
        .await
        .map_err(|e| e.to_string())?;
    let audio = decode_16k(&blob).await?;
    let t = transcriber();
    t.load();
    let mut n = 0;
    for span in interview
        .spans
        .iter()
        .filter(|s| answers.contains(&s.index))
    {
        let from = ((span.start_ms / 1000.0) * 16_000.0).max(0.0) as usize;
        let to = ((span.end_ms.unwrap_or(interview.duration_ms) / 1000.0) * 16_000.0) as usize;
        let to = to.min(audio.len());
        if to <= from + 8_000 {
            continue;
        }
        t.enqueue(Job {
            interview: interview.id.clone(),
            index: span.index,
            offset_ms: span.start_ms,
            pcm: audio[from..to].to_vec(),
        });
        n += 1;
    }
    Ok(n)
}

/// A recording's audio as 16 kHz mono, decoded (and resampled) by the browser.
async fn decode_16k(blob: &web_sys::Blob) -> Result<Vec<f32>, String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| "the recording could not be read".to_string())?;
    let ctx = web_sys::OfflineAudioContext::new_with_number_of_channels_and_length_and_sample_rate(
        1, 1, 16_000.0,
    )
    .map_err(err)?;
    let decoded = wasm_bindgen_futures::JsFuture::from(
        ctx.decode_audio_data(buf.unchecked_ref()).map_err(err)?,
    )
    .await
    .map_err(|_| "this browser could not decode the recording's audio".to_string())?;
    let audio: web_sys::AudioBuffer = decoded.unchecked_into();
    let channels = audio.number_of_channels();
    let mut mono = audio.get_channel_data(0).map_err(err)?;
    for c in 1..channels {
        let other = audio.get_channel_data(c).map_err(err)?;
        for (m, o) in mono.iter_mut().zip(other) {
            *m += o;
        }
    }
    if channels > 1 {
        mono.iter_mut().for_each(|m| *m /= channels as f32);
    }
    Ok(mono)
}
