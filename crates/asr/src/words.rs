//! Word times. Two methods, both measured by `asr-bench` on clips with known word times:
//! - alignment: dynamic time warping of the text tokens against the encoder frames on
//!   the alignment heads' cross-attention, as `whisper.timing` does (each head normalised
//!   over the tokens, a 7-frame median filter, the heads averaged);
//! - interpolation: each segment's time shared among its words by their length.

use crate::tokens::Vocab;

/// Encoder frames per second (20 ms each).
pub const FRAMES_PER_S: f64 = 50.0;
const MEDIAN_WIDTH: usize = 7;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimedWord {
    /// As spoken, with its leading space and any punctuation attached.
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
}

/// Splits text tokens into words the way Whisper does for English: a word starts at a
/// token beginning with a space, at a punctuation token, or at the first token; leading
/// punctuation then joins the next word and trailing punctuation the previous one.
/// Returns each word's text and how many tokens it spans.
pub fn split_words(vocab: &Vocab, tokens: &[u32]) -> Vec<(String, usize)> {
    let mut words: Vec<(String, usize)> = Vec::new();
    // Tokens that end inside a UTF-8 character are joined with the next ones first.
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_n = 0;
    for &t in tokens {
        pending.extend_from_slice(vocab.token_bytes(t));
        pending_n += 1;
        let Ok(text) = std::str::from_utf8(&pending) else {
            continue;
        };
        let text = text.to_string();
        let trimmed = text.trim();
        let punct = !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_punctuation());
        if words.is_empty() || text.starts_with(' ') || punct {
            words.push((text, pending_n));
        } else if let Some(w) = words.last_mut() {
            w.0.push_str(&text);
            w.1 += pending_n;
        }
        pending.clear();
        pending_n = 0;
    }
    // Punctuation joins its neighbour.
    let mut merged: Vec<(String, usize)> = Vec::new();
    let mut carry: Option<(String, usize)> = None;
    for (w, n) in words {
        let t = w.trim();
        let opening = !t.is_empty() && t.chars().all(|c| "\"'“¿([{-".contains(c));
        let closing = !t.is_empty() && t.chars().all(|c| "\"'.。,，!！?？:：”)]}、".contains(c));
        if closing && carry.is_none() && !merged.is_empty() {
            if let Some(last) = merged.last_mut() {
                last.0.push_str(&w);
                last.1 += n;
            }
        } else if opening {
            let c = carry.get_or_insert((String::new(), 0));
            c.0.push_str(&w);
            c.1 += n;
        } else {
            match carry.take() {
                Some((mut c, cn)) => {
                    c.push_str(&w);
                    merged.push((c, cn + n));
                }
                None => merged.push((w, n)),
            }
        }
    }
    if let Some(c) = carry {
        merged.push(c);
    }
    merged
}

/// Dynamic time warping of `cost` (`[rows][cols]`): the cheapest monotone path from the
/// first cell to the last, as (row, col) pairs.
pub fn dtw(cost: &[Vec<f32>]) -> Vec<(usize, usize)> {
    let n = cost.len();
    let m = cost.first().map_or(0, |r| r.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let inf = f32::INFINITY;
    let mut acc = vec![vec![inf; m + 1]; n + 1];
    let mut trace = vec![vec![0u8; m + 1]; n + 1];
    acc[0][0] = 0.0;
    for j in 1..=m {
        for i in 1..=n {
            let (c0, c1, c2) = (acc[i - 1][j - 1], acc[i - 1][j], acc[i][j - 1]);
            let (c, t) = if c0 < c1 && c0 < c2 {
                (c0, 0)
            } else if c1 < c0 && c1 < c2 {
                (c1, 1)
            } else {
                (c2, 2)
            };
            acc[i][j] = cost[i - 1][j - 1] + c;
            trace[i][j] = t;
        }
    }
    for t in trace[0].iter_mut() {
        *t = 2;
    }
    for row in trace.iter_mut() {
        row[0] = 1;
    }
    let (mut i, mut j) = (n, m);
    let mut path = Vec::new();
    while i > 0 || j > 0 {
        path.push((i.saturating_sub(1), j.saturating_sub(1)));
        match trace[i][j] {
            0 => {
                i -= 1;
                j -= 1
            }
            1 => i -= 1,
            _ => j -= 1,
        }
    }
    path.reverse();
    path
}

fn median_filter(row: &[f32], width: usize) -> Vec<f32> {
    let half = width / 2;
    if row.len() <= half {
        return row.to_vec();
    }
    // Reflect padding, as whisper.timing's median filter.
    let at = |i: isize| -> f32 {
        let n = row.len() as isize;
        let j = if i < 0 {
            -i
        } else if i >= n {
            2 * (n - 1) - i
        } else {
            i
        };
        row[j.clamp(0, n - 1) as usize]
    };
    let mut w = vec![0f32; width];
    (0..row.len() as isize)
        .map(|c| {
            for (k, x) in w.iter_mut().enumerate() {
                *x = at(c - half as isize + k as isize);
            }
            w.sort_by(f32::total_cmp);
            w[half]
        })
        .collect()
}

/// Word times of a window's text by DTW on the cross-attention. `tokens` are the
/// window's sampled tokens and `attention` their `[tokens][heads][frames]`; `audio_s` is
/// how much of the window holds audio; `offset_s` where the window starts. None when the
/// attention is missing.
pub fn by_alignment(
    vocab: &Vocab,
    tokens: &[u32],
    attention: &[Vec<Vec<f32>>],
    audio_s: f64,
    offset_s: f64,
) -> Option<Vec<TimedWord>> {
    let text: Vec<usize> = (0..tokens.len())
        .filter(|&i| !vocab.is_timestamp(tokens[i]) && tokens[i] < vocab.specials.eot)
        .collect();
    if text.is_empty() || attention.len() < tokens.len() {
        return None;
    }
    let heads = attention[0].len();
    let frames = ((audio_s * FRAMES_PER_S).ceil() as usize)
        .clamp(1, attention[0].first().map_or(1, |f| f.len()));
    let n = text.len();
    let mut matrix = vec![vec![0f32; frames]; n];
    for (h, _) in attention[0].iter().enumerate() {
        let mut rows: Vec<Vec<f32>> = text
            .iter()
            .map(|&i| attention[i][h][..frames].to_vec())
            .collect();
        // Normalise each frame's column over the tokens.
        for f in 0..frames {
            let mean = rows.iter().map(|r| r[f]).sum::<f32>() / n as f32;
            let sd = (rows.iter().map(|r| (r[f] - mean).powi(2)).sum::<f32>() / n as f32).sqrt();
            for r in rows.iter_mut() {
                r[f] = (r[f] - mean) / (sd + 1e-8);
            }
        }
        for (t, r) in rows.iter().enumerate() {
            for (m, v) in matrix[t].iter_mut().zip(median_filter(r, MEDIAN_WIDTH)) {
                *m += v / heads as f32;
            }
        }
    }
    let cost: Vec<Vec<f32>> = matrix
        .iter()
        .map(|r| r.iter().map(|v| -v).collect())
        .collect();
    let path = dtw(&cost);
    // The frame where each token's row is first entered.
    let mut token_start = vec![f64::NAN; n + 1];
    let mut last_row = usize::MAX;
    for (row, col) in path {
        if row != last_row {
            token_start[row] = col as f64 / FRAMES_PER_S;
            last_row = row;
        }
    }
    token_start[n] = frames as f64 / FRAMES_PER_S;
    let text_tokens: Vec<u32> = text.iter().map(|&i| tokens[i]).collect();
    let mut out = Vec::new();
    let mut k = 0;
    for (w, count) in split_words(vocab, &text_tokens) {
        let (s, e) = (token_start[k], token_start[(k + count).min(n)]);
        out.push(TimedWord {
            text: w,
            start_s: offset_s + s,
            end_s: offset_s + e.max(s),
        });
        k += count;
    }
    Some(out)
}

/// Word times by sharing each segment's time among its words by their length (letters
/// and digits).
pub fn by_interpolation(text: &str, start_s: f64, end_s: f64) -> Vec<TimedWord> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let weight = |w: &str| w.chars().filter(|c| c.is_alphanumeric()).count().max(1) as f64;
    let total: f64 = words.iter().map(|w| weight(w)).sum();
    let span = (end_s - start_s).max(0.0);
    let mut t = start_s;
    words
        .iter()
        .map(|w| {
            let d = span * weight(w) / total.max(1.0);
            let tw = TimedWord {
                text: format!(" {w}"),
                start_s: t,
                end_s: t + d,
            };
            t += d;
            tw
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtw_follows_the_cheap_diagonal() {
        // Three tokens over six frames, each cheap on two frames in turn.
        let cost: Vec<Vec<f32>> = (0..3)
            .map(|r| (0..6).map(|c| if c / 2 == r { 0.0 } else { 1.0 }).collect())
            .collect();
        let path = dtw(&cost);
        assert_eq!(path.first(), Some(&(0, 0)));
        assert_eq!(path.last(), Some(&(2, 5)));
        let firsts: Vec<usize> = (0..3)
            .map(|r| path.iter().find(|p| p.0 == r).unwrap().1)
            .collect();
        assert_eq!(firsts, vec![0, 2, 4]);
    }

    #[test]
    fn median_filter_removes_spikes() {
        let r = median_filter(&[0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0], 7);
        assert!(r.iter().all(|v| *v == 0.0));
    }

    #[test]
    fn interpolation_shares_time_by_length() {
        let w = by_interpolation("I led the team.", 10.0, 12.0);
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].start_s, 10.0);
        assert!((w[3].end_s - 12.0).abs() < 1e-9);
        // "team." counts 4 letters, "I" 1.
        assert!((w[3].end_s - w[3].start_s) > 3.9 * (w[0].end_s - w[0].start_s));
    }

    #[test]
    fn words_split_at_spaces_with_punctuation_attached() {
        let v = crate::decode::tests::vocab();
        let toks = v.encode(" So, um, I I led the team.");
        let words: Vec<String> = split_words(&v, &toks).into_iter().map(|w| w.0).collect();
        assert_eq!(
            words,
            vec![" So,", " um,", " I", " I", " led", " the", " team."]
        );
    }
}
