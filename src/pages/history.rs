//! History: every past interview with its key figures, progress charts across interviews
//! (filtered by track), export, import and delete.

use crate::components::charts::draw_progress;
use crate::components::{ExportControls, Notice, StorageInfo};
use crate::session;
use crate::state::state;
use crate::store::Damaged;
use interviewer_core::progress::{self, KeyFigures};
use interviewer_core::questions::Track;
use interviewer_core::record::{InterviewRecord, Status};
use interviewer_core::route::Route;
use interviewer_core::{bounds, format};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

fn confirm(msg: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(msg).ok())
        .unwrap_or(false)
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Finished => "Complete",
        Status::Recovered => "Recovered",
        Status::Stopped => "Stopped early",
        Status::Recording => "Interrupted",
    }
}

fn dash<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "–".into())
}

#[component]
pub fn History() -> impl IntoView {
    let list = LocalResource::new(|| async {
        let store = session::store().await.map_err(|e| e.to_string())?;
        store.list_interviews().await.map_err(|e| e.to_string())
    });
    let track = RwSignal::new(None::<Track>);
    let records = Memo::new(move |_| list.get().and_then(Result::ok).map(|l| l.records));
    let damaged = Memo::new(move |_| {
        list.get()
            .and_then(Result::ok)
            .map(|l| l.damaged)
            .unwrap_or_default()
    });

    // Key figures of the shown interviews, oldest first (the charts' order).
    let figures = Memo::new(move |_| {
        records.with(|l| {
            l.as_ref()
                .map(|l| progress::progress(l, track.get()))
                .unwrap_or_default()
        })
    });
    let tracks = Memo::new(move |_| {
        records.with(|l| {
            l.as_ref()
                .map(|l| progress::tracks_present(l))
                .unwrap_or_default()
        })
    });
    let shown_ids = Signal::derive(move || {
        figures.with(|f| f.iter().rev().map(|k| k.id.clone()).collect::<Vec<_>>())
    });

    // Deleting, deleting all and importing change what is stored: the list is read again.
    let delete_one = Action::new_local(|id: &String| {
        let id = id.clone();
        async move { session::store().await?.delete_interview(&id).await }
    });
    let delete_all =
        Action::new_local(|_: &()| async { session::store().await?.delete_all().await });
    let import = Action::new_local(|file: &SendWrapper<web_sys::File>| {
        let file = file.clone();
        async move {
            let store = session::store().await.map_err(|e| e.to_string())?;
            let ask = |what: &str| {
                confirm(&format!(
                    "{what}. Import everything else and leave the damaged pieces out? \
                     The replay will jump where they were."
                ))
            };
            let i = store
                .import(&file, ask, session::tz_offset_min())
                .await
                .map_err(|e| format!("Nothing was imported from {}. {e}", file.name()))?;
            Ok::<String, String>(format!(
                "Imported {} from {}: {} new, {} replaced{}{}.",
                if i.added + i.replaced == 1 {
                    "1 interview".to_string()
                } else {
                    format!("{} interviews", i.added + i.replaced)
                },
                file.name(),
                i.added,
                i.replaced,
                if i.with_recordings {
                    ", with recordings"
                } else {
                    ", without recordings"
                },
                match i.skipped_pieces {
                    0 => String::new(),
                    1 => ", 1 damaged recording piece left out".to_string(),
                    n => format!(", {n} damaged recording pieces left out"),
                }
            ))
        }
    });
    Effect::new(move |prev: Option<(usize, usize, usize)>| {
        let now = (
            delete_one.version().get(),
            delete_all.version().get(),
            import.version().get(),
        );
        if prev.is_some_and(|p| p != now) {
            list.refetch();
        }
        now
    });
    let error = Memo::new(move |_| {
        let failed = |r: Option<Result<(), crate::store::StoreError>>| {
            r.and_then(|r| r.err()).map(|e| e.to_string())
        };
        list.get()
            .and_then(|r| r.err())
            .or_else(|| failed(delete_one.value().get()))
            .or_else(|| failed(delete_all.value().get()))
    });
    let import_msg = Memo::new(move |_| {
        if import.pending().get() {
            return Some(Ok("Importing…".to_string()));
        }
        import.value().get().map(|r| r.map_err(|e| e.to_string()))
    });

    let ask_delete_one = move |id: String| {
        if confirm("Delete this interview and its recording? This cannot be undone.") {
            delete_one.dispatch_local(id);
        }
    };
    let ask_delete_all = move |_| {
        if confirm(
            "Delete ALL interviews and recordings stored in this browser? This cannot be undone.",
        ) {
            delete_all.dispatch_local(());
        }
    };
    let choose_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Cleared so that choosing the same file again fires a change.
        input.set_value("");
        import.dispatch_local(SendWrapper::new(file));
    };

    view! {
        <section class="card">
            <h1>"Past interviews"</h1>
            {move || error.get().map(|e| view! { <Notice kind="error"><p>{e}</p></Notice> })}
            <div class="toolbar no-print">
                <label class="btn" data-testid="import-label">
                    "Import interviews…"
                    <input type="file" class="sr-only" accept=format!(".{}", interviewer_core::export::EXTENSION)
                        data-testid="import-file" on:change=choose_file/>
                </label>
                {move || (tracks.get().len() > 1).then(|| view! {
                    <label class="filter">"Track "
                        <select data-testid="track-filter" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            track.set(Track::ALL.into_iter().find(|t| t.slug() == v));
                        }>
                            <option value="" selected=move || track.get().is_none()>"All tracks"</option>
                            {tracks.get().into_iter().map(|t| view! {
                                <option value=t.slug() selected=move || track.get() == Some(t)>{t.label()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
            </div>
            {move || import_msg.get().map(|m| match m {
                Ok(m) => view! { <Notice kind="info"><p data-testid="import-message">{m}</p></Notice> }.into_any(),
                Err(e) => view! { <Notice kind="error"><p data-testid="import-message">{e}</p></Notice> }.into_any(),
            })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || (!damaged.get().is_empty()).then(|| view! {
                <DamagedList damaged=damaged.into() delete_one=Callback::new(ask_delete_one)/>
            })}
            {move || match records.get() {
                None => ().into_any(),
                Some(v) if v.is_empty() && damaged.with(|d| !d.is_empty()) => ().into_any(),
                Some(v) if v.is_empty() => view! {
                    <p data-testid="history-empty">"No interviews yet. "<a href="#/">"Start your first one."</a></p>
                }.into_any(),
                Some(_) => view! {
                    <Progress figures=figures.into()/>
                    <HistoryTable figures=figures.into() list=records.into() delete_one=Callback::new(ask_delete_one)/>
                    <div class="actions no-print">
                        <ExportControls ids=shown_ids label="Export the interviews shown" what="all-" testid="export-all"/>
                        <button class="btn danger" data-testid="delete-all" on:click=ask_delete_all
                            disabled=move || delete_all.pending().get()>"Delete all"</button>
                    </div>
                }.into_any(),
            }}
            // Re-read after an import or a delete changes what is stored.
            {move || {
                records.with(|_| ());
                view! { <StorageInfo/> }
            }}
            </Suspense>
        </section>
    }
}

/// Interviews that fail the record checks: what is wrong, and export or delete. Never
/// opened: a damaged record must not take the page down.
#[component]
fn DamagedList(damaged: Signal<Vec<Damaged>>, delete_one: Callback<String>) -> impl IntoView {
    view! {
        <div class="damaged" data-testid="damaged-list">
            <Notice kind="warn">
                <p>"Some interviews stored in this browser are damaged and cannot be opened. \
                    Export keeps a copy of what is stored (a later version of the app may read it); \
                    Delete removes it."</p>
            </Notice>
            <ul>
                {move || damaged.get().into_iter().map(|d| {
                    let id = d.id.clone();
                    let ids = vec![d.id.clone()];
                    view! {
                        <li data-testid="damaged-row">
                            <span>{d.created_ms
                                .filter(|c| (bounds::MIN_DATE_MS..=bounds::MAX_DATE_MS).contains(c))
                                .map(|c| format::date_time(c, session::tz_offset_min()))
                                .unwrap_or_else(|| "Unknown date".into())}</span>
                            " · "<span class="hint">{d.reason.clone()}</span>
                            <ExportControls ids=Signal::derive(move || ids.clone()) label="Export"
                                what="damaged-" testid="damaged-export" everything=true/>
                            <button class="btn small danger" aria-label="Delete this damaged interview"
                                on:click=move |_| delete_one.run(id.clone())>"Delete"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn HistoryTable(
    figures: Signal<Vec<KeyFigures>>,
    list: Signal<Option<Vec<InterviewRecord>>>,
    delete_one: Callback<String>,
) -> impl IntoView {
    let status_of = move |id: &str| {
        list.with(|l| {
            l.as_ref()
                .and_then(|l| l.iter().find(|r| r.id == id))
                .map(|r| status_label(r.status))
                .unwrap_or("")
        })
    };
    view! {
        // Ten figure columns: on a narrow window the table scrolls inside the card.
        <div class="table-scroll">
        <table class="history" id="history-table" data-testid="history-table">
            <caption class="sr-only">"Past interviews, newest first, with their key figures"</caption>
            <thead><tr>
                <th scope="col">"Date"</th><th scope="col">"Track"</th><th scope="col">"Duration"</th>
                <th scope="col">"Questions"</th><th scope="col">"Pace"</th><th scope="col">"Fillers / 100 words"</th>
                <th scope="col">"Looking at the screen"</th><th scope="col">"Long pauses / answer"</th>
                <th scope="col">"STAR parts"</th><th scope="col">"Talking points"</th>
                <th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {move || figures.get().into_iter().rev().map(|k| {
                    let id = k.id.clone();
                    view! {
                        <tr data-testid="history-row">
                            <td>{format::date_time(k.created_ms, session::tz_offset_min())}</td>
                            <td>{k.track.label()}</td>
                            <td>{format::mmss(k.duration_ms)}</td>
                            <td>{format!("{} of {}", k.answered, k.planned)}</td>
                            <td data-testid="history-pace">{dash(k.wpm, |w| format!("{w:.0} wpm"))}</td>
                            <td>{dash(k.fillers_per_100_words, |f| format!("{f:.1}"))}</td>
                            <td>{dash(k.centre_share, |c| format!("{:.0}%", c * 100.0))}</td>
                            <td>{dash(k.long_pauses_per_answer, |p| format!("{p:.1}"))}</td>
                            <td>{dash(k.star_share, |p| format!("{:.0}%", p * 100.0))}</td>
                            <td>{dash(k.points_share, |p| format!("{:.0}%", p * 100.0))}</td>
                            <td>{status_of(&k.id)}</td>
                            <td class="row-actions no-print">
                                <a class="btn small" href=Route::Report(k.id.clone()).hash()>"Open"</a>
                                <button class="btn small danger" aria-label="Delete this interview"
                                    on:click=move |_| delete_one.run(id.clone())>"Delete"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// Progress charts across the shown interviews (at least two needed to show a trend).
#[component]
fn Progress(figures: Signal<Vec<KeyFigures>>) -> impl IntoView {
    let band = state().settings.with_untracked(|s| s.pace_band);
    let labels = move || {
        figures.with(|f| {
            f.iter()
                .map(|k| {
                    let d = format::date_time(k.created_ms, session::tz_offset_min());
                    d.get(5..10).unwrap_or(&d).to_string()
                })
                .collect::<Vec<_>>()
        })
    };
    let series = move |pick: fn(&KeyFigures) -> Option<f64>| {
        figures.with(|f| f.iter().map(pick).collect::<Vec<_>>())
    };
    let chart = move |title: &'static str,
                      testid: &'static str,
                      pick: fn(&KeyFigures) -> Option<f64>,
                      band: Option<(f64, f64)>,
                      fmt: fn(f64) -> String| {
        let canvas = NodeRef::<leptos::html::Canvas>::new();
        Effect::new(move |_| {
            let values = series(pick);
            let l = labels();
            if let Some(c) = canvas.get() {
                draw_progress(&c, &values, &l, band, fmt, 120.0);
            }
        });
        let change = move || {
            progress::change(&series(pick))
                .map(|(a, b)| format!("{} → {}", fmt(a), fmt(b)))
                .unwrap_or_else(|| "not enough data yet".into())
        };
        view! {
            <figure class="progress-chart" data-testid=testid>
                <figcaption>{title}<span class="hint">{move || format!(" · first to latest: {}", change())}</span></figcaption>
                <canvas node_ref=canvas role="img" style:height="120px"
                    aria-label=format!("{title} across interviews, oldest first; the numbers are in the table below")
                    aria-describedby="history-table"></canvas>
            </figure>
        }
    };
    view! {
        {move || (figures.with(|f| f.len()) >= 2).then(|| view! {
            <h2>"Progress"</h2>
            <div class="progress-grid">
                {chart("Pace (words/min)", "progress-pace", |k| k.wpm, Some((band.low, band.high)), |v| format!("{v:.0}"))}
                {chart("Fillers per 100 words", "progress-fillers", |k| k.fillers_per_100_words, None, |v| format!("{v:.1}"))}
                {chart("Looking at the screen centre", "progress-focus", |k| k.centre_share.map(|c| c as f64 * 100.0), None, |v| format!("{v:.0}%"))}
                {chart("Long pauses per answer", "progress-pauses", |k| k.long_pauses_per_answer, None, |v| format!("{v:.1}"))}
                {chart("STAR parts in story answers", "progress-star", |k| k.star_share.map(|p| p * 100.0), None, |v| format!("{v:.0}%"))}
                {chart("Talking points covered", "progress-points", |k| k.points_share.map(|p| p * 100.0), None, |v| format!("{v:.0}%"))}
            </div>
        })}
    }
}
