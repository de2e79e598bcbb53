//! 2x2 max-pooling with stride 2 over NCHW f32, the only pooling our four models use
//! (14 nodes), put in place of tract's `OptMaxPool` after optimisation.
//!
//! tract 0.23 vectorises only the stride-1 2x2 pool; with stride 2 it walks every output
//! through a scalar loop with bounds checks, which took 17% of the face mesh's time in wasm
//! (1.6 of 9.2 ms, 23 ns per output). Here each output row comes from two input rows with
//! four loads, two maxes, two shuffles and one more max per four outputs.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::{MaxPool, OptMaxPool, PaddingSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct MaxPool2x2;

impl Op for MaxPool2x2 {
    fn name(&self) -> StaticName {
        "MaxPool2x2".into()
    }
    op_as_typed_op!();
}

impl EvalOp for MaxPool2x2 {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let &[n, c, h, w] = input.shape() else {
            bail!("MaxPool2x2 wants a 4-d NCHW input, got {:?}", input.shape())
        };
        let (oh, ow) = (h / 2, w / 2);
        let src = input.try_as_plain_ram()?;
        let src = src.as_slice::<f32>()?;
        let mut out = Tensor::zero::<f32>(&[n, c, oh, ow])?;
        {
            let mut plain = out.try_as_plain_ram_mut()?;
            let dst = plain.as_slice_mut::<f32>()?;
            for (plane, out_plane) in src.chunks_exact(h * w).zip(dst.chunks_exact_mut(oh * ow)) {
                for (oy, out_row) in out_plane.chunks_exact_mut(ow).enumerate() {
                    let r0 = &plane[2 * oy * w..][..2 * ow];
                    let r1 = &plane[(2 * oy + 1) * w..][..2 * ow];
                    pool_row(r0, r1, out_row);
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for MaxPool2x2 {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = &inputs[0].shape;
        ensure!(s.rank() == 4);
        let half = |d: &TDim| d.clone() / 2;
        Ok(tvec!(f32::fact([
            s[0].clone(),
            s[1].clone(),
            half(&s[2]),
            half(&s[3])
        ])))
    }
    as_op!();
}

/// One output row: `out[x] = max of r0[2x], r0[2x+1], r1[2x], r1[2x+1]`.
fn pool_row(r0: &[f32], r1: &[f32], out: &mut [f32]) {
    let done = pool_row_simd(r0, r1, out);
    for (x, o) in out.iter_mut().enumerate().skip(done) {
        *o = r0[2 * x]
            .max(r0[2 * x + 1])
            .max(r1[2 * x].max(r1[2 * x + 1]));
    }
}

/// The first outputs of a row four at a time; how many it wrote.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn pool_row_simd(r0: &[f32], r1: &[f32], out: &mut [f32]) -> usize {
    use std::arch::wasm32::*;
    let mut done = 0;
    while done + 4 <= out.len() {
        let i = 2 * done;
        // SAFETY: i + 8 <= 2 * out.len() == r0.len() == r1.len(); wasm allows unaligned
        // loads and stores.
        unsafe {
            let p0 = r0.as_ptr().add(i) as *const v128;
            let p1 = r1.as_ptr().add(i) as *const v128;
            let lo = f32x4_pmax(v128_load(p0), v128_load(p1));
            let hi = f32x4_pmax(v128_load(p0.add(1)), v128_load(p1.add(1)));
            let even = i32x4_shuffle::<0, 2, 4, 6>(lo, hi);
            let odd = i32x4_shuffle::<1, 3, 5, 7>(lo, hi);
            v128_store(
                out.as_mut_ptr().add(done) as *mut v128,
                f32x4_pmax(even, odd),
            );
        }
        done += 4;
    }
    done
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn pool_row_simd(_: &[f32], _: &[f32], _: &mut [f32]) -> usize {
    0
}

/// Puts [`MaxPool2x2`] in place of each of tract's 2x2 stride-2 max-pools over NCHW f32
/// without padding in an optimised model; returns how many it replaced.
pub fn replace_max_pools(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in 0..model.nodes.len() {
        let spec = if let Some(op) = model.nodes[id].op_as::<OptMaxPool>() {
            (op.with_index_outputs.is_none()).then(|| op.pool_spec.clone())
        } else if let Some(op) = model.nodes[id].op_as::<MaxPool>() {
            (op.with_index_outputs.is_none()).then(|| op.pool_spec.clone())
        } else {
            None
        };
        let Some(spec) = spec else { continue };
        let input = model.outlet_fact(model.nodes[id].inputs[0])?;
        let no_padding = match &spec.padding {
            PaddingSpec::Valid => true,
            PaddingSpec::Explicit(b, a) => b.iter().chain(a.iter()).all(|p| *p == 0),
            _ => false,
        };
        if spec.data_format == DataFormat::NCHW
            && spec.kernel_shape[..] == [2, 2]
            && spec.strides.as_deref() == Some(&[2, 2])
            && spec
                .dilations
                .as_ref()
                .is_none_or(|d| d.iter().all(|&x| x == 1))
            && no_padding
            && input.datum_type == f32::datum_type()
            && input.rank() == 4
        {
            model.nodes[id].op = Box::new(MaxPool2x2);
            replaced += 1;
        }
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::kernel_test::{ours_and_tracts, Stage};

    /// The same values as tract's own max-pool, on even and odd sizes.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_tracts_max_pool() {
        for (c, h, w) in [(3, 8, 8), (2, 11, 11), (1, 6, 13), (4, 2, 2), (2, 20, 18)] {
            let input = crate::bench::input(c * h * w, 7);
            let tensor = Tensor::from_shape(&[1, c, h, w], &input).unwrap();
            let mut model = TypedModel::default();
            let src = model.add_source("x", f32::fact([1, c, h, w])).unwrap();
            let spec = tract_onnx::tract_core::ops::cnn::PoolSpec {
                data_format: DataFormat::NCHW,
                kernel_shape: tvec!(2, 2),
                padding: PaddingSpec::Valid,
                dilations: None,
                strides: Some(tvec!(2, 2)),
                input_channels: c,
                output_channels: c,
            };
            let pool = model
                .wire_node("pool", MaxPool::new(spec, None), &[src])
                .unwrap();
            model.select_output_outlets(&pool).unwrap();
            let (ours, theirs) = ours_and_tracts(model, &tensor, Stage::After, replace_max_pools);
            assert_eq!(
                ours.to_plain_array_view::<f32>().unwrap(),
                theirs.to_plain_array_view::<f32>().unwrap(),
                "{c}x{h}x{w}"
            );
        }
    }
}
