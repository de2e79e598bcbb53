//! Accuracy benchmark of the audio-only speech metrics on espeak-ng clips with known words
//! and inserted silences.
//!
//!     cargo run --release -p interviewer-core --bin speech-bench            # 120/160/200 wpm
//!     cargo run --release -p interviewer-core --bin speech-bench -- --noise # noise and distance
//!     cargo run --release -p interviewer-core --bin speech-bench -- --fillers # filled pauses
//!     cargo run --release -p interviewer-core --bin speech-bench -- --voices  # pace, 16 voices
//!
//! `--noise` runs the energy detector only (this crate has no model runtime); the same
//! bench with Silero VAD beside it is `cargo run --release -p interviewer-vad --bin
//! noise-bench`.

#[cfg(not(target_arch = "wasm32"))]
use interviewer_core::speech::{audio, bench, clips};
#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn fail(e: String) -> ! {
    eprintln!("{e}");
    std::process::exit(1)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--noise") {
        noise();
    } else if args.iter().any(|a| a == "--fillers") {
        fillers();
    } else if args.iter().any(|a| a == "--voices") {
        voices();
    } else {
        rates();
    }
}

/// The noise and distance bench with the energy detector.
#[cfg(not(target_arch = "wasm32"))]
fn noise() {
    let (clip, truth, babble) = bench::setup(160).unwrap_or_else(|e| fail(e));
    println!("{}", bench::describe(&clip, &truth));
    println!("{}", bench::header());
    let mut results = Vec::new();
    let mut ms = 0.0;
    let mut audio_s = 0.0;
    for c in bench::conditions(&clip.samples, &truth, Some(&babble)) {
        let t = Instant::now();
        let m = audio::analyse(&c.samples);
        ms += t.elapsed().as_secs_f64() * 1e3;
        audio_s += c.samples.len() as f64 / 16_000.0;
        let s = bench::score(&m, &truth);
        println!("{}", bench::row(&c.name, "energy", &s));
        results.push(bench::Result_ {
            condition: c.name,
            snr_db: c.snr_db,
            score: s,
        });
    }
    println!("analysis: {:.2} ms per second of audio", ms / audio_s);
    for line in bench::verdict_lines(&results) {
        println!("{line}");
    }
}

/// Precision and recall of filled pauses on the labelled set, clean and at 10 dB.
#[cfg(not(target_arch = "wasm32"))]
fn fillers() {
    use interviewer_core::speech::fillerset;
    let set = fillerset::labelled().unwrap_or_else(|e| fail(e));
    let positives = set.iter().filter(|c| !c.fillers.is_empty()).count();
    println!(
        "{} clips: {positives} with a filler, {} without",
        set.len(),
        set.len() - positives
    );
    let clean = |c: &fillerset::Labelled| c.samples.clone();
    let noisy = |c: &fillerset::Labelled| fillerset::with_noise(c, 10.0, 7);
    for (name, degrade) in [
        ("clean", &clean as &dyn Fn(&fillerset::Labelled) -> Vec<f32>),
        ("pink 10 dB", &noisy),
    ] {
        let (p, r, wrong) = fillerset::precision_recall(&set, degrade, &audio::analyse);
        println!("energy  {name:<11} precision {p:.2} recall {r:.2} (targets 0.85 / 0.75)");
        println!("        wrong: {}", wrong.join(", "));
    }
}

/// Audio-only pace on every voice and rate of the voice set; the syllables-per-word factor
/// calibrated on the training voices and tested on the held-out ones.
#[cfg(not(target_arch = "wasm32"))]
fn voices() {
    use interviewer_core::speech::voiceset;
    let set = voiceset::all().unwrap_or_else(|e| fail(e));
    let words = clips::word_count() as f64;
    // (name, training?, syllables, true wpm, minutes)
    let mut rows = Vec::new();
    println!(
        "{:<36} {:>9} {:>9} {:>8} {:>9}",
        "clip", "truth", "est.", "error", "syll/word"
    );
    for v in &set {
        let m = audio::analyse(&v.clip.samples);
        let truth = v.true_wpm();
        let err = (m.wpm_estimate_elapsed - truth) / truth * 100.0;
        println!(
            "{:<36} {:>9.1} {:>9.1} {:>+7.1}% {:>9.3}",
            v.name,
            truth,
            m.wpm_estimate_elapsed,
            err,
            m.syllables as f64 / words
        );
        rows.push((
            v.name.clone(),
            voiceset::is_training(v.voice),
            m.syllables as f64,
            truth,
            v.clip.duration_ms() / 60_000.0,
        ));
    }
    let worst = |k: f64, train: Option<bool>| {
        rows.iter()
            .filter(|r| train.is_none_or(|t| r.1 == t))
            .map(|r| ((r.2 / k / r.4 - r.3) / r.3 * 100.0, r.0.clone()))
            .fold((0.0f64, String::new()), |a, b| {
                if b.0.abs() > a.0.abs() {
                    b
                } else {
                    a
                }
            })
    };
    let (w, c) = worst(audio::SYLLABLES_PER_WORD, None);
    println!(
        "with {} syllables per word: worst {w:+.1}% ({c}) over {} clips",
        audio::SYLLABLES_PER_WORD,
        rows.len()
    );
    // The factor that makes the training clips' estimates right on (median ratio).
    let mut ratios: Vec<f64> = rows.iter().filter(|r| r.1).map(|r| r.2 / words).collect();
    ratios.sort_by(f64::total_cmp);
    let k = ratios[ratios.len() / 2];
    let (wt, ct) = worst(k, Some(true));
    let (wh, ch) = worst(k, Some(false));
    println!("calibrated on the training half: {k:.3} syllables per word; worst training {wt:+.1}% ({ct}); worst held-out {wh:+.1}% ({ch})");
}

/// Pace and pauses on clean clips at three rates.
#[cfg(not(target_arch = "wasm32"))]
fn rates() {
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
        let clip = clips::espeak(rate).unwrap_or_else(|e| fail(e));
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
