//! The question bank: built-in tracks (data in `questions/*.toml`, checked and turned into
//! Rust tables by `build.rs`) plus the user's own questions.

use serde::{Deserialize, Serialize};

/// What a question asks for; behavioural answers are read for their STAR structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// "Tell me about a time...": a story (situation, task, action, result).
    Behavioural,
    /// "What would you do if...".
    Situational,
    /// Knowledge of the role.
    Technical,
    /// Why this job, strengths, goals.
    Motivation,
    /// "Do you have any questions for us?".
    Closing,
}

impl QuestionKind {
    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::Behavioural => "behavioural",
            QuestionKind::Situational => "situational",
            QuestionKind::Technical => "technical",
            QuestionKind::Motivation => "motivation",
            QuestionKind::Closing => "closing",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BankQuestion {
    pub id: &'static str,
    pub track: Track,
    /// Written to be read aloud by speech synthesis.
    pub text: &'static str,
    pub kind: QuestionKind,
    /// Suggested answer time in seconds.
    pub suggested_s: u32,
    /// What a strong answer covers, one line each.
    pub points: &'static [&'static str],
    /// Words an interviewer listens for.
    pub terms: &'static [&'static str],
    /// Behavioural questions: asked when the answer lacks the candidate's actions.
    pub follow_up_action: Option<&'static str>,
    /// Behavioural questions: asked when the answer lacks an outcome.
    pub follow_up_result: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/questions_table.rs"));

impl Track {
    pub fn from_slug(s: &str) -> Option<Track> {
        Track::ALL.into_iter().find(|t| t.slug() == s)
    }
}

pub fn questions_for(track: Track) -> impl Iterator<Item = &'static BankQuestion> {
    BANK.iter().filter(move |q| q.track == track)
}

/// A bank question by id.
pub fn by_id(id: &str) -> Option<&'static BankQuestion> {
    BANK.iter().find(|q| q.id == id)
}

/// A question as asked in one interview. What the report reads the answer against (its
/// kind, talking points and terms) is copied in, so an old report never changes when the
/// bank does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedQuestion {
    pub text: String,
    /// Answer time limit in seconds.
    pub limit_s: u32,
    /// True for a question the user wrote.
    #[serde(default)]
    pub custom: bool,
    /// The bank question it came from.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub kind: Option<QuestionKind>,
    #[serde(default)]
    pub points: Vec<String>,
    #[serde(default)]
    pub terms: Vec<String>,
    /// Suggested answer length (seconds), when the bank or the user gave one.
    #[serde(default)]
    pub suggested_s: Option<u32>,
    /// A follow-up: the index of the question it follows up.
    #[serde(default)]
    pub follows: Option<usize>,
}

impl PlannedQuestion {
    /// A bank question as planned, with `limit_s` (0: its suggested time).
    pub fn from_bank(q: &BankQuestion, limit_s: u32) -> PlannedQuestion {
        PlannedQuestion {
            text: q.text.to_string(),
            limit_s: if limit_s == 0 { q.suggested_s } else { limit_s },
            custom: false,
            id: Some(q.id.to_string()),
            kind: Some(q.kind),
            points: q.points.iter().map(|p| p.to_string()).collect(),
            terms: q.terms.iter().map(|t| t.to_string()).collect(),
            suggested_s: Some(q.suggested_s),
            follows: None,
        }
    }

    /// One of the user's own questions. Talking points may follow the question after a
    /// `|`, separated by `;`: "Why us? | our product; your skills; what you'd change".
    pub fn custom(text: &str, limit_s: u32) -> PlannedQuestion {
        let (text, points) = match text.split_once('|') {
            Some((q, p)) => (
                q.trim(),
                p.split(';')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .take(8)
                    .collect(),
            ),
            None => (text.trim(), Vec::new()),
        };
        PlannedQuestion {
            text: text.to_string(),
            limit_s,
            custom: true,
            id: None,
            kind: None,
            points,
            terms: Vec::new(),
            suggested_s: None,
            follows: None,
        }
    }

    /// The bank question this was planned from, if any.
    pub fn bank(&self) -> Option<&'static BankQuestion> {
        self.id.as_deref().and_then(by_id)
    }
}

/// Parses the user's custom questions: one per non-empty line, trimmed, duplicates dropped.
pub fn parse_custom_questions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || out.iter().any(|q| q.eq_ignore_ascii_case(line)) {
            continue;
        }
        out.push(line.chars().take(500).collect());
    }
    out
}

/// Bank questions matching every word of `query` (in the question, its talking points or
/// terms; case-insensitive), on `track` or all tracks, in the bank's order.
pub fn search(query: &str, track: Option<Track>) -> Vec<&'static BankQuestion> {
    let words: Vec<String> = query.split_whitespace().map(|w| w.to_lowercase()).collect();
    BANK.iter()
        .filter(|q| track.is_none_or(|t| q.track == t))
        .filter(|q| {
            let mut hay = q.text.to_lowercase();
            for p in q.points.iter().chain(q.terms) {
                hay.push(' ');
                hay.push_str(&p.to_lowercase());
            }
            hay.push(' ');
            hay.push_str(q.kind.label());
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

/// Small deterministic PRNG (xorshift64*) so a seed reproduces a question order.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Picks `count` questions for an interview. The user's custom questions are included
/// first (all of them for the custom track, otherwise up to half of the interview), the
/// rest drawn without repetition from the track's bank. The "any questions for us?"
/// closer, if drawn, goes last. `limit_s` of 0 uses each question's suggested time.
pub fn plan_questions(
    track: Track,
    count: usize,
    limit_s: u32,
    custom: &[String],
    seed: u64,
) -> Vec<PlannedQuestion> {
    let mut rng = Rng::new(seed);
    let limit = |suggested: u32| if limit_s == 0 { suggested } else { limit_s };
    let custom_take = if track == Track::Custom {
        count
    } else {
        count / 2
    };
    let mut custom_pool: Vec<&String> = custom.iter().collect();
    let mut out = Vec::with_capacity(count);
    while out.len() < custom_take && !custom_pool.is_empty() {
        let q = custom_pool.swap_remove(rng.below(custom_pool.len()));
        out.push(PlannedQuestion::custom(q, limit(120)));
    }
    let bank_track = if track == Track::Custom {
        Track::General
    } else {
        track
    };
    let mut pool: Vec<&BankQuestion> = questions_for(bank_track).collect();
    while out.len() < count && !pool.is_empty() {
        let q = pool.swap_remove(rng.below(pool.len()));
        out.push(PlannedQuestion::from_bank(q, limit_s));
    }
    if let Some(pos) = out
        .iter()
        .position(|q| q.kind == Some(QuestionKind::Closing))
    {
        let closer = out.remove(pos);
        out.push(closer);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_bank_has_twelve_tracks_and_250_questions() {
        assert!(BANK.len() >= 250, "{} questions", BANK.len());
        assert!(Track::ALL.len() >= 13, "12 tracks and the user's own");
        for t in Track::ALL.into_iter().filter(|t| *t != Track::Custom) {
            assert!(questions_for(t).count() >= 20, "{t:?}");
            assert!(!t.keywords().is_empty());
        }
        let unique: HashSet<_> = BANK.iter().map(|q| q.text).collect();
        assert_eq!(unique.len(), BANK.len(), "duplicate question text");
        let ids: HashSet<_> = BANK.iter().map(|q| q.id).collect();
        assert_eq!(ids.len(), BANK.len(), "duplicate id");
        for q in BANK {
            assert!(q.text.ends_with(['?', '.']), "{}", q.id);
            assert!((3..=5).contains(&q.points.len()), "{}", q.id);
            assert_eq!(
                q.kind == QuestionKind::Behavioural,
                q.follow_up_action.is_some() && q.follow_up_result.is_some(),
                "{}: follow-ups on behavioural questions only",
                q.id
            );
            assert_eq!(by_id(q.id), Some(q));
        }
        // Records made before the bank grew name these tracks.
        for slug in [
            "general",
            "software_engineering",
            "customer_support",
            "custom",
        ] {
            assert!(Track::from_slug(slug).is_some(), "{slug}");
        }
    }

    #[test]
    fn plan_has_count_without_repeats_and_is_reproducible() {
        for t in Track::ALL {
            for n in 1..=10 {
                let p = plan_questions(t, n, 90, &[], 42);
                assert_eq!(p.len(), n);
                let texts: HashSet<_> = p.iter().map(|q| &q.text).collect();
                assert_eq!(texts.len(), n);
                assert!(p.iter().all(|q| q.limit_s == 90));
            }
        }
        assert_eq!(
            plan_questions(Track::General, 5, 0, &[], 7),
            plan_questions(Track::General, 5, 0, &[], 7)
        );
        assert_ne!(
            plan_questions(Track::General, 5, 0, &[], 7),
            plan_questions(Track::General, 5, 0, &[], 8)
        );
    }

    #[test]
    fn suggested_limits_apply_when_limit_is_zero() {
        let p = plan_questions(Track::SoftwareEngineering, 8, 0, &[], 1);
        for q in p {
            let b = q.bank().unwrap();
            assert_eq!(q.limit_s, b.suggested_s);
            assert_eq!(q.points.len(), b.points.len());
            assert_eq!(q.kind, Some(b.kind));
        }
    }

    #[test]
    fn custom_questions_are_used() {
        let custom = parse_custom_questions("  Why us?\n\nwhy us?\nWhat is your notice period?\n");
        assert_eq!(custom, vec!["Why us?", "What is your notice period?"]);
        let p = plan_questions(Track::Custom, 2, 60, &custom, 3);
        assert!(p.iter().all(|q| q.custom));
        assert_eq!(p.len(), 2);
        // Fewer custom questions than asked for: filled from the general bank.
        let p = plan_questions(Track::Custom, 5, 60, &custom, 3);
        assert_eq!(p.iter().filter(|q| q.custom).count(), 2);
        assert_eq!(p.len(), 5);
        // Other tracks mix in at most half custom questions.
        let p = plan_questions(Track::SoftwareEngineering, 4, 60, &custom, 3);
        assert_eq!(p.iter().filter(|q| q.custom).count(), 2);
    }

    #[test]
    fn custom_questions_carry_their_own_talking_points() {
        let q = PlannedQuestion::custom(
            "Why us? | our product; your skills ;; what you'd change",
            60,
        );
        assert_eq!(q.text, "Why us?");
        assert_eq!(
            q.points,
            ["our product", "your skills", "what you'd change"]
        );
        assert!(PlannedQuestion::custom("Plain?", 60).points.is_empty());
    }

    #[test]
    fn search_finds_questions_by_every_word() {
        let all = search("", None);
        assert_eq!(all.len(), BANK.len());
        let hits = search("stakeholder DATA", Some(Track::DataAnalytics));
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|q| q.track == Track::DataAnalytics));
        assert!(search("behavioural conflict", None)
            .iter()
            .all(|q| q.kind == QuestionKind::Behavioural));
        assert!(search("zzzz-nothing", None).is_empty());
    }

    #[test]
    fn closing_question_goes_last() {
        let n = questions_for(Track::General).count();
        for seed in 0..200 {
            let p = plan_questions(Track::General, n, 0, &[], seed);
            assert_eq!(p.last().unwrap().kind, Some(QuestionKind::Closing));
        }
    }

    #[test]
    fn track_slugs_round_trip() {
        for t in Track::ALL {
            assert_eq!(Track::from_slug(t.slug()), Some(t));
        }
        assert_eq!(Track::from_slug("nope"), None);
    }
}
