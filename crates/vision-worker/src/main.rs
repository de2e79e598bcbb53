//! Web Worker running the face pipeline (detection, mesh, iris, pose, gaze, focus,
//! expression) with tract, so inference never blocks the page.
//!
//! Protocol (plain objects):
//! - on start, the worker fetches the four models from its own folder (messages sent to a
//!   worker before its wasm has started are lost, so it does not wait to be asked):
//!   out `{type: "progress", loaded, total}`, then `{type: "ready", ms}` or
//!   `{type: "error", message}`;
//! - in `{type: "frame", t, bitmap}` (the ImageBitmap transferred): out `{type: "result",
//!   json}` with a `FrameResult`; the bitmap is closed here;
//! - in `{type: "calibration", json}` or `{type: "reset"}`;
//! - benchmarks (`bench/`): in `{type: "rates", emotionEveryMs, bothIrises}`; in
//!   `{type: "bench", model, input: Float32Array, runs, onnx?: Uint8Array, knobs?}` (onnx:
//!   a variant of that model to time instead; knobs: "NAME=value,..." of tract's knobs to
//!   load it with): out `{type: "bench", model,
//!   times: [ms per run], outputs: [Float32Array]}` after 10 warm-up runs; in
//!   `{type: "profile", model, onnx: Uint8Array, input, runs, knobs?}`: out `{type: "profile",
//!   model, json}`: `{nodes, kinds}`, the mean ms per node of the optimised graph
//!   (`bench::NodeTime`) and per operator kind (`bench::by_op`: [op, ms, nodes]).
//!
//! The page sends a frame only after the previous result came back, so frames are
//! dropped on the page side, never queued here.

#[cfg(target_arch = "wasm32")]
mod worker {
    use interviewer_core::face::focus::Calibration;
    use interviewer_vision::emotion::EmotionModel;
    use interviewer_vision::face::{FaceModels, FacePipeline};
    use interviewer_vision::warp::Frame;
    use js_sys::{Object, Reflect, Uint8Array};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{
        DedicatedWorkerGlobalScope, ImageBitmap, MessageEvent, OffscreenCanvas,
        OffscreenCanvasRenderingContext2d, Response,
    };

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn now() -> f64 {
        scope().performance().map(|p| p.now()).unwrap_or(0.0)
    }

    fn post(kind: &str, fields: &[(&str, JsValue)]) {
        let o = Object::new();
        let _ = Reflect::set(&o, &"type".into(), &kind.into());
        for (k, v) in fields {
            let _ = Reflect::set(&o, &(*k).into(), v);
        }
        let _ = scope().post_message(&o);
    }

    fn js_err(e: JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| format!("{e:?}"))
    }

    async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
        let resp = wasm_bindgen_futures::JsFuture::from(scope().fetch_with_str(url))
            .await
            .map_err(|e| format!("could not download {url} ({})", js_err(e)))?;
        let resp: Response = resp.unchecked_into();
        if !resp.ok() {
            return Err(format!("{url}: HTTP {}", resp.status()));
        }
        let buf = wasm_bindgen_futures::JsFuture::from(
            resp.array_buffer().map_err(|e| format!("{e:?}"))?,
        )
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
        Ok(Uint8Array::new(&buf).to_vec())
    }

    struct State {
        pipe: Option<FacePipeline>,
        canvas: Option<(OffscreenCanvas, OffscreenCanvasRenderingContext2d)>,
    }

    async fn load(state: Rc<RefCell<State>>, base: String) -> Result<(), String> {
        let t0 = now();
        let files = interviewer_vision::SHIPPED_FILES;
        let total: f64 = files.iter().map(|m| m.2).sum();
        let mut loaded = 0.0;
        let mut bytes = Vec::new();
        for (_, name, size) in files {
            bytes.push(fetch_bytes(&format!("{base}{name}")).await?);
            loaded += size;
            post(
                "progress",
                &[("loaded", loaded.into()), ("total", total.into())],
            );
        }
        let models = FaceModels::from_bytes(&bytes[0], &bytes[1], &bytes[2])
            .map_err(|e| format!("face models: {e}"))?;
        let emotion =
            EmotionModel::from_bytes(&bytes[3]).map_err(|e| format!("emotion model: {e}"))?;
        state.borrow_mut().pipe = Some(FacePipeline::new(models, Some(emotion), now));
        post("ready", &[("ms", (now() - t0).into())]);
        Ok(())
    }

    fn frame(state: &mut State, bitmap: ImageBitmap, t: f64) -> Result<String, String> {
        let (w, h) = (bitmap.width(), bitmap.height());
        let fresh = match &state.canvas {
            Some((c, _)) => c.width() != w || c.height() != h,
            None => true,
        };
        if fresh {
            let c = OffscreenCanvas::new(w, h).map_err(|e| format!("{e:?}"))?;
            let opts = Object::new();
            let _ = Reflect::set(&opts, &"willReadFrequently".into(), &true.into());
            let ctx: OffscreenCanvasRenderingContext2d = c
                .get_context_with_context_options("2d", &opts)
                .map_err(|e| format!("{e:?}"))?
                .ok_or("no 2d context")?
                .unchecked_into();
            state.canvas = Some((c, ctx));
        }
        let (_, ctx) = state.canvas.as_ref().unwrap();
        ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
            .map_err(|e| format!("{e:?}"))?;
        bitmap.close();
        let data = ctx
            .get_image_data(0.0, 0.0, w as f64, h as f64)
            .map_err(|e| format!("{e:?}"))?
            .data();
        let pipe = state.pipe.as_mut().ok_or("models are not loaded")?;
        let r = pipe
            .process(&Frame::new(w as usize, h as usize, &data), t)
            .map_err(|e| format!("inference: {e}"))?;
        serde_json::to_string(&r).map_err(|e| e.to_string())
    }

    /// Times one model on a given input: 10 warm-up runs, then `runs` timed ones.
    fn bench(
        state: &State,
        model: &str,
        onnx: Option<Vec<u8>>,
        knobs: &[(String, String)],
        input: Vec<f32>,
        runs: usize,
    ) -> Result<(js_sys::Array, js_sys::Array), String> {
        use interviewer_vision::bench;
        let pipe = state.pipe.as_ref().ok_or("models are not loaded")?;
        let variant = match onnx {
            Some(bytes) => {
                let shape = bench::shape_of(model).ok_or("unknown model")?;
                let v = bench::Variant::load_with_knobs(&bytes, shape, knobs);
                Some(v.map_err(|e| format!("{model}: {e}"))?)
            }
            None => None,
        };
        let go = |d: Vec<f32>| {
            match &variant {
                Some(v) => v.run(d),
                None => bench::run(&pipe.models, pipe.emotion.as_ref(), model, d),
            }
            .map_err(|e| format!("{model}: {e}"))
        };
        let mut out = Vec::new();
        for _ in 0..10 {
            out = go(input.clone())?;
        }
        let times = js_sys::Array::new();
        for _ in 0..runs {
            let d = input.clone();
            let t = now();
            go(d)?;
            times.push(&(now() - t).into());
        }
        let outputs = js_sys::Array::new();
        for o in out {
            outputs.push(&js_sys::Float32Array::from(o.as_slice()));
        }
        Ok((times, outputs))
    }

    /// Where one model's time goes in wasm: mean ms per node over `runs` runs.
    fn profile(
        model: &str,
        onnx: &[u8],
        knobs: &[(String, String)],
        input: &[f32],
        runs: usize,
    ) -> Result<String, String> {
        use interviewer_vision::bench;
        let shape = bench::shape_of(model).ok_or("unknown model")?;
        let err = |e: bench::TractError| format!("{model}: {e}");
        let variant = bench::Variant::load_with_knobs(onnx, shape, knobs).map_err(err)?;
        variant.profile(input, 10, now).map_err(err)?; // warm-up
        let nodes = variant.profile(input, runs, now).map_err(err)?;
        let kinds = bench::by_op(&nodes);
        Ok(serde_json::json!({ "nodes": nodes, "kinds": kinds }).to_string())
    }

    pub fn start() {
        console_error_panic_hook::set_once();
        let state = Rc::new(RefCell::new(State {
            pipe: None,
            canvas: None,
        }));
        let loading = state.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let d = e.data();
            let get = |k: &str| Reflect::get(&d, &k.into()).unwrap_or(JsValue::UNDEFINED);
            match get("type").as_string().as_deref() {
                Some("frame") => {
                    let t = get("t").as_f64().unwrap_or(0.0);
                    let out = match get("bitmap").dyn_into::<ImageBitmap>() {
                        Ok(b) => frame(&mut state.borrow_mut(), b, t),
                        Err(_) => Err("no bitmap in message".into()),
                    };
                    match out {
                        Ok(json) => post("result", &[("json", json.into())]),
                        Err(m) => post("frame-error", &[("message", m.into())]),
                    }
                }
                Some("calibration") => {
                    let json = get("json").as_string().unwrap_or_default();
                    if let Some(p) = state.borrow_mut().pipe.as_mut() {
                        p.calibration =
                            serde_json::from_str::<Calibration>(&json).unwrap_or_default();
                    }
                }
                Some("rates") => {
                    if let Some(p) = state.borrow_mut().pipe.as_mut() {
                        if let Some(ms) = get("emotionEveryMs").as_f64() {
                            p.rates.emotion_every_ms = ms;
                        }
                        p.rates.both_irises = get("bothIrises").is_truthy();
                    }
                }
                Some(kind @ ("bench" | "profile")) => {
                    let model = get("model").as_string().unwrap_or_default();
                    let input = get("input")
                        .dyn_into::<js_sys::Float32Array>()
                        .map(|a| a.to_vec())
                        .unwrap_or_default();
                    let runs = get("runs").as_f64().unwrap_or(100.0) as usize;
                    // bench: optional, another ONNX file of the same model (a variant) to
                    // time instead; profile: the file to profile.
                    let onnx = get("onnx")
                        .dyn_into::<Uint8Array>()
                        .ok()
                        .map(|a| a.to_vec());
                    // optional, tract knobs to load that file with: "NAME=value,..."
                    let knobs = interviewer_vision::bench::parse_knobs(
                        &get("knobs").as_string().unwrap_or_default(),
                    );
                    let answer = if kind == "bench" {
                        bench(&state.borrow(), &model, onnx, &knobs, input, runs).map(
                            |(times, outputs)| {
                                vec![("times", times.into()), ("outputs", outputs.into())]
                            },
                        )
                    } else {
                        profile(&model, &onnx.unwrap_or_default(), &knobs, &input, runs)
                            .map(|json| vec![("json", json.into())])
                    };
                    match answer {
                        Ok(mut fields) => {
                            fields.insert(0, ("model", model.into()));
                            post(kind, &fields)
                        }
                        Err(m) => post("bench-error", &[("message", m.into())]),
                    }
                }
                Some("reset") => {
                    if let Some(p) = state.borrow_mut().pipe.as_mut() {
                        p.reset();
                    }
                }
                _ => {}
            }
        });
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(m) = load(loading, "./".into()).await {
                post("error", &[("message", m.into())]);
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
