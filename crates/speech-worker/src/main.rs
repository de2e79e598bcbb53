//! Web Worker computing each answer's speech delivery figures off the main thread:
//! `SpeechIn::Analyse` with 16 kHz mono PCM beside it (a Float32Array) gets
//! `SpeechOut::Metrics` (or `Failed`) with the same id.

#[cfg(target_arch = "wasm32")]
mod worker {
    use interviewer_core::messages::{SpeechIn, SpeechOut};
    use interviewer_core::speech::audio;
    use wasm_bindgen::JsCast;
    use web_sys::MessageEvent;

    fn handle(e: MessageEvent) {
        let out = match worker_link::read::<SpeechIn>(&e) {
            Ok((SpeechIn::Analyse { id }, data)) => {
                match data
                    .first()
                    .and_then(|d| d.dyn_ref::<js_sys::Float32Array>())
                {
                    Some(pcm) => SpeechOut::Metrics {
                        id,
                        metrics: audio::analyse(&pcm.to_vec()),
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
        worker_link::serve(handle);
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
