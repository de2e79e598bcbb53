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

/// A User Timing entry `name` from `start` to `end` (performance.now() ms), for the
/// benchmarks (e.g. the cost of each recording chunk's save over a long interview).
pub fn measure(name: &str, start: f64, end: f64) {
    let Some(perf) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&opts, &"end".into(), &end.into());
    if let Ok(f) = js_sys::Reflect::get(&perf, &"measure".into()) {
        if let Ok(f) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f) {
            let _ = f.call2(&perf, &name.into(), &opts);
        }
    }
}
