//! Pages, addressed by the URL fragment (`#/report/ID`) so the app works from any
//! sub-path on a static host without server-side rewrites.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Setup,
    Interview,
    Report(String),
    History,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.splitn(2, '/');
        match (parts.next().unwrap_or(""), parts.next()) {
            ("setup", _) => Route::Setup,
            ("interview", _) => Route::Interview,
            ("history", _) => Route::History,
            ("report", Some(id)) if is_valid_id(id) => Route::Report(id.to_string()),
            _ => Route::Home,
        }
    }

    pub fn hash(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Setup => "#/setup".into(),
            Route::Interview => "#/interview".into(),
            Route::Report(id) => format!("#/report/{id}"),
            Route::History => "#/history".into(),
        }
    }
}

/// Interview ids are made by the app: letters, digits and '-'.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
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
            Route::Report("iv-123-abc".into()),
        ] {
            assert_eq!(Route::parse(&r.hash()), r);
        }
    }

    #[test]
    fn unknown_goes_home() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/nope"), Route::Home);
        assert_eq!(Route::parse("#/report/"), Route::Home);
        assert_eq!(Route::parse("#/report/<script>"), Route::Home);
    }
}
