//! Home: choose an interview, recover an interrupted one.

use crate::components::{Notice, StorageInfo};
use crate::session;
use crate::state::{navigate, state, Plan};
use interviewer_core::questions::{parse_custom_questions, plan_questions, Track};
use interviewer_core::route::Route;
use leptos::prelude::*;

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

    let start = move |_| {
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
                    if let Some(t) = Track::from_slug(&event_target_value(&ev)) { track.set(t) }
                }>
                    {Track::ALL.into_iter().map(|t| view! {
                        <option value=t.slug() selected=move || track.get() == t>{t.label()}</option>
                    }).collect_view()}
                </select>

                <label for="count">"Number of questions"</label>
                <select id="count" data-testid="count" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() { count.set(n) }
                }>
                    {(1..=10usize).map(|n| view! {
                        <option value=n.to_string() selected=move || count.get() == n>{n}</option>
                    }).collect_view()}
                </select>

                <label for="limit">"Time per answer"</label>
                <select id="limit" data-testid="limit" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() { limit.set(n) }
                }>
                    {[(0u32, "Suggested for each question"), (30, "30 seconds"), (60, "1 minute"), (90, "1.5 minutes"), (120, "2 minutes"), (180, "3 minutes")]
                        .into_iter().map(|(v, l)| view! {
                            <option value=v.to_string() selected=move || limit.get() == v>{l}</option>
                        }).collect_view()}
                </select>

                <label for="custom">"Your own questions (one per line, optional)"</label>
                <textarea id="custom" rows="3" prop:value=move || custom_text.get()
                    on:input=move |ev| settings.update(|s| s.custom_questions = event_target_value(&ev))
                    placeholder="e.g. Why do you want to work for us?"></textarea>

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
