//! Pure logic of AI Interviewer. Nothing here touches the browser: it compiles and is
//! tested natively, and the app crate calls it from thin web glue.

// No panic reachable from data: every remaining unwrap or expect outside tests carries an
// `allow` with its reason (issue 20; `grep -rn "allow(clippy::" crates/core/src` counts them).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod advice;
pub mod bounds;
pub mod charts;
pub mod content;
pub mod export;
pub mod face;
pub mod format;
pub mod interview;
pub mod messages;
pub mod models;
pub mod progress;
pub mod questions;
pub mod record;
pub mod replay;
pub mod report;
pub mod route;
pub mod run;
pub mod schema;
pub mod settings;
pub mod speech;
