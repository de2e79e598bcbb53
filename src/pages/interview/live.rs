//! The browser side of a running interview: the objects that record (MediaRecorder,
//! microphone capture, speech recognition, the speech worker, the store, the recording
//! lock) and the one function that carries out what the run decides
//! (`interviewer_core::run`). Every rule is in the run; this only moves data.

use crate::media::analysis::SpeechAnalyser;
use crate::media::asr;
use crate::media::lock::RecordingLock;
use crate::media::pcm::PcmCapture;
use crate::media::recorder::Recorder;
use crate::media::transcript::Recognizer;
use crate::media::vision::FrameLoop;
use crate::media::{camera, speech};
use crate::session;
use crate::state::navigate;
use crate::store::{Store, StoreError};
use interviewer_core::interview::Countdown;
use interviewer_core::record::{InterviewRecord, TranscriptMode};
use interviewer_core::route::Route;
use interviewer_core::run::{Effect, InterviewRun, Phase, StopCause};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use web_sys::{Blob, MediaStream};

/// What the view shows; set from here.
#[derive(Clone, Copy)]
pub struct Ui {
    pub phase: RwSignal<Phase>,
    pub current: RwSignal<usize>,
    pub countdown: RwSignal<Option<Countdown>>,
    pub error: RwSignal<Option<String>>,
    pub muted: Signal<bool>,
    /// The questions' texts (a follow-up can be put in while the interview runs).
    pub questions: RwSignal<Vec<String>>,
}

/// Everything the running interview owns; dropped when the page goes away.
pub struct Live {
    pub run: RefCell<InterviewRun>,
    pub ui: Ui,
    store: RefCell<Option<Store>>,
    recorder: RefCell<Option<Recorder>>,
    pcm: RefCell<Option<PcmCapture>>,
    pub analyser: RefCell<Option<Rc<SpeechAnalyser>>>,
    recognizer: RefCell<Option<Recognizer>>,
    lock: RefCell<Option<RecordingLock>>,
    pub frames: RefCell<Option<FrameLoop>>,
}

impl Live {
    pub fn new(record: InterviewRecord, ui: Ui) -> Rc<Live> {
        Rc::new(Live {
            run: RefCell::new(InterviewRun::new(record)),
            ui,
            store: RefCell::new(None),
            recorder: RefCell::new(None),
            pcm: RefCell::new(None),
            analyser: RefCell::new(None),
            recognizer: RefCell::new(None),
            lock: RefCell::new(None),
            frames: RefCell::new(None),
        })
    }

    pub fn now() -> f64 {
        session::perf_now()
    }

    /// Time on the recording now, while questions run (for camera frames).
    pub fn recording_time(&self) -> Option<f64> {
        let run = self.run.borrow();
        (run.phase() == Phase::Running).then(|| run.time(Self::now()))
    }

    pub fn question(&self, i: usize) -> String {
        self.ui
            .questions
            .with_untracked(|q| q.get(i).cloned().unwrap_or_default())
    }

    /// Starts recording: the recorder first (time 0 of the recording), then the
    /// microphone capture and speech recognition, then the first question.
    pub async fn start(self: &Rc<Self>, stream: MediaStream, transcript: TranscriptMode) {
        let store = match session::store().await {
            Ok(s) => s,
            Err(e) => {
                self.ui.error.set(Some(e.to_string()));
                return;
            }
        };
        *self.store.borrow_mut() = Some(store.clone());
        let id = self.run.borrow().record().id.clone();
        // The on-device model's transcripts of earlier answers, for follow-up questions.
        {
            let weak = Rc::downgrade(self);
            let own = id.clone();
            *asr::transcriber().on_transcript.borrow_mut() =
                Some(Box::new(move |interview, index, text, words| {
                    let Some(live) = weak.upgrade() else { return };
                    if interview != own {
                        return;
                    }
                    let fx = live
                        .run
                        .borrow_mut()
                        .model_transcript(index, text, words.to_vec());
                    live.apply(fx);
                }));
        }
        *self.lock.borrow_mut() = RecordingLock::take(&id);
        let on_chunk = {
            let live = self.clone();
            move |blob: Blob| live.chunk(blob)
        };
        let on_stop = {
            let live = self.clone();
            move || {
                let fx = live.run.borrow_mut().recorder_stopped(Self::now());
                live.apply(fx);
            }
        };
        let on_error = {
            let live = self.clone();
            move |m: String| live.stop(StopCause::Failed(m))
        };
        match Recorder::start(&stream, on_chunk, on_stop, on_error) {
            Ok(rec) => {
                self.run.borrow_mut().recorder_started(Self::now());
                self.run.borrow_mut().set_mime(&rec.mime);
                *self.recorder.borrow_mut() = Some(rec);
            }
            Err(e) => {
                self.ui.error.set(Some(e));
                return;
            }
        }
        if camera::has_audio(&stream) {
            let live = self.clone();
            let on_block = move |b: &[f32], at: f64| live.run.borrow_mut().audio(b, at);
            match (
                PcmCapture::start(&stream, on_block).await,
                SpeechAnalyser::new(),
            ) {
                (Ok(p), Ok(a)) => {
                    *self.pcm.borrow_mut() = Some(p);
                    *self.analyser.borrow_mut() = Some(Rc::new(a));
                }
                (p, a) => web_sys::console::warn_1(
                    &format!("speech analysis unavailable: {:?} {:?}", p.err(), a.err()).into(),
                ),
            }
        }
        if matches!(transcript, TranscriptMode::OnDevice | TranscriptMode::Cloud) {
            let live = self.clone();
            let on_final = move |text: String| {
                let fx = live.run.borrow_mut().transcript(Self::now(), &text);
                live.apply(fx);
            };
            let on_fatal = |e: String| {
                web_sys::console::warn_1(&format!("speech recognition stopped: {e}").into())
            };
            match Recognizer::start(transcript == TranscriptMode::OnDevice, on_final, on_fatal) {
                Ok(r) => *self.recognizer.borrow_mut() = Some(r),
                Err(e) => {
                    self.run
                        .borrow_mut()
                        .set_transcript_mode(TranscriptMode::None);
                    web_sys::console::warn_1(&format!("no transcript: {e}").into());
                }
            }
        }
        let head = self.run.borrow().head();
        if let Err(e) = store.put_head(&head).await {
            self.stop(StopCause::Failed(format!(
                "could not save the interview: {e}"
            )));
            return;
        }
        let fx = self.run.borrow_mut().begin(Self::now());
        self.apply(fx);
    }

    /// A recorder chunk: written with the frames since the last one and the head.
    fn chunk(self: &Rc<Self>, blob: Blob) {
        let mut w = self.run.borrow_mut().chunk(Self::now(), blob.size());
        w.head.heartbeat_ms = Some(session::now_ms());
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let live = self.clone();
        spawn_local(async move {
            let t0 = Self::now();
            let res = store.put_chunk(&w, &blob).await;
            let now = Self::now();
            session::measure("chunk-save", t0, now);
            let fx = match res {
                Ok(()) => live.run.borrow_mut().chunk_saved(now, w.seq),
                Err(StoreError::Quota) => {
                    live.run
                        .borrow_mut()
                        .chunk_failed(now, w.seq, true, "storage full")
                }
                Err(e) => live
                    .run
                    .borrow_mut()
                    .chunk_failed(now, w.seq, false, &e.to_string()),
            };
            live.apply(fx);
        });
    }

    pub fn next(self: &Rc<Self>) {
        let fx = self.run.borrow_mut().next(Self::now());
        self.apply(fx);
    }

    pub fn stop(self: &Rc<Self>, cause: StopCause) {
        let fx = self.run.borrow_mut().stop(Self::now(), cause);
        self.apply(fx);
    }

    /// The answer timer, four times a second.
    pub fn tick(self: &Rc<Self>) {
        let (cd, fx) = self.run.borrow_mut().tick(Self::now());
        self.ui.countdown.set(cd);
        self.apply(fx);
    }

    /// Carries out what the run decided, then finishes if it can.
    pub fn apply(self: &Rc<Self>, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Ask(i) => {
                    self.ui.current.set(i);
                    self.ui.phase.set(Phase::Running);
                    if !self.ui.muted.get_untracked() {
                        speech::speak(&self.question(i));
                    }
                }
                Effect::SaveHead => {
                    let head = self.run.borrow().head();
                    self.save(move |s| async move { s.put_head(&head).await });
                }
                Effect::SaveAnswer(i) => {
                    let (id, a) = {
                        let run = self.run.borrow();
                        (run.record().id.clone(), run.answer(i))
                    };
                    self.save(move |s| async move { s.put_answer(&id, &a).await });
                }
                Effect::Analyse {
                    index,
                    start_ms,
                    pcm,
                } => {
                    // With the on-device model, the answer is transcribed while the next
                    // question runs.
                    if self.run.borrow().record().transcript_mode == TranscriptMode::Model {
                        asr::transcriber().enqueue(asr::Job {
                            interview: self.run.borrow().record().id.clone(),
                            index,
                            offset_ms: start_ms,
                            pcm: pcm.clone(),
                        });
                    }
                    self.analyse(index, pcm)
                }
                Effect::StopRecorder => {
                    if let Some(r) = self.recorder.borrow().as_ref() {
                        r.stop();
                    }
                }
                Effect::StopCapture => {
                    speech::cancel();
                    self.frames.borrow_mut().take();
                    if let Some(p) = self.pcm.borrow().as_ref() {
                        p.stop();
                    }
                    if let Some(r) = self.recognizer.borrow().as_ref() {
                        r.stop();
                    }
                    self.ui.phase.set(Phase::Stopping);
                }
                Effect::ShowError(m) => self.ui.error.set(Some(m)),
                Effect::FollowUp(_) => {
                    let texts = self
                        .run
                        .borrow()
                        .record()
                        .questions
                        .iter()
                        .map(|q| q.text.clone())
                        .collect();
                    self.ui.questions.set(texts);
                }
            }
        }
        self.try_finish();
    }

    fn save<F, Fut>(&self, write: F)
    where
        F: FnOnce(Store) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<(), StoreError>> + 'static,
    {
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = write(store).await {
                web_sys::console::warn_1(&format!("saving the interview: {e}").into());
            }
        });
    }

    fn analyse(self: &Rc<Self>, index: usize, pcm: Vec<f32>) {
        let Some(analyser) = self.analyser.borrow().clone() else {
            let fx = self.run.borrow_mut().analysed(index, None);
            self.apply(fx);
            return;
        };
        let live = self.clone();
        spawn_local(async move {
            let res = analyser.analyse(&pcm, false).await;
            if let Err(e) = &res {
                web_sys::console::warn_1(&format!("speech analysis failed: {e}").into());
            }
            let fx = live.run.borrow_mut().analysed(index, res.ok());
            live.apply(fx);
        });
    }

    /// The final save, once the run hands it out (checked after every event and by the
    /// page's timer while stopping).
    pub fn try_finish(self: &Rc<Self>) {
        let Some(f) = self.run.borrow_mut().poll_final(Self::now()) else {
            return;
        };
        self.ui.phase.set(Phase::Done);
        let store = self.store.borrow().clone();
        let live = self.clone();
        spawn_local(async move {
            let saved = match store {
                Some(s) => s.put_final(&f).await,
                None => Err(StoreError::Other("the database was never opened".into())),
            };
            session::release_stream();
            live.lock.borrow_mut().take();
            live.recorder.borrow_mut().take();
            if let Err(e) = saved {
                web_sys::console::error_1(&format!("final save failed: {e}").into());
                live.ui.error.set(Some(format!(
                    "The interview could not be saved at the end: {e}"
                )));
                return;
            }
            if f.open_report {
                navigate(Route::Report(f.head.id.clone()));
            }
        });
    }
}

/// Polls the run until it is done, so the final save happens even when an analysis never
/// comes back (its grace time runs out) and after the page has gone.
pub fn finish_timer(live: &Rc<Live>) {
    let l = live.clone();
    spawn_local(async move {
        loop {
            gloo_timers::future::sleep(Duration::from_millis(250)).await;
            match l.run.borrow().phase() {
                Phase::Done => break,
                Phase::Stopping => {}
                _ => continue,
            }
            l.try_finish();
        }
    });
}
