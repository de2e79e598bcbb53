//! What tract makes of an ONNX file: the operators of its optimised graph, counted by kind
//! (e.g. whether an int8 QDQ graph becomes integer matrix products or stays float with
//! quantise/dequantise steps around it, and whether fp16 weight casts are folded away).
//!
//! cargo run --release -p interviewer-vision --bin model-ops -- model.onnx 1,1,44,44

use std::collections::BTreeMap;
use tract_onnx::prelude::*;

fn main() -> TractResult<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: model-ops MODEL.onnx N,C,H,W");
        std::process::exit(2);
    }
    let shape: Vec<usize> = args[2].split(',').map(|v| v.parse().unwrap_or(1)).collect();
    let model = tract_onnx::onnx()
        .model_for_path(&args[1])?
        .with_input_fact(0, f32::fact(&shape).into())?
        .into_optimized()?;
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
    Ok(())
}
