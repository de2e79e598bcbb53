//! Word error rate and the disfluencies a transcript kept: the figures `asr-bench`
//! prints.

/// Lowercase words without punctuation (apostrophes inside words kept), as WER counts them.
pub fn normalise(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
                .trim_matches('\'')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word edit distance (substitutions, deletions, insertions) of `hyp` against `reference`.
pub fn word_errors(reference: &str, hyp: &str) -> (usize, usize) {
    let (r, h) = (normalise(reference), normalise(hyp));
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let sub = prev[j] + usize::from(rw != hw);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    (prev[h.len()], r.len())
}

/// Word error rate of one transcript (0 for an empty reference and hypothesis).
pub fn wer(reference: &str, hyp: &str) -> f64 {
    let (e, n) = word_errors(reference, hyp);
    e as f64 / n.max(1) as f64
}

/// Filled pauses ("um", "uh", "erm", "hmm") and immediate word repetitions ("I I").
pub fn disfluencies(text: &str) -> (usize, usize) {
    let w = normalise(text);
    let fillers = w
        .iter()
        .filter(|x| {
            matches!(
                x.as_str(),
                "um" | "umm" | "uh" | "uhh" | "erm" | "er" | "hmm" | "mm" | "ah"
            )
        })
        .count();
    let reps = w.windows(2).filter(|p| p[0] == p[1]).count();
    (fillers, reps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wer_counts_edits_over_reference_words() {
        assert_eq!(wer("I led the team.", "i led the team"), 0.0);
        assert_eq!(word_errors("I led the team", "I lead a team"), (2, 4));
        assert_eq!(word_errors("a b c", "a c"), (1, 3));
        assert_eq!(word_errors("a b", "a x b y"), (2, 2));
        assert_eq!(normalise("Don't, \"stop\"!"), vec!["don't", "stop"]);
    }

    #[test]
    fn disfluencies_are_counted() {
        assert_eq!(
            disfluencies("So um I I think the the main thing, uh."),
            (2, 2)
        );
    }
}
