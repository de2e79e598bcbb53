//! What tract makes of an ONNX file: the operators of its optimised graph, counted by kind
//! (e.g. whether an int8 QDQ graph becomes integer matrix products or stays float with
//! quantise/dequantise steps around it, and whether fp16 weight casts are folded away).
//!
//! With `--profile RUNS`, also where the time goes: each node's mean ms over RUNS runs of
//! the benchmark input, and the totals per operator kind (the worker's `bench` message gives
//! the same figures in the browser).
//!
//! cargo run --release -p interviewer-vision --bin model-ops -- model.onnx 1,1,44,44 [--profile 100]

use std::collections::BTreeMap;
use tract_onnx::prelude::*;

fn main() -> TractResult<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: model-ops MODEL.onnx N,C,H,W [--profile RUNS]");
        std::process::exit(2);
    }
    let shape: Vec<usize> = args[2].split(',').map(|v| v.parse().unwrap_or(1)).collect();
    let profile_runs = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok());
    // As the app loads it natively (in wasm it also gets its own depthwise, PReLU,
    // max-pool and pad kernels: crates/vision/src/runtime.rs).
    let model = interviewer_vision::runtime::optimise(&std::fs::read(&args[1])?, &shape)?;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for node in &model.nodes {
        let name = node.op.name().to_string();
        // Matrix products: say what they multiply (f32, i8/u8...).
        let detail = if name.contains("Mat") || name.contains("Conv") || name.contains("Mmm") {
            let ins: Vec<String> = node
                .inputs
                .iter()
                .filter_map(|o| model.outlet_fact(*o).ok())
                .map(|f| format!("{:?}", f.datum_type))
                .collect();
            format!("{name} ({})", ins.join(", "))
        } else {
            name
        };
        *kinds.entry(detail).or_default() += 1;
    }
    println!("{} nodes after optimisation", model.nodes.len());
    for (k, n) in kinds {
        println!("{n:5}  {k}");
    }
    if let Some(runs) = profile_runs {
        profile(model, &shape, runs)?;
    }
    Ok(())
}

fn profile(model: TypedModel, shape: &[usize], runs: usize) -> TractResult<()> {
    use interviewer_vision::bench;
    let variant = bench::Variant::from_optimised(model, shape)?;
    let data = bench::input(shape.iter().product(), 1);
    variant.profile(&data, 10, || 0.0)?; // warm-up
    let start = std::time::Instant::now();
    let now = || start.elapsed().as_secs_f64() * 1000.0;
    let times = variant.profile(&data, runs, now)?;
    let total: f64 = times.iter().map(|t| t.ms).sum();
    println!("\nper node, mean ms over {runs} runs (total {total:.3} ms):");
    for t in times.iter().filter(|t| t.ms >= 0.001) {
        println!("{:8.3}  {:<24} {}", t.ms, t.op, t.node);
    }
    println!("\nper operator kind:");
    for (op, ms, n) in bench::by_op(&times) {
        println!("{ms:8.3}  {:5.1}%  {n:3}  {op}", 100.0 * ms / total);
    }
    Ok(())
}
