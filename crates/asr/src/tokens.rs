//! Whisper's tokens: GPT-2 byte-level BPE. Token strings are written in GPT-2's
//! byte-to-unicode alphabet (`models/speech/whisper-vocab.json`); decoding maps them back to bytes
//! and the bytes to UTF-8 text. Encoding (for prompts) merges byte pairs by rank, where a
//! token's rank is its id (tiktoken's form of the same BPE), after GPT-2's pre-tokenizer.

use serde::Deserialize;
use std::collections::HashMap;

/// The special tokens of tiny.en.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct Specials {
    pub eot: u32,
    pub sot: u32,
    pub translate: u32,
    pub transcribe: u32,
    pub sot_lm: u32,
    pub sot_prev: u32,
    pub no_speech: u32,
    pub no_timestamps: u32,
    pub timestamp_begin: u32,
    pub timestamp_end: u32,
}

#[derive(Deserialize)]
struct VocabFile {
    n_vocab: usize,
    specials: Specials,
    suppress_tokens: Vec<u32>,
    suppress_blank: Vec<u32>,
    tokens: Vec<String>,
}

/// Seconds per timestamp token step.
pub const TIMESTAMP_PRECISION_S: f64 = 0.02;

pub struct Vocab {
    pub specials: Specials,
    pub n_vocab: usize,
    /// Suppressed at every step (non-speech symbols and the task tokens).
    pub suppress: Vec<u32>,
    /// Suppressed at the first sampled position (a lone space, end of text).
    pub suppress_blank: Vec<u32>,
    /// Bytes of each ordinary token (empty for specials).
    bytes: Vec<Vec<u8>>,
    /// Ordinary token bytes -> id (encoding).
    ids: HashMap<Vec<u8>, u32>,
}

/// GPT-2's byte-to-unicode table: printable bytes map to themselves, the others to
/// code points from 256 up, in order.
fn byte_alphabet() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u32 {
        let printable =
            (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
        table[b as usize] = if printable {
            char::from_u32(b).unwrap_or('\0')
        } else {
            let c = char::from_u32(next).unwrap_or('\0');
            next += 1;
            c
        };
    }
    table
}

impl Vocab {
    /// From `whisper-vocab.json` (written by `models/speech/convert.py`).
    pub fn from_json(json: &str) -> Result<Vocab, String> {
        let f: VocabFile = serde_json::from_str(json).map_err(|e| format!("vocab: {e}"))?;
        if f.tokens.len() != f.n_vocab {
            return Err(format!(
                "vocab: {} tokens for {} ids",
                f.tokens.len(),
                f.n_vocab
            ));
        }
        let alphabet = byte_alphabet();
        let back: HashMap<char, u8> = alphabet
            .iter()
            .enumerate()
            .map(|(b, c)| (*c, b as u8))
            .collect();
        let mut bytes = Vec::with_capacity(f.n_vocab);
        let mut ids = HashMap::new();
        for (id, t) in f.tokens.iter().enumerate() {
            let id = id as u32;
            if id >= f.specials.eot {
                bytes.push(Vec::new());
                continue;
            }
            let b: Option<Vec<u8>> = t.chars().map(|c| back.get(&c).copied()).collect();
            let b = b.ok_or_else(|| format!("vocab: token {id} is not byte-level"))?;
            ids.insert(b.clone(), id);
            bytes.push(b);
        }
        Ok(Vocab {
            specials: f.specials,
            n_vocab: f.n_vocab,
            suppress: f.suppress_tokens,
            suppress_blank: f.suppress_blank,
            bytes,
            ids,
        })
    }

    pub fn is_timestamp(&self, t: u32) -> bool {
        t >= self.specials.timestamp_begin
    }

    /// Seconds of a timestamp token.
    pub fn seconds(&self, t: u32) -> f64 {
        (t.saturating_sub(self.specials.timestamp_begin)) as f64 * TIMESTAMP_PRECISION_S
    }

    /// The bytes of a text token (empty for specials and timestamps).
    pub fn token_bytes(&self, t: u32) -> &[u8] {
        self.bytes.get(t as usize).map(|b| &b[..]).unwrap_or(&[])
    }

    /// Text of a token sequence; special and timestamp tokens are skipped, and bytes that
    /// are not valid UTF-8 (a character cut between tokens) become U+FFFD.
    pub fn decode(&self, tokens: &[u32]) -> String {
        let b: Vec<u8> = tokens
            .iter()
            .flat_map(|t| self.token_bytes(*t).iter().copied())
            .collect();
        String::from_utf8_lossy(&b).into_owned()
    }

    /// Token ids of `text` (byte-level BPE). Whisper's prompts are encoded with a leading
    /// space: pass " " + text.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        pre_tokenize(text)
            .into_iter()
            .flat_map(|piece| self.bpe(piece.as_bytes()))
            .collect()
    }

    /// Merges the adjacent pair whose joined bytes have the lowest rank, until none does.
    fn bpe(&self, piece: &[u8]) -> Vec<u32> {
        let mut parts: Vec<Vec<u8>> = piece.iter().map(|b| vec![*b]).collect();
        loop {
            let best = (0..parts.len().saturating_sub(1))
                .filter_map(|i| {
                    let mut joined = parts[i].clone();
                    joined.extend_from_slice(&parts[i + 1]);
                    self.ids.get(&joined).map(|r| (*r, i))
                })
                .min();
            match best {
                Some((_, i)) => {
                    let right = parts.remove(i + 1);
                    parts[i].extend(right);
                }
                None => break,
            }
        }
        parts
            .iter()
            .filter_map(|p| self.ids.get(p).copied())
            .collect()
    }
}

/// GPT-2's pre-tokenizer: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
fn pre_tokenize(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let class = |c: char| {
        if c.is_alphabetic() {
            1
        } else if c.is_numeric() {
            2
        } else if c.is_whitespace() {
            3
        } else {
            4
        }
    };
    while i < chars.len() {
        // Contractions.
        if chars[i] == '\'' {
            let rest: String = chars[i + 1..chars.len().min(i + 3)].iter().collect();
            let hit = ["re", "ve", "ll", "s", "t", "m", "d"]
                .iter()
                .find(|s| rest.starts_with(**s))
                .map(|s| s.len());
            if let Some(n) = hit {
                out.push(chars[i..=i + n].iter().collect());
                i += n + 1;
                continue;
            }
        }
        let c = chars[i];
        if class(c) == 3 {
            // Whitespace: a run, but the last space goes with the following word.
            let mut j = i;
            while j < chars.len() && class(chars[j]) == 3 {
                j += 1;
            }
            if j < chars.len() && j - i > 1 {
                out.push(chars[i..j - 1].iter().collect());
                i = j - 1;
            } else if j < chars.len() && chars[i] == ' ' {
                // A single space before a word: part of the next piece.
                let k = class(chars[j]);
                let mut e = j + 1;
                while e < chars.len() && class(chars[e]) == k {
                    e += 1;
                }
                out.push(chars[i..e].iter().collect());
                i = e;
            } else {
                out.push(chars[i..j].iter().collect());
                i = j;
            }
            continue;
        }
        let k = class(c);
        let mut e = i + 1;
        while e < chars.len() && class(chars[e]) == k {
            e += 1;
        }
        out.push(chars[i..e].iter().collect());
        i = e;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_alphabet_is_a_bijection() {
        let a = byte_alphabet();
        let mut seen: Vec<char> = a.to_vec();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 256);
        assert_eq!(a[b'a' as usize], 'a');
        assert_eq!(a[b' ' as usize], '\u{120}');
    }

    #[test]
    fn pre_tokenizer_splits_like_gpt2() {
        assert_eq!(
            pre_tokenize("Umm, let me think like, hmm... Okay, here's what I'm"),
            vec![
                "Umm", ",", " let", " me", " think", " like", ",", " hmm", "...", " Okay", ",",
                " here", "'s", " what", " I", "'m"
            ]
        );
        assert_eq!(pre_tokenize("a  b"), vec!["a", " ", " b"]);
        assert_eq!(pre_tokenize("x 42!"), vec!["x", " 42", "!"]);
    }
}
