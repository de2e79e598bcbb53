//! The noise and distance bench (`interviewer_core::speech::bench`) with both detectors
//! side by side: the energy threshold and Silero VAD, then the bars for each, and
//! what the VAD plus the analysis cost per second of audio.
//!
//!     cargo run --release -p interviewer-vad --bin noise-bench [-- --rate 160]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use interviewer_core::speech::{audio, bench, vad};
    use interviewer_vad::{Vad, FRAME_MS};
    use std::time::Instant;

    let args: Vec<String> = std::env::args().collect();
    let rate = args
        .iter()
        .position(|a| a == "--rate")
        .and_then(|i| args.get(i + 1))
        .map_or(160, |r| r.parse().expect("--rate N"));
    let (clip, truth, babble) = bench::setup(rate).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let model = Vad::load_shipped().expect("models/vad: the shipped VAD loads");
    println!("{}", bench::describe(&clip, &truth));
    println!("{}", bench::header());
    let (mut energy, mut silero) = (Vec::new(), Vec::new());
    let (mut vad_ms, mut energy_ms, mut silero_ms, mut audio_s) = (0.0, 0.0, 0.0, 0.0);
    for c in bench::conditions(&clip.samples, &truth, Some(&babble)) {
        audio_s += c.samples.len() as f64 / 16_000.0;
        let t = Instant::now();
        let m = audio::analyse(&c.samples);
        energy_ms += t.elapsed().as_secs_f64() * 1e3;
        let s = bench::score(&m, &truth);
        println!("{}", bench::row(&c.name, "energy", &s));
        energy.push(bench::Result_ {
            condition: c.name.clone(),
            snr_db: c.snr_db,
            score: s,
        });
        let t = Instant::now();
        let probs = model.probabilities(&c.samples).expect("VAD runs");
        vad_ms += t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let segments = vad::segments(&probs, FRAME_MS, &vad::DEFAULT);
        let m = audio::analyse_with_segments(&c.samples, &segments);
        silero_ms += t.elapsed().as_secs_f64() * 1e3;
        let s = bench::score(&m, &truth);
        println!("{}", bench::row(&c.name, "silero", &s));
        silero.push(bench::Result_ {
            condition: c.name,
            snr_db: c.snr_db,
            score: s,
        });
    }
    for (name, results) in [("energy", &energy), ("silero", &silero)] {
        println!("{name}:");
        for line in bench::verdict_lines(results) {
            println!("  {line}");
        }
    }
    let per_s = |ms: f64| ms / audio_s;
    println!(
        "cost per second of audio: Silero VAD {:.2} ms + analysis {:.2} ms = {:.2} ms ({:.2}% of one core); energy analysis alone {:.2} ms",
        per_s(vad_ms),
        per_s(silero_ms),
        per_s(vad_ms + silero_ms),
        per_s(vad_ms + silero_ms) / 10.0,
        per_s(energy_ms)
    );
}
