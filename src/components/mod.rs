//! Small reusable views.

pub mod calibration;
pub mod charts;
mod export;
pub use export::ExportControls;
mod recovery;
pub use recovery::RecoveryBanner;

use crate::media::level::LevelMeter;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use web_sys::MediaStream;

/// A live microphone level bar (polls a Web Audio analyser ten times a second).
#[component]
pub fn MicLevel(stream: MediaStream) -> impl IntoView {
    let level = RwSignal::new(0.0f64);
    let meter = LevelMeter::new(&stream)
        .ok()
        .map(|m| Rc::new(RefCell::new(m)));
    let available = meter.is_some();
    if let Some(m) = meter {
        if let Ok(h) = set_interval_with_handle(
            move || level.set(m.borrow_mut().level()),
            Duration::from_millis(100),
        ) {
            on_cleanup(move || h.clear());
        }
    }
    view! {
        <div class="meter" role="meter" aria-label="Microphone level" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow=move || format!("{:.0}", level.get() * 100.0) data-testid="mic-level">
            <div class="meter-fill" style:width=move || format!("{:.0}%", level.get() * 100.0)></div>
        </div>
        <Show when=move || !available>
            <p class="hint">"Microphone level unavailable in this browser."</p>
        </Show>
    }
}

/// A message box; `kind` is "error", "warn" or "info".
#[component]
pub fn Notice(kind: &'static str, children: Children) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    view! { <div class=format!("notice notice-{kind}") role=role>{children()}</div> }
}

/// Storage used by the app and whether the browser keeps it under storage pressure.
#[component]
pub fn StorageInfo() -> impl IntoView {
    let info = LocalResource::new(|| async {
        let persisted = crate::store::request_persistence().await;
        (crate::store::storage_estimate().await, persisted)
    });
    view! {
        <p class="hint" data-testid="storage-info">
            {move || info.get().map(|(est, persisted)| {
                let used = match est {
                    Some((u, q)) => format!(
                        "Storage: {} used of {} available to this site.",
                        interviewer_core::format::bytes(u),
                        interviewer_core::format::bytes(q)
                    ),
                    None => "Storage use unknown.".to_string(),
                };
                let keep = if persisted {
                    " Kept persistently (the browser will not evict it)."
                } else {
                    " Not marked persistent: the browser may clear it when the disk is nearly full."
                };
                format!("{used}{keep}")
            })}
        </p>
    }
}
