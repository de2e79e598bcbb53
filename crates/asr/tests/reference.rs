//! The speech recogniser against openai-whisper (`models/speech/reference/`, made by
//! `models/speech/reference.py` with the same int8 weights): the log-mel front end to 1e-4,
//! the tokenizer on the prompt, and greedy decoding giving the same tokens and text on
//! every clip, with and without the disfluent prompt.
#![cfg(not(target_arch = "wasm32"))]

use interviewer_asr::mel::{LogMel, N_FRAMES, N_MELS};
use interviewer_asr::transcribe::DISFLUENT_PROMPT;
use interviewer_asr::{transcribe, Options, Whisper, WordTimes};
use interviewer_core::models::MODELS_DIR;
use interviewer_core::speech::wav;
use std::sync::OnceLock;

fn reference(name: &str) -> serde_json::Value {
    let p = format!("{MODELS_DIR}/speech/reference/{name}");
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn clip(name: &str) -> Vec<f32> {
    let a = wav::read(&std::fs::read(format!("{MODELS_DIR}/speech/reference/{name}")).unwrap())
        .unwrap();
    assert_eq!(a.sample_rate, 16_000);
    a.samples
}

fn model() -> &'static Whisper {
    static M: OnceLock<Whisper> = OnceLock::new();
    M.get_or_init(|| Whisper::load_shipped(MODELS_DIR).expect("the shipped model loads in tract"))
}

#[test]
fn log_mel_matches_whisper_to_1e4() {
    let r = reference("mel.json");
    let audio = clip(r["clip"].as_str().unwrap());
    // The audio padded to 30 s first (`whisper.decode`'s input): the reference's recipe.
    let mut padded = audio.clone();
    padded.resize(interviewer_asr::mel::CHUNK_SAMPLES, 0.0);
    let mel = LogMel::new().compute(&padded);
    assert_eq!(mel.len(), N_MELS * N_FRAMES);
    let mut worst = 0f32;
    for (frame, values) in r["frames"].as_object().unwrap() {
        let t: usize = frame.parse().unwrap();
        for (m, v) in values.as_array().unwrap().iter().enumerate() {
            let d = (mel[m * N_FRAMES + t] - v.as_f64().unwrap() as f32).abs();
            worst = worst.max(d);
        }
    }
    assert!(worst <= 1e-4, "largest difference {worst}");
    // What the model gets (`whisper.transcribe`'s input): the same frames over the audio,
    // zeros after it.
    let win = LogMel::new().window(&audio);
    let content = audio.len() / interviewer_asr::mel::HOP;
    for m in 0..N_MELS {
        for t in [0, 100, content - 1] {
            assert!((win[m * N_FRAMES + t] - mel[m * N_FRAMES + t]).abs() <= 1e-4);
        }
        assert!(win[m * N_FRAMES + content..(m + 1) * N_FRAMES]
            .iter()
            .all(|v| *v == 0.0));
    }
    let stat = |k: &str| r["stats"][k].as_f64().unwrap() as f32;
    let (min, max) = mel
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let mean = (mel.iter().map(|v| *v as f64).sum::<f64>() / mel.len() as f64) as f32;
    assert!((min - stat("min")).abs() < 1e-4 && (max - stat("max")).abs() < 1e-4);
    assert!(
        (mean - stat("mean")).abs() < 1e-4,
        "mean {mean} vs {}",
        stat("mean")
    );
}

#[test]
fn the_prompt_tokenizes_as_whisper_does() {
    let p: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{MODELS_DIR}/speech/prompt_tokens.json")).unwrap(),
    )
    .unwrap();
    let want: Vec<u32> = p["disfluent_prompt"]["prompt_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    let v = &model().vocab;
    assert_eq!(v.encode(&format!(" {DISFLUENT_PROMPT}")), want);
    assert_eq!(v.decode(&want), format!(" {DISFLUENT_PROMPT}"));
}

#[test]
fn greedy_decoding_gives_whisper_s_tokens_on_every_clip() {
    let r = reference("tokens.json");
    let mut failures = Vec::new();
    for c in r["clips"].as_array().unwrap() {
        let name = c["clip"].as_str().unwrap();
        let audio = clip(name);
        for (mode, prompt) in [
            ("no_prompt", None),
            ("disfluent_prompt", Some(DISFLUENT_PROMPT)),
        ] {
            let want: Vec<u32> = c[mode]["windows"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|w| {
                    w["tokens"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_u64().unwrap() as u32)
                })
                .collect();
            let opts = Options {
                prompt: prompt.map(str::to_string),
                word_times: WordTimes::Alignment,
            };
            let got = transcribe(model(), &audio, &opts, |_| {}).unwrap();
            let want_text = c[mode]["text"].as_str().unwrap().trim();
            if got.tokens != want || got.text != want_text {
                failures.push(format!(
                    "{name} {mode}: {:?} vs {want_text:?}\n  ours {:?}\n  want {want:?}",
                    got.text, got.tokens
                ));
            }
            // Every word lies inside the clip, in order.
            let dur = audio.len() as f64 / 16_000.0;
            assert!(
                got.words
                    .windows(2)
                    .all(|w| w[0].start_s <= w[1].start_s + 1e-9),
                "{name}"
            );
            assert!(
                got.words
                    .iter()
                    .all(|w| w.start_s >= 0.0 && w.end_s <= dur + 0.05),
                "{name}"
            );
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn silence_is_not_transcribed() {
    let r = transcribe(model(), &vec![0.0; 16_000 * 5], &Options::default(), |_| {}).unwrap();
    assert_eq!(r.text, "", "{r:?}");
    assert!(r.words.is_empty());
}
