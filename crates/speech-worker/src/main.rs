//! Web Worker computing each answer's speech delivery figures off the main thread:
//! `SpeechIn::Analyse` with 16 kHz mono PCM beside it (a Float32Array) gets
//! `SpeechOut::Metrics` (or `Failed`) with the same id.
//!
//! On start the worker fetches its model (the table's `speech` rows: Silero VAD, 1.2 MB)
//! from its own folder. Speaking time, pauses and syllables then rest on the model's
//! speech probabilities, which hold under fans, traffic and keyboards; until the model is
//! loaded, or if it cannot be, the energy detector decides (the metrics say which ran).

#[cfg(target_arch = "wasm32")]
mod worker {
    use interviewer_core::messages::{SpeechIn, SpeechOut};
    use interviewer_core::models::{self, WorkerKind};
    use interviewer_core::speech::audio;
    use interviewer_vad::{Flavour, Vad};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use web_sys::MessageEvent;

    /// The model, once loaded (None: loading, or failed: see the console).
    type Model = Rc<RefCell<Option<Vad>>>;

    async fn load(model: Model) -> Result<(), String> {
        let file = models::for_worker(WorkerKind::Speech)
            .find(|m| m.name == models::VAD.name)
            .ok_or("the voice-activity model is not in the models table")?;
        let bytes = worker_link::fetch_bytes(&format!("./{}", file.file)).await?;
        let vad = Vad::from_bytes(&bytes, Flavour::Sequence).map_err(|e| format!("{e:#}"))?;
        *model.borrow_mut() = Some(vad);
        Ok(())
    }

    /// The model's figures where it runs, the energy detector's otherwise.
    fn analyse(model: &Model, pcm: &[f32]) -> audio::AudioMetrics {
        let with_model = model.borrow().as_ref().and_then(|m| {
            m.analyse(pcm)
                .map_err(|e| {
                    web_sys::console::warn_1(
                        &format!("voice-activity model failed, energy used: {e}").into(),
                    )
                })
                .ok()
        });
        with_model.unwrap_or_else(|| audio::analyse(pcm))
    }

    fn handle(model: &Model, e: MessageEvent) {
        let out = match worker_link::read::<SpeechIn>(&e) {
            Ok((SpeechIn::Analyse { id, quick }, data)) => {
                match data
                    .first()
                    .and_then(|d| d.dyn_ref::<js_sys::Float32Array>())
                {
                    Some(pcm) if quick => SpeechOut::Metrics {
                        id,
                        metrics: audio::analyse(&pcm.to_vec()),
                    },
                    Some(pcm) => SpeechOut::Metrics {
                        id,
                        metrics: analyse(model, &pcm.to_vec()),
                    },
                    None => SpeechOut::Failed {
                        id,
                        message: "no audio beside the message".into(),
                    },
                }
            }
            Err(message) => SpeechOut::Failed { id: 0, message },
        };
        worker_link::reply(&out, &[]);
    }

    pub fn start() {
        console_error_panic_hook::set_once();
        let model: Model = Rc::new(RefCell::new(None));
        let m = model.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = load(m).await {
                web_sys::console::warn_1(
                    &format!("voice-activity model not loaded, energy detector used: {e}").into(),
                );
            }
        });
        worker_link::serve(move |e| handle(&model, e));
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("speech-worker runs in the browser as a Web Worker (built by Trunk); natively, use analyse-audio.");
}
