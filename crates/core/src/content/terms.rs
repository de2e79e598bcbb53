//! Key terms of a job posting, by a method the user can check: candidate phrases are the
//! runs of words between stop words and punctuation (one to three words), each scored by
//! how often it occurs, with words that any posting uses ("experience", "team", "role",
//! the background list below) counting for nothing on their own; phrases an interviewer
//! listens for in the bank (track keywords, question terms) score double. The user sees
//! the list and edits it.

use super::text::{is_stop, stem, words};
use crate::questions::{Track, BANK};
use std::collections::HashMap;

/// Words of any job posting: alone they say nothing about this job.
const BACKGROUND: &[&str] = &[
    "ability",
    "able",
    "about",
    "across",
    "additional",
    "apply",
    "applicant",
    "applicants",
    "application",
    "applications",
    "area",
    "areas",
    "based",
    "benefit",
    "benefits",
    "best",
    "business",
    "candidate",
    "candidates",
    "career",
    "company",
    "competitive",
    "contract",
    "day",
    "days",
    "degree",
    "desirable",
    "ensure",
    "environment",
    "equal",
    "essential",
    "excellent",
    "experience",
    "experienced",
    "full",
    "good",
    "great",
    "high",
    "hours",
    "ideal",
    "including",
    "job",
    "join",
    "key",
    "knowledge",
    "level",
    "looking",
    "new",
    "offer",
    "opportunities",
    "opportunity",
    "part",
    "people",
    "plus",
    "position",
    "preferred",
    "proven",
    "provide",
    "range",
    "related",
    "required",
    "requirement",
    "requirements",
    "responsibilities",
    "responsibility",
    "responsible",
    "role",
    "roles",
    "salary",
    "skill",
    "skills",
    "strong",
    "successful",
    "team",
    "teams",
    "time",
    "understanding",
    "use",
    "using",
    "want",
    "week",
    "weeks",
    "wide",
    "work",
    "working",
    "world",
    "year",
    "years",
    "you'll",
    "we're",
    "must",
    "will",
    "within",
    "help",
    "make",
    "new",
    "well",
    "including",
    "etc",
    "e.g",
    "per",
    "annum",
    "remote",
    "hybrid",
    "office",
    "location",
    "based",
    "closing",
    "date",
    "apply",
    "please",
    "cv",
    "resume",
    "hiring",
    "inclusive",
    "diverse",
    "diversity",
    "employer",
    "employee",
    "employees",
    "staff",
    "get",
    "like",
    "love",
    "passionate",
    "passion",
    "exciting",
    "fast",
    "paced",
    "growing",
    "us",
    "our",
    "ours",
    "your",
    "yours",
    "minimum",
    "least",
    "demonstrated",
    "demonstrable",
];

fn background(w: &str) -> bool {
    BACKGROUND.contains(&w)
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyTerm {
    /// As first written in the posting (lowercase).
    pub term: String,
    pub count: usize,
    pub score: f32,
}

/// Phrases the bank knows: every track's keywords and every question's terms, as stems.
fn known_phrases() -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut add = |p: &str| {
        let s: Vec<String> = words(p).iter().map(|w| stem(w)).collect();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for t in Track::ALL {
        for k in t.keywords() {
            add(k);
        }
    }
    for q in BANK {
        for t in q.terms {
            add(t);
        }
    }
    out
}

/// The posting's key terms, best first, at most `max`.
pub fn extract(posting: &str, max: usize) -> Vec<KeyTerm> {
    let known = known_phrases();
    // Runs of candidate words, broken at punctuation, stop words and background words
    // that start or end a phrase.
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    let normalised = posting.replace(['\u{2019}', '\u{2018}'], "'");
    for piece in normalised.split(|c: char| ",.;:!?()[]{}\n\t|/•·*–—\"".contains(c)) {
        for w in piece.split_whitespace() {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
                .to_lowercase();
            if w.is_empty() || is_stop(&w) || w.chars().all(|c| c.is_ascii_digit()) {
                runs.push(Vec::new());
            } else if let Some(run) = runs.last_mut() {
                run.push(w);
            }
        }
        runs.push(Vec::new());
    }
    let mut found: HashMap<Vec<String>, (String, usize)> = HashMap::new();
    for run in runs.iter().filter(|r| !r.is_empty()) {
        for n in 1..=3 {
            for win in run.windows(n) {
                if background(&win[0]) && n > 1 || background(&win[n - 1]) {
                    continue;
                }
                let key: Vec<String> = win.iter().map(|w| stem(w)).collect();
                let e = found.entry(key).or_insert_with(|| (win.join(" "), 0));
                e.1 += 1;
            }
        }
    }
    let mut terms: Vec<KeyTerm> = found
        .into_iter()
        .filter_map(|(key, (term, count))| {
            let n = key.len();
            let is_known = known.contains(&key);
            // A single word seen once is noise unless the bank knows it.
            if n == 1 && count < 2 && !is_known {
                return None;
            }
            if n > 1 && count < 2 && !is_known {
                // A multi-word phrase seen once counts only if it looks like a name of a
                // skill or tool (written with capitals or symbols in the posting).
                let raw = posting.to_lowercase();
                if !raw.contains(&term) {
                    return None;
                }
            }
            let mut score = count as f32 * (1.0 + 0.5 * (n - 1) as f32);
            if is_known {
                score *= 2.0;
            }
            Some(KeyTerm { term, count, score })
        })
        .collect();
    terms.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    // Drop a phrase contained in a better one ("data" under "data analysis") unless it
    // also stands alone often.
    let mut out: Vec<KeyTerm> = Vec::new();
    for t in terms {
        let inside = out.iter().any(|o| {
            format!(" {} ", o.term).contains(&format!(" {} ", t.term)) && t.count <= o.count + 1
        });
        if !inside {
            out.push(t);
        }
        if out.len() >= max {
            break;
        }
    }
    out
}

/// Which of `terms` the answer used (matched on stems, whole words).
pub fn used<'a>(terms: &'a [String], answer: &str) -> Vec<&'a String> {
    let a: Vec<String> = words(answer).iter().map(|w| stem(w)).collect();
    let line = format!(" {} ", a.join(" "));
    terms
        .iter()
        .filter(|t| {
            let s: Vec<String> = words(t).iter().map(|w| stem(w)).collect();
            !s.is_empty() && line.contains(&format!(" {} ", s.join(" ")))
        })
        .collect()
}

/// How well a bank question fits the posting's terms: each term found in the question,
/// its talking points or its interviewer terms counts (a phrase of several words 1.5).
pub fn fit(q: &crate::questions::BankQuestion, terms: &[String]) -> f32 {
    let mut text = String::from(q.text);
    for p in q.points.iter().chain(q.terms) {
        text.push_str(". ");
        text.push_str(p);
    }
    used(terms, &text)
        .iter()
        .map(|t| if t.contains(' ') { 1.5 } else { 1.0 })
        .sum()
}

/// An interview for a job posting: the track whose keywords and questions share most of
/// the posting's terms, then the `count` bank questions (of any track) that fit it best,
/// with at least one story question, one "why this job" question, the closer last if drawn.
/// Ties are broken by `seed`, so a new interview for the same posting varies.
pub fn plan_for_job(
    terms: &[String],
    count: usize,
    limit_s: u32,
    seed: u64,
) -> (Track, Vec<crate::questions::PlannedQuestion>) {
    use crate::questions::{questions_for, PlannedQuestion, QuestionKind, Rng};
    let mut rng = Rng::new(seed);
    let track = Track::ALL
        .into_iter()
        .filter(|t| *t != Track::Custom)
        .map(|t| {
            let kw = t.keywords().join(". ");
            let score = used(terms, &kw).len() as f32
                + questions_for(t).map(|q| fit(q, terms)).sum::<f32>() / 10.0;
            (t, score)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| t)
        .unwrap_or(Track::General);
    // Candidates: the chosen track's questions and the general ones, best fit first.
    let mut pool: Vec<(f32, &crate::questions::BankQuestion)> = BANK
        .iter()
        .filter(|q| q.track == track || q.track == Track::General || fit(q, terms) >= 3.0)
        .map(|q| {
            let bonus = if q.track == track { 0.5 } else { 0.0 };
            // Up to one point of chance: near fits trade places between interviews.
            let jitter = (rng.next_u64() % 1000) as f32 / 1000.0;
            (fit(q, terms) + bonus + jitter, q)
        })
        .collect();
    pool.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut picked: Vec<&crate::questions::BankQuestion> = Vec::new();
    let want = |k: QuestionKind, picked: &Vec<&crate::questions::BankQuestion>| {
        !picked.iter().any(|q| q.kind == k)
    };
    for kind in [QuestionKind::Behavioural, QuestionKind::Motivation] {
        if picked.len() < count && want(kind, &picked) {
            if let Some((_, q)) = pool.iter().find(|(_, q)| {
                q.kind == kind
                    && (kind != QuestionKind::Motivation
                        || q.track == Track::General
                        || q.track == track)
            }) {
                picked.push(q);
            }
        }
    }
    for (_, q) in &pool {
        if picked.len() >= count {
            break;
        }
        if !picked.iter().any(|p| p.id == q.id) && q.kind != QuestionKind::Closing {
            picked.push(q);
        }
    }
    // Story questions first, as interviews usually go after the opener; motivation first.
    picked.sort_by_key(|q| match q.kind {
        QuestionKind::Motivation => 0,
        QuestionKind::Behavioural => 1,
        QuestionKind::Situational => 2,
        QuestionKind::Technical => 3,
        QuestionKind::Closing => 4,
    });
    (
        track,
        picked
            .into_iter()
            .map(|q| PlannedQuestion::from_bank(q, limit_s))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const POSTING: &str = "Data Analyst (Customer Insights)\n\
        We're looking for a data analyst to join our customer insights team. \
        You will build dashboards in Tableau, write SQL queries against our data warehouse, \
        and present findings to stakeholders. Requirements: 2+ years of experience with SQL; \
        experience with Tableau or Power BI dashboards; strong stakeholder management; \
        A/B testing and statistics. Competitive salary and hybrid working.";

    #[test]
    fn the_postings_own_terms_come_first() {
        let t = extract(POSTING, 12);
        let names: Vec<&str> = t.iter().map(|k| k.term.as_str()).collect();
        for want in ["sql", "tableau", "dashboards", "stakeholder management"] {
            assert!(
                names.iter().any(|n| n.contains(want)),
                "{want} not in {names:?}"
            );
        }
        for boiler in [
            "experience",
            "salary",
            "competitive salary",
            "hybrid working",
            "years",
        ] {
            assert!(!names.contains(&boiler), "{boiler} in {names:?}");
        }
    }

    #[test]
    fn a_posting_picks_its_track_and_fitting_questions() {
        let terms: Vec<String> = extract(POSTING, 15).into_iter().map(|t| t.term).collect();
        let (track, qs) = plan_for_job(&terms, 5, 0, 1);
        assert_eq!(track, Track::DataAnalytics, "{terms:?}");
        assert_eq!(qs.len(), 5);
        assert!(qs
            .iter()
            .any(|q| q.kind == Some(crate::questions::QuestionKind::Behavioural)));
        let fitting = qs
            .iter()
            .filter(|q| fit(q.bank().unwrap(), &terms) > 0.0)
            .count();
        assert!(
            fitting >= 3,
            "{:?}",
            qs.iter().map(|q| &q.text).collect::<Vec<_>>()
        );
        assert_ne!(
            plan_for_job(&terms, 5, 0, 1).1,
            plan_for_job(&terms, 5, 0, 2).1
        );
    }

    #[test]
    fn terms_used_in_an_answer() {
        let terms: Vec<String> = ["sql", "dashboards", "stakeholder management"]
            .map(String::from)
            .to_vec();
        let u = used(
            &terms,
            "I wrote the SQL and built a dashboard for the stakeholders.",
        );
        assert_eq!(u, [&terms[0], &terms[1]]);
    }
}
