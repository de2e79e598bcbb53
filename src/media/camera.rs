//! getUserMedia and enumerateDevices, with errors turned into messages a person can act on.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaDeviceInfo, MediaDeviceKind, MediaStream, MediaStreamConstraints, MediaTrackConstraints,
};

#[derive(Clone, Debug, PartialEq)]
pub enum MediaError {
    /// The user or the browser's settings refused access.
    Denied,
    /// No camera / microphone is connected.
    NotFound,
    /// Another application holds the device.
    Busy,
    /// getUserMedia needs HTTPS or localhost.
    Insecure,
    Other(String),
}

impl MediaError {
    pub fn from_js(err: &JsValue) -> MediaError {
        let name = Reflect::get(err, &"name".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => MediaError::Denied,
            "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => {
                MediaError::NotFound
            }
            "NotReadableError" | "TrackStartError" | "AbortError" => MediaError::Busy,
            _ => MediaError::Other(
                Reflect::get(err, &"message".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_else(|| format!("{err:?}")),
            ),
        }
    }

    pub fn message(&self) -> String {
        match self {
            MediaError::Denied => "Camera and microphone access is blocked. Allow it for this site \
                 (the camera icon in the address bar, or the browser's site settings), then press Retry."
                .into(),
            MediaError::NotFound => "No camera or microphone was found. Connect one and press Retry, \
                 or continue with what is available."
                .into(),
            MediaError::Busy => "The camera or microphone is in use by another application. \
                 Close it (video calls, other tabs), then press Retry."
                .into(),
            MediaError::Insecure => "The browser only allows the camera on a secure page (https:// or localhost).".into(),
            MediaError::Other(m) => format!("The camera or microphone could not be started: {m}"),
        }
    }
}

/// Which devices to ask for: `None` leaves one out, `Some("")` takes the default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceChoice {
    pub video: Option<String>,
    pub audio: Option<String>,
}

fn track_constraints(device_id: &str, video: bool) -> JsValue {
    let c = MediaTrackConstraints::new();
    if !device_id.is_empty() {
        c.set_device_id(&JsValue::from_str(device_id));
    }
    if video {
        c.set_width(&JsValue::from_f64(640.0));
        c.set_height(&JsValue::from_f64(480.0));
    } else {
        c.set_echo_cancellation(&JsValue::TRUE);
        c.set_noise_suppression(&JsValue::TRUE);
    }
    c.into()
}

pub async fn open_stream(choice: &DeviceChoice) -> Result<MediaStream, MediaError> {
    let window = web_sys::window().ok_or(MediaError::Other("no window".into()))?;
    if !window.is_secure_context() {
        return Err(MediaError::Insecure);
    }
    let devices = window
        .navigator()
        .media_devices()
        .map_err(|_| MediaError::Insecure)?;
    let c = MediaStreamConstraints::new();
    c.set_video(
        &choice
            .video
            .as_deref()
            .map(|d| track_constraints(d, true))
            .unwrap_or(JsValue::FALSE),
    );
    c.set_audio(
        &choice
            .audio
            .as_deref()
            .map(|d| track_constraints(d, false))
            .unwrap_or(JsValue::FALSE),
    );
    let p = devices
        .get_user_media_with_constraints(&c)
        .map_err(|e| MediaError::from_js(&e))?;
    let s = JsFuture::from(p)
        .await
        .map_err(|e| MediaError::from_js(&e))?;
    s.dyn_into::<MediaStream>()
        .map_err(|e| MediaError::from_js(&e))
}

pub fn stop_stream(stream: &MediaStream) {
    for t in stream.get_tracks().iter() {
        if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
            t.stop();
        }
    }
}

pub fn has_video(stream: &MediaStream) -> bool {
    stream.get_video_tracks().length() > 0
}

pub fn has_audio(stream: &MediaStream) -> bool {
    stream.get_audio_tracks().length() > 0
}

/// The device id behind a stream's first track of a kind.
pub fn track_device_id(stream: &MediaStream, video: bool) -> Option<String> {
    let tracks = if video {
        stream.get_video_tracks()
    } else {
        stream.get_audio_tracks()
    };
    let t: web_sys::MediaStreamTrack = tracks.get(0).dyn_into().ok()?;
    let settings = t.get_settings();
    Reflect::get(&settings, &"deviceId".into())
        .ok()?
        .as_string()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub id: String,
    pub label: String,
    pub video: bool,
}

pub async fn list_devices() -> Vec<Device> {
    let Some(md) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
        return Vec::new();
    };
    let Ok(p) = md.enumerate_devices() else {
        return Vec::new();
    };
    let Ok(list) = JsFuture::from(p).await else {
        return Vec::new();
    };
    let list: js_sys::Array = list.unchecked_into();
    let mut out = Vec::new();
    for (i, d) in list.iter().enumerate() {
        let Ok(d) = d.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        let video = match d.kind() {
            MediaDeviceKind::Videoinput => true,
            MediaDeviceKind::Audioinput => false,
            _ => continue,
        };
        let label = if d.label().is_empty() {
            format!("{} {}", if video { "Camera" } else { "Microphone" }, i + 1)
        } else {
            d.label()
        };
        out.push(Device {
            id: d.device_id(),
            label,
            video,
        });
    }
    out
}
