//! Evaluation against data and references (native tools and tests): FER2013 records, the
//! emotion model's accuracy and reference outputs, FER2013 faces through the whole face
//! pipeline.

pub mod emotion;
pub mod fer;
pub mod fer_pipeline;
