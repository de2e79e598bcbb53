//! The app shell: shared state in context, hash routing, the header.

use crate::components::RecoveryBanner;
use crate::pages::{
    history::History, home::Home, interview::Interview, report::Report, setup::Setup,
};
use interviewer_core::questions::{PlannedQuestion, Track};
use interviewer_core::record::{MediaKind, TranscriptMode};
use interviewer_core::route::Route;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// What the candidate chose on Home, carried to Setup and Interview.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub track: Track,
    pub questions: Vec<PlannedQuestion>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub route: RwSignal<Route>,
    pub plan: RwSignal<Option<Plan>>,
    /// Questions are not read aloud.
    pub muted: RwSignal<bool>,
    pub media: RwSignal<MediaKind>,
    /// Speech recognition chosen in Setup for the next interview.
    pub transcript: RwSignal<TranscriptMode>,
}

pub fn state() -> AppState {
    expect_context::<AppState>()
}

/// Goes to a page. Only the URL changes here; the hashchange listener updates the route
/// signal, so this works from async tasks that run outside any reactive owner.
pub fn navigate(route: Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.hash());
    }
}

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

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
        muted: RwSignal::new(false),
        media: RwSignal::new(MediaKind::AudioVideo),
        transcript: RwSignal::new(TranscriptMode::None),
    };
    provide_context(state);
    // A reload lands on an empty Setup/Interview page: start from Home, where an
    // interrupted interview is offered for recovery.
    if matches!(state.route.get_untracked(), Route::Setup | Route::Interview) {
        navigate(Route::Home);
        state.route.set(Route::Home);
    }

    // Only a real change re-renders: a page such as Interview must not mount twice.
    let on_hash = Closure::<dyn FnMut()>::new(move || {
        let r = current_route();
        if state.route.get_untracked() != r {
            state.route.set(r);
        }
    });
    if let Some(w) = web_sys::window() {
        w.set_onhashchange(Some(on_hash.as_ref().unchecked_ref()));
    }
    on_hash.forget();
    register_service_worker();

    let page = move || match state.route.get() {
        Route::Home => view! { <Home/> }.into_any(),
        Route::Setup => view! { <Setup/> }.into_any(),
        Route::Interview => view! { <Interview/> }.into_any(),
        Route::Report(id) => view! { <Report id=id/> }.into_any(),
        Route::History => view! { <History/> }.into_any(),
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
            {page}
        </main>
        <footer class="footer">
            "Runs entirely on this device: video and audio never leave it."
        </footer>
    }
}
