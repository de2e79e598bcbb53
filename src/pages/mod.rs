//! One module per page.

pub mod history;
pub mod home;
pub mod interview;
pub mod report;
pub mod setup;
