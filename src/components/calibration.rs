//! Eye-focus calibration in Setup: the user looks at a dot at the screen centre and at
//! each corner for two seconds; the gaze medians give this device's screen layout
//! (`interviewer_core::face::focus::calibrate`), kept in the settings.

use crate::media::vision::{self, FrameLoop, VisionStatus};
use crate::state::state;
use interviewer_core::face::focus::{calibrate, Calibration, Target};
use interviewer_core::face::observation::FrameResult;
use interviewer_core::face::pose::Gaze;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// How long each target is shown, and how much of the start is ignored (eyes moving).
const TARGET_MS: f64 = 2000.0;
const SETTLE_MS: f64 = 600.0;

#[component]
pub fn FocusCalibration(video: NodeRef<leptos::html::Video>) -> impl IntoView {
    let v = vision::vision();
    let status = v.status.clone();
    let status2 = v.status.clone();
    let settings = state().settings;
    let saved = Signal::derive(move || settings.with(|s| s.calibration));
    // Index into Target::ALL while running.
    let running = RwSignal::new(None::<usize>);
    let message = RwSignal::new(None::<String>);
    let samples: Rc<RefCell<Vec<(Target, Gaze)>>> = Rc::new(RefCell::new(Vec::new()));

    let start = {
        let samples = samples.clone();
        let v = v.clone();
        move |_| {
            samples.borrow_mut().clear();
            message.set(None);
            v.reset();
            v.set_calibration(None);
            let t0 = crate::session::perf_now();
            running.set(Some(0));
            let s2 = samples.clone();
            v.set_listener(Some(Rc::new(move |r: &FrameResult| {
                let Some(i) = running.get_untracked() else {
                    return;
                };
                let into = r.t_ms - i as f64 * TARGET_MS;
                if let (Some(f), true) = (&r.face, into >= SETTLE_MS) {
                    s2.borrow_mut().push((Target::ALL[i], f.gaze));
                }
            })));
            // Each new camera frame once, stamped with the time since the start.
            let frames = Rc::new(RefCell::new(video.get_untracked().map(|el| {
                FrameLoop::start(el, move || {
                    matches!(running.try_get_untracked(), Some(Some(_)))
                        .then(|| crate::session::perf_now() - t0)
                })
            })));
            let v2 = v.clone();
            let s3 = samples.clone();
            let handle: Rc<RefCell<Option<leptos::prelude::IntervalHandle>>> =
                Rc::new(RefCell::new(None));
            let h2 = handle.clone();
            if let Ok(h) = set_interval_with_handle(
                move || {
                    let t = crate::session::perf_now() - t0;
                    let i = (t / TARGET_MS) as usize;
                    // Cancelled, or the page is gone (its signals disposed).
                    if !matches!(running.try_get_untracked(), Some(Some(_))) {
                        frames.borrow_mut().take();
                        if let Some(h) = h2.borrow_mut().take() {
                            h.clear();
                        }
                        return;
                    }
                    if i >= Target::ALL.len() {
                        running.set(None);
                        frames.borrow_mut().take();
                        v2.set_listener(None);
                        if let Some(h) = h2.borrow_mut().take() {
                            h.clear();
                        }
                        let got = s3.borrow().clone();
                        match calibrate(&got) {
                            Some(c) => {
                                v2.set_calibration(Some(&c));
                                settings.update(|s| s.calibration = Some(c));
                                message.set(Some(format!("Calibrated from {} frames.", got.len())));
                            }
                            None => message.set(Some(
                                "No face was seen for at least one of the points. Make sure your face is lit and in view, then try again."
                                    .into(),
                            )),
                        }
                        return;
                    }
                    if running.get_untracked() != Some(i) {
                        running.set(Some(i));
                    }
                },
                Duration::from_millis(50),
            ) {
                *handle.borrow_mut() = Some(h);
            }
        }
    };
    let cancel = {
        move |_| {
            let v = vision::vision();
            running.set(None);
            v.set_listener(None);
            v.set_calibration(saved.get_untracked().as_ref());
            message.set(Some("Calibration cancelled.".into()));
        }
    };
    let forget = {
        move |_| {
            let v = vision::vision();
            settings.update(|s| s.calibration = None);
            v.set_calibration(None);
            message.set(None);
        }
    };

    on_cleanup(|| vision::vision().set_listener(None));

    view! {
        <div class="calibration" data-testid="calibration">
            <label>"Eye focus"</label>
            <p class="hint" data-testid="vision-status">{move || match status.get() {
                VisionStatus::Loading(f) => format!("Loading face analysis… {:.0}%", f * 100.0),
                VisionStatus::Ready(ms) => format!("Face analysis ready (loaded in {:.1} s).", ms / 1000.0),
                VisionStatus::Failed(m) => format!("Face analysis unavailable: {m}. The interview still records; the report will have no eye-focus or expression figures."),
            }}</p>
            <p class="hint" data-testid="calibration-state">{move || match saved.get() {
                Some(Calibration { measured: true, .. }) => "Calibrated on this device.".to_string(),
                _ => "Not calibrated: a default screen layout is used (the report says so). Calibrating takes 10 seconds.".to_string(),
            }}</p>
            <div class="actions">
                <button class="btn" data-testid="calibrate" on:click=start
                    disabled=move || !matches!(status2.get(), VisionStatus::Ready(_)) || running.get().is_some()>
                    "Calibrate eye focus"
                </button>
                <Show when=move || saved.get().is_some()>
                    <button class="btn" on:click=forget>"Forget calibration"</button>
                </Show>
            </div>
            {move || message.get().map(|m| view! { <p class="hint" role="status" data-testid="calibration-message">{m}</p> })}
            {move || running.get().map(|i| {
                let (x, y) = Target::ALL[i].position();
                view! {
                    <div class="calib-screen" role="dialog" aria-label="Eye focus calibration">
                        <p class="calib-text">{format!("Look at the dot ({} of 5) and keep your head natural.", i + 1)}</p>
                        <div class="calib-dot" style:left=format!("{:.1}%", x * 100.0) style:top=format!("{:.1}%", y * 100.0)></div>
                        <button class="btn calib-cancel" on:click=cancel>"Cancel"</button>
                    </div>
                }
            })}
        </div>
    }
}
