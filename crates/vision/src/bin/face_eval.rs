//! Runs FER2013 faces through the whole face pipeline (pasted, upscaled, into a 640x480
//! frame: detection -> mesh -> FER-registered crop -> emotion model) and prints the
//! detection rate and the accuracy next to the direct accuracy on the 48x48 originals,
//! plus where FER2013 puts the eyes (which sets the crop constants).
//!
//!     cargo run --release -p interviewer-vision --bin face-eval -- ../shared/data/fer2013/val.bin [--scale 4] [--limit N] [--json]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use interviewer_vision::eval::{fer, fer_pipeline};
    let mut args = std::env::args().skip(1);
    let (mut data, mut scale, mut limit, mut json) = (None, 4usize, usize::MAX, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scale" => scale = args.next().and_then(|v| v.parse().ok()).expect("--scale N"),
            "--limit" => limit = args.next().and_then(|v| v.parse().ok()).expect("--limit N"),
            "--json" => json = true,
            _ => data = Some(a),
        }
    }
    let data = data.unwrap_or_else(|| {
        eprintln!("usage: face-eval FILE.bin [--scale 4] [--limit N] [--json]");
        std::process::exit(2)
    });
    let bytes = fer::read(&data).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let faces = fer::records(&bytes).expect("checked by fer::read");
    let faces = &faces[..faces.len().min(limit)];
    let (models, emotion) =
        interviewer_vision::load_shipped(interviewer_vision::MODELS_DIR).expect("models");
    let t = std::time::Instant::now();
    let e = fer_pipeline::evaluate(&models, &emotion, faces, scale).expect("pipeline");
    if json {
        println!("{}", serde_json::to_string_pretty(&e).unwrap());
        return;
    }
    println!("faces                      {}", e.faces);
    println!(
        "detected                   {} ({:.2}%)",
        e.detected,
        e.detection_rate()
    );
    println!("direct accuracy (48x48)    {:.2}%", e.direct_accuracy());
    println!(
        "direct, detected faces     {:.2}%",
        fer_pipeline::PipelineEval::pct(e.direct_correct_detected, e.detected)
    );
    println!(
        "through the pipeline       {:.2}% (misses count as wrong)",
        e.pipeline_accuracy()
    );
    println!(
        "pipeline, detected faces   {:.2}%",
        fer_pipeline::PipelineEval::pct(e.pipeline_correct, e.detected)
    );
    println!(
        "eyes in FER2013 pixels     distance {:.2}, midpoint ({:.2}, {:.2})",
        e.eye_distance, e.eye_mid.0, e.eye_mid.1
    );
    println!(
        "  => side/eyes {:.3}, centre below eyes/eyes {:.3}",
        48.0 / e.eye_distance,
        (24.0 - e.eye_mid.1) / e.eye_distance
    );
    println!(
        "median yaw {:.1}, pitch {:.1}, gaze y {:.1} (degrees)",
        e.yaw, e.pitch, e.gaze_y
    );
    println!("{:.1} s", t.elapsed().as_secs_f64());
}
