//! State shared by the pages (in Leptos context) and navigation. Pages import from here,
//! never from the app shell, so the module graph has no cycle.

use interviewer_core::questions::{PlannedQuestion, Track};
use interviewer_core::record::{MediaKind, TranscriptMode};
use interviewer_core::route::Route;
use interviewer_core::settings::Settings;
use leptos::prelude::*;

/// What the candidate chose on Home, carried to Setup and Interview.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub track: Track,
    pub questions: Vec<PlannedQuestion>,
    /// The job posting's key terms, when the interview was built from one.
    pub job_terms: Vec<String>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub route: RwSignal<Route>,
    pub plan: RwSignal<Option<Plan>>,
    pub media: RwSignal<MediaKind>,
    /// Speech recognition chosen in Setup for the next interview.
    pub transcript: RwSignal<TranscriptMode>,
    /// Every saved preference; saved to the device whenever it changes (`settings`).
    pub settings: RwSignal<Settings>,
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

/// The route the address bar shows now.
pub fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}
