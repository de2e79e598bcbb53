//! Benchmark and profiling handlers (`BenchIn`/`BenchOut`), built only with the `bench`
//! feature (`scripts/bench.sh`): the app's users never download them.

use crate::worker::{now, State};
use interviewer_core::messages::{by_op, BenchIn, BenchOut};
use interviewer_vision::bench;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;

/// Handles `e` if it is a benchmark message; false when it is not one.
pub fn handle(state: &Rc<RefCell<State>>, e: &MessageEvent) -> bool {
    let Ok((msg, data)) = worker_link::read::<BenchIn>(e) else {
        return false;
    };
    let input = data
        .first()
        .and_then(|d| d.dyn_ref::<js_sys::Float32Array>())
        .map(|a| a.to_vec())
        .unwrap_or_default();
    let onnx = data
        .get(1)
        .and_then(|d| d.dyn_ref::<js_sys::Uint8Array>())
        .map(|a| a.to_vec());
    let answer = match msg {
        BenchIn::Rates {
            emotion_every_ms,
            both_irises,
        } => {
            if let Some(p) = state.borrow_mut().pipe.as_mut() {
                if let Some(ms) = emotion_every_ms {
                    p.rates.emotion_every_ms = ms;
                }
                p.rates.both_irises = both_irises;
            }
            return true;
        }
        BenchIn::Time { model, runs, knobs } => time(
            &state.borrow(),
            &model,
            onnx,
            &bench::parse_knobs(&knobs),
            input,
            runs as usize,
        ),
        BenchIn::Profile { model, runs, knobs } => profile(
            &model,
            &onnx.unwrap_or_default(),
            &bench::parse_knobs(&knobs),
            &input,
            runs as usize,
        )
        .map(|m| (m, Vec::new())),
    };
    match answer {
        Ok((m, outputs)) => worker_link::reply(&m, &outputs),
        Err(message) => worker_link::reply(&BenchOut::Error { message }, &[]),
    }
    true
}

/// Times one model on a given input: 10 warm-up runs, then `runs` timed ones.
fn time(
    state: &State,
    model: &str,
    onnx: Option<Vec<u8>>,
    knobs: &[(String, String)],
    input: Vec<f32>,
    runs: usize,
) -> Result<(BenchOut, Vec<JsValue>), String> {
    let pipe = state.pipe.as_ref().ok_or("models are not loaded")?;
    let variant = match onnx {
        Some(bytes) => {
            let shape = bench::shape_of(model).ok_or("unknown model")?;
            let v = bench::Variant::load_with_knobs(&bytes, shape, knobs);
            Some(v.map_err(|e| format!("{model}: {e}"))?)
        }
        None => None,
    };
    let go = |d: Vec<f32>| {
        match &variant {
            Some(v) => v.run(d),
            None => bench::run(&pipe.models, pipe.emotion.as_ref(), model, d),
        }
        .map_err(|e| format!("{model}: {e}"))
    };
    let mut out = Vec::new();
    for _ in 0..10 {
        out = go(input.clone())?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let d = input.clone();
        let t = now();
        go(d)?;
        times.push(now() - t);
    }
    let outputs = out
        .iter()
        .map(|o| js_sys::Float32Array::from(o.as_slice()).into())
        .collect();
    Ok((
        BenchOut::Times {
            model: model.into(),
            times,
        },
        outputs,
    ))
}

/// Where one model's time goes in wasm: mean ms per node over `runs` runs.
fn profile(
    model: &str,
    onnx: &[u8],
    knobs: &[(String, String)],
    input: &[f32],
    runs: usize,
) -> Result<BenchOut, String> {
    let shape = bench::shape_of(model).ok_or("unknown model")?;
    let err = |e: bench::TractError| format!("{model}: {e}");
    let variant = bench::Variant::load_with_knobs(onnx, shape, knobs).map_err(err)?;
    variant.profile(input, 10, now).map_err(err)?; // warm-up
    let nodes = variant.profile(input, runs, now).map_err(err)?;
    let kinds = by_op(&nodes);
    Ok(BenchOut::Profile {
        model: model.into(),
        nodes,
        kinds,
    })
}
