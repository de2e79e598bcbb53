//! Transcript metrics: pace, fillers, repetitions, stammers, revisions, repeated words.
//! Every finding carries the byte range of the transcript it covers, so the report can
//! highlight it. Speech recognisers often drop fillers: the audio side counts filled
//! pauses independently ([`super::audio`]).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// Lower-case word without surrounding punctuation (inner apostrophes and hyphens kept).
    pub word: String,
    /// Byte range of the raw token in the transcript.
    pub start: usize,
    pub end: usize,
    /// The raw token ended in a hyphen or dash: a cut-off word ("th-", "we-").
    pub cut_off: bool,
    /// Punctuation (, . ; : ! ?) directly after the token.
    pub pause_after: bool,
}

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if text[i..].starts_with(char::is_whitespace) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let start = i;
        while i < bytes.len() && !text[i..].starts_with(char::is_whitespace) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        let raw = &text[start..i];
        let trimmed_end = raw.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let cut_off = trimmed_end.ends_with('-') || raw.ends_with('—') || raw.ends_with('–');
        let word: String = raw
            .trim_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c == '’' { '\'' } else { c })
            .collect();
        let pause_after = raw.ends_with([',', '.', ';', ':', '!', '?']);
        if !word.is_empty() {
            out.push(Token {
                word,
                start,
                end: i,
                cut_off,
                pause_after,
            });
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Filler,
    /// The same word said again at once ("I I", "the the").
    Repetition,
    /// A phrase of 2-4 words said again at once ("we did we did").
    PhraseRepetition,
    /// A part-word start before the word ("th- the", "b-b-but").
    Stammer,
    /// A word abandoned mid-way for another ("we wen- we drove").
    Revision,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    /// Byte range in the transcript.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Filler words and phrases for one language.
pub struct Fillers {
    pub words: &'static [&'static str],
    pub phrases: &'static [&'static [&'static str]],
}

pub const ENGLISH: Fillers = Fillers {
    words: &[
        "um",
        "umm",
        "uh",
        "uhh",
        "uhm",
        "erm",
        "er",
        "err",
        "ah",
        "hmm",
        "mm",
        "basically",
        "actually",
        "literally",
    ],
    phrases: &[&["you", "know"], &["i", "mean"]],
};

const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "so", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "it's", "this", "that",
    "these", "those", "i", "i'm", "me", "my", "we", "our", "you", "your", "he", "she", "they",
    "them", "their", "his", "her", "us", "do", "did", "does", "have", "has", "had", "not", "no",
    "yes", "if", "then", "than", "there", "what", "which", "who", "when", "where", "how", "why",
    "all", "just", "very", "really", "about", "up", "out", "would", "could", "should", "will",
    "can", "also", "some", "more", "like", "um", "uh", "get", "got", "into", "because", "one",
    "know", "mean", "think",
];

/// Doubled words that are grammatical ("I had had", "that that").
const LEGIT_DOUBLES: &[&str] = &["had", "that", "is"];

fn is_filler_like(toks: &[Token], i: usize) -> bool {
    // "like" is a filler between clauses ("it was, like, hard", "and like we"), not as a
    // verb ("I like", "would like to") or preposition ("like a", "looks like").
    let prev = i.checked_sub(1).map(|p| toks[p].word.as_str());
    let next = toks.get(i + 1).map(|t| t.word.as_str());
    let after_pause = i == 0 || toks[i - 1].pause_after;
    if toks[i].pause_after && after_pause {
        return true;
    }
    if matches!(
        next,
        Some(
            "to" | "a"
                | "an"
                | "the"
                | "this"
                | "that"
                | "him"
                | "her"
                | "them"
                | "me"
                | "us"
                | "it"
                | "you"
                | "my"
                | "your"
                | "our"
                | "their"
        )
    ) {
        return false;
    }
    match prev {
        None => true,
        Some(p) => {
            after_pause
                || matches!(
                    p,
                    "and"
                        | "so"
                        | "but"
                        | "or"
                        | "was"
                        | "were"
                        | "is"
                        | "are"
                        | "it's"
                        | "that's"
                        | "then"
                        | "because"
                        | "um"
                        | "uh"
                        | "like"
                )
        }
    }
}

fn phrase_is_filler(toks: &[Token], i: usize, phrase: &[&str]) -> bool {
    let prev = i.checked_sub(1).map(|p| toks[p].word.as_str());
    let next = toks.get(i + phrase.len()).map(|t| t.word.as_str());
    match phrase {
        ["you", "know"] => {
            !matches!(
                prev,
                Some("do" | "did" | "don't" | "if" | "would" | "will" | "to" | "as" | "you")
            ) && !matches!(
                next,
                Some(
                    "that"
                        | "the"
                        | "a"
                        | "an"
                        | "how"
                        | "what"
                        | "why"
                        | "where"
                        | "who"
                        | "when"
                        | "him"
                        | "her"
                        | "them"
                        | "it"
                        | "about"
                        | "this"
                )
            )
        }
        ["i", "mean"] => !matches!(next, Some("it" | "that" | "to" | "what" | "this")),
        _ => true,
    }
}

/// Finds fillers, repetitions, stammers and revisions, in transcript order.
pub fn findings(text: &str, toks: &[Token], lang: &Fillers) -> Vec<Finding> {
    let mut out = Vec::new();
    let span = |kind, a: usize, b: usize| Finding {
        kind,
        start: toks[a].start,
        end: toks[b].end,
        text: text[toks[a].start..toks[b].end].to_string(),
    };
    let mut i = 0;
    while i < toks.len() {
        let w = toks[i].word.as_str();
        // Part-word stammers written with hyphens inside one token: "b-b-but".
        if let Some(last) = w.rsplit('-').next() {
            let parts: Vec<&str> = w.split('-').collect();
            if parts.len() >= 2
                && !last.is_empty()
                && parts[..parts.len() - 1]
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && last.starts_with(p))
            {
                out.push(span(Kind::Stammer, i, i));
                i += 1;
                continue;
            }
        }
        // A cut-off start followed by the full word: "th- the"; by another word: a revision.
        if toks[i].cut_off {
            if let Some(next) = toks.get(i + 1) {
                let kind = if next.word.starts_with(w) && next.word != w {
                    Kind::Stammer
                } else {
                    Kind::Revision
                };
                out.push(span(kind, i, i));
                i += 1;
                continue;
            }
        }
        if let Some(p) = lang.phrases.iter().find(|p| {
            toks.len() >= i + p.len() && p.iter().enumerate().all(|(k, pw)| toks[i + k].word == *pw)
        }) {
            if phrase_is_filler(toks, i, p) {
                out.push(span(Kind::Filler, i, i + p.len() - 1));
                i += p.len();
                continue;
            }
        }
        if lang.words.contains(&w) || (w == "like" && is_filler_like(toks, i)) {
            out.push(span(Kind::Filler, i, i));
            i += 1;
            continue;
        }
        // Phrase repetitions, longest first: "we did we did".
        if let Some(n) = (2..=4).rev().find(|&n| {
            i + 2 * n <= toks.len() && (0..n).all(|k| toks[i + k].word == toks[i + n + k].word)
        }) {
            out.push(span(Kind::PhraseRepetition, i, i + 2 * n - 1));
            i += 2 * n;
            continue;
        }
        // Whole-word repetitions: "I I I" is one finding of two repeats.
        let mut j = i + 1;
        while j < toks.len() && toks[j].word == toks[i].word {
            j += 1;
        }
        if j - i >= 2 && !(j - i == 2 && LEGIT_DOUBLES.contains(&w)) {
            out.push(span(Kind::Repetition, i, j - 1));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextMetrics {
    /// Words spoken, fillers excluded.
    pub words: usize,
    /// Words per minute over the time spent speaking (needs the audio's voice activity).
    pub wpm_speaking: Option<f64>,
    /// Words per minute over the answer's elapsed time.
    pub wpm_elapsed: Option<f64>,
    pub fillers: usize,
    pub fillers_per_100_words: f64,
    /// Extra occurrences: "I I I" counts 2.
    pub repetitions: usize,
    pub phrase_repetitions: usize,
    pub stammers: usize,
    pub revisions: usize,
    /// Content words said three times or more, most frequent first (at most 5).
    pub top_words: Vec<(String, usize)>,
    pub findings: Vec<Finding>,
}

pub fn analyse(
    text: &str,
    elapsed_ms: f64,
    speaking_ms: Option<f64>,
    lang: &Fillers,
) -> TextMetrics {
    let toks = tokenize(text);
    let found = findings(text, &toks, lang);
    let count = |k: Kind| found.iter().filter(|f| f.kind == k).count();
    let filler_words: usize = found
        .iter()
        .filter(|f| f.kind == Kind::Filler)
        .map(|f| tokenize(&f.text).len())
        .sum();
    let words = toks.len().saturating_sub(filler_words);
    let repetitions = found
        .iter()
        .filter(|f| f.kind == Kind::Repetition)
        .map(|f| tokenize(&f.text).len() - 1)
        .sum();
    let per_min = |ms: f64| (ms > 0.0).then(|| words as f64 / (ms / 60_000.0));
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for t in &toks {
        if t.word.len() > 2
            && !STOP.contains(&t.word.as_str())
            && !lang.words.contains(&t.word.as_str())
        {
            *freq.entry(t.word.as_str()).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = freq
        .into_iter()
        .filter(|(_, n)| *n >= 3)
        .map(|(w, n)| (w.to_string(), n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(5);
    let fillers = count(Kind::Filler);
    TextMetrics {
        words,
        wpm_speaking: speaking_ms.and_then(per_min),
        wpm_elapsed: per_min(elapsed_ms),
        fillers,
        fillers_per_100_words: if words > 0 {
            fillers as f64 * 100.0 / words as f64
        } else {
            0.0
        },
        repetitions,
        phrase_repetitions: count(Kind::PhraseRepetition),
        stammers: count(Kind::Stammer),
        revisions: count(Kind::Revision),
        top_words: top,
        findings: found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        findings(text, &tokenize(text), &ENGLISH)
            .into_iter()
            .map(|f| (f.kind, f.text))
            .collect()
    }

    #[test]
    fn tokens_keep_positions() {
        let t = tokenize("Well, I— th- the “plan”.");
        assert_eq!(
            t.iter().map(|t| t.word.as_str()).collect::<Vec<_>>(),
            ["well", "i", "th", "the", "plan"]
        );
        assert!(t[0].pause_after);
        assert!(t[1].cut_off && t[2].cut_off && !t[3].cut_off);
        assert_eq!(&"Well, I— th- the “plan”."[t[4].start..t[4].end], "“plan”.");
    }

    #[test]
    fn whole_word_and_phrase_repetitions() {
        assert_eq!(
            kinds("I I I think so"),
            [(Kind::Repetition, "I I I".into())]
        );
        assert_eq!(
            kinds("go to the the shop"),
            [(Kind::Repetition, "the the".into())]
        );
        assert_eq!(
            kinds("we did we did ship it"),
            [(Kind::PhraseRepetition, "we did we did".into())]
        );
        assert_eq!(
            kinds("we did, we did ship it"),
            [(Kind::PhraseRepetition, "we did, we did".into())]
        );
        // Grammatical doubles are not repetitions.
        assert!(kinds("I had had enough").is_empty());
        assert!(kinds("she said that that was fine").is_empty());
        let m = analyse("I I I think the the plan", 60_000.0, None, &ENGLISH);
        assert_eq!(m.repetitions, 3);
    }

    #[test]
    fn stammers_and_revisions() {
        assert_eq!(kinds("th- the plan"), [(Kind::Stammer, "th-".into())]);
        assert_eq!(kinds("b-b-but why"), [(Kind::Stammer, "b-b-but".into())]);
        assert_eq!(kinds("we wen- we drove"), [(Kind::Revision, "wen-".into())]);
        // Ordinary hyphenated words are not stammers.
        assert!(kinds("a well-known long-term plan").is_empty());
        assert!(kinds("my co-worker").is_empty());
    }

    #[test]
    fn fillers_in_filler_positions_only() {
        assert_eq!(
            kinds("Um, so I, uh, led the team, you know, and basically shipped it."),
            [
                (Kind::Filler, "Um,".into()),
                (Kind::Filler, "uh,".into()),
                (Kind::Filler, "you know,".into()),
                (Kind::Filler, "basically".into()),
            ]
        );
        assert_eq!(
            kinds("it was, like, really hard"),
            [(Kind::Filler, "like,".into())]
        );
        assert_eq!(
            kinds("and like we just shipped"),
            [(Kind::Filler, "like".into())]
        );
        assert!(kinds("I like my job").is_empty());
        assert!(kinds("I would like to lead").is_empty());
        assert!(kinds("it looks like a bug").is_empty());
        assert!(kinds("do you know the answer").is_empty());
        assert!(kinds("you know that it works").is_empty());
        assert!(kinds("I mean it").is_empty());
        assert_eq!(kinds("I mean we could"), [(Kind::Filler, "I mean".into())]);
    }

    #[test]
    fn metrics_per_minute_and_per_hundred_words() {
        let text = "um the deployment failed so the deployment team fixed the deployment quickly";
        let m = analyse(text, 30_000.0, Some(20_000.0), &ENGLISH);
        assert_eq!(m.words, 11);
        assert_eq!(m.fillers, 1);
        assert!((m.fillers_per_100_words - 100.0 / 11.0).abs() < 1e-9);
        assert_eq!(m.wpm_elapsed, Some(22.0));
        assert_eq!(m.wpm_speaking, Some(33.0));
        assert_eq!(m.top_words, vec![("deployment".to_string(), 3)]);
        let empty = analyse("", 0.0, None, &ENGLISH);
        assert_eq!(
            (empty.words, empty.wpm_elapsed, empty.fillers_per_100_words),
            (0, None, 0.0)
        );
    }

    #[test]
    fn findings_point_into_the_transcript() {
        let text = "So, um, I I think";
        for f in findings(text, &tokenize(text), &ENGLISH) {
            assert_eq!(&text[f.start..f.end], f.text);
        }
    }
}
