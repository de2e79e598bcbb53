//! Per-model timing, shared by the native `model-bench` tool and the inference worker's
//! `bench` message: each shipped model run on a given input, with the raw outputs so that
//! another runtime (onnxruntime-web) can be checked against them.

use crate::face::FaceModels;
pub use interviewer_core::messages::{by_op, NodeTime};
use interviewer_core::models;
pub use tract_onnx::prelude::TractError;
use tract_onnx::prelude::*;

/// The input shape of a model of the table (`models/models.json`), by name.
pub fn shape_of(model: &str) -> Option<&'static [usize]> {
    models::by_name(model).map(|m| m.input)
}

/// A deterministic input in 0..1 (xorshift; the same numbers in JavaScript, see
/// `bench/input.mjs`).
pub fn input(len: usize, seed: u32) -> Vec<f32> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as f32 / (1u32 << 24) as f32
        })
        .collect()
}

/// Runs one shipped model on `data` (of its input shape); all outputs, flattened.
pub fn run(
    models: &FaceModels,
    emotion: Option<&crate::emotion::EmotionModel>,
    name: &str,
    data: Vec<f32>,
) -> TractResult<Vec<Vec<f32>>> {
    match name {
        "emotion" => {
            let m = emotion
                .ok_or_else(|| tract_onnx::tract_core::internal::format_err!("no emotion model"))?;
            Ok(vec![m.logits(data)?.to_vec()])
        }
        _ => models.run_named(name, data),
    }
}

/// A model given as ONNX bytes (a variant being compared: fp16 weights, int8), loaded and
/// optimised as the app loads its own.
pub struct Variant {
    plan: crate::runtime::Plan,
    shape: Vec<usize>,
}

impl Variant {
    pub fn load(onnx: &[u8], shape: &[usize]) -> TractResult<Variant> {
        Self::load_with_knobs(onnx, shape, &[])
    }

    /// Loaded and optimised with some of tract's knobs set (`NAME`, value: which
    /// convolution strategy, im2col thresholds; `tract_core::knobs`), to compare tract's
    /// choices where environment variables do not exist (wasm).
    pub fn load_with_knobs(
        onnx: &[u8],
        shape: &[usize],
        knobs: &[(String, String)],
    ) -> TractResult<Variant> {
        let scope = tract_onnx::tract_core::knobs::KnobScope::new(
            knobs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )?;
        scope.enter(|| Self::from_optimised(crate::runtime::optimise(onnx, shape)?, shape))
    }

    /// From a graph already optimised (`runtime::optimise`), e.g. one just listed.
    pub fn from_optimised(model: TypedModel, shape: &[usize]) -> TractResult<Variant> {
        Ok(Variant {
            plan: model.into_runnable()?,
            shape: shape.to_vec(),
        })
    }

    pub fn run(&self, data: Vec<f32>) -> TractResult<Vec<Vec<f32>>> {
        crate::runtime::run(&self.plan, &self.shape, data)?
            .iter()
            .map(crate::runtime::flat)
            .collect()
    }

    /// Where the time goes: `runs` runs of `data`, each node of the optimised graph timed
    /// with `now` (ms; `Instant` natively, `performance.now()` in a worker).
    pub fn profile(
        &self,
        data: &[f32],
        runs: usize,
        now: impl Fn() -> f64,
    ) -> TractResult<Vec<NodeTime>> {
        let model = self.plan.model();
        let mut times: Vec<NodeTime> = model
            .nodes
            .iter()
            .map(|n| NodeTime {
                node: n.name.clone(),
                op: n.op.name().to_string(),
                ms: 0.0,
            })
            .collect();
        let mut state = self.plan.spawn()?;
        for _ in 0..runs {
            let t = Tensor::from_shape(&self.shape, data)?;
            state.run_plan_with_eval(tvec!(t.into()), |ctx, op_state, node, inputs| {
                let t0 = now();
                let out = tract_onnx::tract_core::plan::eval(ctx, op_state, node, inputs);
                times[node.id].ms += now() - t0;
                out
            })?;
        }
        for t in &mut times {
            t.ms /= runs.max(1) as f64;
        }
        Ok(times)
    }
}

/// Knob settings written `NAME=value,NAME=value` (the bench page's and `model-ops`'s form).
pub fn parse_knobs(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Median and 95th percentile of a set of timings.
pub fn median_p95(ms: &[f64]) -> (f64, f64) {
    let mut v = ms.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_deterministic_and_in_range() {
        let a = input(1000, 7);
        assert_eq!(a, input(1000, 7));
        assert!(a.iter().all(|v| (0.0..1.0).contains(v)));
        // The first values, as bench/input.mjs must produce them.
        assert_eq!(
            &input(3, 1)[..],
            &[6.2942505e-5, 0.015747428, 0.61640406][..]
        );
        let (m, p) = median_p95(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!((m, p), (3.0, 5.0));
    }
}
