//! A whole answer: cut into windows of at most 30 s at its quietest moments (never in
//! the middle of a word), each window decoded with the text so far as its prompt (as
//! `whisper.transcribe` conditions on previous text), silent windows skipped by the
//! no-speech check, segments and word times put on the answer's time line.

use crate::decode::Decoded;
use crate::mel::{CHUNK_SAMPLES, HOP, SAMPLE_RATE};
use crate::model::Whisper;
use crate::tokens::Vocab;
use crate::words::{self, TimedWord};
use serde::{Deserialize, Serialize};
use tract_onnx::prelude::TractResult;

/// Whisper's thresholds: a window whose no-speech probability is above 0.6 and whose
/// average log-probability is below -1 holds no speech.
pub const NO_SPEECH_THRESHOLD: f32 = 0.6;
pub const LOGPROB_THRESHOLD: f32 = -1.0;
/// Windows are cut in the quietest 300 ms after 20 s.
const MIN_WINDOW_S: f64 = 20.0;
const QUIET_WIN: usize = SAMPLE_RATE * 3 / 10;
/// The prompt keeps the last 223 tokens (half the context, less the start token).
const PROMPT_MAX: usize = 223;
/// Mel frames per second.
const FRAMES_PER_S: usize = SAMPLE_RATE / HOP;

/// The decoder prompt written in disfluent style: Whisper tends to write what was meant,
/// dropping "um" and repeated words; a prompt that has them keeps more of them
/// (measured in `asr-bench`, see the speech model card).
pub const DISFLUENT_PROMPT: &str =
    "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking.";

/// How word times are made (both measured in `asr-bench`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WordTimes {
    /// DTW on the alignment heads' cross-attention.
    Alignment,
    /// Each segment's time shared among its words.
    Interpolation,
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Text the first window is conditioned on (None: no prompt).
    pub prompt: Option<String>,
    pub word_times: WordTimes,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            prompt: Some(DISFLUENT_PROMPT.into()),
            word_times: WordTimes::Alignment,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcription {
    pub text: String,
    pub segments: Vec<Segment>,
    pub words: Vec<TimedWord>,
    /// Windows decoded, and those skipped as silent.
    pub windows: usize,
    pub silent_windows: usize,
    /// Every token sampled, window after window (fidelity checks against the reference).
    pub tokens: Vec<u32>,
}

/// Where to cut `audio` into windows of at most 30 s: in the quietest 300 ms between 20 s
/// and 30 s into each window. Returns (start, end) sample ranges covering the audio.
pub fn windows(audio: &[f32]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let min = (MIN_WINDOW_S * SAMPLE_RATE as f64) as usize;
    while audio.len() - start > CHUNK_SAMPLES {
        let (lo, hi) = (start + min, start + CHUNK_SAMPLES - QUIET_WIN);
        // Energy of 300 ms runs, in 10 ms steps.
        let step = SAMPLE_RATE / 100;
        let energy = |s: usize| audio[s..s + QUIET_WIN].iter().map(|x| x * x).sum::<f32>();
        let best = (lo..=hi)
            .step_by(step)
            .min_by(|a, b| energy(*a).total_cmp(&energy(*b)))
            .unwrap_or(hi);
        let cut = best + QUIET_WIN / 2;
        out.push((start, cut));
        start = cut;
    }
    if start < audio.len() || out.is_empty() {
        out.push((start, audio.len()));
    }
    out
}

/// Segments of one window's tokens (timestamps in seconds from the window start), and how
/// far the window was transcribed (where a next decoding of it should start).
pub fn segments(vocab: &Vocab, tokens: &[u32], window_s: f64) -> (Vec<(f64, f64, Vec<u32>)>, f64) {
    let is_ts = |t: &u32| vocab.is_timestamp(*t);
    let n = tokens.len();
    let single_ending = n >= 2 && !is_ts(&tokens[n - 2]) && is_ts(&tokens[n - 1]);
    let consecutive: Vec<usize> = (1..n)
        .filter(|&i| is_ts(&tokens[i - 1]) && is_ts(&tokens[i]))
        .collect();
    let mut out = Vec::new();
    if !consecutive.is_empty() {
        let mut slices = consecutive.clone();
        if single_ending {
            slices.push(n);
        }
        let mut last = 0;
        for cur in slices {
            let s = &tokens[last..cur];
            if let (Some(a), Some(b)) = (s.first(), s.last()) {
                out.push((vocab.seconds(*a), vocab.seconds(*b), s.to_vec()));
            }
            last = cur;
        }
        let done = if single_ending {
            window_s
        } else {
            vocab.seconds(tokens[consecutive[consecutive.len() - 1] - 1])
        };
        (out, done)
    } else {
        let mut end = window_s;
        if let Some(last) = tokens.iter().rev().find(|t| is_ts(t)) {
            if *last != vocab.specials.timestamp_begin {
                end = vocab.seconds(*last);
            }
        }
        out.push((0.0, end, tokens.to_vec()));
        (out, window_s)
    }
}

/// The initial tokens of a window: the prompt (previous text) after `<|startofprev|>`,
/// then `<|startoftranscript|>`.
pub fn initial_tokens(vocab: &Vocab, prompt: &[u32]) -> Vec<u32> {
    let mut t = Vec::new();
    if !prompt.is_empty() {
        t.push(vocab.specials.sot_prev);
        t.extend_from_slice(&prompt[prompt.len().saturating_sub(PROMPT_MAX)..]);
    }
    t.push(vocab.specials.sot);
    t
}

/// Transcribes 16 kHz mono audio; `progress` gets the share of audio done after each
/// window.
pub fn transcribe(
    w: &Whisper,
    audio: &[f32],
    opts: &Options,
    mut progress: impl FnMut(f64),
) -> TractResult<Transcription> {
    let vocab = &w.vocab;
    let mut prompt: Vec<u32> = opts
        .prompt
        .as_deref()
        .map(|p| vocab.encode(&format!(" {}", p.trim())))
        .unwrap_or_default();
    let mut result = Transcription::default();
    let total = audio.len().max(1) as f64;
    let mel = w.mel().answer(audio);
    for (start, end) in windows(audio) {
        // Work in mel frames (10 ms), as Whisper seeks.
        let (start, end) = (start / HOP, (end / HOP).min(mel.content));
        let mut seek = start;
        // A window is decoded again from where its text stopped, a few times at most.
        for _ in 0..4 {
            if end.saturating_sub(seek) < FRAMES_PER_S / 10 {
                break;
            }
            let chunk_s = (end - seek) as f64 / FRAMES_PER_S as f64;
            let offset = seek as f64 / FRAMES_PER_S as f64;
            let cross = w.encode_mel(&mel.segment(seek, end - seek))?;
            let d: Decoded = w.decode(&cross, &initial_tokens(vocab, &prompt))?;
            result.windows += 1;
            if d.no_speech_prob > NO_SPEECH_THRESHOLD && d.avg_logprob < LOGPROB_THRESHOLD {
                result.silent_windows += 1;
                break;
            }
            let (segs, done_s) = segments(vocab, &d.tokens, chunk_s);
            for (s, e, toks) in &segs {
                let text = vocab.decode(toks);
                // An empty or instantaneous segment is dropped, its tokens too (as
                // transcribe does: they never reach the next window's prompt).
                if text.trim().is_empty() || s == e {
                    continue;
                }
                prompt.extend_from_slice(toks);
                result.segments.push(Segment {
                    start_s: offset + s,
                    end_s: offset + e.min(chunk_s),
                    text: text.trim().to_string(),
                });
                if opts.word_times == WordTimes::Interpolation {
                    result.words.extend(words::by_interpolation(
                        &text,
                        offset + s,
                        offset + e.min(chunk_s),
                    ));
                }
            }
            if opts.word_times == WordTimes::Alignment {
                // Only the audio this decoding covered (the rest is decoded again).
                let span_s = done_s.clamp(0.1, chunk_s);
                let timed = words::by_alignment(vocab, &d.tokens, &d.attention, span_s, offset)
                    .unwrap_or_else(|| {
                        segs.iter()
                            .flat_map(|(s, e, t)| {
                                words::by_interpolation(
                                    &vocab.decode(t),
                                    offset + s,
                                    offset + e.min(chunk_s),
                                )
                            })
                            .collect()
                    });
                result.words.extend(timed);
            }
            result.tokens.extend_from_slice(&d.tokens);
            // Timestamps are 20 ms steps: whole mel frames.
            let advance = (done_s * FRAMES_PER_S as f64).round() as usize;
            if advance < FRAMES_PER_S / 10 || seek + advance >= end || d.cut_repetition {
                break;
            }
            seek += advance;
        }
        progress((end * HOP) as f64 / total);
    }
    result.text = result
        .segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_audio_is_cut_in_its_quietest_moment() {
        // 70 s of tone with silences at 25 s and 52 s.
        let mut a: Vec<f32> = (0..70 * SAMPLE_RATE)
            .map(|i| (i as f32 * 0.05).sin() * 0.3)
            .collect();
        for gap in [25, 52] {
            let s = gap * SAMPLE_RATE;
            a[s..s + SAMPLE_RATE / 2].iter_mut().for_each(|x| *x = 0.0);
        }
        let w = windows(&a);
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].0, 0);
        assert_eq!(w[2].1, a.len());
        for ((_, e), (s, _)) in w.iter().zip(w.iter().skip(1)) {
            assert_eq!(e, s, "windows tile the audio");
        }
        for (i, gap) in [25.0, 52.0].iter().enumerate() {
            let cut = w[i].1 as f64 / SAMPLE_RATE as f64;
            assert!((cut - gap).abs() < 0.5, "cut {cut} s, silence at {gap} s");
        }
        assert!(w.iter().all(|(s, e)| e - s <= CHUNK_SAMPLES));
        assert_eq!(windows(&a[..10 * SAMPLE_RATE]), vec![(0, 10 * SAMPLE_RATE)]);
        assert_eq!(windows(&[]), vec![(0, 0)]);
    }

    #[test]
    fn segments_follow_timestamp_pairs() {
        let v = crate::decode::tests::vocab();
        let tb = v.specials.timestamp_begin;
        // <|0.00|> a <|1.00|><|1.00|> b <|2.50|>  (single timestamp ending)
        let t = [tb, 64, tb + 50, tb + 50, 65, tb + 125];
        let (s, done) = segments(&v, &t, 10.0);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].0, s[0].1), (0.0, 1.0));
        assert_eq!((s[1].0, s[1].1), (1.0, 2.5));
        assert_eq!(done, 10.0);
        // Ending in a pair: the next decoding starts at the last timestamp.
        let t = [tb, 64, tb + 50, tb + 50];
        let (s, done) = segments(&v, &t, 10.0);
        assert_eq!(s.len(), 1);
        assert_eq!(done, 1.0);
        let it = initial_tokens(&v, &[1, 2]);
        assert_eq!(it, vec![v.specials.sot_prev, 1, 2, v.specials.sot]);
        assert_eq!(initial_tokens(&v, &[]), vec![v.specials.sot]);
    }
}
