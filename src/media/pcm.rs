//! Microphone PCM at 16 kHz through an AudioWorklet (assets/pcm-capture.js).

use js_sys::{Float32Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, AudioWorkletNode, MediaStream, MessageEvent};

pub struct PcmCapture {
    ctx: AudioContext,
    _node: AudioWorkletNode,
    _on_msg: Closure<dyn FnMut(MessageEvent)>,
}

impl PcmCapture {
    /// Starts capturing; `on_block` gets each 100 ms block of samples as it arrives, with
    /// the page time (`performance.now()`) at which its first sample was captured.
    pub async fn start(
        stream: &MediaStream,
        mut on_block: impl FnMut(&[f32], f64) + 'static,
    ) -> Result<PcmCapture, String> {
        let err = |e: JsValue| format!("{e:?}");
        let ctx = AudioContext::new().map_err(err)?;
        let worklet = ctx.audio_worklet().map_err(err)?;
        JsFuture::from(worklet.add_module("./pcm-capture.js").map_err(err)?)
            .await
            .map_err(err)?;
        let node = AudioWorkletNode::new(&ctx, "pcm-capture").map_err(err)?;
        let src = ctx.create_media_stream_source(stream).map_err(err)?;
        src.connect_with_audio_node(&node).map_err(err)?;
        // A silent path to the output keeps the node pulled by the audio graph.
        let mute = ctx.create_gain().map_err(err)?;
        mute.gain().set_value(0.0);
        node.connect_with_audio_node(&mute).map_err(err)?;
        mute.connect_with_audio_node(&ctx.destination())
            .map_err(err)?;
        let clock = ctx.clone();
        let on_msg = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let d = e.data();
            let Ok(a) =
                Reflect::get(&d, &"samples".into()).and_then(|s| s.dyn_into::<Float32Array>())
            else {
                return;
            };
            let t = Reflect::get(&d, &"t".into())
                .ok()
                .and_then(|t| t.as_f64())
                .unwrap_or(0.0);
            on_block(&a.to_vec(), page_time(&clock, t));
        });
        node.port()
            .map_err(err)?
            .set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        let _ = ctx.resume();
        Ok(PcmCapture {
            ctx,
            _node: node,
            _on_msg: on_msg,
        })
    }

    pub fn stop(&self) {
        let _ = self.ctx.close();
    }
}

impl Drop for PcmCapture {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The page time (ms) of an audio-context time (s): the context's clock read beside
/// `performance.now()`. (`getOutputTimestamp` pairs the clock with when a sample is
/// played, about 30-50 ms later than it was captured: measured against the recording in
/// `tests/e2e/recording.test.mjs`.)
fn page_time(ctx: &AudioContext, context_s: f64) -> f64 {
    crate::session::perf_now() - (ctx.current_time() - context_s) * 1000.0
}
