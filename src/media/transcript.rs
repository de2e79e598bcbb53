//! Web Speech API recognition, reached through `Reflect` (web-sys only binds it behind
//! unstable flags). On-device recognition is preferred; the vendor's cloud service is used
//! only when the user allowed it, because audio then leaves the device.

use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const LANG: &str = "en-US";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    /// No SpeechRecognition in this browser (Firefox), or no service for the language.
    Unsupported,
    OnDevice,
    /// On-device recognition exists but its language pack must be installed once (online).
    OnDeviceDownloadable,
    /// Only the vendor's cloud recognition.
    CloudOnly,
}

fn ctor() -> Option<Function> {
    let w = web_sys::window()?;
    ["SpeechRecognition", "webkitSpeechRecognition"]
        .iter()
        .find_map(|k| {
            Reflect::get(&w, &(*k).into())
                .ok()
                .and_then(|v| v.dyn_into::<Function>().ok())
        })
}

fn options(local: bool) -> Object {
    let o = Object::new();
    let _ = Reflect::set(&o, &"langs".into(), &Array::of1(&LANG.into()));
    let _ = Reflect::set(&o, &"processLocally".into(), &local.into());
    o
}

async fn call_static(name: &str, local: bool) -> Option<JsValue> {
    let c = ctor()?;
    let f: Function = Reflect::get(&c, &name.into()).ok()?.dyn_into().ok()?;
    let p: Promise = f.call1(&c, &options(local)).ok()?.dyn_into().ok()?;
    JsFuture::from(p).await.ok()
}

pub async fn availability() -> Availability {
    let Some(c) = ctor() else {
        return Availability::Unsupported;
    };
    if Reflect::get(&c, &"available".into())
        .ok()
        .filter(|f| f.is_function())
        .is_none()
    {
        // Older Chromium: webkitSpeechRecognition exists and is cloud-only.
        return Availability::CloudOnly;
    }
    match call_static("available", true)
        .await
        .and_then(|v| v.as_string())
        .as_deref()
    {
        Some("available") => return Availability::OnDevice,
        Some("downloadable" | "downloading") => return Availability::OnDeviceDownloadable,
        _ => {}
    }
    match call_static("available", false)
        .await
        .and_then(|v| v.as_string())
        .as_deref()
    {
        Some("available") => Availability::CloudOnly,
        _ => Availability::Unsupported,
    }
}

/// Installs the on-device language pack (must run from a user gesture, while online).
pub async fn install() -> bool {
    call_static("install", true)
        .await
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Continuous recognition that restarts itself after `end`, `no-speech` and `network`
/// until stopped.
pub struct Recognizer {
    rec: JsValue,
    running: Rc<Cell<bool>>,
    _closures: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Recognizer {
    pub fn start(
        local: bool,
        mut on_final: impl FnMut(String) + 'static,
        mut on_fatal: impl FnMut(String) + 'static,
    ) -> Result<Recognizer, String> {
        let c = ctor().ok_or("no speech recognition in this browser")?;
        let rec: JsValue = Reflect::construct(&c, &Array::new()).map_err(|e| format!("{e:?}"))?;
        let set = |k: &str, v: JsValue| Reflect::set(&rec, &k.into(), &v).map(|_| ());
        set("lang", LANG.into()).ok();
        set("continuous", true.into()).ok();
        set("interimResults", true.into()).ok();
        if local {
            set("processLocally", true.into()).ok();
        }
        let running = Rc::new(Cell::new(true));
        let on_result = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let get =
                |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
            let results = get(&e, "results");
            let start = get(&e, "resultIndex").as_f64().unwrap_or(0.0) as u32;
            let len = get(&results, "length").as_f64().unwrap_or(0.0) as u32;
            for i in start..len {
                let r = Reflect::get_u32(&results, i).unwrap_or(JsValue::UNDEFINED);
                if get(&r, "isFinal").as_bool() == Some(true) {
                    let alt = Reflect::get_u32(&r, 0).unwrap_or(JsValue::UNDEFINED);
                    if let Some(t) = get(&alt, "transcript").as_string() {
                        if !t.trim().is_empty() {
                            on_final(t);
                        }
                    }
                }
            }
        });
        let (r2, run2) = (rec.clone(), running.clone());
        let on_end = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if run2.get() {
                // Restart shortly: Chrome ends sessions after silence or network hiccups.
                let r3 = r2.clone();
                let cb = Closure::once_into_js(move || {
                    if let Ok(f) =
                        Reflect::get(&r3, &"start".into()).and_then(|f| f.dyn_into::<Function>())
                    {
                        let _ = f.call0(&r3);
                    }
                });
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        cb.unchecked_ref(),
                        250,
                    );
                }
            }
        });
        let run3 = running.clone();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let err = Reflect::get(&e, &"error".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            if !matches!(err.as_str(), "no-speech" | "network" | "aborted") {
                run3.set(false);
                on_fatal(err);
            }
        });
        set("onresult", on_result.as_ref().clone()).ok();
        set("onend", on_end.as_ref().clone()).ok();
        set("onerror", on_error.as_ref().clone()).ok();
        let start: Function = Reflect::get(&rec, &"start".into())
            .map_err(|e| format!("{e:?}"))?
            .unchecked_into();
        start.call0(&rec).map_err(|e| format!("{e:?}"))?;
        Ok(Recognizer {
            rec,
            running,
            _closures: vec![on_result, on_end, on_error],
        })
    }

    pub fn stop(&self) {
        self.running.set(false);
        if let Ok(f) = Reflect::get(&self.rec, &"stop".into()) {
            if let Ok(f) = f.dyn_into::<Function>() {
                let _ = f.call0(&self.rec);
            }
        }
    }
}

impl Drop for Recognizer {
    fn drop(&mut self) {
        self.stop();
    }
}
