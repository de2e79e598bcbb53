//! Web Worker running the face pipeline (detection, mesh, iris, pose, gaze, focus,
//! expression) with tract, so inference never blocks the page. Messages are
//! `interviewer_core::messages::{VisionIn, VisionOut}` (and, with the `bench` feature,
//! `BenchIn`/`BenchOut`), through `worker-link`.
//!
//! On start the worker fetches its models (the table's `vision` rows) from its own
//! folder: messages sent to a worker before its wasm runs are lost, so it does not wait
//! to be asked. A frame's ImageBitmap is transferred beside `VisionIn::Frame` and closed
//! here. The page offers a frame only after the previous result came back, so frames are
//! dropped on the page side, never queued here.

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
mod bench;

#[cfg(target_arch = "wasm32")]
mod worker {
    use interviewer_core::messages::{VisionIn, VisionOut};
    use interviewer_core::models::{self, WorkerKind};
    use interviewer_vision::emotion::EmotionModel;
    use interviewer_vision::face::{FaceModels, FacePipeline};
    use interviewer_vision::warp::Frame;
    use js_sys::{Object, Reflect};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use web_sys::{ImageBitmap, MessageEvent, OffscreenCanvas, OffscreenCanvasRenderingContext2d};

    pub(crate) fn now() -> f64 {
        worker_link::scope()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    use worker_link::{fetch_bytes, js_err};

    pub(crate) struct State {
        pub(crate) pipe: Option<FacePipeline>,
        canvas: Option<(OffscreenCanvas, OffscreenCanvasRenderingContext2d)>,
    }

    async fn load(state: Rc<RefCell<State>>) -> Result<(), String> {
        let t0 = now();
        let files: Vec<_> = models::for_worker(WorkerKind::Vision).collect();
        let total: f64 = files.iter().map(|m| m.bytes as f64).sum();
        let mut loaded = 0.0;
        let mut bytes = Vec::new();
        for m in &files {
            bytes.push(fetch_bytes(&format!("./{}", m.file)).await?);
            loaded += m.bytes as f64;
            worker_link::reply(&VisionOut::Progress { loaded, total }, &[]);
        }
        let get = |m: &models::ModelFile| {
            files
                .iter()
                .position(|f| f.name == m.name)
                .map(|i| &bytes[i][..])
                .ok_or_else(|| format!("{} is not in the models table", m.name))
        };
        let face = FaceModels::from_bytes(
            get(&models::DETECTOR)?,
            get(&models::MESH)?,
            get(&models::IRIS)?,
        )
        .map_err(|e| format!("face models: {e}"))?;
        let emotion = EmotionModel::from_bytes(get(&models::EMOTION)?)
            .map_err(|e| format!("emotion model: {e}"))?;
        state.borrow_mut().pipe = Some(FacePipeline::new(face, Some(emotion), now));
        worker_link::reply(&VisionOut::Ready { ms: now() - t0 }, &[]);
        Ok(())
    }

    fn frame(state: &mut State, bitmap: ImageBitmap, t: f64) -> Result<VisionOut, String> {
        let (w, h) = (bitmap.width(), bitmap.height());
        let fresh = match &state.canvas {
            Some((c, _)) => c.width() != w || c.height() != h,
            None => true,
        };
        if fresh {
            let c = OffscreenCanvas::new(w, h).map_err(js_err)?;
            let opts = Object::new();
            let _ = Reflect::set(&opts, &"willReadFrequently".into(), &true.into());
            let ctx: OffscreenCanvasRenderingContext2d = c
                .get_context_with_context_options("2d", &opts)
                .map_err(js_err)?
                .ok_or("no 2d context")?
                .unchecked_into();
            state.canvas = Some((c, ctx));
        }
        let (_, ctx) = state.canvas.as_ref().ok_or("no canvas")?;
        ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
            .map_err(js_err)?;
        bitmap.close();
        let data = ctx
            .get_image_data(0.0, 0.0, w as f64, h as f64)
            .map_err(js_err)?
            .data();
        let pipe = state.pipe.as_mut().ok_or("models are not loaded")?;
        let result = pipe
            .process(&Frame::new(w as usize, h as usize, &data), t)
            .map_err(|e| format!("inference: {e}"))?;
        Ok(VisionOut::Frame { result })
    }

    fn handle(state: &Rc<RefCell<State>>, e: &MessageEvent) -> Result<(), String> {
        let (msg, data) = worker_link::read::<VisionIn>(e)?;
        match msg {
            VisionIn::Frame { t_ms } => {
                let out = match data.first().and_then(|b| b.dyn_ref::<ImageBitmap>()) {
                    Some(b) => frame(&mut state.borrow_mut(), b.clone(), t_ms),
                    None => Err("no camera frame beside the message".into()),
                };
                let out = out.unwrap_or_else(|message| VisionOut::FrameError { message });
                worker_link::reply(&out, &[]);
            }
            VisionIn::Calibration { calibration } => {
                if let Some(p) = state.borrow_mut().pipe.as_mut() {
                    p.calibration = calibration.unwrap_or_default();
                }
            }
            VisionIn::Reset => {
                if let Some(p) = state.borrow_mut().pipe.as_mut() {
                    p.reset();
                }
            }
        }
        Ok(())
    }

    #[cfg(feature = "bench")]
    fn bench_message(s: &Rc<RefCell<State>>, e: &MessageEvent) -> bool {
        crate::bench::handle(s, e)
    }

    /// Without the `bench` feature a benchmark message gets an error, not silence.
    #[cfg(not(feature = "bench"))]
    fn bench_message(_: &Rc<RefCell<State>>, e: &MessageEvent) -> bool {
        use interviewer_core::messages::{BenchIn, BenchOut};
        let known = worker_link::read::<BenchIn>(e).is_ok();
        if known {
            let message = "this build has no benchmark handlers (cargo feature `bench`)".into();
            worker_link::reply(&BenchOut::Error { message }, &[]);
        }
        known
    }

    pub fn start() {
        console_error_panic_hook::set_once();
        let state = Rc::new(RefCell::new(State {
            pipe: None,
            canvas: None,
        }));
        let s = state.clone();
        worker_link::serve(move |e: MessageEvent| {
            if let Err(m) = handle(&s, &e) {
                if !bench_message(&s, &e) {
                    worker_link::reply(&VisionOut::FrameError { message: m }, &[]);
                }
            }
        });
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(message) = load(state).await {
                worker_link::reply(&VisionOut::Failed { message }, &[]);
            }
        });
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("vision-worker runs in the browser as a Web Worker (built by Trunk); natively, use analyse-video.");
}
