//! Milliseconds per inference of each shipped model with tract, natively (one thread):
//! median and 95th percentile over `--runs` runs after 10 warm-up runs, on the same
//! deterministic input the browser benchmark uses. Prints JSON (one object per model).
//!
//! cargo run --release -p interviewer-vision --bin model-bench -- [--runs 200] [--models DIR]

use interviewer_core::models::{for_worker, WorkerKind};
use interviewer_vision::bench;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let runs: usize = opt("--runs").and_then(|v| v.parse().ok()).unwrap_or(200);
    let root = opt("--models").unwrap_or_else(|| interviewer_vision::MODELS_DIR.into());
    let (face, emotion) = interviewer_vision::load_shipped(&root).expect("models");
    for m in for_worker(WorkerKind::Vision) {
        let name = m.name;
        let len: usize = m.input.iter().product();
        let data = bench::input(len, 1);
        for _ in 0..10 {
            bench::run(&face, Some(&emotion), name, data.clone()).expect("inference");
        }
        let mut ms = Vec::with_capacity(runs);
        for _ in 0..runs {
            let d = data.clone();
            let t = Instant::now();
            bench::run(&face, Some(&emotion), name, d).expect("inference");
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (median, p95) = bench::median_p95(&ms);
        println!("{{\"model\":\"{name}\",\"runtime\":\"tract-native\",\"runs\":{runs},\"median_ms\":{median:.3},\"p95_ms\":{p95:.3}}}");
    }
}
