//! Text pieces the content rules share: sentences of a transcript (with or without
//! punctuation), lowercase words, a light stemmer and the stop words.

use crate::speech::text::tokenize;
use std::ops::Range;

/// Byte ranges of the sentences of `text`. Punctuated text (Whisper, typed) splits after
/// `.`, `!` or `?` followed by a space; a run of more than `MAX_WORDS` words without any
/// (the browser's recogniser writes none) is cut before a discourse marker ("so", "then",
/// "but", "and then", "after that", ...) or, failing one, every `MAX_WORDS` words.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        let end_mark = matches!(c, b'.' | b'!' | b'?');
        let next_space = b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
        // "3.5" and "e.g." stay whole: a mark ends a sentence only before a space.
        if end_mark && next_space {
            push_long(text, start..i + 1, &mut out);
            start = i + 1;
        }
    }
    push_long(text, start..text.len(), &mut out);
    out
}

const MAX_WORDS: usize = 30;
const MARKERS: &[&str] = &[
    "so",
    "then",
    "but",
    "after",
    "afterwards",
    "eventually",
    "finally",
    "because",
    "since",
    "now",
    "overall",
    "anyway",
    "first",
    "next",
];

fn push_long(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let piece = &text[r.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let r = r.start + lead..r.start + piece.trim_end().len();
    if r.is_empty() {
        return;
    }
    let words = tokenize(&text[r.clone()]);
    if words.len() <= MAX_WORDS {
        out.push(r);
        return;
    }
    let mut begin = 0; // word index where the current piece starts
    let mut piece_start = r.start;
    for (i, w) in words.iter().enumerate() {
        let n = i - begin;
        let cut = (n >= 8 && MARKERS.contains(&w.word.as_str())) || n >= MAX_WORDS;
        if cut && i > begin {
            out.push(piece_start..r.start + words[i - 1].end);
            piece_start = r.start + w.start;
            begin = i;
        }
    }
    out.push(piece_start..r.end);
}

/// Lowercase words: the transcript metrics' tokens, split again at inner hyphens and
/// slashes ("follow-up", "A/B") so that each part matches on its own; inner apostrophes
/// stay ("I'd").
pub fn words(s: &str) -> Vec<String> {
    tokenize(s)
        .iter()
        .flat_map(|t| t.word.split(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('\'').to_string())
        .collect()
}

/// A light stemmer (plural, -ing, -ed, -ly, -ise/-ize and a few more) so that "resolved",
/// "resolving" and "resolves" meet. Not Porter's: simpler, and wrong in places where that
/// does not matter for matching a word against itself in another form.
pub fn stem(w: &str) -> String {
    let mut w = w.trim_end_matches("'s").to_string();
    if w.len() <= 3 {
        return w;
    }
    for (suffix, with) in [
        ("isations", "iz"),
        ("izations", "iz"),
        ("isation", "iz"),
        ("ization", "iz"),
        ("ising", "iz"),
        ("izing", "iz"),
        ("ised", "iz"),
        ("ized", "iz"),
        ("ises", "iz"),
        ("izes", "iz"),
        ("ise", "iz"),
        ("ize", "iz"),
        ("ies", "y"),
        ("ied", "y"),
        ("ying", "y"),
        ("ments", ""),
        ("ment", ""),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ness", ""),
        ("ingly", ""),
        ("edly", ""),
        ("ing", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", "e"),
        ("s", ""),
    ] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.len() >= 3 && !(suffix == "s" && base.ends_with('s')) {
                w = format!("{base}{with}");
                break;
            }
        }
    }
    // "planned" -> "plann" -> "plan"; "resolve" and "resolv" meet by dropping a final e.
    let b = w.as_bytes();
    if b.len() >= 4 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiousl".contains(&b[b.len() - 1]) {
        w.pop();
    }
    if w.len() >= 4 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// Function words and the fillers of speech: never content, never a key term.
pub fn is_stop(w: &str) -> bool {
    STOP.binary_search(&w).is_ok()
}

// Sorted (a test checks).
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "actually",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "are",
    "aren't",
    "around",
    "as",
    "at",
    "back",
    "basically",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "enough",
    "er",
    "erm",
    "even",
    "ever",
    "every",
    "few",
    "first",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "go",
    "goes",
    "going",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he's",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "hmm",
    "how",
    "however",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "kind",
    "kinda",
    "know",
    "let",
    "let's",
    "like",
    "lot",
    "made",
    "make",
    "many",
    "may",
    "me",
    "mean",
    "might",
    "mine",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "ok",
    "okay",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "pretty",
    "quite",
    "rather",
    "really",
    "right",
    "said",
    "same",
    "say",
    "see",
    "she",
    "she'd",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "something",
    "sort",
    "still",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they're",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "uh",
    "um",
    "umm",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "wasn't",
    "way",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "won't",
    "would",
    "wouldn't",
    "yeah",
    "yes",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
];

/// The stems of a text's content words, once each, in order of first appearance.
pub fn content_stems(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(s) {
        if is_stop(&w) || w.len() < 2 {
            continue;
        }
        let st = stem(&w);
        if !out.contains(&st) {
            out.push(st);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_is_sorted() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn punctuated_sentences() {
        let t = "I led the team. We shipped 3.5 weeks early! Did it work? Yes";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            [
                "I led the team.",
                "We shipped 3.5 weeks early!",
                "Did it work?",
                "Yes"
            ]
        );
        assert!(sentences("  ").is_empty());
    }

    #[test]
    fn unpunctuated_speech_is_cut_at_markers() {
        let t = "at my last job the team was behind on every release and nobody knew why \
                 so I went through the last ten tickets with the lead and found the reviews \
                 took days then we set a rule of one day for every review \
                 and after a month releases were on time again";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert!(s.len() >= 3, "{s:?}");
        assert!(s[1].starts_with("so I went"), "{s:?}");
        assert!(s.iter().all(|p| words(p).len() <= MAX_WORDS));
    }

    #[test]
    fn stems_meet() {
        for group in [
            ["resolved", "resolving", "resolves"],
            ["organised", "organized", "organising"],
            ["planned", "planning", "plans"],
            ["improvement", "improved", "improves"],
        ] {
            let s: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(s.iter().all(|x| *x == s[0]), "{group:?} -> {s:?}");
        }
        assert_eq!(words("I’d say: it's DONE."), ["i'd", "say", "it's", "done"]);
        assert_eq!(
            content_stems("We planned the plans, um, quickly"),
            ["plan", "quick"]
        );
    }
}
