//! Interview: shows and speaks each question, runs the answer timer, and records the whole
//! interview, writing every chunk to IndexedDB as it arrives.

use crate::app::{navigate, state};
use crate::components::{MicLevel, Notice};
use crate::media::analysis::SpeechAnalyser;
use crate::media::pcm::PcmCapture;
use crate::media::recorder::Recorder;
use crate::media::transcript::Recognizer;
use crate::media::vision::{self, VisionStatus};
use crate::media::{camera, speech};
use crate::session;
use crate::store::StoreError;
use interviewer_core::face::timeline::FrameSample;
use interviewer_core::format;
use interviewer_core::interview::InterviewClock;
use interviewer_core::record::{InterviewRecord, TranscriptMode};
use interviewer_core::route::Route;
use interviewer_core::speech::{audio, dsp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// Everything the running interview owns; dropped when the page goes away.
struct Run {
    record: RefCell<InterviewRecord>,
    clock: RefCell<InterviewClock>,
    recorder: RefCell<Option<Recorder>>,
    /// performance.now() when recording started: t = 0 on the recording's time line.
    t0: Cell<f64>,
    seq: Cell<u32>,
    /// Chunk writes not yet committed.
    pending: Cell<u32>,
    /// (chunks, recording ms, bytes) actually committed: the record's figures at the end,
    /// whatever writes failed after them.
    committed: Cell<(u32, f64, f64)>,
    /// Set once stopping has begun (finish, error, or leaving the page).
    stopping: Cell<bool>,
    /// Why recording stopped early, if it did.
    failure: RefCell<Option<String>>,
    /// False once the user has left the page: saving must not pull them back to a report.
    open_report: Cell<bool>,
    /// Microphone PCM at 16 kHz for the speech analysis (None without a microphone).
    pcm: RefCell<Option<PcmCapture>>,
    analyser: RefCell<Option<Rc<SpeechAnalyser>>>,
    /// Answer analyses still running in the worker.
    analyses: Cell<u32>,
    recognizer: RefCell<Option<Recognizer>>,
}

/// Sends the audio of answer `index` (everything captured since the last call) to the
/// speech worker and stores the result in the record.
fn analyse_answer(run: &Rc<Run>, index: usize) {
    let Some(pcm) = run.pcm.borrow().as_ref().map(|p| p.take()) else {
        return;
    };
    let Some(analyser) = run.analyser.borrow().clone() else {
        return;
    };
    if pcm.len() < audio::RATE as usize / 2 {
        return;
    }
    run.analyses.set(run.analyses.get() + 1);
    let run = run.clone();
    spawn_local(async move {
        match analyser.analyse(pcm).await {
            Ok(m) => {
                run.record.borrow_mut().set_speech(index, m);
                if !run.stopping.get() {
                    save_record(&run).await;
                }
            }
            Err(e) => web_sys::console::warn_1(&format!("speech analysis failed: {e}").into()),
        }
        run.analyses.set(run.analyses.get() - 1);
    });
}

/// Saves the record as it is now (the final save goes through `finalize`).
async fn save_record(run: &Run) {
    let rec = run.record.borrow().clone();
    if let Ok(store) = session::store().await {
        if let Err(e) = store.put_interview(&rec).await {
            web_sys::console::warn_1(&format!("saving interview: {e}").into());
        }
    }
}

impl Run {
    fn t(&self) -> f64 {
        session::perf_now() - self.t0.get()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Starting,
    Running,
    Saving,
}

#[component]
pub fn Interview() -> impl IntoView {
    let st = state();
    let (Some(plan), Some(stream)) = (st.plan.get_untracked(), session::stream()) else {
        return view! {
            <section class="card">
                <p>"No interview is set up in this tab."</p>
                <a class="btn primary" href="#/">"Start one"</a>
            </section>
        }
        .into_any();
    };
    let questions = plan.questions.clone();
    let total = questions.len();
    let phase = RwSignal::new(Phase::Starting);
    let current = RwSignal::new(0usize);
    // (remaining ms, share of the limit used) of the running question, updated by the timer.
    let countdown = RwSignal::new(None::<(f64, f64)>);
    let error = RwSignal::new(None::<String>);
    let muted = st.muted;
    let video = NodeRef::<leptos::html::Video>::new();

    let mut record = InterviewRecord::new(
        session::new_id(),
        session::now_ms(),
        plan.track,
        questions.clone(),
        String::new(),
        st.media.get_untracked(),
    );
    let transcript_mode = if camera::has_audio(&stream) {
        st.transcript.get_untracked()
    } else {
        TranscriptMode::None
    };
    record.transcript_mode = transcript_mode;
    record.calibration = vision::load_calibration();
    let run = Rc::new(Run {
        record: RefCell::new(record),
        clock: RefCell::new(InterviewClock::new(
            questions.iter().map(|q| q.limit_s).collect(),
        )),
        recorder: RefCell::new(None),
        t0: Cell::new(0.0),
        seq: Cell::new(0),
        pending: Cell::new(0),
        committed: Cell::new((0, 0.0, 0.0)),
        stopping: Cell::new(false),
        failure: RefCell::new(None),
        open_report: Cell::new(true),
        pcm: RefCell::new(None),
        analyser: RefCell::new(None),
        analyses: Cell::new(0),
        recognizer: RefCell::new(None),
    });
    // Live delivery meters: estimated pace of the current answer and current silence.
    let live_wpm = RwSignal::new(None::<f64>);
    let silent_s = RwSignal::new(0.0f64);
    let show_meters = RwSignal::new(true);

    // Face analysis: frames go to the inference worker whenever it is idle.
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let face_line = RwSignal::new(String::new());
    let vis = camera::has_video(&stream).then(vision::vision);
    if let Some(v) = &vis {
        v.reset();
        v.set_calibration(run.record.borrow().calibration.as_ref());
        let run2 = run.clone();
        let times = Rc::new(RefCell::new(std::collections::VecDeque::<f64>::new()));
        // The expression runs every 200 ms: the live line keeps the last one.
        let last_expr = Rc::new(Cell::new(None::<usize>));
        v.set_listener(Some(Rc::new(
            move |r: &interviewer_core::face::observation::FrameResult| {
                if phase.get_untracked() != Phase::Running {
                    return;
                }
                let face = r.face.as_ref();
                run2.record
                    .borrow_mut()
                    .timeline
                    .push(FrameSample::from_result(r));
                let now = session::perf_now();
                let mut q = times.borrow_mut();
                q.push_back(now);
                while q.front().is_some_and(|t| now - t > 2000.0) {
                    q.pop_front();
                }
                let fps = (q.len() as f64 - 1.0).max(0.0)
                    / ((now - q.front().copied().unwrap_or(now)) / 1000.0).max(0.5);
                if let (Some(c), Some(vid)) = (canvas.get_untracked(), video.get_untracked()) {
                    vision::draw_overlay(&c, vid.video_width(), vid.video_height(), Some(r));
                }
                face_line.set(match face {
                    Some(f) => format!(
                        "Face found · looking at: {} · {} · {:.0} frames/s analysed",
                        r.raw_focus.label(),
                        {
                            if let Some(p) = f.expression {
                                last_expr.set(Some(interviewer_core::face::top_expression(&p)));
                            }
                            last_expr
                                .get()
                                .map(|k| {
                                    format!(
                                        "expression: {}",
                                        interviewer_core::face::EXPRESSIONS[k]
                                    )
                                })
                                .unwrap_or_else(|| "expression: …".into())
                        },
                        fps
                    ),
                    None => format!("No face in view · {fps:.0} frames/s analysed"),
                });
            },
        )));
        let v = v.clone();
        let run = run.clone();
        if let Ok(h) = set_interval_with_handle(
            move || {
                if phase.get_untracked() != Phase::Running {
                    return;
                }
                if let VisionStatus::Failed(m) = v.status.get_untracked() {
                    let mut rec = run.record.borrow_mut();
                    if rec.vision_note.is_none() {
                        rec.vision_note = Some(format!("No face analysis: {m}"));
                    }
                    return;
                }
                if let Some(el) = video.get_untracked() {
                    v.offer(&el, run.t());
                }
            },
            Duration::from_millis(30),
        ) {
            on_cleanup(move || h.clear());
        }
    }
    let vision_status = vis.as_ref().map(|v| v.status.clone());
    let overlay = RwSignal::new(true);

    let ask = {
        let questions = questions.clone();
        move |i: usize| {
            current.set(i);
            if !muted.get_untracked() {
                speech::speak(&questions[i].text);
            }
        }
    };

    // Stops the recorder; the recorder's stop event then finalises (see `on_stop`).
    let stop = {
        let run = run.clone();
        move |reason: Option<String>| {
            if run.stopping.replace(true) {
                return;
            }
            speech::cancel();
            if let Some(i) = run.clock.borrow().current() {
                analyse_answer(&run, i);
            }
            if let Some(p) = run.pcm.borrow().as_ref() {
                p.stop();
            }
            if let Some(r) = run.recognizer.borrow().as_ref() {
                r.stop();
            }
            if let Some(r) = reason {
                *run.failure.borrow_mut() = Some(r.clone());
                error.set(Some(r));
            }
            run.clock.borrow_mut().finish(run.t());
            run.record.borrow_mut().spans = run.clock.borrow().spans.clone();
            phase.set(Phase::Saving);
            match run.recorder.borrow().as_ref() {
                Some(r) if r.is_recording() => r.stop(),
                _ => finalize(run.clone()),
            }
        }
    };

    let next = {
        let run = run.clone();
        let stop = stop.clone();
        let ask = ask.clone();
        move || {
            if run.stopping.get() {
                return;
            }
            let t = run.t();
            if let Some(i) = run.clock.borrow().current() {
                analyse_answer(&run, i);
            }
            live_wpm.set(None);
            let idx = run.clock.borrow_mut().advance(t);
            run.record.borrow_mut().spans = run.clock.borrow().spans.clone();
            match idx {
                Some(i) => {
                    // Question boundaries are saved as soon as they change.
                    let run = run.clone();
                    spawn_local(async move { save_record(&run).await });
                    ask(i);
                }
                None => stop(None),
            }
        }
    };

    // Start: save the record, start the recorder, ask question 1.
    {
        let run = run.clone();
        let stream = stream.clone();
        let next = next.clone();
        let stop = stop.clone();
        spawn_local(async move {
            let store = match session::store().await {
                Ok(s) => s,
                Err(e) => {
                    error.set(Some(e.to_string()));
                    return;
                }
            };
            let on_chunk = {
                let run = run.clone();
                let store = store.clone();
                let stop = stop.clone();
                move |blob: web_sys::Blob| {
                    let seq = run.seq.get();
                    run.seq.set(seq + 1);
                    let t = run.t();
                    let snapshot = {
                        let mut rec = run.record.borrow_mut();
                        rec.chunk_count = seq + 1;
                        rec.duration_ms = t;
                        rec.bytes += blob.size();
                        rec.clone()
                    };
                    run.pending.set(run.pending.get() + 1);
                    let run = run.clone();
                    let store = store.clone();
                    let stop = stop.clone();
                    spawn_local(async move {
                        let res = store.put_chunk(&snapshot, seq, t, &blob).await;
                        run.pending.set(run.pending.get() - 1);
                        match res {
                            Ok(()) => {
                                let (n, d, b) = run.committed.get();
                                run.committed.set((n.max(snapshot.chunk_count), d.max(t), b.max(snapshot.bytes)));
                            }
                            Err(StoreError::Quota) => stop(Some(
                                "Recording stopped: the browser's storage for this site is full. \
                                 Everything up to this point is saved. Delete old interviews in History to free space."
                                    .into(),
                            )),
                            Err(e) => stop(Some(format!("Recording stopped: {e}"))),
                        }
                    });
                }
            };
            let on_stop = {
                let run = run.clone();
                move || finalize(run)
            };
            let on_error = {
                let stop = stop.clone();
                move |m: String| stop(Some(format!("Recording stopped: {m}")))
            };
            match Recorder::start(&stream, on_chunk, on_stop, on_error) {
                Ok(rec) => {
                    run.record.borrow_mut().mime_type = rec.mime.clone();
                    *run.recorder.borrow_mut() = Some(rec);
                }
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            }
            if camera::has_audio(&stream) {
                match (PcmCapture::start(&stream).await, SpeechAnalyser::new()) {
                    (Ok(p), Ok(a)) => {
                        *run.pcm.borrow_mut() = Some(p);
                        *run.analyser.borrow_mut() = Some(Rc::new(a));
                    }
                    (p, a) => web_sys::console::warn_1(
                        &format!("speech analysis unavailable: {:?} {:?}", p.err(), a.err()).into(),
                    ),
                }
            }
            if transcript_mode != TranscriptMode::None {
                let r2 = run.clone();
                let on_final = move |text: String| {
                    let Some(i) = r2.clock.borrow().current() else {
                        return;
                    };
                    let t = r2.t();
                    r2.record.borrow_mut().add_segment(i, t, &text);
                };
                let on_fatal = move |e: String| {
                    web_sys::console::warn_1(&format!("speech recognition stopped: {e}").into())
                };
                match Recognizer::start(
                    transcript_mode == TranscriptMode::OnDevice,
                    on_final,
                    on_fatal,
                ) {
                    Ok(r) => *run.recognizer.borrow_mut() = Some(r),
                    Err(e) => {
                        run.record.borrow_mut().transcript_mode = TranscriptMode::None;
                        web_sys::console::warn_1(&format!("no transcript: {e}").into());
                    }
                }
            }
            run.t0.set(session::perf_now());
            let first = run.record.borrow().clone();
            if let Err(e) = store.put_interview(&first).await {
                stop(Some(format!("Could not save the interview: {e}")));
                return;
            }
            phase.set(Phase::Running);
            next();
        });
    }

    // Timer: moves on by itself when the answer time is up.
    {
        let run = run.clone();
        let next = next.clone();
        if let Ok(h) = set_interval_with_handle(
            move || {
                if phase.get_untracked() != Phase::Running {
                    return;
                }
                let t = run.t();
                if let Some(p) = run.pcm.borrow().as_ref() {
                    // Silence: the last 0.5 s under -50 dBFS; counts up in 0.25 s steps.
                    let quiet = dsp::dbfs(&p.tail(audio::RATE as usize / 2)) < -50.0;
                    silent_s.update(|s| *s = if quiet { *s + 0.25 } else { 0.0 });
                }
                let cd = run.clock.borrow().countdown(t);
                countdown.set(cd.map(|c| (c.remaining_ms, c.fraction)));
                if cd.is_some_and(|c| c.expired) {
                    next();
                }
            },
            Duration::from_millis(250),
        ) {
            on_cleanup(move || h.clear());
        }
    }

    // Pace meter: every 3 s, the last 15 s of the current answer through the worker.
    {
        let run = run.clone();
        if let Ok(h) = set_interval_with_handle(
            move || {
                if phase.get_untracked() != Phase::Running || !show_meters.get_untracked() {
                    return;
                }
                let (Some(tail), Some(an)) = (
                    run.pcm
                        .borrow()
                        .as_ref()
                        .filter(|p| p.pending_len() >= 3 * audio::RATE as usize)
                        .map(|p| p.tail(15 * audio::RATE as usize)),
                    run.analyser.borrow().clone(),
                ) else {
                    return;
                };
                spawn_local(async move {
                    if let Ok(m) = an.analyse(tail).await {
                        live_wpm.set((m.speaking_ms >= 2000.0).then_some(m.wpm_estimate_speaking));
                    }
                });
            },
            Duration::from_secs(3),
        ) {
            on_cleanup(move || h.clear());
        }
    }

    // Leaving the page mid-interview (back button, link) stops and keeps what was recorded.
    {
        let guard = send_wrapper::SendWrapper::new((stop.clone(), run.clone()));
        let vis = send_wrapper::SendWrapper::new(vis.clone());
        on_cleanup(move || {
            if let Some(v) = vis.as_ref() {
                v.set_listener(None);
            }
            let (stop, run) = &*guard;
            run.open_report.set(false);
            if !run.stopping.get() {
                stop(None);
            }
        });
    }

    Effect::new({
        let stream = stream.clone();
        move |_| {
            if let Some(v) = video.get() {
                v.set_src_object(Some(&stream));
                let _ = v.play();
            }
        }
    });

    let has_audio = camera::has_audio(&stream);
    let has_video = camera::has_video(&stream);
    let q_text = {
        let questions = questions.clone();
        move || questions[current.get()].text.clone()
    };
    let repeat = {
        let questions = questions.clone();
        move |_| {
            speech::speak(&questions[current.get_untracked()].text);
        }
    };
    let next_click = {
        let next = next.clone();
        move |_| next()
    };
    let end_click = {
        let stop = stop.clone();
        move |_| stop(None)
    };

    view! {
        <section class="card interview">
            <div class="interview-head">
                <span class="rec" aria-live="polite">
                    {move || match phase.get() {
                        Phase::Starting => "Starting…",
                        Phase::Running => "● Recording",
                        Phase::Saving => "Saving…",
                    }}
                </span>
                <span data-testid="progress">{move || format!("Question {} of {}", current.get() + 1, total)}</span>
                <label class="mute">
                    <input type="checkbox" prop:checked=move || muted.get()
                        on:change=move |ev| { muted.set(event_target_checked(&ev)); if muted.get_untracked() { speech::cancel() } }/>
                    " Mute voice"
                </label>
            </div>
            {move || error.get().map(|e| view! { <Notice kind="error"><p data-testid="interview-error">{e}</p></Notice> })}
            <h1 class="question" data-testid="question" aria-live="polite">{q_text}</h1>
            <div class="timer-row">
                <div class="timer" data-testid="timer" class:over=move || countdown.get().is_some_and(|c| c.0 < 10_000.0)>
                    {move || countdown.get().map(|c| format::mmss(c.0.max(0.0) + 999.0)).unwrap_or_else(|| "–".into())}
                </div>
                <div class="timebar" aria-hidden="true">
                    <div class="timebar-fill" style:width=move || format!("{:.1}%", countdown.get().map(|c| c.1 * 100.0).unwrap_or(0.0))></div>
                </div>
            </div>
            <div class="interview-grid">
                {has_video.then(|| view! {
                    <div class="preview-wrap">
                        <video node_ref=video class="preview small mirrored" autoplay=true muted=true playsinline=true aria-label="You (mirrored)"></video>
                        <canvas node_ref=canvas class="overlay mirrored" aria-hidden="true" class:hidden=move || !overlay.get()></canvas>
                        <p class="face-line" data-testid="face-status" aria-live="off">
                            {move || match vision_status.as_ref().map(|s| s.get()) {
                                Some(VisionStatus::Loading(f)) => format!("Loading face analysis… {:.0}%", f * 100.0),
                                Some(VisionStatus::Failed(m)) => format!("Face analysis unavailable ({m}); the interview records as usual."),
                                Some(VisionStatus::Ready(_)) => {
                                    let l = face_line.get();
                                    if l.is_empty() { "Face analysis ready".into() } else { l }
                                }
                                None => String::new(),
                            }}
                        </p>
                        <label class="mute"><input type="checkbox" prop:checked=move || !overlay.get()
                            on:change=move |ev| overlay.set(!event_target_checked(&ev))/>" Hide the face overlay"</label>
                    </div>
                })}
                <div>
                    {has_audio.then(|| view! {
                        <label>"Microphone"</label><MicLevel stream=stream.clone()/>
                        <Show when=move || show_meters.get()>
                            <p class="live" data-testid="live-meters" aria-live="off">
                                <span>{move || live_wpm.get().map(|w| format!("Pace ≈ {w:.0} words/min")).unwrap_or_else(|| "Pace: listening…".into())}</span>
                                <span class=move || { if silent_s.get() >= 2.0 { "silent" } else { "" } }>
                                    {move || if silent_s.get() >= 2.0 { format!("Silent {:.0} s", silent_s.get()) } else { "Speaking or brief pause".into() }}
                                </span>
                            </p>
                        </Show>
                        <label class="mute"><input type="checkbox" prop:checked=move || !show_meters.get()
                            on:change=move |ev| show_meters.set(!event_target_checked(&ev))/>" Hide pace and silence meters"</label>
                    })}
                    <div class="actions">
                        <button class="btn" on:click=repeat disabled=move || muted.get()>"Repeat question"</button>
                        <button class="btn primary" data-testid="next" disabled=move || phase.get() != Phase::Running on:click=next_click>
                            {move || if current.get() + 1 >= total { "Finish" } else { "Next question" }}
                        </button>
                        <button class="btn danger" data-testid="end" disabled=move || phase.get() != Phase::Running on:click=end_click>"End interview"</button>
                    </div>
                </div>
            </div>
        </section>
    }
    .into_any()
}

/// After the recorder's last chunk: wait for pending writes, mark the record finished (or
/// stopped with its reason), save it, release the camera, open the report.
fn finalize(run: Rc<Run>) {
    spawn_local(async move {
        // Chunk writes must land; answer analyses get up to 10 s (they are small).
        let mut waited = 0;
        while run.pending.get() > 0 || (run.analyses.get() > 0 && waited < 200) {
            gloo_timers::future::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        let rec = {
            let mut rec = run.record.borrow_mut();
            let (chunks, end, bytes) = run.committed.get();
            rec.chunk_count = chunks;
            rec.duration_ms = end;
            rec.bytes = bytes;
            match run.failure.borrow().as_ref() {
                Some(reason) => rec.stop_with_error(end, reason),
                None => rec.finish(end),
            }
            rec.clone()
        };
        let saved = match session::store().await {
            Ok(store) => store.put_interview_or_journal(&rec).await,
            Err(e) => Err(e),
        };
        session::release_stream();
        if let Err(e) = saved {
            web_sys::console::error_1(&format!("final save failed: {e}").into());
        }
        if run.open_report.get() && rec.chunk_count > 0 {
            navigate(Route::Report(rec.id));
        }
    });
}
