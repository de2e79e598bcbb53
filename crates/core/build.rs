//! Generates Rust tables from the repository's data files, so that each fact has one
//! place: `models/models.json` (the shipped models) becomes `models_table.rs`, and the
//! question bank (`questions/*.toml`, one file per track) becomes `questions_table.rs`
//! after every rule of the bank is checked (a broken bank does not build).

use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not when it was compiled: one build folder serves several
    // checkouts (fresh clones in CI), and a compiled script is reused across them.
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = manifest.join("../..");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    models(
        &root.join("models/models.json"),
        &out.join("models_table.rs"),
    );
    questions(&manifest.join("questions"), &out.join("questions_table.rs"));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackFile {
    slug: String,
    label: String,
    description: String,
    keywords: Vec<String>,
    question: Vec<QuestionEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionEntry {
    id: String,
    text: String,
    kind: String,
    suggested_s: u32,
    points: Vec<String>,
    terms: Vec<String>,
    follow_up_action: Option<String>,
    follow_up_result: Option<String>,
}

fn camel(slug: &str) -> String {
    slug.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The bank's rules (`questions/check.py` checks the same by hand).
fn check(t: &TrackFile, q: &QuestionEntry) -> Result<(), String> {
    let id_ok = !q.id.is_empty()
        && q.id.len() <= 48
        && q.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err("id: [a-z0-9-], at most 48 characters".into());
    }
    if !(q.text.ends_with('?') || q.text.ends_with('.')) || q.text.contains(['(', ')', '[', ']']) {
        return Err("text: one question ending with ? or ., no brackets".into());
    }
    let kinds = [
        "behavioural",
        "situational",
        "technical",
        "motivation",
        "closing",
    ];
    if !kinds.contains(&q.kind.as_str()) {
        return Err(format!("kind {} is not one of {kinds:?}", q.kind));
    }
    if !(60..=240).contains(&q.suggested_s) || !q.suggested_s.is_multiple_of(15) {
        return Err("suggested_s: 60 to 240, a multiple of 15".into());
    }
    if !(3..=5).contains(&q.points.len()) || q.points.iter().any(|p| p.is_empty() || p.len() > 90) {
        return Err("points: 3 to 5, each one line of at most 90 characters".into());
    }
    if !(4..=10).contains(&q.terms.len())
        || q.terms
            .iter()
            .any(|w| w.is_empty() || *w != w.to_lowercase())
    {
        return Err("terms: 4 to 10 lowercase words or phrases".into());
    }
    let behavioural = q.kind == "behavioural";
    let both = q.follow_up_action.is_some() && q.follow_up_result.is_some();
    let any = q.follow_up_action.is_some() || q.follow_up_result.is_some();
    if behavioural != both || (!behavioural && any) {
        return Err(
            "follow_up_action and follow_up_result: both on behavioural questions, none elsewhere"
                .into(),
        );
    }
    if t.slug == "custom" {
        return Err("the slug custom is the user's own questions".into());
    }
    Ok(())
}

/// `match self` arms over the tracks, then the user's own questions.
fn arms(tracks: &[TrackFile], f: impl Fn(&TrackFile) -> String, custom: &str) -> String {
    let mut s = String::new();
    for t in tracks {
        writeln!(s, "            Track::{} => {},", camel(&t.slug), f(t)).unwrap();
    }
    writeln!(s, "            Track::Custom => {custom},").unwrap();
    s
}

fn questions(dir: &Path, dst: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut tracks: Vec<TrackFile> = Vec::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let t: TrackFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(
            f.file_stem().and_then(|s| s.to_str()),
            Some(t.slug.as_str()),
            "{}: the file is named after its slug",
            f.display()
        );
        assert!(!t.keywords.is_empty(), "{}: keywords", f.display());
        for q in &t.question {
            if let Err(e) = check(&t, q) {
                panic!("{} question {}: {e}", f.display(), q.id);
            }
        }
        tracks.push(t);
    }
    // General first, the rest by label.
    tracks.sort_by(|a, b| (a.slug != "general", &a.label).cmp(&(b.slug != "general", &b.label)));
    let mut ids = std::collections::HashSet::new();
    let mut texts = std::collections::HashSet::new();
    for t in &tracks {
        for q in &t.question {
            assert!(
                ids.insert(q.id.clone()),
                "question id {} is used twice",
                q.id
            );
            assert!(
                texts.insert(q.text.to_lowercase()),
                "question {:?} is in the bank twice",
                q.text
            );
        }
    }
    let mut code =
        String::from("// Generated by build.rs from questions/*.toml: edit those files.\n\n");
    code.push_str(
        "/// The interview tracks: one per file of the bank, then the user's own questions.\n",
    );
    code.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]\n");
    code.push_str("#[serde(rename_all = \"snake_case\")]\npub enum Track {\n");
    for t in &tracks {
        writeln!(code, "    /// {}", t.description).unwrap();
        writeln!(code, "    {},", camel(&t.slug)).unwrap();
    }
    code.push_str("    /// Only the user's own questions.\n    Custom,\n}\n\n");
    let all: String = tracks
        .iter()
        .map(|t| format!("Track::{}, ", camel(&t.slug)))
        .collect();
    writeln!(
        code,
        "impl Track {{\n    pub const ALL: [Track; {}] = [{all}Track::Custom];",
        tracks.len() + 1
    )
    .unwrap();
    let method = |code: &mut String, doc: &str, sig: &str, body: String| {
        writeln!(
            code,
            "    {doc}\n    pub fn {sig} {{\n        match self {{\n{body}        }}\n    }}"
        )
        .unwrap();
    };
    method(
        &mut code,
        "/// The name shown.",
        "label(self) -> &'static str",
        arms(
            &tracks,
            |t| format!("{:?}", t.label),
            "\"My own questions\"",
        ),
    );
    method(
        &mut code,
        "/// The name in records and files.",
        "slug(self) -> &'static str",
        arms(&tracks, |t| format!("{:?}", t.slug), "\"custom\""),
    );
    method(
        &mut code,
        "/// One line on what the track covers.",
        "description(self) -> &'static str",
        arms(
            &tracks,
            |t| format!("{:?}", t.description),
            "\"Questions you wrote yourself.\"",
        ),
    );
    method(
        &mut code,
        "/// Words job postings in this field use (matching a posting to a track).",
        "keywords(self) -> &'static [&'static str]",
        arms(&tracks, |t| format!("&{:?}", t.keywords), "&[]"),
    );
    code.push_str("}\n\n/// Every question of the bank, track by track.\npub static BANK: &[BankQuestion] = &[\n");
    for t in &tracks {
        for q in &t.question {
            writeln!(
                code,
                "    BankQuestion {{ id: {:?}, track: Track::{}, text: {:?}, kind: QuestionKind::{}, suggested_s: {}, points: &{:?}, terms: &{:?}, follow_up_action: {:?}, follow_up_result: {:?} }},",
                q.id,
                camel(&t.slug),
                q.text,
                camel(&q.kind),
                q.suggested_s,
                q.points,
                q.terms,
                q.follow_up_action,
                q.follow_up_result
            )
            .unwrap();
        }
    }
    code.push_str("];\n");
    std::fs::write(dst, code).unwrap();
}

fn models(src: &Path, dst: &Path) {
    println!("cargo:rerun-if-changed={}", src.display());
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let models = v["models"]
        .as_array()
        .expect("models.json: a `models` array");
    let mut code =
        String::from("// Generated by build.rs from models/models.json: edit that file.\n");
    let mut names = Vec::new();
    for m in models {
        let obj = m.as_object().expect("a model is an object");
        for k in obj.keys() {
            assert!(
                ["name", "path", "bytes", "input", "worker", "load"].contains(&k.as_str()),
                "models.json: unknown key {k}"
            );
        }
        let s = |k: &str| {
            m[k].as_str()
                .unwrap_or_else(|| panic!("models.json: {k} must be a string"))
        };
        let name = s("name");
        let path = s("path");
        let file = path.rsplit('/').next().unwrap();
        let bytes = m["bytes"].as_u64().expect("models.json: bytes");
        let input: Vec<String> = m["input"]
            .as_array()
            .expect("models.json: input")
            .iter()
            .map(|d| d.as_u64().expect("models.json: input dims").to_string())
            .collect();
        let worker = match s("worker") {
            "vision" => "Vision",
            "speech" => "Speech",
            "asr" => "Asr",
            "content" => "Content",
            w => panic!("models.json: unknown worker {w}"),
        };
        let on_demand = match s("load") {
            "start" => false,
            "on_demand" => true,
            l => panic!("models.json: unknown load {l}"),
        };
        let konst = name.to_uppercase().replace('-', "_");
        writeln!(
            code,
            "pub const {konst}: ModelFile = ModelFile {{ name: {name:?}, path: {path:?}, file: {file:?}, bytes: {bytes}, input: &[{}], worker: WorkerKind::{worker}, on_demand: {on_demand} }};",
            input.join(", ")
        )
        .unwrap();
        names.push(konst);
    }
    writeln!(
        code,
        "pub const MODELS: &[ModelFile] = &[{}];",
        names.join(", ")
    )
    .unwrap();
    std::fs::write(dst, code).unwrap();
}
