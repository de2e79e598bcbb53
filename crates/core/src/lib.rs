//! Pure logic of AI Interviewer. Nothing here touches the browser: it compiles and is
//! tested natively, and the app crate calls it from thin web glue.

pub mod advice;
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
