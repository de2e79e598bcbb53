//! What a panic leaves on screen. A panic in Rust/wasm leaves the app's state half-changed
//! (a RefCell still borrowed, a signal mid-update), so nothing of the app may run after it:
//! this hook writes a plain DOM overlay, with no Leptos, over the page: what happened, that
//! the interviews are safe (recording chunks are written as they arrive, and an
//! interrupted interview is offered for recovery after a reload), a Reload button, and the
//! details for the console and for a copyable bug report.

use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

static SHOWN: AtomicBool = AtomicBool::new(false);

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // Later panics (the recorder's callbacks keep firing) add nothing new.
        if !SHOWN.swap(true, Ordering::SeqCst) {
            show(&details(&info.to_string()));
        }
    }));
}

/// What a bug report needs, and nothing of the user's interviews.
fn details(message: &str) -> String {
    let w = web_sys::window();
    let href = w
        .as_ref()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let agent = w
        .as_ref()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    format!(
        "AI Interviewer {} panicked\nat: {}\npage: {href}\nbrowser: {agent}\n\n{message}",
        env!("CARGO_PKG_VERSION"),
        js_sys::Date::new_0().to_iso_string(),
    )
}

fn show(details: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let el = |tag: &str, text: &str| {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content((!text.is_empty()).then_some(text));
        Some(e)
    };
    let Some(overlay) = el("div", "") else { return };
    overlay.set_id("crash");
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-modal", "true");
    let _ = overlay.set_attribute("aria-labelledby", "crash-title");
    let _ = overlay.set_attribute("data-testid", "crash");
    let parts = (|| {
        let card = el("div", "")?;
        card.set_class_name("crash-card");
        let title = el("h1", "Something went wrong. Your interviews are safe.")?;
        title.set_id("crash-title");
        let text = el(
            "p",
            "The app stopped because of an error in its own code, not anything you did. \
             Everything already saved is kept, including an interview being recorded up to \
             the last second: after a reload it is offered for recovery. Reload to go on.",
        )?;
        let reload = el("button", "Reload")?;
        reload.set_class_name("btn primary");
        let _ = reload.set_attribute("data-testid", "crash-reload");
        let more = el("details", "")?;
        let summary = el("summary", "Details for a bug report (no interview data)")?;
        let area = el("textarea", "")?;
        let _ = area.set_attribute("readonly", "");
        let _ = area.set_attribute("rows", "8");
        let _ = area.set_attribute("data-testid", "crash-details");
        area.set_text_content(Some(details));
        let copy = el("button", "Copy")?;
        copy.set_class_name("btn small");
        more.append_with_node_3(&summary, &area, &copy).ok()?;
        card.append_with_node_4(&title, &text, &reload, &more)
            .ok()?;
        overlay.append_child(&card).ok()?;
        Some((reload, copy))
    })();
    let _ = body.append_child(&overlay);
    let Some((reload, copy)) = parts else { return };
    // These closures touch nothing of the app's state: only the browser's.
    let on_reload = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let _ = reload.add_event_listener_with_callback("click", on_reload.as_ref().unchecked_ref());
    on_reload.forget();
    let text = details.to_string();
    let on_copy = Closure::<dyn Fn()>::new(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
    });
    let _ = copy.add_event_listener_with_callback("click", on_copy.as_ref().unchecked_ref());
    on_copy.forget();
    if let Ok(b) = reload.dyn_into::<web_sys::HtmlElement>() {
        let _ = b.focus();
    }
}
