//! Talking points and relevance, by word overlap: a point is covered by the sentence that
//! shares the most of its content words (stemmed), or, for a point about a part of the
//! story ("the outcome ...", "what you did ..."), by a sentence of that part that shares
//! one. Relevance is how much of the answer shares words with the question, its terms and
//! its points. Word overlap misses paraphrase ("cut costs" against "saved money"): the
//! figures in `tests/content_labelled.rs` say how much.

use super::star::Part;
use super::text::{content_stems, stem};

/// Words in talking points that say what kind of thing to mention, not what it is.
const META: &[&str] = &[
    "example",
    "specific",
    "specif",
    "concrete",
    "clear",
    "clearly",
    "real",
    "particular",
    "show",
    "shows",
    "mention",
    "name",
    "names",
    "explain",
    "explains",
    "describ",
    "describe",
    "describes",
    "brief",
    "briefly",
    "sentence",
    "sentences",
    "two",
    "three",
    "one",
    "rather",
    "than",
    "several",
    "own",
    "word",
    "words",
    "way",
    "ways",
    "part",
    "thing",
    "things",
    "something",
    "someone",
    "how",
    "what",
    "why",
    "you",
    "your",
    "answer",
    "story",
    "point",
];

/// Which part of a story a talking point asks for, from its wording.
pub fn point_part(point: &str) -> Option<Part> {
    let l = format!(" {} ", super::text::words(point).join(" "));
    let any = |cues: &[&str]| cues.iter().any(|c| l.contains(&format!(" {c} ")));
    if any(&[
        "outcome",
        "result",
        "results",
        "impact",
        "evidence",
        "progress",
        "learned",
        "learnt",
        "lesson",
        "changed",
        "difference",
        "afterwards",
        "end",
        "measur",
        "number",
        "improved",
        "happened",
    ]) {
        Some(Part::Result)
    } else if any(&[
        "steps", "step", "did", "do", "action", "actions", "approach", "handled", "resolve",
        "tried", "took", "taking",
    ]) {
        Some(Part::Action)
    } else if any(&[
        "situation",
        "context",
        "background",
        "itself",
        "mattered",
        "problem",
    ]) {
        Some(Part::Situation)
    } else {
        None
    }
}

fn point_stems(point: &str) -> Vec<String> {
    content_stems(point)
        .into_iter()
        .filter(|s| !META.contains(&s.as_str()) && s.len() > 2)
        .collect()
}

/// How a point was judged against the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// The sentence that covers it, if any.
    pub sentence: Option<usize>,
    /// Content words of the point found in that sentence.
    pub shared: Vec<String>,
}

/// Coverage of each talking point by the answer's sentences (`parts`: their STAR labels,
/// all None for answers that are not stories).
/// `question`: the question's own content stems, which count half (an answer repeats
/// them everywhere, so they say little about which sentence covers a point).
pub fn cover(
    points: &[String],
    question: &[String],
    sentences: &[Vec<String>],
    parts: &[Option<Part>],
) -> Vec<Coverage> {
    points
        .iter()
        .map(|p| {
            let ps = point_stems(p);
            let want = point_part(p);
            let mut best: Option<(f32, usize, Vec<String>)> = None;
            for (k, ss) in sentences.iter().enumerate() {
                let shared: Vec<String> = ps.iter().filter(|w| ss.contains(w)).cloned().collect();
                let same_part = want.is_some() && parts.get(k).copied().flatten() == want;
                let need = if same_part { 0 } else { 1 };
                if shared.len() < need
                    && !(same_part && want == Some(Part::Result) && ps.is_empty())
                {
                    continue;
                }
                let weight: f32 = shared
                    .iter()
                    .map(|w| if question.contains(w) { 0.5 } else { 1.0 })
                    .sum();
                let score = weight + if same_part { 0.5 } else { 0.0 };
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, k, shared));
                }
            }
            match best {
                Some((_, k, shared)) => Coverage {
                    sentence: Some(k),
                    shared,
                },
                None => Coverage {
                    sentence: None,
                    shared: Vec::new(),
                },
            }
        })
        .collect()
}

/// Share of the answer's sentences (0..1) that share a content word with the question,
/// its interviewer terms or its talking points.
pub fn relevance(
    question: &str,
    terms: &[String],
    points: &[String],
    sentences: &[Vec<String>],
) -> f32 {
    let mut vocab = content_stems(question);
    for t in terms.iter().chain(points) {
        vocab.extend(point_stems(t));
    }
    for t in terms {
        vocab.push(stem(&t.to_lowercase()));
    }
    let vocab: Vec<String> = vocab
        .into_iter()
        .filter(|w| !META.contains(&w.as_str()))
        .collect();
    if sentences.is_empty() {
        return 0.0;
    }
    let hit = sentences
        .iter()
        .filter(|s| s.iter().any(|w| vocab.contains(w)))
        .count();
    hit as f32 / sentences.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::text::content_stems;

    #[test]
    fn parts_of_points() {
        assert_eq!(
            point_part("The outcome and what changed"),
            Some(Part::Result)
        );
        assert_eq!(
            point_part("The specific steps you are taking"),
            Some(Part::Action)
        );
        assert_eq!(
            point_part("The disagreement itself and why it mattered"),
            Some(Part::Situation)
        );
        assert_eq!(point_part("Why the strength matters for this role"), None);
    }

    #[test]
    fn overlap_covers_a_point() {
        let points = vec![
            "How you listened to the colleague's view".to_string(),
            "A budget you managed".to_string(),
        ];
        let s: Vec<Vec<String>> = [
            "I sat down with my colleague and listened to her view first.",
            "We moved on.",
        ]
        .iter()
        .map(|s| content_stems(s))
        .collect();
        let c = cover(&points, &[], &s, &[None, None]);
        assert_eq!(c[0].sentence, Some(0));
        assert_eq!(c[1].sentence, None);
        let r = relevance(
            "Describe a time you disagreed with a colleague.",
            &[],
            &points,
            &s,
        );
        assert!((r - 0.5).abs() < 1e-6);
    }
}
