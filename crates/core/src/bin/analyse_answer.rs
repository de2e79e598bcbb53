//! Content of one answer, as the report shows it: STAR parts with their sentences,
//! talking points covered, relevance, the job posting's terms used and missed, advice.
//!
//! cargo run --release -p interviewer-core --bin analyse-answer -- \
//!     (--question "TEXT" | --question-id ID) --transcript answer.txt [--job job.txt] [--json]
//!
//! `--transcript -` reads standard input. A question from the bank brings its kind,
//! talking points and terms; free text is read as a story when worded as one, and may
//! carry its own talking points after a `|` (as custom questions in the app).

use interviewer_core::content::{self, terms, Part};
use interviewer_core::questions::{by_id, PlannedQuestion, BANK};

fn usage() -> ! {
    eprintln!(
        "usage: analyse-answer (--question TEXT | --question-id ID) --transcript FILE|- [--job FILE] [--json]"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .map(|i| args.get(i + 1).cloned().unwrap_or_else(|| usage()))
    };
    let json = args.iter().any(|a| a == "--json");
    let bank = match (value("--question-id"), value("--question")) {
        (Some(id), _) => Some(by_id(&id).unwrap_or_else(|| {
            eprintln!("no question with id {id} in the bank");
            std::process::exit(2)
        })),
        // Free text that is a bank question word for word gets its points.
        (None, Some(t)) => BANK.iter().find(|q| q.text.eq_ignore_ascii_case(t.trim())),
        (None, None) => usage(),
    };
    let question = match bank {
        Some(b) => PlannedQuestion::from_bank(b, 0),
        None => PlannedQuestion::custom(&value("--question").unwrap_or_else(|| usage()), 0),
    };
    let read = |path: &str| -> String {
        if path == "-" {
            std::io::read_to_string(std::io::stdin()).unwrap_or_else(|e| {
                eprintln!("standard input: {e}");
                std::process::exit(1)
            })
        } else {
            std::fs::read_to_string(path).unwrap_or_else(|e| {
                eprintln!("{path}: {e}");
                std::process::exit(1)
            })
        }
    };
    let transcript = read(&value("--transcript").unwrap_or_else(|| usage()));
    let job_terms: Vec<String> = value("--job")
        .map(|p| {
            terms::extract(&read(&p), 15)
                .into_iter()
                .map(|t| t.term)
                .collect()
        })
        .unwrap_or_default();
    let c = content::analyse(&question, &transcript, &job_terms);
    let advice = content::advice(&c);
    let follow_up = bank.and_then(|b| content::follow_up(b, &c));
    if json {
        let out = serde_json::json!({
            "question": question.text,
            "content": c,
            "sentences": c.sentences.iter().map(|s| &transcript[s.start..s.end]).collect::<Vec<_>>(),
            "job_terms": job_terms,
            "advice": advice,
            "follow_up": follow_up,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serialisable")
        );
        return;
    }
    println!("Question: {}", question.text);
    println!("Words: {}", c.words);
    if c.story {
        let present: String = Part::ALL
            .iter()
            .map(|p| if c.has(*p) { p.letter() } else { '-' })
            .collect();
        println!("\nSTAR ({present}):");
    } else {
        println!("\nSentences (not a story question: no STAR reading):");
    }
    for s in &c.sentences {
        let tag = s
            .part
            .map_or("  ".to_string(), |p| format!("{} ", p.letter()));
        println!("  {tag}{}", &transcript[s.start..s.end]);
    }
    if c.story {
        match c.result_concrete {
            Some(true) => {
                println!("Result: shows an outcome (a number with a change, or a lesson)")
            }
            Some(false) => println!("Result: no number, change or lesson found in it"),
            None => println!("Result: none"),
        }
        println!(
            "Action sentences: \"I\" {} times, \"we\" {} times",
            c.action_i, c.action_we
        );
    }
    if !c.points.is_empty() {
        println!(
            "\nTalking points ({} of {} covered):",
            c.covered(),
            c.points.len()
        );
        for p in &c.points {
            match p.sentence {
                Some(k) => println!(
                    "  [x] {}\n      <- \"{}\" ({})",
                    p.point,
                    &transcript[c.sentences[k].start..c.sentences[k].end],
                    if p.shared.is_empty() {
                        "same part of the story".to_string()
                    } else {
                        p.shared.join(", ")
                    }
                ),
                None => println!("  [ ] {}", p.point),
            }
        }
    }
    println!(
        "\nRelevance: {:.0} % of sentences share words with the question, its terms or points{}",
        100.0 * c.relevance,
        if c.off_topic {
            " (flagged: may not answer the question)"
        } else {
            ""
        }
    );
    if !job_terms.is_empty() {
        println!("\nJob terms used: {}", c.job_terms_used.join(", "));
        println!("Job terms not used: {}", c.job_terms_missed.join(", "));
    }
    if !advice.is_empty() {
        println!("\nAdvice:");
        for a in &advice {
            println!("  - {a}");
        }
    }
    if let Some(f) = follow_up {
        println!("\nFollow-up an interviewer might ask: {f}");
    }
}
