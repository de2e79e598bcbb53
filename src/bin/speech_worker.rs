//! Web Worker running the speech analysis off the main thread. Receives
//! `{id, pcm: Float32Array (16 kHz mono)}` and answers `{id, json}` with the
//! `AudioMetrics` as JSON (or `{id, error}`).

#[cfg(target_arch = "wasm32")]
mod worker {
    use interviewer_core::speech::audio;
    use js_sys::{Float32Array, Object, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply_scope = scope.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let id = Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
            let out = Object::new();
            let _ = Reflect::set(&out, &"id".into(), &id);
            match Reflect::get(&data, &"pcm".into())
                .ok()
                .and_then(|p| p.dyn_into::<Float32Array>().ok())
            {
                Some(pcm) => {
                    let m = audio::analyse(&pcm.to_vec());
                    let json = serde_json::to_string(&m).unwrap_or_default();
                    let _ = Reflect::set(&out, &"json".into(), &json.into());
                }
                None => {
                    let _ = Reflect::set(&out, &"error".into(), &"no pcm in message".into());
                }
            }
            let _ = reply_scope.post_message(&out);
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("speech-worker runs in the browser as a Web Worker (built by Trunk).");
}
