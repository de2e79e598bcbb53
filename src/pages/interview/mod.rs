//! Interview: shows and speaks each question, runs the answer timer, and records the whole
//! interview. The rules (time origin, spans, chunks, analyses, stopping, what to save
//! when) are `interviewer_core::run::InterviewRun`; `live` carries out its effects; this
//! file is the view and the events that feed it.

mod live;

use crate::components::{MicLevel, Notice};
use crate::media::vision::{self, FrameLoop, VisionStatus};
use crate::media::{camera, speech};
use crate::session;
use crate::state::state;
use interviewer_core::face::timeline::FrameSample;
use interviewer_core::format;
use interviewer_core::record::{InterviewRecord, TranscriptMode};
use interviewer_core::run::{Phase, StopCause};
use interviewer_core::speech::live::{self as live_pace, LivePace};
use interviewer_core::speech::{audio, dsp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use live::{Live, Ui};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

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
    let settings = st.settings;
    let muted = Signal::derive(move || settings.with(|s| s.muted));
    let ui = Ui {
        phase: RwSignal::new(Phase::Starting),
        current: RwSignal::new(0usize),
        countdown: RwSignal::new(None),
        error: RwSignal::new(None::<String>),
        muted,
        questions: RwSignal::new(plan.questions.iter().map(|q| q.text.clone()).collect()),
    };
    let total = move || ui.questions.with(|q| q.len());
    let video = NodeRef::<leptos::html::Video>::new();

    let mut record = InterviewRecord::new(
        session::new_id(),
        session::now_ms(),
        plan.track,
        plan.questions.clone(),
        String::new(),
        st.media.get_untracked(),
    );
    let transcript_mode = if camera::has_audio(&stream) {
        st.transcript.get_untracked()
    } else {
        TranscriptMode::None
    };
    record.transcript_mode = transcript_mode;
    record.calibration = settings.with_untracked(|s| s.calibration);
    record.job_terms = plan.job_terms.clone();
    let live = Live::new(record, ui);
    live.run
        .borrow_mut()
        .set_follow_ups(settings.with_untracked(|s| s.follow_ups));
    live::finish_timer(&live);

    // Live delivery meters: estimated pace of the current answer and current silence.
    let live_wpm = RwSignal::new(None::<f64>);
    let silent_s = RwSignal::new(0.0f64);
    let show_meters = RwSignal::new(true);

    // Face analysis: each new camera frame goes to the inference worker when it is idle.
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let face_line = RwSignal::new(String::new());
    let vis = camera::has_video(&stream).then(vision::vision);
    if let Some(v) = &vis {
        v.reset();
        v.set_calibration(live.run.borrow().record().calibration.as_ref());
        let l = live.clone();
        let v2 = v.clone();
        // The expression runs every 200 ms: the live line keeps the last one.
        let last_expr = Rc::new(Cell::new(None::<usize>));
        v.set_listener(Some(Rc::new(
            move |r: &interviewer_core::face::observation::FrameResult| {
                if l.run.borrow().phase() != Phase::Running {
                    return;
                }
                l.run.borrow_mut().frame(FrameSample::from_result(r));
                if let (Some(c), Some(vid)) = (canvas.get_untracked(), video.get_untracked()) {
                    vision::draw_overlay(&c, vid.video_width(), vid.video_height(), Some(r));
                }
                let fps = v2.frames_per_s();
                face_line.set(match r.face.as_ref() {
                    Some(f) => {
                        if let Some(p) = f.expression {
                            last_expr.set(Some(interviewer_core::face::top_expression(&p)));
                        }
                        let expr = last_expr
                            .get()
                            .map(|k| {
                                format!("expression: {}", interviewer_core::face::EXPRESSIONS[k])
                            })
                            .unwrap_or_else(|| "expression: …".into());
                        format!(
                            "Face found · looking at: {} · {expr} · {fps:.0} frames/s analysed",
                            r.raw_focus.label()
                        )
                    }
                    None => format!("No face in view · {fps:.0} frames/s analysed"),
                });
            },
        )));
        // The models failing to load is noted in the record once.
        let l = live.clone();
        let status = v.status.clone();
        Effect::new(move |_| {
            if let VisionStatus::Failed(m) = status.get() {
                l.run.borrow_mut().note_vision(&m);
            }
        });
        // One offer per new camera frame, stamped with its time on the recording.
        let l = live.clone();
        Effect::new(move |_| {
            if let Some(el) = video.get() {
                let l2 = l.clone();
                *l.frames.borrow_mut() = Some(FrameLoop::start(el, move || l2.recording_time()));
            }
        });
    }
    let vision_status = vis.as_ref().map(|v| v.status.clone());
    let overlay = RwSignal::new(true);

    {
        let live = live.clone();
        let stream = stream.clone();
        spawn_local(async move { live.start(stream, transcript_mode).await });
    }

    // Timer: the countdown, moving on when the answer's time is up; the silence meter.
    {
        let live = live.clone();
        if let Ok(h) = set_interval_with_handle(
            move || {
                if live.run.borrow().phase() != Phase::Running {
                    return;
                }
                live.tick();
                // Silence: the last 0.5 s under -50 dBFS; counts up in 0.25 s steps.
                let quiet = live
                    .run
                    .borrow()
                    .audio_tail(audio::RATE as usize / 2)
                    .map(|t| t.len() == audio::RATE as usize / 2 && dsp::dbfs(t) < -50.0);
                if let Some(quiet) = quiet {
                    silent_s.update(|s| *s = if quiet { *s + 0.25 } else { 0.0 });
                }
            },
            Duration::from_millis(250),
        ) {
            on_cleanup(move || h.clear());
        }
    }

    // Pace meter: every 3 s, the last 15 s of the current answer through the worker.
    {
        let live = live.clone();
        let last_q = Cell::new(usize::MAX);
        // Each new block of the answer's audio is analysed once (speech::live).
        let analysed = Rc::new(Cell::new(0usize));
        let pace = Rc::new(RefCell::new(LivePace::default()));
        let block = (live_pace::BLOCK_S * audio::RATE as f64) as usize;
        if let Ok(h) = set_interval_with_handle(
            move || {
                if live.run.borrow().phase() != Phase::Running || !show_meters.get_untracked() {
                    return;
                }
                let cur = live.run.borrow().current();
                if cur != Some(last_q.get()) {
                    last_q.set(cur.unwrap_or(usize::MAX));
                    live_wpm.set(None);
                    analysed.set(0);
                    pace.borrow_mut().clear();
                }
                let new = live
                    .run
                    .borrow()
                    .audio_since(analysed.get())
                    .filter(|t| t.len() >= block)
                    .map(<[f32]>::to_vec);
                let (Some(new), Some(an)) = (new, live.analyser.borrow().clone()) else {
                    return;
                };
                analysed.set(analysed.get() + new.len());
                let pace = pace.clone();
                spawn_local(async move {
                    if let Ok(m) = an.analyse(&new, true).await {
                        let mut p = pace.borrow_mut();
                        p.push(&m);
                        live_wpm.set(p.wpm());
                    }
                });
            },
            Duration::from_secs_f64(live_pace::BLOCK_S),
        ) {
            on_cleanup(move || h.clear());
        }
    }

    // Leaving the page mid-interview (back button, link) stops and keeps what was recorded.
    {
        let guard = send_wrapper::SendWrapper::new((live.clone(), vis.clone()));
        on_cleanup(move || {
            let (live, vis) = &*guard;
            if let Some(v) = vis.as_ref() {
                v.set_listener(None);
            }
            live.frames.borrow_mut().take();
            live.stop(StopCause::Left);
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
    let q_text = move || {
        ui.questions
            .with(|q| q.get(ui.current.get()).cloned().unwrap_or_default())
    };
    let repeat = move |_| {
        if let Some(t) = ui
            .questions
            .with_untracked(|q| q.get(ui.current.get_untracked()).cloned())
        {
            speech::speak(&t);
        }
    };
    let next_click = {
        let live = live.clone();
        move |_| live.next()
    };
    let end_click = {
        let live = live.clone();
        move |_| live.stop(StopCause::User)
    };
    let running = move || ui.phase.get() == Phase::Running;

    view! {
        <section class="card interview">
            <div class="interview-head">
                <span class="rec" aria-live="polite">
                    {move || match ui.phase.get() {
                        Phase::Starting => "Starting…",
                        Phase::Running => "● Recording",
                        Phase::Stopping | Phase::Done => "Saving…",
                    }}
                </span>
                <span data-testid="progress">{move || format!("Question {} of {}", ui.current.get() + 1, total())}</span>
                <label class="mute">
                    <input type="checkbox" prop:checked=move || muted.get()
                        on:change=move |ev| {
                            let m = event_target_checked(&ev);
                            settings.update(|s| s.muted = m);
                            if m { speech::cancel() }
                        }/>
                    " Mute voice"
                </label>
            </div>
            {move || ui.error.get().map(|e| view! { <Notice kind="error"><p data-testid="interview-error">{e}</p></Notice> })}
            <h1 class="question" data-testid="question" aria-live="polite">{q_text}</h1>
            <div class="timer-row">
                <div class="timer" data-testid="timer" class:over=move || ui.countdown.get().is_some_and(|c| c.remaining_ms < 10_000.0)>
                    {move || ui.countdown.get().map(|c| format::mmss(c.remaining_ms.max(0.0) + 999.0)).unwrap_or_else(|| "–".into())}
                </div>
                <div class="timebar" aria-hidden="true">
                    <div class="timebar-fill" style:width=move || format!("{:.1}%", ui.countdown.get().map(|c| c.fraction * 100.0).unwrap_or(0.0))></div>
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
                        <button class="btn primary" data-testid="next" disabled=move || !running() on:click=next_click>
                            {move || if ui.current.get() + 1 >= total() { "Finish" } else { "Next question" }}
                        </button>
                        <button class="btn danger" data-testid="end" disabled=move || !running() on:click=end_click>"End interview"</button>
                    </div>
                </div>
            </div>
        </section>
    }
    .into_any()
}
