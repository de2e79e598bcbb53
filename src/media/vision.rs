//! Client of the inference worker (`crates/vision-worker`): loads the face and emotion
//! models once per page load, then analyses camera frames at the rate the worker keeps
//! up with. Each new camera frame is offered once ([`FrameLoop`], driven by
//! `requestVideoFrameCallback`); it is grabbed (createImageBitmap) and transferred only
//! when the worker is idle, so frames are dropped, never queued, and the main thread does
//! no pixel work.

use interviewer_core::face::focus::Calibration;
use interviewer_core::face::observation::FrameResult;
use interviewer_core::messages::{VisionIn, VisionOut};
use js_sys::{Function, Reflect};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlVideoElement, MessageEvent};
use worker_link::WorkerClient;

#[derive(Clone, Debug, PartialEq)]
pub enum VisionStatus {
    /// Loading the models: share of bytes fetched.
    Loading(f64),
    /// Ready; milliseconds it took to fetch and prepare the models.
    Ready(f64),
    Failed(String),
}

type Listener = Rc<dyn Fn(&FrameResult)>;

struct Shared {
    busy: Cell<bool>,
    listener: RefCell<Option<Listener>>,
    /// Page times of the last results, for the analysed-frames rate.
    results: RefCell<VecDeque<f64>>,
}

pub struct Vision {
    client: Option<Rc<WorkerClient>>,
    /// Reference-counted, not owned by the page that first asked: the worker outlives pages.
    pub status: ArcRwSignal<VisionStatus>,
    shared: Rc<Shared>,
}

thread_local! {
    static VISION: RefCell<Option<Rc<Vision>>> = const { RefCell::new(None) };
}

/// The page's one inference worker, started (and its models loading) on first use.
pub fn vision() -> Rc<Vision> {
    if let Some(v) = VISION.with(|c| c.borrow().clone()) {
        return v;
    }
    let v = Rc::new(Vision::start());
    VISION.with(|c| *c.borrow_mut() = Some(v.clone()));
    v
}

fn perf_now() -> f64 {
    crate::session::perf_now()
}

impl Vision {
    fn start() -> Vision {
        let status = ArcRwSignal::new(VisionStatus::Loading(0.0));
        let shared = Rc::new(Shared {
            busy: Cell::new(false),
            listener: RefCell::new(None),
            results: RefCell::new(VecDeque::new()),
        });
        let sh = shared.clone();
        let st = status.clone();
        let on_message = move |e: MessageEvent| match worker_link::read::<VisionOut>(&e) {
            Ok((VisionOut::Progress { loaded, total }, _)) => {
                st.set(VisionStatus::Loading(loaded / total.max(1.0)))
            }
            Ok((VisionOut::Ready { ms }, _)) => st.set(VisionStatus::Ready(ms)),
            Ok((VisionOut::Failed { message }, _)) => st.set(VisionStatus::Failed(message)),
            Ok((VisionOut::Frame { result }, _)) => {
                sh.busy.set(false);
                let now = perf_now();
                let mut q = sh.results.borrow_mut();
                q.push_back(now);
                while q.front().is_some_and(|t| now - t > 2000.0) {
                    q.pop_front();
                }
                drop(q);
                let l = sh.listener.borrow().clone();
                if let Some(l) = l {
                    l(&result);
                }
            }
            Ok((VisionOut::FrameError { message }, _)) => {
                sh.busy.set(false);
                web_sys::console::warn_1(&message.into());
            }
            Err(e) => web_sys::console::warn_1(&format!("inference worker: {e}").into()),
        };
        let st = status.clone();
        let on_error = move |m: String| {
            st.set(VisionStatus::Failed(format!(
                "the analysis worker failed: {m}"
            )))
        };
        // The worker loads the models by itself as soon as it starts.
        match WorkerClient::start("vision-worker", on_message, on_error) {
            Ok(client) => Vision {
                client: Some(client),
                status,
                shared,
            },
            Err(e) => {
                status.set(VisionStatus::Failed(e));
                Vision {
                    client: None,
                    status,
                    shared,
                }
            }
        }
    }

    fn post(&self, msg: &VisionIn, data: &[JsValue]) -> bool {
        match &self.client {
            Some(c) => c
                .post(msg, data)
                .map_err(|e| web_sys::console::warn_1(&e.into()))
                .is_ok(),
            None => false,
        }
    }

    pub fn ready(&self) -> bool {
        matches!(self.status.get_untracked(), VisionStatus::Ready(_))
    }

    /// Where results go (one listener at a time: the page that is analysing).
    pub fn set_listener(&self, l: Option<Listener>) {
        *self.shared.listener.borrow_mut() = l;
    }

    pub fn set_calibration(&self, c: Option<&Calibration>) {
        self.post(
            &VisionIn::Calibration {
                calibration: c.copied(),
            },
            &[],
        );
    }

    pub fn reset(&self) {
        self.shared.results.borrow_mut().clear();
        self.post(&VisionIn::Reset, &[]);
    }

    /// Distinct camera frames analysed per second over the last two seconds.
    pub fn frames_per_s(&self) -> f64 {
        let q = self.shared.results.borrow();
        match (q.front(), q.back()) {
            (Some(a), Some(b)) if q.len() > 1 => (q.len() - 1) as f64 / ((b - a) / 1000.0).max(0.5),
            _ => 0.0,
        }
    }

    /// Sends the video's current frame if the worker is idle; `t` is the frame's time.
    fn offer(&self, video: &HtmlVideoElement, t: f64) {
        if self.client.is_none()
            || self.shared.busy.get()
            || !self.ready()
            || video.ready_state() < 2
            || video.video_width() == 0
        {
            return;
        }
        let Some(win) = web_sys::window() else {
            return;
        };
        let Ok(p) = win.create_image_bitmap_with_html_video_element(video) else {
            return;
        };
        self.shared.busy.set(true);
        let sh = self.shared.clone();
        let v = vision();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(p).await {
                Ok(bitmap) => {
                    if !v.post(&VisionIn::Frame { t_ms: t }, &[bitmap]) {
                        sh.busy.set(false);
                    }
                }
                Err(_) => sh.busy.set(false),
            }
        });
    }
}

/// Offers every new frame of a `<video>` once to the inference worker, for as long as it
/// lives. `clock` gives the frame's time (ms), or None to skip it (not recording yet).
pub struct FrameLoop {
    state: Rc<LoopState>,
}

struct LoopState {
    alive: Cell<bool>,
    video: HtmlVideoElement,
    clock: Box<dyn Fn() -> Option<f64>>,
    /// `video.requestVideoFrameCallback` (one call per presented frame), where it exists.
    rvfc: Option<Function>,
    /// Without it: the presented-frame count at the last animation frame.
    last_count: Cell<f64>,
}

impl FrameLoop {
    pub fn start(video: HtmlVideoElement, clock: impl Fn() -> Option<f64> + 'static) -> FrameLoop {
        let rvfc = Reflect::get(&video, &"requestVideoFrameCallback".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        let state = Rc::new(LoopState {
            alive: Cell::new(true),
            video,
            clock: Box::new(clock),
            rvfc,
            last_count: Cell::new(-1.0),
        });
        arm(state.clone());
        FrameLoop { state }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.state.alive.set(false);
    }
}

/// Schedules one callback for the next frame; each callback is a one-shot closure that
/// frees itself, so a stopped loop leaves nothing behind.
fn arm(state: Rc<LoopState>) {
    let s = state.clone();
    let cb = Closure::once_into_js(move || {
        if !s.alive.get() {
            return;
        }
        let new_frame = s.rvfc.is_some() || {
            // Animation frames run at the display's rate: offer only when the camera
            // presented a new frame (every animation frame if the count is unknown).
            let count = frame_count(&s.video).unwrap_or(f64::NAN);
            let moved = count != s.last_count.get();
            s.last_count.set(count);
            moved
        };
        if new_frame {
            if let Some(t) = (s.clock)() {
                vision().offer(&s.video, t);
            }
        }
        arm(s);
    });
    match &state.rvfc {
        Some(f) => {
            let _ = f.call1(&state.video, &cb);
        }
        None => {
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(cb.unchecked_ref());
            }
        }
    }
}

/// Frames the video element has presented so far (getVideoPlaybackQuality), if known.
fn frame_count(video: &HtmlVideoElement) -> Option<f64> {
    let f: Function = Reflect::get(video, &"getVideoPlaybackQuality".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let q = f.call0(video).ok()?;
    Reflect::get(&q, &"totalVideoFrames".into()).ok()?.as_f64()
}

/// Draws the analysis over the preview: the tracked face square, eye corners, irises and
/// a gaze arrow. The canvas has the video's pixel size and is mirrored with it by CSS.
pub fn draw_overlay(canvas: &web_sys::HtmlCanvasElement, w: u32, h: u32, r: Option<&FrameResult>) {
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let Ok(Some(ctx)) = canvas.get_context("2d") else {
        return;
    };
    let ctx: web_sys::CanvasRenderingContext2d = ctx.unchecked_into();
    ctx.clear_rect(0.0, 0.0, w as f64, h as f64);
    let Some(f) = r.and_then(|r| r.face.as_ref()) else {
        return;
    };
    let lw = (w as f64 / 200.0).max(1.5);
    ctx.set_line_width(lw);
    ctx.set_stroke_style_str("rgba(80, 200, 255, 0.9)");
    let roi = &f.roi;
    let (s, c) = (roi.angle as f64).sin_cos();
    let half = roi.side as f64 / 2.0 / interviewer_core::face::roi::FACE_SCALE as f64;
    ctx.begin_path();
    for (i, (dx, dy)) in [
        (-1.0, -1.0),
        (1.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
        (-1.0, -1.0),
    ]
    .iter()
    .enumerate()
    {
        let x = roi.cx as f64 + (dx * c - dy * s) * half;
        let y = roi.cy as f64 + (dx * s + dy * c) * half;
        if i == 0 {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
    }
    ctx.stroke();
    ctx.set_fill_style_str("rgba(255, 220, 80, 0.95)");
    for p in f.points.iter().take(4) {
        ctx.fill_rect(p.x as f64 - lw, p.y as f64 - lw, 2.0 * lw, 2.0 * lw);
    }
    ctx.set_fill_style_str("rgba(80, 255, 120, 0.95)");
    for p in &f.irises {
        ctx.begin_path();
        let _ = ctx.arc(p.x as f64, p.y as f64, 1.5 * lw, 0.0, std::f64::consts::TAU);
        ctx.fill();
    }
    // Gaze arrow from between the eyes, its length growing with the angle.
    if let Some(nose) = f.points.get(4) {
        let k = half / 30.0;
        ctx.set_stroke_style_str("rgba(255, 120, 80, 0.95)");
        ctx.begin_path();
        ctx.move_to(nose.x as f64, nose.y as f64);
        ctx.line_to(
            nose.x as f64 + f.gaze.x_deg as f64 * k,
            nose.y as f64 + f.gaze.y_deg as f64 * k,
        );
        ctx.stroke();
    }
}
