//! What an answer said, from its transcript, by rules that explain themselves: the STAR
//! parts of a story (`star`), the question's talking points and the answer's relevance
//! (`points`), and the job posting's key terms (`terms`). It reads the transcript, so
//! recognition errors carry over; the measured precision and recall on labelled answers
//! are printed by `cargo test -p interviewer-core --test content_labelled -- --nocapture`.

pub mod points;
pub mod star;
pub mod terms;
pub mod text;

use crate::questions::{BankQuestion, PlannedQuestion, QuestionKind};
use serde::{Deserialize, Serialize};
pub use star::Part;

/// The questions answers are read against are the interview's own
/// ([`PlannedQuestion`]: text, kind, talking points, terms).
impl PlannedQuestion {
    /// Whether answers are read as stories: behavioural questions, and the user's own
    /// questions worded as one ("Tell me about a time...").
    pub fn wants_story(&self) -> bool {
        match self.kind {
            Some(k) => k == QuestionKind::Behavioural,
            None => {
                let t = self.text.to_lowercase();
                [
                    "a time",
                    "an example",
                    "an occasion",
                    "a situation where",
                    "a moment",
                ]
                .iter()
                .any(|c| t.contains(c))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Byte range in the transcript.
    pub start: usize,
    pub end: usize,
    pub part: Option<Part>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointNote {
    pub point: String,
    /// The sentence that covers it.
    pub sentence: Option<usize>,
    /// The point's words found there.
    pub shared: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub sentences: Vec<Sentence>,
    /// Read for STAR (a story question).
    pub story: bool,
    /// Story answers: whether the result part shows an outcome (a number with a change,
    /// or what was learned). None when there is no result part.
    pub result_concrete: Option<bool>,
    /// "I"/"me"/"my" and "we"/"us"/"our" in the action sentences.
    pub action_i: usize,
    pub action_we: usize,
    pub points: Vec<PointNote>,
    /// Share of sentences sharing words with the question, its terms and points.
    pub relevance: f32,
    pub off_topic: bool,
    pub job_terms_used: Vec<String>,
    pub job_terms_missed: Vec<String>,
    pub words: usize,
}

/// Below this relevance an answer is flagged as possibly off the question (set on the
/// development set).
pub const OFF_TOPIC_BELOW: f32 = 0.2;

impl Content {
    pub fn has(&self, p: Part) -> bool {
        self.sentences.iter().any(|s| s.part == Some(p))
    }
    pub fn parts(&self) -> Vec<Part> {
        Part::ALL.into_iter().filter(|p| self.has(*p)).collect()
    }
    pub fn covered(&self) -> usize {
        self.points.iter().filter(|p| p.sentence.is_some()).count()
    }
}

/// Reads `transcript` as an answer to `q`; `job_terms`: the posting's key terms, if the
/// interview was built from one.
pub fn analyse(q: &PlannedQuestion, transcript: &str, job_terms: &[String]) -> Content {
    let ranges = text::sentences(transcript);
    let texts: Vec<&str> = ranges.iter().map(|r| &transcript[r.clone()]).collect();
    analyse_sentences(q, transcript, &ranges, &texts, job_terms)
}

/// As `analyse`, on sentences already cut (the labelled sets are cut by hand).
pub fn analyse_sentences(
    q: &PlannedQuestion,
    transcript: &str,
    ranges: &[std::ops::Range<usize>],
    texts: &[&str],
    job_terms: &[String],
) -> Content {
    let story = q.wants_story();
    let parts = if story {
        star::label(texts)
    } else {
        vec![None; texts.len()]
    };
    let stems: Vec<Vec<String>> = texts.iter().map(|s| text::content_stems(s)).collect();
    let cover = points::cover(&q.points, &text::content_stems(&q.text), &stems, &parts);
    let relevance = points::relevance(&q.text, &q.terms, &q.points, &stems);
    let (mut action_i, mut action_we) = (0, 0);
    let mut result_concrete = None;
    for (s, p) in texts.iter().zip(&parts) {
        match p {
            Some(Part::Action) => {
                let (i, we) = star::persons(s);
                action_i += i;
                action_we += we;
            }
            Some(Part::Result) => {
                result_concrete = Some(result_concrete.unwrap_or(false) | star::concrete_result(s))
            }
            _ => {}
        }
    }
    let used: Vec<String> = terms::used(job_terms, transcript)
        .into_iter()
        .cloned()
        .collect();
    let missed = job_terms
        .iter()
        .filter(|t| !used.contains(t))
        .cloned()
        .collect();
    Content {
        sentences: ranges
            .iter()
            .zip(&parts)
            .map(|(r, p)| Sentence {
                start: r.start,
                end: r.end,
                part: *p,
            })
            .collect(),
        story,
        result_concrete,
        action_i,
        action_we,
        points: q
            .points
            .iter()
            .zip(cover)
            .map(|(p, c)| PointNote {
                point: p.clone(),
                sentence: c.sentence,
                shared: c.shared,
            })
            .collect(),
        relevance,
        // Only against a question with talking points: a bare question has too few words
        // to measure against.
        off_topic: texts.len() >= 2 && !q.points.is_empty() && relevance < OFF_TOPIC_BELOW,
        job_terms_used: used,
        job_terms_missed: missed,
        words: text::words(transcript).len(),
    }
}

/// Plain advice on the content, most useful first. Observations, not verdicts.
pub fn advice(c: &Content) -> Vec<String> {
    let mut out = Vec::new();
    if c.words < 15 {
        return out;
    }
    if c.off_topic {
        out.push(
            "Few of your sentences used the question's own words or its talking points: check \
             that the answer addresses what was asked, and say so in your first sentence."
                .into(),
        );
    }
    if c.story {
        if !c.has(Part::Result) {
            out.push(
                "Your answer never said what happened in the end: add the result, with a number if you have one."
                    .into(),
            );
        } else if c.result_concrete == Some(false) {
            out.push(
                "The result was there but without evidence: a number, a before-and-after, or what you learned makes it land."
                    .into(),
            );
        }
        if !c.has(Part::Action) {
            out.push(
                "The story did not say what you did: describe your own steps, one by one.".into(),
            );
        } else if c.action_we > 2 * c.action_i.max(1) {
            out.push(format!(
                "Your actions said \"we\" {} times and \"I\" {} times: interviewers listen for your part, so say what you did.",
                c.action_we, c.action_i
            ));
        }
        if !c.has(Part::Situation) && !c.has(Part::Task) {
            out.push(
                "Set the scene first: one or two sentences on where you were and what needed doing."
                    .into(),
            );
        }
    }
    let missed = c.points.iter().filter(|p| p.sentence.is_none()).count();
    if !c.points.is_empty() && missed * 2 > c.points.len() {
        out.push(format!(
            "{} of the {} talking points were not found in your words (listed above): strong answers usually touch most of them.",
            missed,
            c.points.len()
        ));
    }
    out
}

/// The follow-up an interviewer would ask after a story answer missing its actions or its
/// result (the bank's own wording), or None.
pub fn follow_up(q: &BankQuestion, c: &Content) -> Option<&'static str> {
    if !c.story || c.words < 15 {
        return None;
    }
    if !c.has(Part::Action) {
        q.follow_up_action
    } else if !c.has(Part::Result) {
        q.follow_up_result
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::by_id;

    #[test]
    fn a_story_without_an_ending_gets_the_result_follow_up() {
        let b = by_id("gen-disagreed-with-colleague").unwrap();
        let q = PlannedQuestion::from_bank(b, 0);
        let t = "At my last job a colleague and I disagreed about how to handle refunds. \
                 I owned the refund process, so it was on me to sort it out. \
                 So I sat down with her and listened to her reasons. \
                 Then I pulled three months of data and we went through it together.";
        let c = analyse(&q, t, &[]);
        assert!(c.story && c.has(Part::Situation) && c.has(Part::Action));
        assert!(!c.has(Part::Result));
        assert_eq!(follow_up(b, &c), b.follow_up_result);
        assert!(advice(&c)
            .iter()
            .any(|a| a.contains("what happened in the end")));
        assert!(!c.off_topic);
        let listened = c
            .points
            .iter()
            .find(|p| p.point.contains("listened"))
            .unwrap();
        assert_eq!(listened.sentence, Some(2));
    }

    #[test]
    fn job_terms_used_and_missed() {
        let q = PlannedQuestion::custom("Tell me about a dashboard you built.", 0);
        let terms = vec!["sql".to_string(), "tableau".to_string()];
        let c = analyse(&q, "I wrote the SQL myself and shared it.", &terms);
        assert_eq!(c.job_terms_used, ["sql"]);
        assert_eq!(c.job_terms_missed, ["tableau"]);
        assert!(!c.story);
        assert!(PlannedQuestion::custom("Describe a time you failed.", 0).wants_story());
    }
}
