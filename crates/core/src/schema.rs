//! The IndexedDB schema as data: each database version lists the stores and indexes it
//! adds, and an upgrade from any older version applies the steps in order. The browser
//! glue executes these steps inside `onupgradeneeded`; the logic is tested here.

pub const DB_NAME: &str = "ai-interviewer";
/// Current database version.
pub const DB_VERSION: u32 = 3;

pub const INTERVIEWS: &str = "interviews";
pub const CHUNKS: &str = "chunks";
pub const SETTINGS: &str = "settings";
/// Face-timeline pieces: the frames analysed during each recording chunk, written with it.
pub const TIMELINE: &str = "timeline";
/// Per-answer data (speech figures, transcript), one row per answer.
pub const ANSWERS: &str = "answers";
/// Index on `chunks` by interview id.
pub const CHUNKS_BY_INTERVIEW: &str = "by_interview";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyPath {
    Single(&'static str),
    Compound(&'static [&'static str]),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    CreateStore {
        name: &'static str,
        key_path: KeyPath,
    },
    CreateIndex {
        store: &'static str,
        name: &'static str,
        key_path: KeyPath,
        unique: bool,
    },
}

/// Steps that take a database from `version - 1` to `version`.
fn steps_for(version: u32) -> Vec<Step> {
    match version {
        // v1: interviews (one JSON-shaped record each) and their recording chunks.
        1 => vec![
            Step::CreateStore {
                name: INTERVIEWS,
                key_path: KeyPath::Single("id"),
            },
            Step::CreateStore {
                name: CHUNKS,
                key_path: KeyPath::Compound(&["interviewId", "seq"]),
            },
            Step::CreateIndex {
                store: CHUNKS,
                name: CHUNKS_BY_INTERVIEW,
                key_path: KeyPath::Single("interviewId"),
                unique: false,
            },
        ],
        // v2: user settings (custom questions, preferred devices, calibration).
        2 => vec![Step::CreateStore {
            name: SETTINGS,
            key_path: KeyPath::Single("key"),
        }],
        // v3: the timeline and the answers leave the record, so that each second of
        // recording writes a constant amount (records of v2 keep theirs inside; reading
        // merges both).
        3 => vec![
            Step::CreateStore {
                name: TIMELINE,
                key_path: KeyPath::Compound(&["interviewId", "seq"]),
            },
            Step::CreateStore {
                name: ANSWERS,
                key_path: KeyPath::Compound(&["interviewId", "index"]),
            },
        ],
        _ => Vec::new(),
    }
}

/// Steps to upgrade from `old` (0 for a new database) to `new`.
pub fn upgrade_steps(old: u32, new: u32) -> Vec<Step> {
    (old + 1..=new).flat_map(steps_for).collect()
}

/// Stores present at a version: used by tests and by the store's self-check.
pub fn stores_at(version: u32) -> Vec<&'static str> {
    upgrade_steps(0, version)
        .into_iter()
        .filter_map(|s| match s {
            Step::CreateStore { name, .. } => Some(name),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_gets_every_store() {
        assert_eq!(
            stores_at(DB_VERSION),
            vec![INTERVIEWS, CHUNKS, SETTINGS, TIMELINE, ANSWERS]
        );
        let steps = upgrade_steps(0, DB_VERSION);
        // Indexes come after the store they belong to.
        let store_pos = steps
            .iter()
            .position(|s| matches!(s, Step::CreateStore { name, .. } if *name == CHUNKS))
            .unwrap();
        let index_pos = steps
            .iter()
            .position(|s| matches!(s, Step::CreateIndex { .. }))
            .unwrap();
        assert!(store_pos < index_pos);
    }

    #[test]
    fn upgrade_from_v1_adds_only_settings() {
        assert_eq!(
            upgrade_steps(1, 2),
            vec![Step::CreateStore {
                name: SETTINGS,
                key_path: KeyPath::Single("key")
            }]
        );
        assert!(upgrade_steps(DB_VERSION, DB_VERSION).is_empty());
    }

    #[test]
    fn upgrade_from_v2_adds_the_timeline_and_answer_stores() {
        let added: Vec<_> = upgrade_steps(2, 3)
            .into_iter()
            .map(|s| match s {
                Step::CreateStore { name, .. } => name,
                Step::CreateIndex { name, .. } => name,
            })
            .collect();
        assert_eq!(added, vec![TIMELINE, ANSWERS]);
    }

    #[test]
    fn every_version_has_steps_and_no_store_is_created_twice() {
        for v in 1..=DB_VERSION {
            assert!(!steps_for(v).is_empty(), "version {v} has no steps");
        }
        let stores = stores_at(DB_VERSION);
        let mut dedup = stores.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), stores.len());
    }

    #[test]
    fn step_by_step_equals_direct() {
        let mut stepwise = Vec::new();
        for v in 0..DB_VERSION {
            stepwise.extend(upgrade_steps(v, v + 1));
        }
        assert_eq!(stepwise, upgrade_steps(0, DB_VERSION));
    }
}
