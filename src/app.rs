//! The app shell: shared state in context, hash routing, the header.

use crate::components::{Notice, RecoveryBanner};
use crate::pages::{
    history::History, home::Home, interview::Interview, report::Report, setup::Setup,
};
use crate::settings;
use crate::state::{current_route, navigate, AppState};
use interviewer_core::record::{MediaKind, TranscriptMode};
use interviewer_core::route::Route;
use leptos::prelude::*;

fn register_service_worker() {
    let Some(w) = web_sys::window() else { return };
    let sw = w.navigator().service_worker();
    // Relative URL: works under any sub-path (GitHub Pages project sites).
    let _ = sw.register("./sw.js");
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState {
        route: RwSignal::new(current_route()),
        plan: RwSignal::new(None),
        media: RwSignal::new(MediaKind::AudioVideo),
        transcript: RwSignal::new(TranscriptMode::None),
        settings: RwSignal::new(settings::load()),
    };
    provide_context(state);
    let settings_error = RwSignal::new(None::<String>);
    settings::persist(state.settings, settings_error);
    leptos::task::spawn_local(settings::migrate_legacy(state.settings));
    // A reload lands on an empty Setup/Interview page: start from Home, where an
    // interrupted interview is offered for recovery.
    if matches!(state.route.get_untracked(), Route::Setup | Route::Interview) {
        navigate(Route::Home);
        state.route.set(Route::Home);
    }

    // Only a real change re-renders: a page such as Interview must not mount twice.
    let hashchange = window_event_listener(leptos::ev::hashchange, move |_| {
        let r = current_route();
        if r == Route::DebugPanic {
            // On purpose, inside an event handler while the page (perhaps recording) stays:
            // the recovery screen is checked this way (tests/e2e/hostile.test.mjs).
            panic!("a panic asked for by #/debug/panic");
        }
        if state.route.get_untracked() != r {
            state.route.set(r);
        }
    });
    on_cleanup(move || hashchange.remove());
    register_service_worker();

    let page = move || match state.route.get() {
        Route::Home => view! { <Home/> }.into_any(),
        Route::Setup => view! { <Setup/> }.into_any(),
        Route::Interview => view! { <Interview/> }.into_any(),
        Route::Report(id) => view! { <Report id=id/> }.into_any(),
        Route::History => view! { <History/> }.into_any(),
        Route::DebugPanic => panic!("a panic asked for by #/debug/panic"),
    };

    view! {
        <header class="topbar">
            <a class="brand" href="#/">"AI Interviewer"</a>
            <nav aria-label="Main">
                <a href="#/">"New interview"</a>
                <a href="#/history" data-testid="nav-history">"History"</a>
            </nav>
        </header>
        <main id="main" class="page">
            <RecoveryBanner/>
            {move || settings_error.get().map(|e| view! { <Notice kind="warn"><p>{e}</p></Notice> })}
            {page}
        </main>
        <footer class="footer">
            "Runs entirely on this device: video and audio never leave it."
        </footer>
    }
}
