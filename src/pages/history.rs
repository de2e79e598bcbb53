//! History: every past interview; open, delete one, delete all.

use crate::components::{Notice, StorageInfo};
use crate::session;
use interviewer_core::format;
use interviewer_core::record::{InterviewRecord, Status};
use interviewer_core::report::sort_history;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn confirm(msg: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(msg).ok())
        .unwrap_or(false)
}

#[component]
pub fn History() -> impl IntoView {
    let list = RwSignal::new(None::<Vec<InterviewRecord>>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match session::store().await {
                Ok(store) => match store.list_interviews().await {
                    Ok(mut v) => {
                        sort_history(&mut v);
                        list.set(Some(v));
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    reload();

    let delete_one = move |id: String| {
        if !confirm("Delete this interview and its recording? This cannot be undone.") {
            return;
        }
        spawn_local(async move {
            match session::store().await {
                Ok(store) => match store.delete_interview(&id).await {
                    Ok(()) => list.update(|l| {
                        if let Some(l) = l {
                            l.retain(|r| r.id != id)
                        }
                    }),
                    Err(e) => error.set(Some(e.to_string())),
                },
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let delete_all = move |_| {
        if !confirm(
            "Delete ALL interviews and recordings stored in this browser? This cannot be undone.",
        ) {
            return;
        }
        spawn_local(async move {
            match session::store().await {
                Ok(store) => match store.delete_all().await {
                    Ok(()) => list.set(Some(Vec::new())),
                    Err(e) => error.set(Some(e.to_string())),
                },
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <section class="card">
            <h1>"Past interviews"</h1>
            {move || error.get().map(|e| view! { <Notice kind="error"><p>{e}</p></Notice> })}
            {move || match list.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(v) if v.is_empty() => view! {
                    <p data-testid="history-empty">"No interviews yet. "<a href="#/">"Start your first one."</a></p>
                }.into_any(),
                Some(v) => view! {
                    <table class="history" data-testid="history-table">
                        <thead><tr>
                            <th scope="col">"Date"</th><th scope="col">"Track"</th><th scope="col">"Duration"</th>
                            <th scope="col">"Questions"</th><th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {v.into_iter().map(|r| {
                                let id = r.id.clone();
                                let status = match r.status {
                                    Status::Finished => "Complete",
                                    Status::Recovered => "Recovered",
                                    Status::Stopped => "Stopped early",
                                    Status::Recording => "Interrupted",
                                };
                                view! {
                                    <tr data-testid="history-row">
                                        <td>{format::date_time(r.created_ms, session::tz_offset_min())}</td>
                                        <td>{r.track.label()}</td>
                                        <td>{format::mmss(r.duration_ms)}</td>
                                        <td>{format!("{} of {}", r.spans.len(), r.questions.len())}</td>
                                        <td>{status}</td>
                                        <td class="row-actions">
                                            <a class="btn small" href=format!("#/report/{}", r.id)>"Open"</a>
                                            <button class="btn small danger" aria-label="Delete this interview"
                                                on:click=move |_| delete_one(id.clone())>"Delete"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="actions">
                        <button class="btn danger" data-testid="delete-all" on:click=delete_all>"Delete all"</button>
                    </div>
                }.into_any(),
            }}
            <StorageInfo/>
        </section>
    }
}
