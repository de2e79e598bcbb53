//! Every saved preference in one versioned value. The app keeps it in one place (one
//! localStorage entry, `src/settings.rs`) and upgrades what older versions saved, in
//! their four places and two mechanisms, through [`migrate`].

use crate::advice::PaceBand;
use crate::face::focus::Calibration;
use serde::{Deserialize, Serialize};

/// Version of the settings' JSON shape. Bump it with a step in [`migrate`].
pub const SETTINGS_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub version: u32,
    /// Target pace band of the report's advice.
    pub pace_band: PaceBand,
    /// Eye-focus calibration made on this device (None: the default layout).
    pub calibration: Option<Calibration>,
    /// The user's own questions, one per line, as typed.
    pub custom_questions: String,
    /// Questions are shown but not read aloud.
    pub muted: bool,
    /// Transcribe answers with this app's own model (downloaded once when turned on).
    pub transcribe_on_device: bool,
    /// A pasted job posting (kept on this device only) and its key terms as the user
    /// edited them, one per line; interviews built from the posting use these terms.
    /// Added without a version bump: older values read with both empty.
    pub job_posting: String,
    pub job_terms: String,
    /// After a story answer that lacks its actions or result, ask the bank's follow-up.
    pub follow_ups: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: SETTINGS_VERSION,
            pace_band: PaceBand::default(),
            calibration: None,
            custom_questions: String::new(),
            muted: false,
            transcribe_on_device: false,
            job_posting: String::new(),
            job_terms: String::new(),
            follow_ups: true,
        }
    }
}

/// What versions before the settings value saved, each where it was kept: the pace band
/// and the calibration as JSON in localStorage, the custom questions in IndexedDB's
/// settings store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legacy {
    pub pace_band_json: Option<String>,
    pub calibration_json: Option<String>,
    pub custom_questions: Option<String>,
}

impl Legacy {
    pub fn is_empty(&self) -> bool {
        *self == Legacy::default()
    }
}

/// The settings from what is stored: the current value when there is one (fields it
/// lacks or cannot read take their defaults, one bad field never loses the others), else
/// the legacy pieces. A value from a newer app is read as far as it goes.
pub fn migrate(stored: Option<&str>, legacy: &Legacy) -> Settings {
    if let Some(v) = stored.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()) {
        return from_value(v);
    }
    fn parse<T: serde::de::DeserializeOwned>(s: &Option<String>) -> Option<T> {
        s.as_deref().and_then(|j| serde_json::from_str(j).ok())
    }
    Settings {
        pace_band: parse(&legacy.pace_band_json)
            .and_then(|b: PaceBand| PaceBand::new(b.low, b.high).ok())
            .unwrap_or_default(),
        calibration: parse(&legacy.calibration_json),
        custom_questions: legacy.custom_questions.clone().unwrap_or_default(),
        ..Settings::default()
    }
}

/// Field by field, so that one unreadable field keeps its default and nothing else.
fn from_value(v: serde_json::Value) -> Settings {
    let d = Settings::default();
    let field = |k: &str| v.get(k).cloned();
    fn take<T: serde::de::DeserializeOwned>(v: Option<serde_json::Value>, d: T) -> T {
        v.and_then(|v| serde_json::from_value(v).ok()).unwrap_or(d)
    }
    // Version steps go here: `if version < N { rewrite fields }`.
    Settings {
        version: SETTINGS_VERSION,
        pace_band: take::<PaceBand>(field("pace_band"), d.pace_band)
            .validated()
            .unwrap_or_default(),
        calibration: take(field("calibration"), d.calibration),
        custom_questions: take(field("custom_questions"), d.custom_questions),
        muted: take(field("muted"), d.muted),
        transcribe_on_device: take(field("transcribe_on_device"), d.transcribe_on_device),
        job_posting: take(field("job_posting"), d.job_posting),
        job_terms: take(field("job_terms"), d.job_terms),
        follow_ups: take(field("follow_ups"), d.follow_ups),
    }
}

impl PaceBand {
    fn validated(self) -> Option<PaceBand> {
        PaceBand::new(self.low, self.high).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_pieces_become_one_value() {
        let legacy = Legacy {
            pace_band_json: Some(r#"{"low":110,"high":150}"#.into()),
            calibration_json: Some(serde_json::to_string(&Calibration::default()).unwrap()),
            custom_questions: Some("Why us?\nWhat next?".into()),
        };
        let s = migrate(None, &legacy);
        assert_eq!(s.version, SETTINGS_VERSION);
        assert_eq!(s.pace_band, PaceBand::new(110.0, 150.0).unwrap());
        assert_eq!(s.calibration, Some(Calibration::default()));
        assert_eq!(s.custom_questions, "Why us?\nWhat next?");
        assert!(!s.muted);
        // Saved once, read back as the current value, the legacy pieces no longer matter.
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(migrate(Some(&json), &Legacy::default()), s);
        assert_eq!(migrate(Some(&json), &legacy), s);
    }

    #[test]
    fn nothing_stored_gives_defaults() {
        assert!(Legacy::default().is_empty());
        assert_eq!(migrate(None, &Legacy::default()), Settings::default());
    }

    #[test]
    fn a_bad_field_keeps_its_default_and_nothing_else_is_lost() {
        let s = migrate(
            Some(
                r#"{"version":1,"pace_band":{"low":300,"high":10},"muted":true,"custom_questions":"Q?","calibration":"junk"}"#,
            ),
            &Legacy::default(),
        );
        assert_eq!(s.pace_band, PaceBand::default());
        assert!(s.muted);
        assert_eq!(s.custom_questions, "Q?");
        assert_eq!(s.calibration, None);
        // Broken legacy JSON too.
        let s = migrate(
            None,
            &Legacy {
                pace_band_json: Some("{".into()),
                ..Legacy::default()
            },
        );
        assert_eq!(s, Settings::default());
        // Unreadable current value: treated as absent.
        assert_eq!(
            migrate(Some("not json"), &Legacy::default()),
            Settings::default()
        );
    }

    #[test]
    fn a_newer_value_is_read_as_far_as_it_goes() {
        let s = migrate(
            Some(r#"{"version":9,"muted":true,"some_new_thing":[1,2]}"#),
            &Legacy::default(),
        );
        assert!(s.muted);
        assert_eq!(s.version, SETTINGS_VERSION);
    }
}
