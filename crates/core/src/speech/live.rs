//! The live pace meter's arithmetic. While an answer runs, each new block of audio (a few
//! seconds) is analysed once, with the energy detector, and the meter shows the pace over
//! the last [`BLOCKS`] blocks. Analysing only what is new keeps the worker's cost to one
//! pass over the audio (re-analysing the last 15 s every 3 s was five passes); the full
//! analysis, with the voice-activity model, runs once when the answer ends.

use super::audio::{AudioMetrics, SYLLABLES_PER_WORD};
use std::collections::VecDeque;

/// Seconds of audio per block.
pub const BLOCK_S: f64 = 3.0;
/// Blocks the meter averages over (15 s).
pub const BLOCKS: usize = 5;
/// Speaking time the meter needs before it shows a pace.
const MIN_SPEAKING_MS: f64 = 2_000.0;

#[derive(Clone, Debug, Default)]
pub struct LivePace {
    /// (syllables, speaking ms) of the last blocks, oldest first; a block whose pace was
    /// withheld (noise) counts as no speech.
    blocks: VecDeque<(usize, f64)>,
}

impl LivePace {
    /// A new answer: forget the last one's blocks.
    pub fn clear(&mut self) {
        self.blocks.clear();
    }

    pub fn push(&mut self, m: &AudioMetrics) {
        let block = if m.pace_withheld.is_some() {
            (0, 0.0)
        } else {
            (m.syllables, m.speaking_ms)
        };
        self.blocks.push_back(block);
        while self.blocks.len() > BLOCKS {
            self.blocks.pop_front();
        }
    }

    /// Words per minute of speaking over the last blocks, once there is enough speech.
    pub fn wpm(&self) -> Option<f64> {
        let syllables: usize = self.blocks.iter().map(|b| b.0).sum();
        let speaking: f64 = self.blocks.iter().map(|b| b.1).sum();
        (speaking >= MIN_SPEAKING_MS)
            .then(|| syllables as f64 / SYLLABLES_PER_WORD / (speaking / 60_000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(syllables: usize, speaking_ms: f64) -> AudioMetrics {
        AudioMetrics {
            syllables,
            speaking_ms,
            ..AudioMetrics::default()
        }
    }

    #[test]
    fn pace_over_the_last_blocks() {
        let mut p = LivePace::default();
        p.push(&block(3, 1_000.0));
        assert_eq!(p.wpm(), None, "under 2 s of speech");
        p.push(&block(9, 2_000.0));
        // 12 syllables / 1.45 over 3 s.
        assert!((p.wpm().unwrap() - 12.0 / 1.45 / 0.05).abs() < 1e-9);
        for _ in 0..BLOCKS {
            p.push(&block(6, 3_000.0));
        }
        // Only the last five blocks: 30 syllables over 15 s.
        assert!((p.wpm().unwrap() - 30.0 / 1.45 / 0.25).abs() < 1e-9);
        let mut noisy = block(50, 3_000.0);
        noisy.pace_withheld = Some("noise".into());
        p.push(&noisy);
        assert!((p.wpm().unwrap() - 24.0 / 1.45 / 0.2).abs() < 1e-9);
        p.clear();
        assert_eq!(p.wpm(), None);
    }
}
