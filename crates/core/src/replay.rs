//! Where in the recording a word of the transcript was said, for click-to-seek.
//!
//! The recogniser stamps each final result with the time it was finalised, so a result's
//! words lie between the previous stamp (or the answer's start) and its own; within it
//! they are placed in proportion to their position in the text. A transcript the user
//! corrected no longer matches the stamps: its words are spread over the whole answer.
//! Seeks land [`LEAD_MS`] early so the word is heard from its start.

// Reads stored and imported data: no index, slice or narrowing cast that data can break
// (issue 20); each one left carries an `allow` with its reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )
)]

use crate::record::{TimedWord, TranscriptSegment};

/// How much earlier than the estimated time a seek lands.
pub const LEAD_MS: f64 = 1000.0;
/// With the word's own time (the on-device model's transcript), just enough to hear its
/// start.
pub const WORD_LEAD_MS: f64 = 250.0;

/// Recording time (ms) at which the text at byte `offset` was said, from the words' own
/// times: the word that holds the offset (or the next one). None when the words do not
/// spell the text (a corrected transcript).
pub fn time_of_word(text: &str, words: &[TimedWord], offset: usize) -> Option<f64> {
    let mut pos = 0;
    let mut found = None;
    for w in words {
        let word = w.text.trim();
        if word.is_empty() {
            continue;
        }
        let at = pos + text.get(pos..)?.find(word)?;
        let end = at + word.len();
        if found.is_none() && offset < end {
            found = Some(w.start_ms);
        }
        pos = end;
    }
    found.map(|t| (t - WORD_LEAD_MS).max(0.0))
}

/// Recording time (ms) at which the text at byte `offset` of an answer's transcript was
/// said, for an answer spanning `start_ms..end_ms`.
pub fn time_of(
    text: &str,
    segments: &[TranscriptSegment],
    corrected: bool,
    start_ms: f64,
    end_ms: f64,
    offset: usize,
) -> f64 {
    let end_ms = end_ms.max(start_ms);
    let joined = segments
        .iter()
        .map(|s| s.text.trim())
        .collect::<Vec<_>>()
        .join(" ");
    let estimate = if !corrected && !segments.is_empty() && joined == text.trim() {
        let mut pos = 0usize;
        let mut prev_t = start_ms;
        let mut found = None;
        for s in segments {
            let len = s.text.trim().len();
            // max/min, not clamp: clamp panics on NaN or inverted bounds.
            let seg_end_t = s.t_ms.max(prev_t).min(end_ms);
            if offset <= pos + len {
                let f = (offset.saturating_sub(pos)) as f64 / len.max(1) as f64;
                found = Some(prev_t + f * (seg_end_t - prev_t));
                break;
            }
            pos += len + 1;
            prev_t = seg_end_t;
        }
        found.unwrap_or(end_ms)
    } else {
        let f = offset.min(text.len()) as f64 / text.len().max(1) as f64;
        start_ms + f * (end_ms - start_ms)
    };
    (estimate - LEAD_MS).max(start_ms).min(end_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(t_ms: f64, text: &str) -> TranscriptSegment {
        TranscriptSegment {
            t_ms,
            text: text.into(),
        }
    }

    #[test]
    fn words_fall_inside_their_segment() {
        // "one two" finalised at 14 s, "three four" at 20 s; the answer runs 10-30 s.
        let segs = [seg(14_000.0, "one two"), seg(20_000.0, "three four")];
        let text = "one two three four";
        let t = |off| time_of(text, &segs, false, 10_000.0, 30_000.0, off);
        assert_eq!(t(0), 10_000.0); // the lead is clamped at the answer start
                                    // "two" starts 4/7 through the first segment: 10 + 4/7*4 s, minus the lead.
        assert!((t(4) - (10_000.0 + 4.0 / 7.0 * 4_000.0 - LEAD_MS).max(10_000.0)).abs() < 1e-6);
        // "three" starts the second segment: 14 s, minus the lead.
        assert!((t(8) - 13_000.0).abs() < 1e-6);
        // "four" is 6/10 through it: 14 + 0.6*6 s.
        assert!((t(14) - (14_000.0 + 3_600.0 - LEAD_MS)).abs() < 1e-6);
    }

    #[test]
    fn words_with_their_own_times_seek_to_their_start() {
        let w = |text: &str, start_ms: f64| TimedWord {
            text: text.into(),
            start_ms,
            end_ms: start_ms + 300.0,
        };
        let words = [
            w("So,", 1000.0),
            w("I", 1500.0),
            w("I", 1800.0),
            w("led.", 2600.0),
        ];
        let text = "So, I I led.";
        assert_eq!(time_of_word(text, &words, 0), Some(750.0));
        assert_eq!(time_of_word(text, &words, 6), Some(1550.0), "the second I");
        assert_eq!(time_of_word(text, &words, 8), Some(2350.0));
        assert_eq!(time_of_word("something else", &words, 0), None);
    }

    #[test]
    fn corrected_text_spreads_over_the_answer() {
        let segs = [seg(14_000.0, "one two")];
        let text = "one two three four five six seven eight nine";
        let half = text.len() / 2;
        let t = time_of(text, &segs, true, 0.0, 20_000.0, half);
        assert!((t - (half as f64 / text.len() as f64 * 20_000.0 - LEAD_MS)).abs() < 1e-6);
        // Text that no longer matches the segments is treated the same way.
        let t2 = time_of(text, &segs, false, 0.0, 20_000.0, half);
        assert_eq!(t, t2);
    }

    #[test]
    fn stamps_outside_the_answer_are_clamped() {
        let segs = [seg(99_000.0, "late words")];
        let t = time_of("late words", &segs, false, 0.0, 5_000.0, 5);
        assert!((0.0..=5_000.0).contains(&t));
        assert_eq!(time_of("", &[], false, 3_000.0, 1_000.0, 0), 3_000.0);
    }
}
