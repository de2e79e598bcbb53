//! A Web Lock held while an interview records, so that another tab never offers to
//! "recover" it (the record's heartbeat, `InterviewRecord::is_live`, covers browsers
//! without Web Locks). Reached through `Reflect`: web-sys binds the API only behind its
//! unstable flag.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const PREFIX: &str = "ai-interviewer.recording.";

fn locks() -> Option<JsValue> {
    let nav = web_sys::window()?.navigator();
    Reflect::get(&nav, &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined())
}

/// Held until dropped.
pub struct RecordingLock {
    release: Function,
}

impl RecordingLock {
    /// Takes the lock of interview `id` (None where the browser has no Web Locks).
    pub fn take(id: &str) -> Option<RecordingLock> {
        let locks = locks()?;
        let request: Function = Reflect::get(&locks, &"request".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let mut release = None;
        // The lock is held until the promise the callback returns settles.
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        let cb = Closure::once_into_js(move |_lock: JsValue| held);
        // The request's own promise settles when the lock is released: nothing to do then.
        request
            .call2(&locks, &format!("{PREFIX}{id}").into(), &cb)
            .ok()?;
        release.map(|release| RecordingLock { release })
    }
}

impl Drop for RecordingLock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::NULL);
    }
}

/// Ids of the interviews some tab of this browser is recording now; None where the
/// browser cannot tell (no Web Locks).
pub async fn recording_ids() -> Option<Vec<String>> {
    let locks = locks()?;
    let query: Function = Reflect::get(&locks, &"query".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let p: Promise = query.call0(&locks).ok()?.dyn_into().ok()?;
    let snapshot = wasm_bindgen_futures::JsFuture::from(p).await.ok()?;
    let held = Reflect::get(&snapshot, &"held".into()).ok()?;
    let held: Array = held.dyn_into().ok()?;
    Some(
        held.iter()
            .filter_map(|l| Reflect::get(&l, &"name".into()).ok()?.as_string())
            .filter_map(|n| n.strip_prefix(PREFIX).map(str::to_string))
            .collect(),
    )
}
