//! Evaluates the emotion model on a FER2013-format `.bin` file with the same Rust
//! preprocessing and inference the app uses, and prints accuracy, per-class recall,
//! the confusion matrix and milliseconds per face.
//!
//!     cargo run --release -p interviewer-vision --bin fer-eval -- ../shared/data/fer2013/val.bin [--model models/emotion/emotion.onnx] [--json]

#[cfg(not(target_arch = "wasm32"))]
use interviewer_vision::emotion::{EmotionModel, CLASSES};
#[cfg(not(target_arch = "wasm32"))]
use interviewer_vision::eval::fer;
#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut args = std::env::args().skip(1);
    let mut data = None;
    let mut model_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../models/emotion/emotion.onnx"
    )
    .to_string();
    let mut json = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model_path = args.next().expect("--model needs a path"),
            "--json" => json = true,
            "-h" | "--help" => {
                eprintln!("usage: fer-eval FILE.bin [--model MODEL.onnx] [--json]");
                return;
            }
            _ => data = Some(a),
        }
    }
    let data = data.unwrap_or_else(|| {
        eprintln!("usage: fer-eval FILE.bin [--model MODEL.onnx] [--json]");
        std::process::exit(2)
    });
    let bytes = fer::read(&data).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let faces = fer::records(&bytes).expect("checked by fer::read");
    let t = Instant::now();
    let model = EmotionModel::from_path(&model_path).expect("model loads");
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let r = interviewer_vision::eval::emotion::evaluate(&model, &faces).expect("inference");
    if json {
        println!("{}", serde_json::to_string_pretty(&r).unwrap());
        return;
    }
    println!("model {model_path} (loaded and optimised in {load_ms:.0} ms)");
    println!("data  {data}: {} faces", faces.len());
    println!("accuracy {:.2}%", r.accuracy * 100.0);
    println!(
        "ms per face: mean {:.3}, median {:.3}, p95 {:.3} (one thread)",
        r.ms_mean, r.ms_median, r.ms_p95
    );
    println!("\nper-class recall:");
    for (i, c) in CLASSES.iter().enumerate() {
        println!(
            "  {c:<9} {:6.2}%  ({} faces)",
            r.recall[i] * 100.0,
            r.support[i]
        );
    }
    println!("\nconfusion matrix (rows: true, columns: predicted):");
    print!("{:>10}", "");
    for c in CLASSES {
        print!("{:>9}", &c[..c.len().min(8)]);
    }
    println!();
    for (i, row) in r.confusion.iter().enumerate() {
        print!("{:>10}", CLASSES[i]);
        for v in row {
            print!("{v:>9}");
        }
        println!();
    }
}
