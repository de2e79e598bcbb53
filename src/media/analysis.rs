//! Client of the speech worker (`crates/speech-worker`), called with async requests.

use interviewer_core::messages::{SpeechIn, SpeechOut};
use interviewer_core::speech::audio::AudioMetrics;
use js_sys::{Float32Array, Function, Promise};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;
use worker_link::WorkerClient;

type Waiters = Rc<RefCell<HashMap<u32, (Function, Rc<RefCell<Option<SpeechOut>>>)>>>;

pub struct SpeechAnalyser {
    client: Rc<WorkerClient>,
    waiters: Waiters,
    next: Cell<u32>,
}

impl SpeechAnalyser {
    pub fn new() -> Result<SpeechAnalyser, String> {
        let waiters: Waiters = Rc::new(RefCell::new(HashMap::new()));
        let w = waiters.clone();
        let on_message = move |e: MessageEvent| match worker_link::read::<SpeechOut>(&e) {
            Ok((out, _)) => {
                if let Some((resolve, slot)) = w.borrow_mut().remove(&out.id()) {
                    *slot.borrow_mut() = Some(out);
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
            Err(e) => web_sys::console::warn_1(&format!("speech worker: {e}").into()),
        };
        let on_error =
            |m: String| web_sys::console::warn_1(&format!("speech worker failed: {m}").into());
        Ok(SpeechAnalyser {
            client: WorkerClient::start("speech-worker", on_message, on_error)?,
            waiters,
            next: Cell::new(0),
        })
    }

    /// Analyses 16 kHz mono PCM in the worker (the samples are transferred, not copied);
    /// `quick`: with the energy detector only (the live meter).
    pub async fn analyse(&self, pcm: &[f32], quick: bool) -> Result<AudioMetrics, String> {
        let t0 = crate::session::perf_now();
        let id = self.next.get() + 1;
        self.next.set(id);
        let slot = Rc::new(RefCell::new(None));
        let waiters = self.waiters.clone();
        let s2 = slot.clone();
        let p = Promise::new(&mut |resolve, _reject| {
            waiters.borrow_mut().insert(id, (resolve, s2.clone()));
        });
        let data = Float32Array::from(pcm);
        if let Err(e) = self
            .client
            .post(&SpeechIn::Analyse { id, quick }, &[data.into()])
        {
            self.waiters.borrow_mut().remove(&id);
            return Err(e);
        }
        wasm_bindgen_futures::JsFuture::from(p)
            .await
            .map_err(|e| format!("{e:?}"))?;
        // The worker's time for it, for the benchmarks' share of a core while recording.
        crate::session::measure("speech-analysis", t0, crate::session::perf_now());
        let out = slot.borrow_mut().take();
        match out {
            Some(SpeechOut::Metrics { metrics, .. }) => Ok(metrics),
            Some(SpeechOut::Failed { message, .. }) => Err(message),
            None => Err("no reply from the speech worker".into()),
        }
    }
}
