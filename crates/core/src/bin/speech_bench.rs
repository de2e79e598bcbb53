//! Accuracy benchmark of the audio-only speech metrics on espeak-ng clips at three rates
//! with known words and inserted silences. Prints, per clip, the words-per-minute
//! estimate against the truth and the long pauses found against those inserted.
//!
//!     cargo run --release -p interviewer-core --bin speech-bench

#[cfg(not(target_arch = "wasm32"))]
use interviewer_core::speech::{audio, clips};
#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "words per clip: {}; inserted silences (ms): {:?}",
        clips::word_count(),
        clips::BREAKS_MS
    );
    println!(
        "{:>9} {:>9} {:>10} {:>10} {:>8} {:>10} {:>11} {:>10} {:>9}",
        "espeak -s",
        "duration",
        "truth wpm",
        "est. wpm",
        "error",
        "syllables",
        "pauses>=1s",
        "inserted",
        "ms/10s"
    );
    let mut worst: f64 = 0.0;
    let mut pauses_exact = true;
    for rate in [120, 160, 200] {
        let clip = clips::espeak(rate).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        });
        let t = Instant::now();
        let m = audio::analyse(&clip.samples);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        // Truth and estimate over the same elapsed time (silences included in both).
        let truth = clip.words as f64 / (clip.duration_ms() / 60_000.0);
        let err = (m.wpm_estimate_elapsed - truth) / truth * 100.0;
        worst = worst.max(err.abs());
        pauses_exact &= m.pauses_1s == clips::BREAKS_MS.len();
        println!(
            "{:>9} {:>8.1}s {:>10.1} {:>10.1} {:>7.1}% {:>10} {:>11} {:>10} {:>9.1}",
            rate,
            clip.duration_ms() / 1000.0,
            truth,
            m.wpm_estimate_elapsed,
            err,
            m.syllables,
            m.pauses_1s,
            clips::BREAKS_MS.len(),
            ms / (clip.duration_ms() / 10_000.0)
        );
        let long: Vec<String> = m
            .pauses
            .iter()
            .filter(|p| p.duration_ms >= 1000.0)
            .map(|p| format!("{:.2}s@{:.1}s", p.duration_ms / 1000.0, p.start_ms / 1000.0))
            .collect();
        println!("          pauses >= 1 s: {}", long.join(", "));
    }
    println!(
        "worst wpm error {worst:.1}% (target 10%); pauses >= 1 s counted exactly: {}",
        if pauses_exact { "yes" } else { "NO" }
    );
}
