//! The question bank: built-in tracks plus the user's own questions.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    General,
    SoftwareEngineering,
    CustomerSupport,
    /// Only the user's own questions.
    Custom,
}

impl Track {
    pub const ALL: [Track; 4] = [
        Track::General,
        Track::SoftwareEngineering,
        Track::CustomerSupport,
        Track::Custom,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Track::General => "General / behavioural",
            Track::SoftwareEngineering => "Software engineering",
            Track::CustomerSupport => "Customer support & sales",
            Track::Custom => "My own questions",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Track::General => "general",
            Track::SoftwareEngineering => "software_engineering",
            Track::CustomerSupport => "customer_support",
            Track::Custom => "custom",
        }
    }

    pub fn from_slug(s: &str) -> Option<Track> {
        Track::ALL.into_iter().find(|t| t.slug() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BankQuestion {
    pub track: Track,
    pub text: &'static str,
    /// Suggested answer time in seconds.
    pub suggested_s: u32,
}

const fn q(track: Track, text: &'static str, suggested_s: u32) -> BankQuestion {
    BankQuestion {
        track,
        text,
        suggested_s,
    }
}

use Track::{CustomerSupport as CS, General as G, SoftwareEngineering as SE};

/// Built-in questions. Texts are written to be read aloud by speech synthesis.
pub const BANK: &[BankQuestion] = &[
    q(G, "Tell me about yourself.", 90),
    q(G, "Why do you want this job?", 90),
    q(G, "What is your greatest professional strength?", 90),
    q(G, "Tell me about a weakness you are working on.", 90),
    q(
        G,
        "Describe a time you disagreed with a colleague. How did you resolve it?",
        120,
    ),
    q(
        G,
        "Tell me about a project you are proud of and your part in it.",
        120,
    ),
    q(G, "Describe a time you failed. What did you learn?", 120),
    q(
        G,
        "Tell me about a time you had to meet a tight deadline.",
        120,
    ),
    q(G, "How do you handle feedback you disagree with?", 90),
    q(
        G,
        "Describe a situation where you showed leadership without a formal title.",
        120,
    ),
    q(G, "Where do you see yourself in five years?", 90),
    q(
        G,
        "Tell me about a time you had to learn something new quickly.",
        120,
    ),
    q(G, "How do you prioritise when everything seems urgent?", 90),
    q(
        G,
        "Describe a time you made a mistake that affected others. What did you do?",
        120,
    ),
    q(G, "What motivates you at work?", 90),
    q(G, "Do you have any questions for us?", 60),
    q(
        SE,
        "Walk me through a system you designed. What trade-offs did you make?",
        150,
    ),
    q(
        SE,
        "Tell me about the hardest bug you have tracked down.",
        120,
    ),
    q(
        SE,
        "How would you design a URL shortener that serves a billion redirects a day?",
        180,
    ),
    q(SE, "How do you decide when code is ready to ship?", 90),
    q(
        SE,
        "Explain the difference between a process and a thread to a new team member.",
        90,
    ),
    q(SE, "How do you review a colleague's pull request?", 90),
    q(
        SE,
        "Describe a time you improved the performance of a system. How did you measure it?",
        120,
    ),
    q(
        SE,
        "What happens, step by step, when you type a web address into a browser and press enter?",
        150,
    ),
    q(
        SE,
        "How would you approach a legacy code base with no tests?",
        120,
    ),
    q(
        SE,
        "Tell me about a technical decision you would make differently today.",
        120,
    ),
    q(
        SE,
        "How do you keep a service reliable when its dependencies fail?",
        120,
    ),
    q(
        SE,
        "Explain a data structure you used recently and why you chose it.",
        90,
    ),
    q(
        SE,
        "How do you estimate how long a piece of work will take?",
        90,
    ),
    q(
        SE,
        "Describe how you would test a feature that depends on time and network conditions.",
        120,
    ),
    q(
        SE,
        "Tell me about a time you had to explain a technical problem to a non-technical person.",
        120,
    ),
    q(
        SE,
        "How do you handle secrets and personal data in the systems you build?",
        90,
    ),
    q(
        CS,
        "Tell me about a time you turned an unhappy customer around.",
        120,
    ),
    q(
        CS,
        "How do you handle a customer who is angry about something you cannot change?",
        120,
    ),
    q(CS, "Sell me this pen.", 90),
    q(CS, "How do you handle rejection in sales?", 90),
    q(
        CS,
        "Describe how you prepare for a call with a new prospect.",
        90,
    ),
    q(
        CS,
        "Tell me about a time you went beyond what the customer expected.",
        120,
    ),
    q(CS, "How do you prioritise a queue of support requests?", 90),
    q(
        CS,
        "A customer asks for a refund outside the policy. What do you do?",
        90,
    ),
    q(
        CS,
        "How do you explain a complex product to someone who has never used it?",
        90,
    ),
    q(
        CS,
        "Tell me about a target you missed and what you did next.",
        120,
    ),
    q(CS, "How do you keep your composure on a difficult day?", 90),
    q(
        CS,
        "Describe a time you learned something from customer feedback and passed it on.",
        120,
    ),
    q(
        CS,
        "How do you build a long-term relationship with a client?",
        90,
    ),
    q(
        CS,
        "What would you do in your first month in this role?",
        90,
    ),
];

pub fn questions_for(track: Track) -> impl Iterator<Item = &'static BankQuestion> {
    BANK.iter().filter(move |q| q.track == track)
}

/// A question as asked in one interview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedQuestion {
    pub text: String,
    /// Answer time limit in seconds.
    pub limit_s: u32,
    /// True for a question the user wrote.
    #[serde(default)]
    pub custom: bool,
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
        out.push(PlannedQuestion {
            text: q.clone(),
            limit_s: limit(120),
            custom: true,
        });
    }
    let bank_track = if track == Track::Custom {
        Track::General
    } else {
        track
    };
    let mut pool: Vec<&BankQuestion> = questions_for(bank_track).collect();
    while out.len() < count && !pool.is_empty() {
        let q = pool.swap_remove(rng.below(pool.len()));
        out.push(PlannedQuestion {
            text: q.text.to_string(),
            limit_s: limit(q.suggested_s),
            custom: false,
        });
    }
    if let Some(pos) = out
        .iter()
        .position(|q| q.text.starts_with("Do you have any questions"))
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
    fn bank_has_three_tracks_and_forty_questions() {
        assert!(BANK.len() >= 40);
        for t in [
            Track::General,
            Track::SoftwareEngineering,
            Track::CustomerSupport,
        ] {
            assert!(questions_for(t).count() >= 12, "{t:?}");
        }
        let unique: HashSet<_> = BANK.iter().map(|q| q.text).collect();
        assert_eq!(unique.len(), BANK.len(), "duplicate question text");
        assert!(BANK.iter().all(|q| q.text.ends_with(['?', '.'])));
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
            let b = BANK.iter().find(|b| b.text == q.text).unwrap();
            assert_eq!(q.limit_s, b.suggested_s);
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
    fn closing_question_goes_last() {
        for seed in 0..200 {
            let p = plan_questions(Track::General, 16, 0, &[], seed);
            assert!(p
                .last()
                .unwrap()
                .text
                .starts_with("Do you have any questions"));
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
