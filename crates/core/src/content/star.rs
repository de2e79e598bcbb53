//! STAR structure of a story answer, by rules: each sentence scored for Situation, Task,
//! Action and Result from cue phrases (the lists below), its grammatical person and tense,
//! and where it sits in the answer; then labelled with the best-scoring part above a
//! threshold, in an order that lets a story go S -> T -> A -> R with steps back only
//! where a cue is strong. The thresholds and weights were set on the development set
//! (`tests/answers/dev.toml`) and are measured on the test set (`tests/content_labelled.rs`).

use super::text::words;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Part {
    #[serde(rename = "S")]
    Situation,
    #[serde(rename = "T")]
    Task,
    #[serde(rename = "A")]
    Action,
    #[serde(rename = "R")]
    Result,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Situation, Part::Task, Part::Action, Part::Result];
    pub fn letter(self) -> char {
        match self {
            Part::Situation => 'S',
            Part::Task => 'T',
            Part::Action => 'A',
            Part::Result => 'R',
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Part::Situation => "situation",
            Part::Task => "task",
            Part::Action => "action",
            Part::Result => "result",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

// Phrases are matched on whole words of the lowercased sentence.
const SITUATION: &[&str] = &[
    "at my last",
    "in my last",
    "at my previous",
    "in my previous",
    "at my old",
    "in my old",
    "in my current",
    "at my current",
    "in my first",
    "when i was",
    "when i worked",
    "while i was",
    "i was working",
    "i worked as",
    "i was a",
    "i was an",
    "i was on",
    "i was in",
    "last year",
    "years ago",
    "year ago",
    "months ago",
    "a while ago",
    "back when",
    "at the time",
    "at that time",
    "there was",
    "there were",
    "we had a",
    "we had an",
    "we were",
    "the problem was",
    "the issue was",
    "the situation was",
    "was struggling",
    "were struggling",
    "kept",
    "had been",
    "one time",
    "a good example",
    "an example",
    "for example",
    "the project",
    "a project",
    "our team",
    "the team was",
    "a client",
    "a customer",
    "a patient",
    "a student",
    "a colleague",
    "my manager",
    "the company",
    "we'd",
    "was behind",
    "were behind",
    "complaining",
    "complained",
    "going wrong",
    "wasn't working",
    "weren't",
    "was happening",
    "happened",
];
const TASK: &[&str] = &[
    "i was responsible",
    "responsible for",
    "my job was",
    "my role was",
    "my task",
    "my part was",
    "my part",
    "my responsibility",
    "it was my",
    "it was on me",
    "on me to",
    "up to me",
    "i had to",
    "i needed to",
    "i was asked to",
    "i'd been asked",
    "i had been asked",
    "i was tasked",
    "asked me to",
    "i owned",
    "i was leading",
    "i was in charge",
    "in charge of",
    "the goal was",
    "our goal",
    "my goal",
    "the aim was",
    "the target was",
    "i wanted to",
    "i was expected",
    "the challenge was",
    "i was brought in",
    "i was given",
    "needed someone",
    "needed to",
    "had to",
    "was to",
    "my aim",
    "i took on",
    "i took over",
    "i volunteered",
    "on me",
    "landed with me",
    "my call",
    "was mine",
    "i was the",
    "as the",
    "as his",
    "as her",
    "as their",
    "i was one of",
    "the one who",
    "my project was",
    "my job",
    "part of my job",
    "asked me",
    "manager asked",
    "we wanted to",
    "wanted to find out",
    "wanted to get",
    "depended on",
    "riding on",
    "i was on call",
    "i led the",
    "i was running",
    "i'd ended up",
    "i'd been asked",
    "the decision",
    "was expected",
    "my number",
];
const ACTION: &[&str] = &[
    "so i",
    "i decided",
    "first i",
    "then i",
    "i then",
    "i also",
    "i started",
    "i set up",
    "i went",
    "i asked",
    "i sat",
    "i spoke",
    "i talked",
    "i called",
    "i rang",
    "i wrote",
    "i built",
    "i created",
    "i made",
    "i put",
    "i pulled",
    "i suggested",
    "i proposed",
    "i organised",
    "i organized",
    "i arranged",
    "i changed",
    "i split",
    "i took",
    "i sent",
    "i met",
    "i reached out",
    "i explained",
    "i offered",
    "i checked",
    "i tested",
    "i escalated",
    "i tried",
    "i listened",
    "i looked",
    "i found",
    "i gave",
    "i showed",
    "i walked",
    "i brought",
    "i booked",
    "i ran",
    "i worked with",
    "i worked out",
    "i redesigned",
    "i rewrote",
    "i wrote up",
    "i added",
    "i moved",
    "i kept",
    "i agreed",
    "i cut",
    "i used",
    "i followed",
    "i prepared",
    "i planned",
    "i mapped",
    "i drafted",
    "we agreed",
    "we went through",
    "we set up",
    "we decided",
    "we started",
    "we built",
    "we changed",
    "we tested",
    "we tried",
    "we put",
    "we split",
    "we sat",
    "we moved",
    "the first thing i",
    "after that",
    "next i",
    "what i did",
    "i did",
    "i'd",
    "i paired",
    "i scrapped",
    "i dropped",
    "i phoned",
    "i emailed",
    "i messaged",
    "i apologised",
    "i apologized",
    "i stayed",
    "i helped",
    "i trained",
    "i coached",
    "i documented",
    "i analysed",
    "i analyzed",
    "i compared",
    "i reviewed",
    "i researched",
    "i contacted",
    "i negotiated",
    "i persuaded",
    "i convinced",
    "i presented",
    "i introduced",
];
const RESULT: &[&str] = &[
    "as a result",
    "in the end",
    "the end result",
    "the result",
    "the outcome",
    "ended up",
    "since then",
    "from then on",
    "ever since",
    "now we",
    "we now",
    "still running",
    "still use",
    "still uses",
    "went from",
    "dropped",
    "fell",
    "rose",
    "increased",
    "decreased",
    "reduced",
    "improved",
    "saved",
    "halved",
    "doubled",
    "percent",
    "learned",
    "learnt",
    "taught me",
    "lesson",
    "took from",
    "taken from",
    "took away",
    "next time",
    "going forward",
    "these days",
    "feedback was",
    "got promoted",
    "promoted",
    "won",
    "on time",
    "ahead of schedule",
    "early",
    "praised",
    "thanked",
    "never happened",
    "hasn't happened",
    "no more",
    "worked out",
    "paid off",
    "which meant",
    "meant that",
    "so that meant",
    "by the end",
    "within a",
    "after a month",
    "after a week",
    "over the next",
    "the following",
    "that quarter",
    "we hit",
    "we met",
    "we delivered",
    "we shipped",
    "we launched",
    "was delivered",
    "was launched",
    "got it done",
    "came back",
    "signed",
    "renewed",
    "passed",
    "recovered",
    "resolved",
    "fixed",
    "was happy",
    "were happy",
    "was pleased",
    "were pleased",
    "satisfaction",
    "complaints",
    "better together",
    "now",
    "proud",
    "made a difference",
    "the difference",
];
// Outcome evidence: a number, an amount or a change, or what was learned.
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million",
    "half", "third", "quarter", "double", "doubled", "twice", "halved", "percent", "per", "cent",
];
const CHANGE_WORDS: &[&str] = &[
    "dropped",
    "fell",
    "rose",
    "increased",
    "decreased",
    "reduced",
    "improved",
    "saved",
    "cut",
    "grew",
    "halved",
    "doubled",
    "went",
    "from",
    "faster",
    "fewer",
    "less",
    "more",
    "higher",
    "lower",
    "down",
    "up",
];
const LEARNED: &[&str] = &[
    "learned",
    "learnt",
    "taught me",
    "lesson",
    "took from",
    "taken from",
    "took away",
    "next time",
    "now i",
    "i now",
    "these days",
    "since then",
    "from then on",
    "ever since",
];

fn has(line: &str, phrase: &str) -> bool {
    // `line` is " w1 w2 ... " so a phrase padded with spaces matches whole words only.
    line.contains(&format!(" {phrase} "))
}

fn count(line: &str, cues: &[&str]) -> f32 {
    cues.iter().filter(|c| has(line, c)).count() as f32
}

fn padded(sentence: &str) -> String {
    format!(" {} ", words(sentence).join(" "))
}

const FIRST_PERSON: &[&str] = &["i", "i'm", "i'd", "i've", "i'll", "me", "my", "myself"];
const PLURAL_PERSON: &[&str] = &[
    "we",
    "we're",
    "we'd",
    "we've",
    "we'll",
    "us",
    "our",
    "ourselves",
];

/// "I" against "we" in a sentence.
pub fn persons(sentence: &str) -> (usize, usize) {
    let w = words(sentence);
    let i = w
        .iter()
        .filter(|x| FIRST_PERSON.contains(&x.as_str()))
        .count();
    let we = w
        .iter()
        .filter(|x| PLURAL_PERSON.contains(&x.as_str()))
        .count();
    (i, we)
}

/// Whether a result sentence carries evidence of an outcome: a number with a change, a
/// measured amount, or what was learned.
pub fn concrete_result(sentence: &str) -> bool {
    let line = padded(sentence);
    let number = line
        .split(' ')
        .any(|w| w.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&w))
        || sentence.contains('%');
    let change = line.split(' ').any(|w| CHANGE_WORDS.contains(&w));
    (number && change) || LEARNED.iter().any(|c| has(&line, c))
}

/// Past tense of a verb right after "I"/"we": a regular "-ed" or a common irregular one.
fn past_after_subject(line: &str) -> bool {
    const IRREGULAR: &[&str] = &[
        "went",
        "took",
        "made",
        "sat",
        "spoke",
        "wrote",
        "built",
        "put",
        "sent",
        "met",
        "found",
        "gave",
        "showed",
        "ran",
        "brought",
        "kept",
        "cut",
        "set",
        "told",
        "got",
        "did",
        "began",
        "chose",
        "drew",
        "led",
        "paid",
        "rang",
        "saw",
        "sold",
        "spent",
        "stood",
        "taught",
        "thought",
        "understood",
        "won",
        "caught",
        "bought",
        "felt",
    ];
    let w: Vec<&str> = line.split_whitespace().collect();
    w.windows(3).any(|p| {
        (p[0] == "i" || p[0] == "we")
            && [p[1], p[2]].iter().enumerate().any(|(k, v)| {
                let adverb = k == 1 && (p[1].ends_with("ly") || p[1] == "then" || p[1] == "also");
                (k == 0 || adverb) && (v.ends_with("ed") && v.len() > 3 || IRREGULAR.contains(v))
            })
    })
}

/// Whether a sentence tells of something that happened (a past tense, or any STAR cue):
/// opinions and general statements ("I think teamwork matters") are not part of a story.
fn narrative(line: &str) -> bool {
    const PAST: &[&str] = &[
        "was", "were", "had", "did", "i'd", "we'd", "wasn't", "weren't", "hadn't", "didn't",
    ];
    line.split_whitespace()
        .any(|w| PAST.contains(&w) || (w.ends_with("ed") && w.len() > 4))
        || past_after_subject(line)
}

/// Raw scores of one sentence for S, T, A, R (before position and order); None for a
/// sentence that tells of nothing that happened and has no cue.
fn scores(sentence: &str, pos: f32) -> Option<[f32; 4]> {
    let line = padded(sentence);
    let cues = [SITUATION, TASK, ACTION, RESULT]
        .iter()
        .any(|c| count(&line, c) > 0.0);
    if !cues && !narrative(&line) && !concrete_result(sentence) {
        return None;
    }
    let mut s = [
        count(&line, SITUATION),
        count(&line, TASK) * 1.2,
        count(&line, ACTION),
        count(&line, RESULT),
    ];
    let (i, we) = persons(sentence);
    if past_after_subject(&line) {
        s[2] += 0.8;
    }
    if i + we == 0 {
        s[2] -= 0.5;
    }
    if concrete_result(sentence) {
        s[3] += 0.8;
    }
    // Where the part usually sits: context first, the outcome last.
    s[0] += 0.9 * (1.0 - 2.5 * pos).max(0.0);
    s[1] += 0.3 * (1.0 - (pos - 0.25).abs() * 4.0).max(0.0);
    s[2] += 0.3 * (1.0 - (pos - 0.55).abs() * 3.0).max(0.0);
    s[3] += 1.0 * ((pos - 0.6) * 2.5).max(0.0);
    s[3] -= 1.0 * (1.0 - 2.5 * pos).max(0.0);
    Some(s)
}

/// Below this best score a sentence gets no part (asides, opinions, wrap-ups).
const THRESHOLD: f32 = 0.9;
/// Added to the previous sentence's part.
const CONTINUE: f32 = 0.5;

/// The STAR part of each sentence of a story answer, or None.
pub fn label(sentences: &[&str]) -> Vec<Option<Part>> {
    let n = sentences.len();
    let mut out: Vec<Option<Part>> = Vec::with_capacity(n);
    let mut furthest = 0usize; // the latest part reached so far (order S < T < A < R)
    for (k, s) in sentences.iter().enumerate() {
        let pos = if n <= 1 {
            0.5
        } else {
            k as f32 / (n - 1) as f32
        };
        let Some(mut sc) = scores(s, pos) else {
            out.push(None);
            continue;
        };
        // A part usually runs over several sentences.
        if let Some(Some(prev)) = out.last() {
            sc[prev.index()] += CONTINUE;
        }
        // Going back to an earlier part costs: stories move forward.
        for (p, v) in sc.iter_mut().enumerate() {
            if p < furthest {
                *v -= 0.6 * (furthest - p) as f32;
            }
        }
        let Some((best, &v)) = sc.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) else {
            out.push(None);
            continue;
        };
        if v >= THRESHOLD {
            furthest = furthest.max(best);
            out.push(Some(Part::ALL[best]));
        } else {
            out.push(None);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_story_is_labelled_in_order() {
        let s = [
            "At my last job our support queue had grown to four hundred open tickets.",
            "I was responsible for getting it under control before the holiday rush.",
            "So I sorted the tickets by type and wrote answers for the ten most common ones.",
            "Then I trained two colleagues to use them.",
            "In the end the queue dropped to under fifty tickets in three weeks.",
        ];
        let l = label(&s);
        use Part::*;
        assert_eq!(
            l,
            [
                Some(Situation),
                Some(Task),
                Some(Action),
                Some(Action),
                Some(Result)
            ]
        );
        assert_eq!(Part::Action.index(), 2);
    }

    #[test]
    fn opinions_get_no_part() {
        let l = label(&[
            "I think communication is the most important thing in any team.",
            "It is really about respect, honestly.",
        ]);
        assert_eq!(l, [None, None]);
    }

    #[test]
    fn outcomes_with_numbers_or_lessons_are_concrete() {
        assert!(concrete_result(
            "Complaints fell by half over the next quarter."
        ));
        assert!(concrete_result("Errors went from 30 a week to 4."));
        assert!(concrete_result("What I learned is to ask earlier."));
        assert!(!concrete_result("It went fine and everyone was happy."));
        assert_eq!(
            persons("We agreed that I would call them and we would wait."),
            (1, 2)
        );
    }
}
