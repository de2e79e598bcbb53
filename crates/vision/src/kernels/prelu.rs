//! The face models' PReLU, `x + min(x, 0) * c` with one `c` per channel (written so by
//! `models/face/prelu_chain.py`), as one op in place of tract's Min, Mul and Add nodes.
//!
//! tract fuses the three into one pass, but it broadcasts `c` element by element; with 23
//! in the mesh and 53 in the iris model that pass took 10-14% of their time in wasm. Here
//! each channel's plane (or, channels-last, each pixel's channels) is one vector loop with
//! the same arithmetic, so the values are the same.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

use crate::kernels::graph_match::{all_zero, bin_op, konst, replace_output};

/// Inputs: `x`, and `c` broadcast along one axis of `x` (the channels).
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct PreluChain {
    /// The axis of `x` that `c` runs along.
    pub axis: usize,
}

impl Op for PreluChain {
    fn name(&self) -> StaticName {
        "PreluChain".into()
    }
    op_as_typed_op!();
}

impl EvalOp for PreluChain {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (x, c) = (&inputs[0], &inputs[1]);
        let channels = x.shape()[self.axis];
        let inner: usize = x.shape()[self.axis + 1..].iter().product();
        let xs = x.try_as_plain_ram()?;
        let xs = xs.as_slice::<f32>()?;
        let cs = c.try_as_plain_ram()?;
        let cs = cs.as_slice::<f32>()?;
        ensure!(cs.len() == channels);
        let mut out = Tensor::zero::<f32>(x.shape())?;
        {
            let mut plain = out.try_as_plain_ram_mut()?;
            let ys = plain.as_slice_mut::<f32>()?;
            if inner == 1 {
                // Channels last: each pixel's channels against `c`.
                for (x, y) in xs.chunks_exact(channels).zip(ys.chunks_exact_mut(channels)) {
                    prelu_pixel(x, cs, y);
                }
            } else {
                for (i, (x, y)) in xs
                    .chunks_exact(inner)
                    .zip(ys.chunks_exact_mut(inner))
                    .enumerate()
                {
                    prelu_plane(x, cs[i % channels], y);
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for PreluChain {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        Ok(tvec!(f32::fact(inputs[0].shape.clone())))
    }
    as_op!();
}

fn prelu(x: f32, c: f32) -> f32 {
    x + x.min(0.0) * c
}

/// One channel's values against one `c`.
fn prelu_plane(x: &[f32], c: f32, y: &mut [f32]) {
    let done = simd::plane(x, c, y);
    for (y, &x) in y.iter_mut().zip(x).skip(done) {
        *y = prelu(x, c);
    }
}

/// One pixel's channels against all of `c`.
fn prelu_pixel(x: &[f32], c: &[f32], y: &mut [f32]) {
    let done = simd::pixel(x, c, y);
    for ((y, &x), &c) in y.iter_mut().zip(x).zip(c).skip(done) {
        *y = prelu(x, c);
    }
}

/// The vector loops: how many values they wrote (none without simd128).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use std::arch::wasm32::*;

    fn one(v: v128, c: v128) -> v128 {
        f32x4_add(v, f32x4_mul(f32x4_pmin(v, f32x4_splat(0.0)), c))
    }

    pub fn plane(x: &[f32], c: f32, y: &mut [f32]) -> usize {
        let cv = f32x4_splat(c);
        let mut done = 0;
        while done + 4 <= x.len() {
            // SAFETY: done + 4 <= x.len() == y.len(); wasm allows unaligned access.
            unsafe {
                let v = v128_load(x.as_ptr().add(done) as *const v128);
                v128_store(y.as_mut_ptr().add(done) as *mut v128, one(v, cv));
            }
            done += 4;
        }
        done
    }

    pub fn pixel(x: &[f32], c: &[f32], y: &mut [f32]) -> usize {
        let mut done = 0;
        while done + 4 <= x.len() {
            // SAFETY: done + 4 <= x.len() == c.len() == y.len().
            unsafe {
                let v = v128_load(x.as_ptr().add(done) as *const v128);
                let cv = v128_load(c.as_ptr().add(done) as *const v128);
                v128_store(y.as_mut_ptr().add(done) as *mut v128, one(v, cv));
            }
            done += 4;
        }
        done
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    pub fn plane(_: &[f32], _: f32, _: &mut [f32]) -> usize {
        0
    }
    pub fn pixel(_: &[f32], _: &[f32], _: &mut [f32]) -> usize {
        0
    }
}

/// The node that produces `outlet`, when it is the binary op `name`.
fn bin_op_at<'a>(model: &'a TypedModel, outlet: OutletId, name: &str) -> Option<&'a TypedNode> {
    bin_op(&model.nodes[outlet.node], name)
}

/// Replaces each `Add(x, Mul(Min(x, 0), c))` over f32 (either operand order), with `c`
/// constant along one axis of `x`, by [`PreluChain`] in a decluttered model; returns how
/// many.
pub fn replace_prelu_chains(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in model.eval_order()? {
        let Some(add) = bin_op_at(model, OutletId::new(id, 0), "Add") else {
            continue;
        };
        let found =
            (0..2).find_map(|side| {
                let x = add.inputs[1 - side];
                let mul = bin_op_at(model, add.inputs[side], "Mul")?;
                let (min_side, c) =
                    (0..2).find_map(|s| Some((s, konst(model, mul.inputs[1 - s])?)))?;
                let min = bin_op_at(model, mul.inputs[min_side], "Min")?;
                let zero = konst(model, min.inputs[1])?;
                let only_here = |n: &TypedNode| n.outputs[0].successors.len() == 1;
                (min.inputs[0] == x && all_zero(&zero) && only_here(mul) && only_here(min))
                    .then_some((x, mul.inputs[1 - min_side], c))
            });
        let Some((x, c_outlet, c)) = found else {
            continue;
        };
        let fact = model.outlet_fact(x)?;
        let Some(shape) = fact.shape.as_concrete() else {
            continue;
        };
        // `c` must run along exactly one axis of `x` (any other axis of size one).
        let axes: Vec<usize> = (0..c.rank()).filter(|&a| c.shape()[a] != 1).collect();
        let offset = shape.len().saturating_sub(c.rank());
        let [axis] = axes[..] else { continue };
        if fact.datum_type != f32::datum_type()
            || c.datum_type() != f32::datum_type()
            || c.rank() > shape.len()
            || shape[axis + offset] != c.shape()[axis]
        {
            continue;
        }
        let op = PreluChain {
            axis: axis + offset,
        };
        replace_output(model, "prelu-chain", op, &[x, c_outlet], id)?;
        replaced += 1;
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::kernel_test::{ours_and_tracts, Stage};
    use tract_onnx::tract_core::ops::math;

    /// The same values as tract's Min, Mul, Add: channels first and last, with tails.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_tracts_chain() {
        for (shape, c_shape, axis) in [
            ([1, 3, 5, 7], [1, 3, 1, 1], 1),
            ([1, 6, 4, 9], [1, 1, 1, 9], 3),
            ([1, 2, 8, 8], [1, 2, 1, 1], 1),
        ] {
            let len: usize = shape.iter().product();
            let x: Vec<f32> = crate::bench::input(len, 9)
                .iter()
                .map(|v| v - 0.5)
                .collect();
            let c: Vec<f32> = crate::bench::input(c_shape.iter().product(), 4);
            let mut model = TypedModel::default();
            let src = model.add_source("x", f32::fact(shape)).unwrap();
            let zero = model
                .add_const("zero", Tensor::zero::<f32>(&[1, 1, 1, 1]).unwrap())
                .unwrap();
            let cw = model
                .add_const("c", Tensor::from_shape(&c_shape, &c).unwrap())
                .unwrap();
            let min = model.wire_node("min", math::min(), &[src, zero]).unwrap();
            let mul = model.wire_node("mul", math::mul(), &[min[0], cw]).unwrap();
            let add = model.wire_node("add", math::add(), &[src, mul[0]]).unwrap();
            model.select_output_outlets(&add).unwrap();
            let input = Tensor::from_shape(&shape, &x).unwrap();
            let mut swapped = model.clone();
            replace_prelu_chains(&mut swapped).unwrap();
            let op = swapped.nodes.iter().find_map(|n| n.op_as::<PreluChain>());
            assert_eq!(op.map(|o| o.axis), Some(axis));
            let (ours, theirs) =
                ours_and_tracts(model, &input, Stage::Before, replace_prelu_chains);
            assert_eq!(
                ours.to_plain_array_view::<f32>().unwrap(),
                theirs.to_plain_array_view::<f32>().unwrap(),
                "{shape:?}"
            );
        }
    }
}
