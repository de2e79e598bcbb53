//! Home: choose an interview, recover an interrupted one.

use crate::components::{Notice, StorageInfo};
use crate::session;
use crate::state::{navigate, state, Plan};
use interviewer_core::content::terms;
use interviewer_core::questions::{
    by_id, parse_custom_questions, plan_questions, search, PlannedQuestion, Track,
};
use interviewer_core::route::Route;
use leptos::prelude::*;

/// Terms as the user left them: one per line (commas also split), lowercase, once each.
fn parse_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split(['\n', ',', ';']) {
        let t = t.trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

#[component]
pub fn Home() -> impl IntoView {
    let st = state();
    let track = RwSignal::new(Track::General);
    let count = RwSignal::new(3usize);
    let limit = RwSignal::new(0u32);
    let settings = st.settings;
    // The user's saved custom questions (saved with the settings as they are typed).
    let custom_text = Signal::derive(move || settings.with(|s| s.custom_questions.clone()));
    let error = RwSignal::new(None::<String>);
    // An interview built from a pasted job posting: its key terms pick the questions.
    let from_job = RwSignal::new(false);
    // Questions chosen one by one from the bank (browse and search), by id, in order.
    let picking = RwSignal::new(false);
    let picked = RwSignal::new(Vec::<&'static str>::new());
    let job_text = Signal::derive(move || settings.with(|s| s.job_posting.clone()));
    let job_terms_text = Signal::derive(move || settings.with(|s| s.job_terms.clone()));
    let find_terms = move || {
        let found = terms::extract(&job_text.get_untracked(), 15);
        let list: Vec<String> = found.into_iter().map(|k| k.term).collect();
        settings.update(|s| s.job_terms = list.join("\n"));
    };

    let start = move |_| {
        if picking.get_untracked() {
            let ids = picked.get_untracked();
            let questions: Vec<PlannedQuestion> = ids
                .iter()
                .filter_map(|id| by_id(id))
                .map(|q| PlannedQuestion::from_bank(q, limit.get_untracked()))
                .collect();
            let Some(first) = ids.first().and_then(|id| by_id(id)) else {
                error.set(Some("Choose at least one question from the list.".into()));
                return;
            };
            st.plan.set(Some(Plan {
                track: first.track,
                questions,
                job_terms: Vec::new(),
            }));
            navigate(Route::Setup);
            return;
        }
        if from_job.get_untracked() {
            let mut job_terms = parse_terms(&job_terms_text.get_untracked());
            if job_terms.is_empty() {
                find_terms();
                job_terms = parse_terms(&job_terms_text.get_untracked());
            }
            if job_terms.is_empty() {
                error.set(Some(
                    "Paste a job posting (or write its key terms, one per line) to build an interview from it.".into(),
                ));
                return;
            }
            let (track, questions) = terms::plan_for_job(
                &job_terms,
                count.get_untracked(),
                limit.get_untracked(),
                session::now_ms() as u64,
            );
            st.plan.set(Some(Plan {
                track,
                questions,
                job_terms,
            }));
            navigate(Route::Setup);
            return;
        }
        let custom = parse_custom_questions(&custom_text.get_untracked());
        if track.get_untracked() == Track::Custom && custom.is_empty() {
            error.set(Some(
                "Write at least one question (one per line) for \"My own questions\".".into(),
            ));
            return;
        }
        let questions = plan_questions(
            track.get_untracked(),
            count.get_untracked(),
            limit.get_untracked(),
            &custom,
            session::now_ms() as u64,
        );
        st.plan.set(Some(Plan {
            track: track.get_untracked(),
            questions,
            job_terms: Vec::new(),
        }));
        navigate(Route::Setup);
    };

    view! {
        <section class="card hero">
            <h1>"Practise interviews, privately"</h1>
            <p>"Answer questions on camera, then replay your answers with timings. Everything is recorded and stored only in this browser."</p>
        </section>

        {move || error.get().map(|e| view! { <Notice kind="error"><p>{e}</p></Notice> })}

        <section class="card">
            <h2>"New interview"</h2>
            <div class="form-grid">
                <label for="track">"Interview track"</label>
                <select id="track" data-testid="track" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    from_job.set(v == "job");
                    picking.set(v == "pick");
                    if let Some(t) = Track::from_slug(&v) { track.set(t) }
                }>
                    {Track::ALL.into_iter().map(|t| view! {
                        <option value=t.slug() selected=move || !from_job.get() && !picking.get() && track.get() == t>{t.label()}</option>
                    }).collect_view()}
                    <option value="job" selected=move || from_job.get()>"From a job posting (paste it below)"</option>
                    <option value="pick" selected=move || picking.get()>"Questions I choose from the bank"</option>
                </select>

                <Show when=move || picking.get()>
                    <span class="form-label">"Questions"</span>
                    <BankPicker picked=picked/>
                </Show>
                <Show when=move || from_job.get()>
                    <label for="job">"Job posting (stays on this device)"</label>
                    <div>
                        <textarea id="job" data-testid="job-posting" rows="6" prop:value=move || job_text.get()
                            on:input=move |ev| settings.update(|s| s.job_posting = event_target_value(&ev))
                            placeholder="Paste the whole posting: title, duties, requirements."></textarea>
                        <button class="btn small" data-testid="find-terms" on:click=move |_| find_terms()>"Find its key terms"</button>
                    </div>
                    <label for="job-terms">"Key terms (one per line; edit freely)"</label>
                    <div>
                        <textarea id="job-terms" data-testid="job-terms" rows="5" prop:value=move || job_terms_text.get()
                            on:input=move |ev| settings.update(|s| s.job_terms = event_target_value(&ev))></textarea>
                        <p class="hint">"Found by counting the posting's phrases, leaving out words every posting uses (experience, team, role…) and counting twice those interviewers listen for. They pick the questions, and the report shows which of them each answer used."</p>
                    </div>
                </Show>

                <Show when=move || !picking.get()>
                    <label for="count">"Number of questions"</label>
                    <select id="count" data-testid="count" on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse() { count.set(n) }
                    }>
                        {(1..=10usize).map(|n| view! {
                            <option value=n.to_string() selected=move || count.get() == n>{n}</option>
                        }).collect_view()}
                    </select>
                </Show>

                <label for="limit">"Time per answer"</label>
                <select id="limit" data-testid="limit" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() { limit.set(n) }
                }>
                    {[(0u32, "Suggested for each question"), (30, "30 seconds"), (60, "1 minute"), (90, "1.5 minutes"), (120, "2 minutes"), (180, "3 minutes")]
                        .into_iter().map(|(v, l)| view! {
                            <option value=v.to_string() selected=move || limit.get() == v>{l}</option>
                        }).collect_view()}
                </select>

                <label for="custom">"Your own questions (one per line, optional; talking points after a |, separated by ;)"</label>
                <textarea id="custom" rows="3" prop:value=move || custom_text.get()
                    on:input=move |ev| settings.update(|s| s.custom_questions = event_target_value(&ev))
                    placeholder="e.g. Why do you want to work for us?"></textarea>

                <label for="follow-ups">"Follow-up questions"</label>
                <label class="inline"><input id="follow-ups" type="checkbox" data-testid="follow-ups" prop:checked=move || settings.with(|s| s.follow_ups)
                    on:change=move |ev| settings.update(|s| s.follow_ups = event_target_checked(&ev))/>
                    " Ask one when a story answer misses what you did or how it ended (needs a transcript)"</label>

                <label for="mute">"Read questions aloud"</label>
                <input id="mute" type="checkbox" prop:checked=move || !settings.with(|s| s.muted)
                    on:change=move |ev| settings.update(|s| s.muted = !event_target_checked(&ev))/>
            </div>
            <div class="actions">
                <button class="btn primary" data-testid="start" on:click=start>"Continue to camera check"</button>
                <a class="btn" href="#/history">"Past interviews"</a>
            </div>
        </section>
        <StorageInfo/>
    }
}

/// Browse and search the bank; tick questions to build an interview of them.
#[component]
fn BankPicker(picked: RwSignal<Vec<&'static str>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let filter = RwSignal::new(None::<Track>);
    let hits = Memo::new(move |_| {
        search(&query.get(), filter.get())
            .into_iter()
            .map(|q| q.id)
            .collect::<Vec<_>>()
    });
    view! {
        <div class="picker" data-testid="picker">
            <div class="picker-filters">
                <input type="search" data-testid="picker-search" aria-label="Search the questions"
                    placeholder="Search: a word, a skill, “behavioural”…"
                    on:input=move |ev| query.set(event_target_value(&ev))/>
                <select aria-label="Track of the questions" on:change=move |ev| filter.set(Track::from_slug(&event_target_value(&ev)))>
                    <option value="">"All tracks"</option>
                    {Track::ALL.into_iter().filter(|t| *t != Track::Custom).map(|t| view! {
                        <option value=t.slug()>{t.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <p class="hint" data-testid="picker-count" aria-live="polite">{move || {
                let shown = hits.with(|h| h.len());
                format!(
                    "{shown} question{} match{} · {} chosen (asked in the order ticked)",
                    if shown == 1 { "" } else { "s" },
                    if shown == 1 { "es" } else { "" },
                    picked.with(|p| p.len())
                )
            }}</p>
            <ul class="picker-list">
                {move || hits.get().into_iter().take(80).filter_map(by_id).map(|q| {
                    let id = q.id;
                    view! {
                        <li>
                            <label>
                                <input type="checkbox" data-testid="pick" prop:checked=move || picked.with(|p| p.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        picked.update(|p| {
                                            p.retain(|x| *x != id);
                                            if on { p.push(id) }
                                        });
                                    }/>
                                " " {q.text}
                            </label>
                            <span class="hint">{format!(" · {} · {} · {} talking points", q.track.label(), q.kind.label(), q.points.len())}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
