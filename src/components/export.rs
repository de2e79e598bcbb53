//! Export controls: one file with the chosen interviews, with or without recordings.

use crate::session;
use crate::store::download;
use interviewer_core::export;
use leptos::prelude::*;

#[component]
pub fn ExportControls(
    /// The interviews to export, in order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    /// Button text, e.g. "Export this interview".
    label: &'static str,
    /// Goes into the file name: "" for one interview, "all-" for everything.
    what: &'static str,
    testid: &'static str,
    /// Always with the recordings, without the choice (a damaged interview's copy).
    #[prop(optional)]
    everything: bool,
) -> impl IntoView {
    let with_recordings = RwSignal::new(true);
    let export = Action::new_local(move |(ids, with): &(Vec<String>, bool)| {
        let (ids, with) = (ids.clone(), *with);
        async move {
            let store = session::store().await.map_err(|e| e.to_string())?;
            let now = session::now_ms();
            let blob = store
                .export(&ids, with, now)
                .await
                .map_err(|e| e.to_string())?;
            let name = export::file_name(now, session::tz_offset_min(), what);
            download(&blob, &name)?;
            Ok::<String, String>(format!(
                "Saved {name} ({:.1} MB, {} interview{}{}).",
                blob.size() / 1e6,
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                if with {
                    ", with recordings"
                } else {
                    ", without recordings"
                }
            ))
        }
    });
    let busy = export.pending();
    let status = export.value();
    let run = move |_| {
        let ids = ids.get_untracked();
        if !ids.is_empty() {
            export.dispatch_local((ids, with_recordings.get_untracked()));
        }
    };
    view! {
        <div class="export" data-testid=testid>
            {(!everything).then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || with_recordings.get()
                        on:change=move |ev| with_recordings.set(event_target_checked(&ev))
                        data-testid=format!("{testid}-recordings")/>
                    " Include the recordings"
                </label>
            })}
            <button class="btn" on:click=run disabled=move || busy.get() || ids.get().is_empty()
                data-testid=format!("{testid}-button")>{label}</button>
            {move || status.get().map(|s| match s {
                Ok(m) => view! { <p class="hint" role="status">{m}</p> }.into_any(),
                Err(e) => view! { <p class="notice notice-error" role="alert">{format!("Export failed: {e}")}</p> }.into_any(),
            })}
        </div>
    }
}
