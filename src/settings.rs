//! Where the settings live: one versioned JSON value in localStorage (synchronous, so
//! pages read it while rendering). What older versions saved in other places is moved in
//! once, through `interviewer_core::settings::migrate`, then removed there.

use crate::session;
use interviewer_core::settings::{migrate, Legacy, Settings};
use leptos::prelude::*;

const KEY: &str = "ai-interviewer.settings";
// Where versions before the settings value kept their pieces.
const LEGACY_PACE_BAND: &str = "ai-interviewer.pace-band";
const LEGACY_CALIBRATION: &str = "ai-interviewer.calibration";
const LEGACY_CUSTOM_QUESTIONS: &str = "custom_questions";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// The settings as saved (or their defaults), without waiting for IndexedDB: the legacy
/// custom questions arrive later through [`migrate_legacy`].
pub fn load() -> Settings {
    let legacy = Legacy {
        pace_band_json: get(LEGACY_PACE_BAND),
        calibration_json: get(LEGACY_CALIBRATION),
        custom_questions: None,
    };
    migrate(get(KEY).as_deref(), &legacy)
}

/// Saves the settings; the error says why it could not (storage full or blocked).
pub fn save(s: &Settings) -> Result<(), String> {
    let json = serde_json::to_string(s).map_err(|e| e.to_string())?;
    local_storage()
        .ok_or("this browser blocks local storage, so settings last only for this visit")?
        .set_item(KEY, &json)
        .map_err(|_| "the setting could not be saved (storage full or blocked)".to_string())
}

/// Once per device: moves what older versions saved elsewhere into the settings value
/// (the custom questions were in IndexedDB), then removes the old entries.
pub async fn migrate_legacy(settings: RwSignal<Settings>) {
    if get(KEY).is_some() {
        return;
    }
    let mut custom = None;
    if let Ok(store) = session::store().await {
        if let Ok(Some(v)) = store.get_setting(LEGACY_CUSTOM_QUESTIONS).await {
            custom = v.as_string();
        }
    }
    let legacy = Legacy {
        pace_band_json: get(LEGACY_PACE_BAND),
        calibration_json: get(LEGACY_CALIBRATION),
        custom_questions: custom,
    };
    let s = migrate(None, &legacy);
    if save(&s).is_ok() {
        if let Some(ls) = local_storage() {
            let _ = ls.remove_item(LEGACY_PACE_BAND);
            let _ = ls.remove_item(LEGACY_CALIBRATION);
        }
        if let Ok(store) = session::store().await {
            let _ = store.delete_setting(LEGACY_CUSTOM_QUESTIONS).await;
        }
    }
    settings.set(s);
}

/// Saves the settings whenever they change; a failure is shown by whoever reads
/// `last_error`.
pub fn persist(settings: RwSignal<Settings>, last_error: RwSignal<Option<String>>) {
    Effect::new(move |first: Option<()>| {
        let s = settings.get();
        if first.is_some() {
            last_error.set(save(&s).err());
        }
    });
}
