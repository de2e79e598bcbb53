//! Speech recognition benchmark (not a test): prints
//! 1. fidelity: the tokens this crate decodes against openai-whisper's greedy decoding
//!    with the same weights (`models/speech/reference/tokens.json`), per clip;
//! 2. word error rate and the fillers and repetitions kept, with and without the
//!    disfluent prompt, on the reference clips and on longer espeak-ng answers in several
//!    voices and rates (made here; needs espeak-ng);
//! 3. word-time accuracy of the two methods on clips whose word times are known (each word
//!    synthesised alone, joined with known gaps);
//! 4. the real-time factor natively (one thread).
//!
//! cargo run --release -p interviewer-asr --bin asr-bench -- [--quick] [--plain] [--profile] [--json FILE]

// Native only: the browser runs the recogniser in its worker.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use interviewer_asr::metrics::{disfluencies, normalise, word_errors};
    use interviewer_asr::transcribe::{initial_tokens, DISFLUENT_PROMPT};
    use interviewer_asr::{transcribe, Options, Whisper, WordTimes};
    use interviewer_core::models::MODELS_DIR;
    use interviewer_core::speech::{dsp, wav};
    use std::time::Instant;

    fn espeak(text: &str, voice: &str, wpm: u32) -> Vec<f32> {
        let out = std::process::Command::new("espeak-ng")
            .args(["-v", voice, "-s", &wpm.to_string(), "--stdout", text])
            .output()
            .expect("espeak-ng runs (scripts/setup.sh installs it)");
        let a = wav::read(&out.stdout).expect("espeak-ng writes WAV");
        dsp::resample(&a.samples, a.sample_rate, 16_000)
    }

    fn read_wav(path: &str) -> Vec<f32> {
        let a = wav::read(&std::fs::read(path).expect("clip")).expect("wav");
        dsp::resample(&a.samples, a.sample_rate, 16_000)
    }

    /// Interview answers of 20-60 s, three with fillers and repetitions written in.
    const ANSWERS: [&str; 6] = [
        "In my last role I led a small team that rebuilt the billing system for our largest customers. \
         We had six months and two engineers. First we wrote tests around the parts that mattered most, \
         then we replaced one service at a time. We shipped a month early and billing errors fell by half.",
        "I think my biggest strength is staying calm when things go wrong. Last winter our main database \
         failed on a Friday evening. I set up a call, split the work between three people, and kept the \
         customers informed every hour. We were back online before midnight and lost no orders.",
        "Um, so the project I'm proudest of is, uh, the reporting tool we built for the nurses. \
         They used to spend an hour on every shift copying numbers by hand. I I interviewed six of them, \
         um, built a first version in two weeks, and now the report takes five minutes.",
        "Well, I I would start by listening to the customer and, uh, making sure I understand the problem. \
         Then I would, um, explain what I can do today and what I will check with my manager. \
         I always follow up the next day, even when the answer is no.",
        "When two colleagues disagreed about the release date, I asked each of them to write down their \
         concerns. We looked at the numbers together and agreed to ship on time behind a feature flag. \
         The release went out with no incidents and we now review risky changes every week.",
        "So, like, I I chose this company because, um, your products are used by schools I worked with. \
         I have seen how much time teachers save with them. I want to help build the next version, \
         and I think my data skills would, uh, help the team measure what really works.",
    ];

    struct Row {
        name: String,
        reference: String,
        audio: Vec<f32>,
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let quick = args.iter().any(|a| a == "--quick");
        let json_out = args
            .iter()
            .position(|a| a == "--json")
            .and_then(|i| args.get(i + 1).cloned());
        let t = Instant::now();
        // --plain: the decoder on tract's own ops, without our int8 kernels (the baseline).
        let plain = args.iter().any(|a| a == "--plain");
        let w = Whisper::load_shipped_with(MODELS_DIR, !plain).expect("model loads");
        println!("model loaded in {:.2} s", t.elapsed().as_secs_f64());
        if args.iter().any(|a| a == "--profile") {
            let start = Instant::now();
            let now = || start.elapsed().as_secs_f64() * 1000.0;
            w.profile(50, now).expect("warm-up");
            let [enc, dec] = w.profile(50, now).expect("profile");
            for (name, kinds) in [
                ("encoder (one 30 s window)", enc),
                ("decoder (one step, 50 tokens cached)", dec),
            ] {
                let total: f64 = kinds.iter().map(|k| k.1).sum();
                println!("\n{name}: {total:.2} ms");
                for (op, ms, n) in kinds.iter().take(12) {
                    println!("{ms:9.2} ms {:5.1}% {n:4}  {op}", 100.0 * ms / total);
                }
            }
            return;
        }
        let mut report = serde_json::Map::new();

        // 1. Fidelity against openai-whisper with the same weights.
        let refs: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{MODELS_DIR}/speech/reference/tokens.json")).unwrap(),
        )
        .unwrap();
        println!("\n## Fidelity: same tokens as openai-whisper (greedy, same int8 weights)\n");
        println!("| clip | prompt | same tokens | same text | ours | reference |");
        println!("|---|---|---|---|---|---|");
        let (mut same_text, mut cases) = (0, 0);
        let mut fidelity = Vec::new();
        for c in refs["clips"].as_array().unwrap() {
            let clip = c["clip"].as_str().unwrap();
            let audio = read_wav(&format!("{MODELS_DIR}/speech/reference/{clip}"));
            for (mode, prompt) in [
                ("no_prompt", None),
                ("disfluent_prompt", Some(DISFLUENT_PROMPT)),
            ] {
                let want: Vec<u32> = c[mode]["windows"][0]["tokens"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap() as u32)
                    .collect();
                let want_text = c[mode]["text"].as_str().unwrap().trim().to_string();
                let opts = Options {
                    prompt: prompt.map(str::to_string),
                    word_times: WordTimes::Alignment,
                };
                let got = transcribe(&w, &audio, &opts, |_| {}).unwrap();
                let same = got.tokens == want;
                let text_same = normalise(&got.text) == normalise(&want_text);
                same_text += usize::from(text_same);
                cases += 1;
                println!(
                    "| {clip} | {mode} | {} | {} | {} | {} |",
                    if same { "yes" } else { "no" },
                    if text_same { "yes" } else { "no" },
                    got.text,
                    want_text
                );
                fidelity.push(serde_json::json!({"clip": clip, "prompt": mode, "same_tokens": same, "same_text": text_same}));
            }
        }
        println!("\nsame text on {same_text} of {cases}");
        report.insert("fidelity".into(), fidelity.into());
        let _ = initial_tokens(&w.vocab, &[]);

        // 2. WER and disfluencies.
        let mut rows: Vec<Row> = Vec::new();
        for c in refs["clips"].as_array().unwrap() {
            let clip = c["clip"].as_str().unwrap();
            rows.push(Row {
                name: clip.trim_start_matches("clips/").to_string(),
                reference: c["reference_text"].as_str().unwrap().to_string(),
                audio: read_wav(&format!("{MODELS_DIR}/speech/reference/{clip}")),
            });
        }
        let voices: &[(&str, u32)] = if quick {
            &[("en-us", 160)]
        } else {
            &[
                ("en-us", 120),
                ("en-us", 160),
                ("en-us", 200),
                ("en-gb", 150),
                ("en-us+f3", 150),
                ("en-gb-scotland", 150),
            ]
        };
        for (i, text) in ANSWERS.iter().enumerate() {
            for (voice, wpm) in voices {
                rows.push(Row {
                    name: format!("answer{} {voice} {wpm}", i + 1),
                    reference: text.to_string(),
                    audio: espeak(text, voice, *wpm),
                });
            }
        }
        println!("\n## Word error rate, fillers and repetitions kept\n");
        println!("| clip | s | WER no prompt | WER prompt | fillers ref / none / prompt | repetitions ref / none / prompt | RTF |");
        println!("|---|---|---|---|---|---|---|");
        let mut totals = [0usize; 8]; // err_np, err_p, words, f_ref, f_np, f_p, r_ref, r_np / r_p below
        let mut reps_p = 0;
        let (mut audio_s, mut compute_s) = (0.0, 0.0);
        let mut wer_rows = Vec::new();
        for r in &rows {
            let none = Options {
                prompt: None,
                word_times: WordTimes::Alignment,
            };
            let t = Instant::now();
            let a = transcribe(&w, &r.audio, &none, |_| {}).unwrap();
            let secs = t.elapsed().as_secs_f64();
            let b = transcribe(&w, &r.audio, &Options::default(), |_| {}).unwrap();
            let dur = r.audio.len() as f64 / 16_000.0;
            audio_s += dur;
            compute_s += secs;
            let (ea, n) = word_errors(&r.reference, &a.text);
            let (eb, _) = word_errors(&r.reference, &b.text);
            let (fr, rr) = disfluencies(&r.reference);
            let (fa, ra) = disfluencies(&a.text);
            let (fb, rb) = disfluencies(&b.text);
            totals[0] += ea;
            totals[1] += eb;
            totals[2] += n;
            totals[3] += fr;
            totals[4] += fa.min(fr);
            totals[5] += fb.min(fr);
            totals[6] += rr;
            totals[7] += ra.min(rr);
            reps_p += rb.min(rr);
            println!(
                "| {} | {dur:.1} | {:.1}% | {:.1}% | {fr} / {fa} / {fb} | {rr} / {ra} / {rb} | {:.3} |",
                r.name,
                100.0 * ea as f64 / n as f64,
                100.0 * eb as f64 / n as f64,
                secs / dur
            );
            wer_rows.push(serde_json::json!({"clip": r.name, "seconds": dur, "words": n, "errors_no_prompt": ea, "errors_prompt": eb,
                "text_no_prompt": a.text, "text_prompt": b.text}));
        }
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "\nWER over {} words: {:.1}% without the prompt, {:.1}% with it. Fillers kept: {:.0}% without, {:.0}% with ({} in the references). Repetitions kept: {:.0}% without, {:.0}% with ({}).",
            totals[2],
            pct(totals[0], totals[2]),
            pct(totals[1], totals[2]),
            pct(totals[4], totals[3]),
            pct(totals[5], totals[3]),
            totals[3],
            pct(totals[7], totals[6]),
            pct(reps_p, totals[6]),
            totals[6]
        );
        println!(
            "Real-time factor natively (one thread, without the prompt): {:.3} ({:.1} s of audio in {:.1} s)",
            compute_s / audio_s,
            audio_s,
            compute_s
        );
        report.insert("wer".into(), wer_rows.into());
        report.insert(
            "summary".into(),
            serde_json::json!({"words": totals[2], "wer_no_prompt": pct(totals[0], totals[2]), "wer_prompt": pct(totals[1], totals[2]),
                "fillers_ref": totals[3], "fillers_kept_no_prompt": totals[4], "fillers_kept_prompt": totals[5],
                "repetitions_ref": totals[6], "repetitions_kept_no_prompt": totals[7], "repetitions_kept_prompt": reps_p,
                "rtf_native": compute_s / audio_s}),
        );

        // 3. Word times against known ones.
        println!("\n## Word times (clips of single-word syntheses joined with known gaps)\n");
        let sentences = [
            "I led a team of five engineers and we finished the migration two weeks early",
            "The customer was angry because the order arrived late so I called her the same day",
            "We measured every change and the error rate fell from four percent to one",
        ];
        let mut errs: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let mut seed = 7u32;
        for s in sentences.iter().take(if quick { 1 } else { 3 }) {
            let mut audio = vec![0f32; 4_000];
            let mut truth = Vec::new();
            for word in s.split_whitespace() {
                let x = espeak(word, "en-us", 160);
                let thr = 0.01;
                let a = x.iter().position(|v| v.abs() > thr).unwrap_or(0);
                let b = x.iter().rposition(|v| v.abs() > thr).unwrap_or(x.len() - 1);
                let start = audio.len() as f64 / 16_000.0;
                audio.extend_from_slice(&x[a..=b]);
                truth.push((word.to_lowercase(), start, audio.len() as f64 / 16_000.0));
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let gap = 1_280 + (seed >> 16) as usize % 5_000; // 80-390 ms
                audio.extend(std::iter::repeat_n(0.0, gap));
            }
            for (k, mode) in [WordTimes::Alignment, WordTimes::Interpolation]
                .into_iter()
                .enumerate()
            {
                let r = transcribe(
                    &w,
                    &audio,
                    &Options {
                        prompt: None,
                        word_times: mode,
                    },
                    |_| {},
                )
                .unwrap();
                // Match words in order by their text.
                let mut j = 0;
                for hw in &r.words {
                    let h = normalise(&hw.text).join(" ");
                    if let Some(off) = truth[j..].iter().position(|t| t.0 == h) {
                        j += off;
                        errs[k].push((hw.start_s - truth[j].1).abs());
                        j += 1;
                        if j >= truth.len() {
                            break;
                        }
                    }
                }
            }
        }
        println!(
            "| method | words matched | median start error | 90th percentile | within 0.5 s |"
        );
        println!("|---|---|---|---|---|");
        let mut word_times = Vec::new();
        for (k, name) in [
            "alignment (DTW on cross-attention)",
            "interpolation in segments",
        ]
        .iter()
        .enumerate()
        {
            let mut e = errs[k].clone();
            e.sort_by(f64::total_cmp);
            let at = |q: f64| {
                e.get(((e.len().max(1) - 1) as f64 * q).round() as usize)
                    .copied()
                    .unwrap_or(f64::NAN)
            };
            let within = e.iter().filter(|x| **x <= 0.5).count();
            println!(
                "| {name} | {} | {:.3} s | {:.3} s | {:.0}% |",
                e.len(),
                at(0.5),
                at(0.9),
                pct(within, e.len())
            );
            word_times.push(serde_json::json!({"method": name, "matched": e.len(), "median_s": at(0.5), "p90_s": at(0.9), "within_half_s": pct(within, e.len())}));
        }
        report.insert("word_times".into(), word_times.into());
        if let Some(f) = json_out {
            std::fs::write(
                &f,
                serde_json::to_string_pretty(&serde_json::Value::Object(report)).unwrap(),
            )
            .unwrap();
            println!("\nwrote {f}");
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}
