//! Both loadable Silero VAD files of the wheel on an espeak-ng clip (160 words/min, with
//! inserted silences): ms per 32 ms frame, and how far the two files' probabilities are
//! apart (they are the same network, so they should agree).
//!
//!     cargo run --release -p interviewer-vad --bin vad-bench

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use interviewer_core::models::MODELS_DIR;
    use interviewer_core::speech::clips;
    use interviewer_vad::{Flavour, Vad, FRAME_MS};
    use std::time::Instant;

    let clip = clips::espeak(160).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let mut runs = Vec::new();
    for (file, flavour) in [
        ("silero_vad_16k_sequence.onnx", Flavour::Sequence),
        ("silero_vad_openvino_16k.onnx", Flavour::Streaming),
    ] {
        let path = format!("{MODELS_DIR}/vad/{file}");
        let Ok(bytes) = std::fs::read(&path) else {
            println!("{file}: not here (models/vad/extract.py fetches it)");
            continue;
        };
        let t = Instant::now();
        let vad = Vad::from_bytes(&bytes, flavour).expect("loads in tract");
        let load_ms = t.elapsed().as_secs_f64() * 1e3;
        let mut best = f64::INFINITY;
        let mut probs = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            probs = vad.probabilities(&clip.samples).expect("runs");
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        let per_frame = best / probs.len() as f64;
        println!(
            "{file}: load {load_ms:.0} ms; {} frames in {best:.1} ms: {per_frame:.3} ms per {FRAME_MS} ms frame ({:.2}% of one core)",
            probs.len(),
            per_frame / FRAME_MS * 100.0
        );
        runs.push(probs);
    }
    if let [a, b] = &runs[..] {
        let diff = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        let agree = a
            .iter()
            .zip(b)
            .filter(|(x, y)| (**x > 0.5) == (**y > 0.5))
            .count();
        println!(
            "max |difference| {diff:.2e}; same decision at 0.5 on {agree}/{} frames",
            a.len()
        );
    }
}
