//! Web Worker running Whisper tiny.en (`crates/asr`) off the main thread. It loads nothing
//! until asked (`AsrIn::Load`): the model is downloaded only once the user turns
//! on-device transcription on. Requests are handled one at a time, in order; each answer's
//! audio comes beside its message.

#[cfg(target_arch = "wasm32")]
mod worker {
    use interviewer_asr::{transcribe, Options, Whisper};
    use interviewer_core::messages::{AsrIn, AsrOut};
    use interviewer_core::models::{self, WorkerKind};
    use interviewer_core::record::TimedWord;
    use js_sys::{Reflect, Uint8Array};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, Response};

    fn now() -> f64 {
        worker_link::scope()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    fn js_err(e: wasm_bindgen::JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| format!("{e:?}"))
    }

    /// Fetches a file in pieces, reporting bytes as they arrive (the model is tens of MB).
    async fn fetch_bytes(url: &str, mut progress: impl FnMut(f64)) -> Result<Vec<u8>, String> {
        let resp = wasm_bindgen_futures::JsFuture::from(worker_link::scope().fetch_with_str(url))
            .await
            .map_err(|e| format!("could not download {url} ({})", js_err(e)))?;
        let resp: Response = resp.unchecked_into();
        if !resp.ok() {
            return Err(format!("{url}: HTTP {}", resp.status()));
        }
        let body = resp
            .body()
            .ok_or_else(|| format!("{url}: empty response"))?;
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut out = Vec::new();
        loop {
            let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
                .await
                .map_err(|e| format!("{url}: download interrupted ({})", js_err(e)))?;
            if Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                == Some(true)
            {
                break;
            }
            let value = Reflect::get(&chunk, &"value".into()).map_err(js_err)?;
            let bytes: Uint8Array = value.unchecked_into();
            out.extend(bytes.to_vec());
            progress(out.len() as f64);
        }
        Ok(out)
    }

    struct State {
        model: Option<Whisper>,
        loading: bool,
    }

    async fn load(state: Rc<RefCell<State>>) -> Result<f64, String> {
        let t0 = now();
        let files: Vec<_> = models::for_worker(WorkerKind::Asr).collect();
        let total: f64 = files.iter().map(|m| m.bytes as f64).sum();
        let mut done = 0.0;
        let mut bytes = Vec::new();
        for m in &files {
            let before = done;
            let b = fetch_bytes(&format!("./{}", m.file), |n| {
                worker_link::reply(
                    &AsrOut::Progress {
                        loaded: before + n,
                        total,
                    },
                    &[],
                )
            })
            .await?;
            if b.len() as u64 != m.bytes {
                return Err(format!(
                    "{} arrived with {} bytes, {} expected (an old cached copy?)",
                    m.file,
                    b.len(),
                    m.bytes
                ));
            }
            done += m.bytes as f64;
            bytes.push(b);
        }
        let get = |m: &models::ModelFile| {
            files
                .iter()
                .position(|f| f.name == m.name)
                .map(|i| &bytes[i][..])
                .ok_or_else(|| format!("{} is not in the models table", m.name))
        };
        let vocab = String::from_utf8_lossy(get(&models::WHISPER_VOCAB)?).into_owned();
        let model = Whisper::from_bytes(
            get(&models::WHISPER_ENCODER)?,
            get(&models::WHISPER_DECODER)?,
            &vocab,
        )
        .map_err(|e| format!("the speech model could not be loaded: {e}"))?;
        state.borrow_mut().model = Some(model);
        Ok(now() - t0)
    }

    fn transcribe_one(
        state: &State,
        id: u32,
        offset_ms: f64,
        prompt: Option<String>,
        pcm: Vec<f32>,
    ) -> AsrOut {
        let Some(model) = state.model.as_ref() else {
            return AsrOut::Error {
                id,
                message: "the speech model is not loaded".into(),
            };
        };
        let t0 = now();
        let mut opts = Options::default();
        if let Some(p) = prompt {
            // The question as context, then the disfluent style.
            opts.prompt = Some(format!("{} {}", p.trim(), opts.prompt.unwrap_or_default()));
        }
        match transcribe(model, &pcm, &opts, |done| {
            worker_link::reply(&AsrOut::Working { id, done }, &[])
        }) {
            Ok(t) => AsrOut::Transcript {
                id,
                text: t.text,
                words: t
                    .words
                    .into_iter()
                    .map(|w| TimedWord {
                        text: w.text.trim().to_string(),
                        start_ms: offset_ms + w.start_s * 1000.0,
                        end_ms: offset_ms + w.end_s * 1000.0,
                    })
                    .collect(),
                audio_ms: pcm.len() as f64 / 16.0,
                compute_ms: now() - t0,
            },
            Err(e) => AsrOut::Error {
                id,
                message: format!("transcription failed: {e}"),
            },
        }
    }

    pub fn start() {
        console_error_panic_hook::set_once();
        let state = Rc::new(RefCell::new(State {
            model: None,
            loading: false,
        }));
        worker_link::serve(
            move |e: MessageEvent| match worker_link::read::<AsrIn>(&e) {
                Ok((AsrIn::Load, _)) => {
                    let mut s = state.borrow_mut();
                    if s.model.is_some() {
                        worker_link::reply(&AsrOut::Ready { ms: 0.0 }, &[]);
                        return;
                    }
                    if s.loading {
                        return;
                    }
                    s.loading = true;
                    drop(s);
                    let st = state.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let out = match load(st.clone()).await {
                            Ok(ms) => AsrOut::Ready { ms },
                            Err(message) => AsrOut::Failed { message },
                        };
                        st.borrow_mut().loading = false;
                        worker_link::reply(&out, &[]);
                    });
                }
                Ok((
                    AsrIn::Transcribe {
                        id,
                        offset_ms,
                        prompt,
                    },
                    data,
                )) => {
                    let pcm = data
                        .first()
                        .and_then(|d| d.dyn_ref::<js_sys::Float32Array>())
                        .map(|a| a.to_vec());
                    let out = match pcm {
                        Some(pcm) => transcribe_one(&state.borrow(), id, offset_ms, prompt, pcm),
                        None => AsrOut::Error {
                            id,
                            message: "no audio beside the message".into(),
                        },
                    };
                    worker_link::reply(&out, &[]);
                }
                Err(message) => worker_link::reply(&AsrOut::Failed { message }, &[]),
            },
        );
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("asr-worker runs in the browser as a Web Worker (built by Trunk); natively, use `transcribe`.");
}
