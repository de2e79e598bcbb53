//! Offers to recover interviews that a closed or crashed tab left unfinished, never one
//! that another tab is still recording (its Web Lock is held; without Web Locks, its
//! heartbeat is recent).

use crate::components::Notice;
use crate::media::lock;
use crate::session;
use crate::state::navigate;
use interviewer_core::format;
use interviewer_core::record::InterviewRecord;
use interviewer_core::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn RecoveryBanner() -> impl IntoView {
    let unfinished = RwSignal::new(Vec::<InterviewRecord>::new());
    let error = RwSignal::new(None::<String>);
    // Runs once per page load, before any interview of this tab can start.
    spawn_local(async move {
        let res = async {
            let store = session::store().await?;
            store.flush_journal().await;
            store.list_heads().await
        }
        .await;
        let recording = lock::recording_ids().await;
        let now = session::now_ms();
        let live = |r: &InterviewRecord| match &recording {
            Some(ids) => ids.contains(&r.id),
            None => r.is_live(now),
        };
        match res {
            Ok(list) => unfinished.set(
                list.into_iter()
                    .filter(|r| r.is_unfinished() && !live(r))
                    .collect(),
            ),
            Err(e) => error.set(Some(e.to_string())),
        }
    });

    let recover = move |id: String| {
        spawn_local(async move {
            let res = async {
                let store = session::store().await?;
                let Some(mut rec) = store.get_interview(&id).await? else {
                    return Ok(None);
                };
                let chunks = store.chunk_metas(&id).await?;
                rec.recover(&chunks);
                store.put_interview(&rec).await?;
                Ok::<_, crate::store::StoreError>(Some(rec.id))
            }
            .await;
            match res {
                Ok(Some(rid)) => {
                    unfinished.update(|u| u.retain(|r| r.id != rid));
                    navigate(Route::Report(rid));
                }
                Ok(None) => unfinished.update(|u| u.retain(|r| r.id != id)),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let discard = move |id: String| {
        let ok = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Delete this interrupted interview and its recording?")
                    .ok()
            })
            .unwrap_or(false);
        if !ok {
            return;
        }
        spawn_local(async move {
            let res = async { session::store().await?.delete_interview(&id).await }.await;
            match res {
                Ok(()) => unfinished.update(|u| u.retain(|r| r.id != id)),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        {move || error.get().map(|e| view! { <Notice kind="error"><p>{e}</p></Notice> })}
        <For each=move || unfinished.get() key=|r| r.id.clone() let:rec>
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
                        <button class="btn primary" data-testid="recover" on:click=move |_| recover(id.clone())>"Recover it"</button>
                        " "
                        <button class="btn" on:click=move |_| discard(id2.clone())>"Discard"</button>
                    </Notice>
                }
            }
        </For>
    }
}
