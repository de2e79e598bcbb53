//! Greedy decoding of one 30 s window, as `whisper.decoding` does it with temperature 0:
//! the same logit filters in the same order (a blank or end of text never first, the
//! non-speech tokens suppressed, the timestamp rules), the no-speech probability from the
//! start-of-transcript position, the average log-probability; plus a guard against the
//! loops greedy decoding can fall into (Whisper retries at a higher temperature; we cut
//! the repetition and stop). The model is behind a closure, so the rules are tested
//! without it.

use crate::tokens::Vocab;

/// Whisper's limits for one window.
pub const SAMPLE_LEN: usize = 224;
/// The first timestamp may be at most 1 s into the window.
pub const MAX_INITIAL_TIMESTAMP_INDEX: u32 = 50;

/// One decoder call's outputs for the `n` tokens fed.
pub struct StepOut {
    /// `[n][n_vocab]` row-major.
    pub logits: Vec<f32>,
    /// Cross-attention of the alignment heads, `[heads][n][frames]` row-major (may be
    /// empty when not wanted).
    pub alignment: Vec<f32>,
    pub heads: usize,
    pub frames: usize,
}

/// What one window's decoding produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decoded {
    /// Sampled tokens, without the prompt and without the end of text.
    pub tokens: Vec<u32>,
    /// Probability that the window holds no speech.
    pub no_speech_prob: f32,
    /// Mean log-probability of the sampled tokens (the end of text included).
    pub avg_logprob: f32,
    /// For each sampled token, the alignment heads' cross-attention over the window's
    /// encoder frames (`[tokens][heads][frames]`; `crate::words` turns it into word
    /// times); shorter than `tokens` when the model gave none or decoding hit its limit.
    pub attention: Vec<Vec<Vec<f32>>>,
    /// The decoding was cut because it started repeating itself.
    pub cut_repetition: bool,
}

fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
    let lse = max + sum.ln();
    logits.iter().map(|l| l - lse).collect()
}

fn logsumexp(v: &[f32]) -> f32 {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        return max;
    }
    max + v.iter().map(|x| (x - max).exp()).sum::<f32>().ln()
}

/// `ApplyTimestampRules`: `sampled` are the tokens sampled so far in this window.
pub fn apply_timestamp_rules(vocab: &Vocab, logits: &mut [f32], sampled: &[u32]) {
    let tb = vocab.specials.timestamp_begin as usize;
    let eot = vocab.specials.eot as usize;
    logits[vocab.specials.no_timestamps as usize] = f32::NEG_INFINITY;
    let is_ts = |t: &u32| vocab.is_timestamp(*t);
    let last_ts = sampled.last().is_some_and(is_ts);
    let penultimate_ts = sampled.len() < 2 || is_ts(&sampled[sampled.len() - 2]);
    if last_ts {
        if penultimate_ts {
            // Timestamps come in pairs: after a pair, text.
            logits[tb..].iter_mut().for_each(|l| *l = f32::NEG_INFINITY);
        } else {
            // After a segment's closing timestamp: another timestamp or the end.
            logits[..eot]
                .iter_mut()
                .for_each(|l| *l = f32::NEG_INFINITY);
        }
    }
    if let Some(&last) = sampled.iter().rev().find(|t| is_ts(t)) {
        // Timestamps never go back, and a segment is never empty.
        let floor = if last_ts && !penultimate_ts {
            last
        } else {
            last + 1
        } as usize;
        let end = floor.min(logits.len());
        logits[tb..end]
            .iter_mut()
            .for_each(|l| *l = f32::NEG_INFINITY);
    }
    if sampled.is_empty() {
        // The window starts with a timestamp, at most 1 s in.
        logits[..tb].iter_mut().for_each(|l| *l = f32::NEG_INFINITY);
        let last_allowed = tb + MAX_INITIAL_TIMESTAMP_INDEX as usize;
        logits[last_allowed + 1..]
            .iter_mut()
            .for_each(|l| *l = f32::NEG_INFINITY);
    }
    // When the timestamps together are more likely than any text token, take a timestamp.
    let lp = log_softmax(logits);
    let ts = logsumexp(&lp[tb..]);
    let text_max = lp[..tb].iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if ts > text_max {
        logits[..tb].iter_mut().for_each(|l| *l = f32::NEG_INFINITY);
    }
}

/// The filters of one step, in Whisper's order.
pub fn filter_logits(vocab: &Vocab, logits: &mut [f32], sampled: &[u32]) {
    if sampled.is_empty() {
        for t in &vocab.suppress_blank {
            logits[*t as usize] = f32::NEG_INFINITY;
        }
    }
    for t in &vocab.suppress {
        logits[*t as usize] = f32::NEG_INFINITY;
    }
    apply_timestamp_rules(vocab, logits, sampled);
}

/// Where a run of repetitions begins at the end of `tokens`: the same n-gram (1 to 8
/// tokens, timestamps ignored) four or more times in a row, or None.
pub fn repetition_start(vocab: &Vocab, tokens: &[u32]) -> Option<usize> {
    let text: Vec<(usize, u32)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !vocab.is_timestamp(**t))
        .map(|(i, t)| (i, *t))
        .collect();
    for n in 1..=8 {
        let reps = if n == 1 { 6 } else { 4 };
        if text.len() < n * reps {
            continue;
        }
        let tail = &text[text.len() - n..];
        let mut k = 1;
        while text.len() >= n * (k + 1) {
            let block = &text[text.len() - n * (k + 1)..text.len() - n * k];
            if block.iter().map(|x| x.1).eq(tail.iter().map(|x| x.1)) {
                k += 1;
            } else {
                break;
            }
        }
        if k >= reps {
            // Keep the first occurrence; cut the rest.
            return Some(text[text.len() - n * (k - 1)].0);
        }
    }
    None
}

/// Greedy decoding. `step(tokens)` runs the decoder on the tokens not yet fed (all of
/// `initial` the first time, then one token) and returns their outputs.
pub fn greedy<E>(
    vocab: &Vocab,
    initial: &[u32],
    mut step: impl FnMut(&[u32]) -> Result<StepOut, E>,
) -> Result<Decoded, E> {
    let v = vocab.n_vocab;
    let sot_index = initial
        .iter()
        .position(|t| *t == vocab.specials.sot)
        .unwrap_or(0);
    let mut sampled: Vec<u32> = Vec::new();
    let mut sum_logprob = 0f32;
    let mut no_speech_prob = 0f32;
    let mut attention: Vec<Vec<Vec<f32>>> = Vec::new();
    let mut feed: Vec<u32> = initial.to_vec();
    let mut cut = false;
    for i in 0..SAMPLE_LEN {
        let out = step(&feed)?;
        let n = feed.len();
        if i == 0 && out.logits.len() >= (sot_index + 1) * v {
            let p = log_softmax(&out.logits[sot_index * v..(sot_index + 1) * v]);
            no_speech_prob = p[vocab.specials.no_speech as usize].exp();
        }
        // The attention of the position that predicts this step's sample, as
        // `whisper.timing` reads it: the row for a token is the one that chose it (the
        // row of the token itself would place every word one token late).
        if out.heads > 0 {
            let (h, f) = (out.heads, out.frames);
            attention.push(
                (0..h)
                    .map(|k| out.alignment[(k * n + n - 1) * f..(k * n + n) * f].to_vec())
                    .collect(),
            );
        }
        let mut logits = out.logits[(n - 1) * v..n * v].to_vec();
        filter_logits(vocab, &mut logits, &sampled);
        let next = logits
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i as u32)
            .unwrap_or(vocab.specials.eot);
        sum_logprob += log_softmax(&logits)[next as usize];
        if next == vocab.specials.eot {
            break;
        }
        sampled.push(next);
        if let Some(at) = repetition_start(vocab, &sampled) {
            sampled.truncate(at);
            attention.truncate(at);
            cut = true;
            break;
        }
        feed = vec![next];
    }
    let avg_logprob = sum_logprob / (sampled.len() + 1) as f32;
    // One row per sampled token (the row that chose eot is dropped).
    attention.truncate(sampled.len());
    Ok(Decoded {
        tokens: sampled,
        no_speech_prob,
        avg_logprob,
        attention,
        cut_repetition: cut,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tokens::Vocab;

    /// The shipped vocabulary (for rule tests; no model needed).
    pub fn vocab() -> Vocab {
        let path = interviewer_core::models::MODELS_DIR.to_string() + "/speech/whisper-vocab.json";
        Vocab::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_first_token_is_a_timestamp_within_a_second() {
        let v = vocab();
        let mut l = vec![0f32; v.n_vocab];
        l[100] = 10.0; // a text token would win
        filter_logits(&v, &mut l, &[]);
        let tb = v.specials.timestamp_begin as usize;
        assert!(l[..tb].iter().all(|x| *x == f32::NEG_INFINITY));
        assert!(l[tb + 51..].iter().all(|x| *x == f32::NEG_INFINITY));
        assert!(l[tb..=tb + 50].iter().all(|x| x.is_finite()));
    }

    #[test]
    fn timestamps_come_in_pairs_and_never_go_back() {
        let v = vocab();
        let tb = v.specials.timestamp_begin;
        let n = v.n_vocab;
        // After "<|0.00|> hello <|1.00|>": another timestamp (>= 1.00) or the end.
        let mut l = vec![0f32; n];
        filter_logits(&v, &mut l, &[tb, 31373, tb + 50]);
        assert!(l[..v.specials.eot as usize]
            .iter()
            .all(|x| *x == f32::NEG_INFINITY));
        assert!(l[(tb + 49) as usize] == f32::NEG_INFINITY);
        assert!(l[(tb + 50) as usize].is_finite());
        // After a pair "<|1.00|><|1.00|>": text only.
        let mut l = vec![0f32; n];
        l[500] = 5.0;
        filter_logits(&v, &mut l, &[tb, 31373, tb + 50, tb + 50]);
        assert!(l[tb as usize..].iter().all(|x| *x == f32::NEG_INFINITY));
        assert!(l[500].is_finite());
    }

    #[test]
    fn repetitions_are_cut_after_the_first() {
        let v = vocab();
        let tb = v.specials.timestamp_begin;
        let mut t = vec![tb, 10, 11];
        for _ in 0..5 {
            t.extend([20, 21, 22]);
        }
        let at = repetition_start(&v, &t).unwrap();
        assert_eq!(&t[..at], &[tb, 10, 11, 20, 21, 22]);
        assert_eq!(repetition_start(&v, &[tb, 1, 2, 3, 4, 5, 6, 7]), None);
        // "the the" is speech, not a loop.
        assert_eq!(repetition_start(&v, &[5, 5, 9]), None);
    }

    #[test]
    fn greedy_stops_at_the_end_and_reports_no_speech() {
        let v = vocab();
        let tb = v.specials.timestamp_begin;
        let script = [tb, 40, tb + 25, v.specials.eot];
        let mut k = 0;
        let n = v.n_vocab;
        let d = greedy(&v, &[v.specials.sot], |feed: &[u32]| {
            let mut logits = vec![0f32; feed.len() * n];
            let last = (feed.len() - 1) * n;
            logits[last + script[k] as usize] = 30.0;
            if k == 0 {
                logits[v.specials.no_speech as usize] = 1.0;
            }
            k += 1;
            Ok::<_, ()>(StepOut {
                logits,
                alignment: Vec::new(),
                heads: 0,
                frames: 0,
            })
        })
        .unwrap();
        assert_eq!(d.tokens, vec![tb, 40, tb + 25]);
        assert!(d.no_speech_prob > 0.0 && d.no_speech_prob < 0.01);
        assert!(d.avg_logprob > -0.01);
    }
}
