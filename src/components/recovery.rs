//! Offers to recover interviews that a closed or crashed tab left unfinished, never one
//! that another tab is still recording (its Web Lock is held; without Web Locks, its
//! heartbeat is recent).

use crate::components::Notice;
use crate::media::lock;
use crate::session;
use crate::state::navigate;
use crate::store::StoreError;
use interviewer_core::format;
use interviewer_core::record::InterviewRecord;
use interviewer_core::route::Route;
use leptos::prelude::*;

/// The unfinished interviews no tab is recording.
async fn interrupted() -> Result<Vec<InterviewRecord>, StoreError> {
    let store = session::store().await?;
    store.flush_journal().await;
    let heads = store.list_heads().await?;
    let recording = lock::recording_ids().await;
    let now = session::now_ms();
    let live = |r: &InterviewRecord| match &recording {
        Some(ids) => ids.contains(&r.id),
        None => r.is_live(now),
    };
    Ok(heads
        .into_iter()
        .filter(|r| r.is_unfinished() && !live(r))
        .collect())
}

#[component]
pub fn RecoveryBanner() -> impl IntoView {
    // Read once per page load, before any interview of this tab can start.
    let found = LocalResource::new(interrupted);
    // Recovered or discarded here: no longer offered.
    let done = RwSignal::new(Vec::<String>::new());
    let recover = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let store = session::store().await?;
            if let Some(mut rec) = store.get_interview(&id).await? {
                let chunks = store.chunk_metas(&id).await?;
                rec.recover(&chunks);
                store.put_interview(&rec).await?;
                navigate(Route::Report(rec.id));
            }
            done.update(|d| d.push(id));
            Ok::<(), StoreError>(())
        }
    });
    let discard = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            session::store().await?.delete_interview(&id).await?;
            done.update(|d| d.push(id));
            Ok::<(), StoreError>(())
        }
    });
    let ask_discard = move |id: String| {
        let ok = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Delete this interrupted interview and its recording?")
                    .ok()
            })
            .unwrap_or(false);
        if ok {
            discard.dispatch_local(id);
        }
    };
    let error = move || {
        let failed = |r: Option<Result<(), StoreError>>| r.and_then(|r| r.err());
        found
            .get()
            .and_then(|r| r.err())
            .or_else(|| failed(recover.value().get()))
            .or_else(|| failed(discard.value().get()))
            .map(|e| e.to_string())
    };
    let offered = move || {
        let done = done.get();
        found
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|r| !done.contains(&r.id))
            .collect::<Vec<_>>()
    };

    view! {
        {move || error().map(|e| view! { <Notice kind="error"><p>{e}</p></Notice> })}
        <For each=offered key=|r| r.id.clone() let:rec>
            {
                let id = rec.id.clone();
                let id2 = rec.id.clone();
                view! {
                    <Notice kind="warn">
                        <p data-testid="recover-banner">
                            {format!(
                                "An interview from {} was interrupted (the tab was closed or crashed). {} of recording in {} pieces was saved.",
                                format::date_time(rec.created_ms, session::tz_offset_min()),
                                format::mmss(rec.duration_ms),
                                rec.chunk_count
                            )}
                        </p>
                        <button class="btn primary" data-testid="recover" disabled=move || recover.pending().get()
                            on:click=move |_| { recover.dispatch_local(id.clone()); }>"Recover it"</button>
                        " "
                        <button class="btn" on:click=move |_| ask_discard(id2.clone())>"Discard"</button>
                    </Notice>
                }
            }
        </For>
    }
}
