//! Runs the speech analysis on a WAV file (any rate, mono or stereo), optionally with a
//! transcript, and prints the metrics as JSON.
//!
//!     cargo run --release -p interviewer-core --bin analyse-audio -- answer.wav [--transcript answer.txt]

use interviewer_core::speech::{audio, dsp, text, wav};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut path, mut transcript) = (None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--transcript" => transcript = Some(args.next().expect("--transcript needs a file")),
            "-h" | "--help" => {
                eprintln!("usage: analyse-audio FILE.wav [--transcript FILE.txt]");
                return;
            }
            _ => path = Some(a),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: analyse-audio FILE.wav [--transcript FILE.txt]");
        std::process::exit(2)
    };
    let fail = |m: String| -> ! {
        eprintln!("{m}");
        std::process::exit(1)
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    let a = wav::read(&bytes).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    let samples = dsp::resample(&a.samples, a.sample_rate, audio::RATE);
    let am = audio::analyse(&samples);
    let tm = transcript.map(|t| {
        let s = std::fs::read_to_string(&t).unwrap_or_else(|e| fail(format!("{t}: {e}")));
        text::analyse(&s, am.duration_ms, Some(am.speaking_ms), &text::ENGLISH)
    });
    let out = serde_json::json!({ "file": path, "audio": am, "transcript": tm });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
