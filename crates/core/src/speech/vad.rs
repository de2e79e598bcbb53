//! From a voice-activity model's per-frame speech probabilities (Silero VAD: one per
//! 32 ms, `crates/vad`) to speech segments: hysteresis (speech starts above `on` and ends
//! below `off`, so a probability wavering around one threshold does not chop a word),
//! then short silences closed and short bursts dropped. Pure logic, tested here; the
//! model runs elsewhere.

/// Thresholds and minimum durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hysteresis {
    /// Speech starts at a frame with at least this probability...
    pub on: f32,
    /// ...and ends at the first frame below this one.
    pub off: f32,
    /// Speech shorter than this is dropped (a cough, a click the model half believes).
    pub min_speech_ms: f64,
    /// Silences shorter than this inside speech are closed (stop consonants, breaths):
    /// the energy detector closes gaps under 200 ms as well, and pauses are counted from
    /// 250 ms.
    pub min_silence_ms: f64,
    /// Added to both ends of each segment, for a model that turns a word's soft onset and
    /// decay down.
    pub pad_ms: f64,
}

/// Silero's own streaming defaults are on 0.5, off 0.35 (`threshold - 0.15`), 250 ms of
/// speech, 100 ms of silence, 30 ms of padding; a short word ("I", "so") is under 250 ms,
/// and pauses here start at 250 ms, so the minimums are shorter and longer respectively.
/// No padding: on the noise bench 30 ms made every pause 60 ms short (worst pause-edge
/// error at 10 dB 170 ms with it, 150 ms without) and speaking time 1 point longer.
pub const DEFAULT: Hysteresis = Hysteresis {
    on: 0.5,
    off: 0.35,
    min_speech_ms: 90.0,
    min_silence_ms: 200.0,
    pad_ms: 0.0,
};

/// Speech segments `(start_ms, end_ms)`, in order and disjoint, from probabilities of
/// consecutive frames of `frame_ms` each.
pub fn segments(probs: &[f32], frame_ms: f64, h: &Hysteresis) -> Vec<(f64, f64)> {
    // 1. Hysteresis over frames.
    let mut raw: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &p) in probs.iter().enumerate() {
        match start {
            None if p >= h.on => start = Some(i),
            Some(s) if p < h.off => {
                raw.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        raw.push((s, probs.len()));
    }
    // 2. Close short silences (before dropping short speech: a word cut in two by a stop
    // consonant is kept whole).
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in raw {
        let (a, b) = (a as f64 * frame_ms, b as f64 * frame_ms);
        match merged.last_mut() {
            Some(last) if a - last.1 < h.min_silence_ms => last.1 = b,
            _ => merged.push((a, b)),
        }
    }
    // 3. Drop short bursts, pad the rest (clamped to the audio; overlaps joined).
    let end = probs.len() as f64 * frame_ms;
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (a, b) in merged {
        if b - a < h.min_speech_ms {
            continue;
        }
        let (a, b) = ((a - h.pad_ms).max(0.0), (b + h.pad_ms).min(end));
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// The segments as one decision per analysis hop of `hop_ms` (`n` hops): a hop is speech
/// when its centre lies in a segment.
pub fn per_hop(segments: &[(f64, f64)], n: usize, hop_ms: f64) -> Vec<bool> {
    (0..n)
        .map(|i| {
            let t = (i as f64 + 0.5) * hop_ms;
            segments.iter().any(|(a, b)| t >= *a && t < *b)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_PAD: Hysteresis = Hysteresis {
        pad_ms: 0.0,
        ..DEFAULT
    };

    /// Probabilities from a pattern: '#' 0.9, '+' 0.4 (between off and on), '.' 0.05.
    fn p(s: &str) -> Vec<f32> {
        s.chars()
            .map(|c| match c {
                '#' => 0.9,
                '+' => 0.4,
                _ => 0.05,
            })
            .collect()
    }

    #[test]
    fn hysteresis_holds_speech_between_the_thresholds() {
        // 0.4 neither starts speech nor ends it.
        let s = segments(&p("..++##++++##....++.."), 32.0, &NO_PAD);
        assert_eq!(s, vec![(4.0 * 32.0, 12.0 * 32.0)]);
        assert!(segments(&p("..++++.."), 32.0, &NO_PAD).is_empty());
    }

    #[test]
    fn short_silences_close_and_short_bursts_drop() {
        // A 5-frame (160 ms) gap is closed; a 7-frame (224 ms) one is a pause.
        let s = segments(&p("####.....####.......####"), 32.0, &NO_PAD);
        assert_eq!(s, vec![(0.0, 13.0 * 32.0), (20.0 * 32.0, 24.0 * 32.0)]);
        // Two frames (64 ms) of speech alone are dropped, three (96 ms) kept.
        assert!(segments(&p("....##......"), 32.0, &NO_PAD).is_empty());
        assert_eq!(segments(&p("....###....."), 32.0, &NO_PAD).len(), 1);
    }

    #[test]
    fn padding_widens_and_joins_and_stays_inside_the_audio() {
        let padded = Hysteresis {
            pad_ms: 30.0,
            ..DEFAULT
        };
        let s = segments(&p("###..........###"), 32.0, &padded);
        assert_eq!(
            s,
            vec![(0.0, 3.0 * 32.0 + 30.0), (13.0 * 32.0 - 30.0, 16.0 * 32.0)]
        );
        let hops = per_hop(&s, 51, 10.0);
        assert!(hops[0] && hops[12] && !hops[13] && !hops[38] && hops[39] && hops[50]);
    }

    #[test]
    fn speech_to_the_end_is_closed() {
        assert_eq!(segments(&p("..######"), 32.0, &NO_PAD), vec![(64.0, 256.0)]);
    }
}
