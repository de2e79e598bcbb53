//! The committed emotion model: loads, matches onnxruntime's outputs, and still reaches
//! the validation accuracy its model card states (within 0.5 points).
#![cfg(not(target_arch = "wasm32"))]

use interviewer_core::models;
use interviewer_vision::emotion::EmotionModel;
use interviewer_vision::eval::{emotion, fer};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn model() -> EmotionModel {
    EmotionModel::from_path(models::EMOTION.local_path()).expect("committed model loads")
}

#[test]
fn matches_onnxruntime_reference_outputs() {
    let reference = std::fs::read_to_string(root().join("models/emotion/reference.json")).unwrap();
    emotion::check_reference(&model(), &reference, 1e-3).unwrap();
}

/// The accuracy the model card states: the line "Validation accuracy (val.bin): NN.NN%".
fn card_accuracy() -> f64 {
    let card = std::fs::read_to_string(root().join("models/emotion/MODEL_CARD.md")).unwrap();
    let line = card
        .lines()
        .find(|l| l.contains("Validation accuracy (val.bin):"))
        .expect("accuracy line in card");
    let num: String = line
        .split("Validation accuracy (val.bin):")
        .nth(1)
        .unwrap()
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.parse::<f64>().unwrap() / 100.0
}

#[test]
fn reaches_the_model_card_accuracy_on_val_bin() {
    let path = std::env::var("FER2013_VAL")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/data/fer2013/val.bin"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (set FER2013_VAL to the validation set)",
            path.display()
        )
    });
    let faces = fer::records(&bytes).unwrap();
    assert_eq!(faces.len(), 1797, "val.bin should hold 1,797 faces");
    let r = emotion::evaluate(&model(), &faces).unwrap();
    let card = card_accuracy();
    println!("val accuracy {:.4}, card {:.4}", r.accuracy, card);
    assert!(
        r.accuracy >= card - 0.005,
        "accuracy {:.4} fell more than 0.5 points below the card's {:.4}",
        r.accuracy,
        card
    );
}

/// The per-node profile (`model-ops --profile`, the worker's `profile` message) covers the
/// optimised graph, leaves the answer unchanged, and puts the time where the work is.
#[test]
fn profile_times_every_node_of_the_optimised_graph() {
    use interviewer_vision::bench;
    let bytes = std::fs::read(models::EMOTION.local_path()).unwrap();
    let shape = models::EMOTION.input;
    let variant = bench::Variant::load(&bytes, shape).unwrap();
    let data = bench::input(shape.iter().product(), 1);
    let before = variant.run(data.clone()).unwrap();
    let start = std::time::Instant::now();
    let times = variant
        .profile(&data, 3, || start.elapsed().as_secs_f64() * 1000.0)
        .unwrap();
    assert_eq!(variant.run(data).unwrap(), before);
    assert!(times.iter().all(|t| t.ms >= 0.0 && !t.op.is_empty()));
    let kinds = bench::by_op(&times);
    // 76 M multiply-adds in eight matrix products: they take the largest share.
    assert_eq!(kinds[0].0, "OptMatMul", "{kinds:?}");
    assert_eq!(kinds[0].2, 8);
}
