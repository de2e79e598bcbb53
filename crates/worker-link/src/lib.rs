//! Typed messages between the page and its Web Workers. A message is one of the enums in
//! `interviewer_core::messages`, sent as a structured-clone value (serde-wasm-bindgen,
//! never JSON text), in an envelope `{msg, data}` whose `data` holds what is too large to
//! convert (camera frames, audio, model bytes): those are transferred, not copied.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};

/// Something messages are posted to: a worker from the page, the page from a worker.
pub trait Port {
    fn post_raw(&self, v: &JsValue, transfer: &Array) -> Result<(), JsValue>;
}

impl Port for Worker {
    fn post_raw(&self, v: &JsValue, transfer: &Array) -> Result<(), JsValue> {
        self.post_message_with_transfer(v, transfer)
    }
}

impl Port for DedicatedWorkerGlobalScope {
    fn post_raw(&self, v: &JsValue, transfer: &Array) -> Result<(), JsValue> {
        self.post_message_with_transfer(v, transfer)
    }
}

/// What to transfer for one item of `data`: an ArrayBuffer or ImageBitmap itself, a
/// typed array's whole buffer.
fn transferable(v: &JsValue) -> Option<JsValue> {
    if v.is_instance_of::<js_sys::ArrayBuffer>() || v.is_instance_of::<web_sys::ImageBitmap>() {
        return Some(v.clone());
    }
    let buf = Reflect::get(v, &"buffer".into()).ok()?;
    buf.is_instance_of::<js_sys::ArrayBuffer>().then_some(buf)
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The envelope of `msg` with `data` beside it, and what to transfer.
fn envelope<T: Serialize>(msg: &T, data: &[JsValue]) -> Result<(JsValue, Array), String> {
    let env = Object::new();
    let value = serde_wasm_bindgen::to_value(msg).map_err(|e| e.to_string())?;
    let items: Array = data.iter().collect();
    let transfer: Array = data.iter().filter_map(transferable).collect();
    Reflect::set(&env, &"msg".into(), &value).map_err(|e| describe(&e))?;
    Reflect::set(&env, &"data".into(), &items).map_err(|e| describe(&e))?;
    Ok((env.into(), transfer))
}

/// Posts `msg` with `data` beside it; the data's buffers are transferred (moved).
pub fn post<P: Port + ?Sized, T: Serialize>(
    port: &P,
    msg: &T,
    data: &[JsValue],
) -> Result<(), String> {
    let (env, transfer) = envelope(msg, data)?;
    port.post_raw(&env, &transfer).map_err(|e| describe(&e))
}

/// Reads an envelope: the typed message and the data beside it.
pub fn read<T: DeserializeOwned>(e: &MessageEvent) -> Result<(T, Vec<JsValue>), String> {
    let env = e.data();
    let msg = Reflect::get(&env, &"msg".into()).map_err(|e| describe(&e))?;
    let msg: T =
        serde_wasm_bindgen::from_value(msg).map_err(|e| format!("unreadable message: {e}"))?;
    let data = Reflect::get(&env, &"data".into())
        .ok()
        .filter(|d| d.is_instance_of::<Array>())
        .map(|d| Array::from(&d).iter().collect())
        .unwrap_or_default();
    Ok((msg, data))
}

/// The worker's own scope.
pub fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// A thrown JS value as words.
pub fn js_err(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// In a worker: a file of the app (a model) fetched whole, or why not.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let resp = wasm_bindgen_futures::JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|e| format!("could not download {url} ({})", js_err(e)))?;
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().map_err(js_err)?)
        .await
        .map_err(|e| format!("{url}: {}", js_err(e)))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// In a worker: answers the page.
pub fn reply<T: Serialize>(msg: &T, data: &[JsValue]) {
    if let Err(e) = post(&scope(), msg, data) {
        web_sys::console::error_1(&format!("worker reply failed: {e}").into());
    }
}

/// Marks the envelope a worker posts once it listens (see [`WorkerClient`]).
const LISTENING: &str = "listening";

/// In a worker: handles every message from the page for the worker's lifetime, and tells
/// the page it listens (messages posted before a worker's wasm has started are lost, so
/// the page holds them until then).
pub fn serve(handler: impl FnMut(MessageEvent) + 'static) {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(handler);
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope: nothing to drop it for.
    on_message.forget();
    let hello = Object::new();
    let _ = Reflect::set(&hello, &LISTENING.into(), &true.into());
    let _ = scope().post_message(&hello);
}

/// Posts held until the worker listens (None once it does).
type Held = Rc<RefCell<Option<Vec<(JsValue, Array)>>>>;

/// The page's end of a worker started from one of Trunk's worker loaders. Messages
/// posted before the worker listens are held and sent when it does. Dropping it
/// terminates the worker.
pub struct WorkerClient {
    worker: Worker,
    held: Held,
    _on_msg: Closure<dyn FnMut(MessageEvent)>,
    _on_err: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl WorkerClient {
    /// Starts `./{name}_loader.js` (Trunk names worker loaders after the binary, without a
    /// hash); `on_message` gets every message, `on_error` a script error of the worker.
    pub fn start(
        name: &str,
        on_message: impl FnMut(MessageEvent) + 'static,
        on_error: impl Fn(String) + 'static,
    ) -> Result<Rc<WorkerClient>, String> {
        let worker = Worker::new(&format!("./{name}_loader.js"))
            .map_err(|e| format!("could not start the {name}: {}", describe(&e)))?;
        // Until the worker says it listens, posts wait here.
        let held: Held = Rc::new(RefCell::new(Some(Vec::new())));
        let (h, w) = (held.clone(), worker.clone());
        let mut on_message = on_message;
        let on_msg = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let listening = Reflect::get(&e.data(), &LISTENING.into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !listening {
                return on_message(e);
            }
            for (env, transfer) in h.borrow_mut().take().unwrap_or_default() {
                let _ = w.post_message_with_transfer(&env, &transfer);
            }
        });
        worker.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        let on_err =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                on_error(e.message())
            });
        worker.set_onerror(Some(on_err.as_ref().unchecked_ref()));
        Ok(Rc::new(WorkerClient {
            worker,
            held,
            _on_msg: on_msg,
            _on_err: on_err,
        }))
    }

    pub fn post<T: Serialize>(&self, msg: &T, data: &[JsValue]) -> Result<(), String> {
        if let Some(held) = self.held.borrow_mut().as_mut() {
            let (env, transfer) = envelope(msg, data)?;
            held.push((env, transfer));
            return Ok(());
        }
        post(&self.worker, msg, data)
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
