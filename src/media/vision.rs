//! Client of the inference worker (`crates/vision-worker`): loads the face and emotion
//! models once per page load, then analyses camera frames at the rate the worker keeps
//! up with. A frame is grabbed (createImageBitmap) and transferred only when the worker
//! is idle, so frames are dropped, never queued, and the main thread does no pixel work.

use interviewer_core::face::focus::Calibration;
use interviewer_core::face::observation::FrameResult;
use js_sys::{Array, Object, Reflect};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlVideoElement, MessageEvent, Worker};

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
}

pub struct Vision {
    worker: Option<Worker>,
    /// Reference-counted, not owned by the page that first asked: the worker outlives pages.
    pub status: ArcRwSignal<VisionStatus>,
    shared: Rc<Shared>,
    _on_msg: Option<Closure<dyn FnMut(MessageEvent)>>,
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

impl Vision {
    fn start() -> Vision {
        let status = ArcRwSignal::new(VisionStatus::Loading(0.0));
        let shared = Rc::new(Shared {
            busy: Cell::new(false),
            listener: RefCell::new(None),
        });
        let worker = match Worker::new("./vision-worker_loader.js") {
            Ok(w) => w,
            Err(e) => {
                status.set(VisionStatus::Failed(format!(
                    "could not start the analysis worker: {e:?}"
                )));
                return Vision {
                    worker: None,
                    status,
                    shared,
                    _on_msg: None,
                };
            }
        };
        let sh = shared.clone();
        let st = status.clone();
        let on_msg = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let d = e.data();
            let get = |k: &str| Reflect::get(&d, &k.into()).unwrap_or(JsValue::UNDEFINED);
            let kind = get("type").as_string().unwrap_or_default();
            match kind.as_str() {
                "progress" => {
                    let (l, t) = (
                        get("loaded").as_f64().unwrap_or(0.0),
                        get("total").as_f64().unwrap_or(1.0),
                    );
                    st.set(VisionStatus::Loading(l / t.max(1.0)));
                }
                "ready" => st.set(VisionStatus::Ready(get("ms").as_f64().unwrap_or(0.0))),
                "error" => st.set(VisionStatus::Failed(
                    get("message")
                        .as_string()
                        .unwrap_or_else(|| "unknown error".into()),
                )),
                "result" => {
                    sh.busy.set(false);
                    let json = get("json").as_string().unwrap_or_default();
                    match serde_json::from_str::<FrameResult>(&json) {
                        Ok(r) => {
                            let l = sh.listener.borrow().clone();
                            if let Some(l) = l {
                                l(&r);
                            }
                        }
                        Err(e) => {
                            web_sys::console::warn_1(&format!("bad frame result: {e}").into())
                        }
                    }
                }
                "frame-error" => {
                    sh.busy.set(false);
                    web_sys::console::warn_1(&get("message"));
                }
                _ => {}
            }
        });
        worker.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        let st = status.clone();
        let onerror =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                st.set(VisionStatus::Failed(format!(
                    "the analysis worker failed: {}",
                    e.message()
                )));
            });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        // The worker loads the models by itself as soon as it starts.
        Vision {
            worker: Some(worker),
            status,
            shared,
            _on_msg: Some(on_msg),
        }
    }

    fn post(&self, msg: &Object) {
        if let Some(w) = &self.worker {
            let _ = w.post_message(msg);
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
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &"calibration".into());
        let json = c
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .unwrap_or_default();
        let _ = Reflect::set(&msg, &"json".into(), &json.into());
        self.post(&msg);
    }

    pub fn reset(&self) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &"reset".into());
        self.post(&msg);
    }

    /// Sends the video's current frame if the worker is idle; `t` is the frame's time.
    pub fn offer(&self, video: &HtmlVideoElement, t: f64) {
        let Some(worker) = self.worker.clone() else {
            return;
        };
        if self.shared.busy.get()
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
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(p).await {
                Ok(bitmap) => {
                    let msg = Object::new();
                    let _ = Reflect::set(&msg, &"type".into(), &"frame".into());
                    let _ = Reflect::set(&msg, &"t".into(), &t.into());
                    let _ = Reflect::set(&msg, &"bitmap".into(), &bitmap);
                    let transfer = Array::of1(&bitmap);
                    if worker.post_message_with_transfer(&msg, &transfer).is_err() {
                        sh.busy.set(false);
                    }
                }
                Err(_) => sh.busy.set(false),
            }
        });
    }
}

const CALIBRATION_KEY: &str = "ai-interviewer.calibration";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The eye-focus calibration made on this device (None: the default applies).
pub fn load_calibration() -> Option<Calibration> {
    let s = local_storage()?.get_item(CALIBRATION_KEY).ok().flatten()?;
    serde_json::from_str(&s).ok()
}

pub fn save_calibration(c: &Calibration) -> Result<(), String> {
    let s = local_storage().ok_or("no local storage")?;
    s.set_item(
        CALIBRATION_KEY,
        &serde_json::to_string(c).unwrap_or_default(),
    )
    .map_err(|_| "could not store the calibration (storage full or blocked)".to_string())
}

pub fn clear_calibration() {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(CALIBRATION_KEY);
    }
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
