//! Transcribes a WAV file (any rate, mixed to mono) with the shipped Whisper tiny.en, as
//! the browser does: segments with their times, then the timed words with --words.
//!
//! cargo run --release -p interviewer-asr --bin transcribe -- answer.wav [--json] [--words]
//!   [--no-prompt | --prompt "TEXT"] [--interpolate] [--models DIR]

// Native only: the browser runs the recogniser in its worker.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use interviewer_asr::{transcribe, Options, Whisper, WordTimes};
    use interviewer_core::speech::{dsp, wav};
    use std::time::Instant;

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let flag = |k: &str| args.iter().any(|a| a == k);
        let opt = |k: &str| {
            args.iter()
                .position(|a| a == k)
                .and_then(|i| args.get(i + 1).cloned())
        };
        let Some(path) = args.iter().find(|a| a.ends_with(".wav")) else {
            eprintln!("usage: transcribe ANSWER.wav [--json] [--words] [--no-prompt | --prompt TEXT] [--interpolate] [--models DIR]");
            std::process::exit(2);
        };
        let bytes = std::fs::read(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        });
        let a = wav::read(&bytes).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        });
        let audio = dsp::resample(&a.samples, a.sample_rate, 16_000);
        let models =
            opt("--models").unwrap_or_else(|| interviewer_core::models::MODELS_DIR.to_string());
        let t = Instant::now();
        let w = Whisper::load_shipped(&models).unwrap_or_else(|e| {
            eprintln!("loading the model: {e}");
            std::process::exit(1)
        });
        let load_s = t.elapsed().as_secs_f64();
        let mut opts = Options::default();
        if flag("--no-prompt") {
            opts.prompt = None;
        }
        if let Some(p) = opt("--prompt") {
            opts.prompt = Some(p);
        }
        if flag("--interpolate") {
            opts.word_times = WordTimes::Interpolation;
        }
        let t = Instant::now();
        let r = transcribe(&w, &audio, &opts, |_| {}).unwrap_or_else(|e| {
            eprintln!("transcription failed: {e}");
            std::process::exit(1)
        });
        let secs = t.elapsed().as_secs_f64();
        let audio_s = audio.len() as f64 / 16_000.0;
        if flag("--json") {
            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
        } else {
            for s in &r.segments {
                println!("[{:7.2} -> {:7.2}] {}", s.start_s, s.end_s, s.text);
            }
            if flag("--words") {
                for w in &r.words {
                    println!("  {:7.2} {:7.2} {}", w.start_s, w.end_s, w.text.trim());
                }
            }
        }
        eprintln!(
            "{audio_s:.1} s of audio in {secs:.2} s (real-time factor {:.3}); model loaded in {load_s:.2} s; {} windows, {} silent",
            secs / audio_s.max(1e-9),
            r.windows,
            r.silent_windows
        );
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}
