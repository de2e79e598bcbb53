//! The shipped models, from the one table in `models/models.json` (turned into Rust by
//! `build.rs`): name, file, size, input shape and which worker loads each. The workers,
//! the native tools, the benchmarks and the tests read it from here; the app's
//! post-build hook (`tools/post-build.mjs`) reads the same file to copy the models into
//! the app and to precache those loaded at start.

/// The Web Worker that loads a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerKind {
    /// Face pipeline and expression (`crates/vision-worker`).
    Vision,
    /// Speech delivery analysis (`crates/speech-worker`).
    Speech,
    /// Speech recognition.
    Asr,
    /// Content analysis.
    Content,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelFile {
    pub name: &'static str,
    /// Path under the repository's `models/` folder.
    pub path: &'static str,
    /// The name the app serves it under (flat).
    pub file: &'static str,
    pub bytes: u64,
    /// The input shape the benchmarks feed (the first input, for models with several).
    pub input: &'static [usize],
    pub worker: WorkerKind,
    /// Downloaded only when the user turns its feature on (else when the worker starts).
    pub on_demand: bool,
}

include!(concat!(env!("OUT_DIR"), "/models_table.rs"));

/// A model by name.
pub fn by_name(name: &str) -> Option<&'static ModelFile> {
    MODELS.iter().find(|m| m.name == name)
}

/// The models one worker loads, in the table's order.
pub fn for_worker(w: WorkerKind) -> impl Iterator<Item = &'static ModelFile> {
    MODELS.iter().filter(move |m| m.worker == w)
}

/// The repository's `models/` folder, for the native tools and tests.
pub const MODELS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models");

impl ModelFile {
    /// The file's path on this machine (native tools and tests).
    pub fn local_path(&self) -> String {
        format!("{MODELS_DIR}/{}", self.path)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_files() {
        for m in MODELS {
            let len = std::fs::metadata(m.local_path())
                .unwrap_or_else(|e| panic!("{}: {e}", m.local_path()))
                .len();
            assert_eq!(
                len, m.bytes,
                "{}: update bytes in models/models.json",
                m.path
            );
        }
    }

    #[test]
    fn names_and_served_files_are_unique() {
        for (i, a) in MODELS.iter().enumerate() {
            for b in &MODELS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.file, b.file, "served flat: file names must differ");
            }
        }
        assert_eq!(by_name("emotion"), Some(&EMOTION));
        assert_eq!(for_worker(WorkerKind::Vision).count(), 4);
        assert!(
            for_worker(WorkerKind::Asr).all(|m| m.on_demand),
            "speech recognition is downloaded only when turned on"
        );
    }

    #[test]
    fn index_html_leaves_the_models_to_the_post_build_hook() {
        // The hook copies every model of the table; a copy-file link would be a second list.
        let html = std::fs::read_to_string(format!("{MODELS_DIR}/../index.html")).unwrap();
        for m in MODELS {
            assert!(!html.contains(m.file), "index.html names {}", m.file);
        }
    }
}
