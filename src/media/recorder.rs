//! MediaRecorder with a short timeslice, so every second of the interview reaches
//! IndexedDB as it is recorded.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobEvent, MediaRecorder, MediaRecorderOptions, MediaStream};

/// Milliseconds of media per chunk handed to storage (the issue allows at most 2 s).
pub const TIMESLICE_MS: i32 = 1000;

const VIDEO_TYPES: &[&str] = &[
    "video/webm;codecs=vp9,opus",
    "video/webm;codecs=vp8,opus",
    "video/webm",
    "video/mp4;codecs=avc1,mp4a",
    "video/mp4",
];
const AUDIO_TYPES: &[&str] = &[
    "audio/webm;codecs=opus",
    "audio/webm",
    "audio/mp4",
    "audio/ogg;codecs=opus",
];

/// First MIME type the browser can record for this kind of stream.
pub fn pick_mime(video: bool) -> Option<&'static str> {
    let list = if video { VIDEO_TYPES } else { AUDIO_TYPES };
    list.iter()
        .copied()
        .find(|t| MediaRecorder::is_type_supported(t))
}

pub struct Recorder {
    inner: MediaRecorder,
    pub mime: String,
    _on_data: Closure<dyn FnMut(BlobEvent)>,
    _on_stop: Closure<dyn FnMut(web_sys::Event)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Recorder {
    /// Starts recording. `on_chunk` gets each non-empty piece in order; `on_stop` runs once
    /// after the last piece; `on_error` gets a message if the recorder fails.
    pub fn start(
        stream: &MediaStream,
        mut on_chunk: impl FnMut(Blob) + 'static,
        on_stop: impl FnOnce() + 'static,
        on_error: impl FnMut(String) + 'static,
    ) -> Result<Recorder, String> {
        let video = stream.get_video_tracks().length() > 0;
        let mime =
            pick_mime(video).ok_or("This browser cannot record audio or video (MediaRecorder).")?;
        let opts = MediaRecorderOptions::new();
        opts.set_mime_type(mime);
        if video {
            opts.set_video_bits_per_second(1_000_000);
        }
        opts.set_audio_bits_per_second(64_000);
        let inner = MediaRecorder::new_with_media_stream_and_media_recorder_options(stream, &opts)
            .map_err(|e| format!("{e:?}"))?;
        let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |e: BlobEvent| {
            if let Some(b) = e.data() {
                if b.size() > 0.0 {
                    on_chunk(b);
                }
            }
        });
        let mut on_stop = Some(on_stop);
        let on_stop = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(f) = on_stop.take() {
                f();
            }
        });
        let mut on_error = on_error;
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let msg = js_sys::Reflect::get(&e, &"error".into())
                .ok()
                .and_then(|er| js_sys::Reflect::get(&er, &"message".into()).ok())
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "recording failed".into());
            on_error(msg);
        });
        inner.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        inner.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
        inner.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        inner
            .start_with_time_slice(TIMESLICE_MS)
            .map_err(|e| format!("{e:?}"))?;
        Ok(Recorder {
            inner,
            mime: mime.to_string(),
            _on_data: on_data,
            _on_stop: on_stop,
            _on_error: on_error,
        })
    }

    pub fn is_recording(&self) -> bool {
        self.inner.state() == web_sys::RecordingState::Recording
    }

    /// Stops; the final chunk and then `on_stop` follow asynchronously.
    pub fn stop(&self) {
        if self.inner.state() != web_sys::RecordingState::Inactive {
            let _ = self.inner.stop();
        }
    }
}
