//! Runs the speech analysis on a WAV file (any rate, mono or stereo), optionally with a
//! transcript, and prints the metrics as JSON: as the app's speech worker does, with
//! Silero VAD deciding speech from silence (`--energy`: the loudness-threshold fallback).
//!
//!     cargo run --release -p interviewer-vad --bin analyse-audio -- answer.wav [--transcript answer.txt] [--energy]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use interviewer_core::speech::{audio, dsp, text, wav};
    use interviewer_vad::Vad;

    let mut args = std::env::args().skip(1);
    let (mut path, mut transcript, mut energy) = (None, None, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--transcript" => transcript = args.next(),
            "--energy" => energy = true,
            "-h" | "--help" => {
                eprintln!("usage: analyse-audio FILE.wav [--transcript FILE.txt] [--energy]");
                return;
            }
            _ => path = Some(a),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: analyse-audio FILE.wav [--transcript FILE.txt] [--energy]");
        std::process::exit(2)
    };
    let fail = |m: String| -> ! {
        eprintln!("{m}");
        std::process::exit(1)
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    let a = wav::read(&bytes).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    let samples = dsp::resample(&a.samples, a.sample_rate, audio::RATE);
    let am = if energy {
        audio::analyse(&samples)
    } else {
        Vad::load_shipped()
            .and_then(|v| v.analyse(&samples))
            .unwrap_or_else(|e| fail(format!("voice-activity model: {e:#}")))
    };
    let tm = transcript.map(|t| {
        let s = std::fs::read_to_string(&t).unwrap_or_else(|e| fail(format!("{t}: {e}")));
        text::analyse(&s, am.duration_ms, Some(am.speaking_ms), &text::ENGLISH)
    });
    let out = serde_json::json!({ "file": path, "audio": am, "transcript": tm });
    match serde_json::to_string_pretty(&out) {
        Ok(json) => println!("{json}"),
        Err(e) => fail(e.to_string()),
    }
}
