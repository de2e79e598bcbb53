//! Browser objects shared between pages. They are not `Send`, so they live in
//! thread-locals (wasm has one thread) rather than in reactive signals.

use crate::store::{Store, StoreError};
use std::cell::RefCell;
use web_sys::MediaStream;

thread_local! {
    static STREAM: RefCell<Option<MediaStream>> = const { RefCell::new(None) };
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

/// Hands the camera/microphone stream from Setup to the Interview page.
pub fn set_stream(s: Option<MediaStream>) {
    STREAM.with(|c| {
        if let Some(old) = c.replace(s) {
            crate::media::camera::stop_stream(&old);
        }
    });
}

pub fn stream() -> Option<MediaStream> {
    STREAM.with(|c| c.borrow().clone())
}

/// Releases the camera and microphone (the browser's recording light goes off).
pub fn release_stream() {
    set_stream(None);
}

/// The database, opened once per page load.
pub async fn store() -> Result<Store, StoreError> {
    if let Some(s) = STORE.with(|c| c.borrow().clone()) {
        return Ok(s);
    }
    let s = Store::open().await?;
    STORE.with(|c| *c.borrow_mut() = Some(s.clone()));
    Ok(s)
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(now_ms)
}

pub fn tz_offset_min() -> f64 {
    js_sys::Date::new_0().get_timezone_offset()
}

/// A fresh interview id: time plus randomness, letters/digits/'-' only.
pub fn new_id() -> String {
    let r = (js_sys::Math::random() * 1e9) as u64;
    format!("iv-{}-{r:x}", now_ms() as u64)
}

const PACE_BAND_KEY: &str = "ai-interviewer.pace-band";

/// The user's target pace band (localStorage; the default when unset or unreadable).
pub fn pace_band() -> interviewer_core::advice::PaceBand {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(PACE_BAND_KEY).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

pub fn save_pace_band(b: interviewer_core::advice::PaceBand) -> Result<(), String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or("this browser blocks local storage")?
        .set_item(
            PACE_BAND_KEY,
            &serde_json::to_string(&b).unwrap_or_default(),
        )
        .map_err(|_| "the setting could not be stored (storage full or blocked)".to_string())
}
