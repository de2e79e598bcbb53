//! The speech-analysis worker (src/bin/speech_worker.rs), called with async requests.

use interviewer_core::speech::audio::AudioMetrics;
use js_sys::{Float32Array, Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

type Waiters = Rc<RefCell<HashMap<u32, Function>>>;

pub struct SpeechAnalyser {
    worker: Worker,
    waiters: Waiters,
    next: RefCell<u32>,
    _on_msg: Closure<dyn FnMut(MessageEvent)>,
}

impl SpeechAnalyser {
    pub fn new() -> Result<SpeechAnalyser, String> {
        // Trunk names worker files after the binary, without a hash.
        let worker = Worker::new("./speech-worker_loader.js").map_err(|e| format!("{e:?}"))?;
        let waiters: Waiters = Rc::new(RefCell::new(HashMap::new()));
        let w = waiters.clone();
        let on_msg = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let d = e.data();
            let id = Reflect::get(&d, &"id".into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(-1.0) as u32;
            if let Some(resolve) = w.borrow_mut().remove(&id) {
                let _ = resolve.call1(&JsValue::NULL, &d);
            }
        });
        worker.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        Ok(SpeechAnalyser {
            worker,
            waiters,
            next: RefCell::new(0),
            _on_msg: on_msg,
        })
    }

    /// Analyses 16 kHz mono PCM in the worker (the samples are transferred, not copied).
    pub async fn analyse(&self, pcm: Vec<f32>) -> Result<AudioMetrics, String> {
        let id = {
            let mut n = self.next.borrow_mut();
            *n += 1;
            *n
        };
        let arr = Float32Array::from(pcm.as_slice());
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &id.into());
        let _ = Reflect::set(&msg, &"pcm".into(), &arr);
        let waiters = self.waiters.clone();
        let p = Promise::new(&mut |resolve, _reject| {
            waiters.borrow_mut().insert(id, resolve);
        });
        let transfer = js_sys::Array::of1(&arr.buffer());
        self.worker
            .post_message_with_transfer(&msg, &transfer)
            .map_err(|e| format!("{e:?}"))?;
        let reply = wasm_bindgen_futures::JsFuture::from(p)
            .await
            .map_err(|e| format!("{e:?}"))?;
        if let Some(err) = Reflect::get(&reply, &"error".into())
            .ok()
            .and_then(|v| v.as_string())
        {
            return Err(err);
        }
        let json = Reflect::get(&reply, &"json".into())
            .ok()
            .and_then(|v| v.as_string())
            .ok_or("no reply")?;
        serde_json::from_str(&json).map_err(|e| e.to_string())
    }
}

impl Drop for SpeechAnalyser {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
