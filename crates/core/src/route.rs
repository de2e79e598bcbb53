//! Pages, addressed by the URL fragment (`#/report/ID`) so the app works from any
//! sub-path on a static host without server-side rewrites.

// Reads stored and imported data: no index, slice or narrowing cast that data can break
// (issue 20); each one left carries an `allow` with its reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )
)]

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Setup,
    Interview,
    /// Any stored id: encoded in the fragment, so that an id from an old or imported
    /// record ("a#/history?x=<b>") still opens its own report.
    Report(String),
    History,
    /// Panics on purpose, to check the recovery screen (`#/debug/panic`).
    DebugPanic,
}

/// Everything but letters, digits and `-_.~` is percent-encoded in an id.
const ID_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A stored id is a string of any content; longer than this is not one.
const MAX_ROUTE_ID: usize = 1_000;

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.splitn(2, '/');
        match (parts.next().unwrap_or(""), parts.next()) {
            ("setup", _) => Route::Setup,
            ("interview", _) => Route::Interview,
            ("history", _) => Route::History,
            ("debug", Some("panic")) => Route::DebugPanic,
            ("report", Some(enc)) => match percent_decode_str(enc).decode_utf8() {
                Ok(id) if !id.is_empty() && id.len() <= MAX_ROUTE_ID => {
                    Route::Report(id.into_owned())
                }
                _ => Route::Home,
            },
            _ => Route::Home,
        }
    }

    pub fn hash(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Setup => "#/setup".into(),
            Route::Interview => "#/interview".into(),
            Route::Report(id) => format!("#/report/{}", utf8_percent_encode(id, ID_ESCAPES)),
            Route::History => "#/history".into(),
            Route::DebugPanic => "#/debug/panic".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for r in [
            Route::Home,
            Route::Setup,
            Route::Interview,
            Route::History,
            Route::DebugPanic,
            Route::Report("iv-123-abc".into()),
        ] {
            assert_eq!(Route::parse(&r.hash()), r);
        }
    }

    #[test]
    fn any_stored_id_opens_its_own_report() {
        for id in [
            "../../etc",
            "a#/history?x=<b>",
            "with space/and%percent",
            "é ü 日本",
            "iv-1",
        ] {
            let r = Route::Report(id.into());
            let h = r.hash();
            // Nothing in the encoded id can end the fragment's path or start a query.
            let tail = h.trim_start_matches("#/report/");
            assert!(
                tail.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)),
                "{h}"
            );
            assert_eq!(Route::parse(&h), r, "{id}");
        }
        assert_eq!(Route::parse("#/report/iv-1"), Route::Report("iv-1".into()));
    }

    #[test]
    fn unknown_goes_home() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/nope"), Route::Home);
        assert_eq!(Route::parse("#/report/"), Route::Home);
        assert_eq!(Route::parse("#/report/%FF%FE"), Route::Home);
        assert_eq!(Route::parse("#/debug/other"), Route::Home);
    }
}
