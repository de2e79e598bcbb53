//! Microphone PCM at 16 kHz through an AudioWorklet (assets/pcm-capture.js).

use js_sys::Float32Array;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, AudioWorkletNode, MediaStream, MessageEvent};

pub struct PcmCapture {
    ctx: AudioContext,
    _node: AudioWorkletNode,
    buf: Rc<RefCell<Vec<f32>>>,
    _on_msg: Closure<dyn FnMut(MessageEvent)>,
}

impl PcmCapture {
    pub async fn start(stream: &MediaStream) -> Result<PcmCapture, String> {
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
        let buf = Rc::new(RefCell::new(Vec::new()));
        let b = buf.clone();
        let on_msg = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Ok(a) = e.data().dyn_into::<Float32Array>() {
                b.borrow_mut().extend(a.to_vec());
            }
        });
        node.port()
            .map_err(err)?
            .set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        let _ = ctx.resume();
        Ok(PcmCapture {
            ctx,
            _node: node,
            buf,
            _on_msg: on_msg,
        })
    }

    /// Everything captured since the last `take`.
    pub fn take(&self) -> Vec<f32> {
        std::mem::take(&mut *self.buf.borrow_mut())
    }

    /// A copy of the last `n` samples not yet taken.
    pub fn tail(&self, n: usize) -> Vec<f32> {
        let b = self.buf.borrow();
        b[b.len().saturating_sub(n)..].to_vec()
    }

    pub fn pending_len(&self) -> usize {
        self.buf.borrow().len()
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
