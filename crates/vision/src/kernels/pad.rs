//! Constant padding of f32 tensors, in place of tract's `Pad` after optimisation. The face
//! detector pads channels with zeros before 11 of its residual additions (and every
//! convolution of the emotion model its borders); tract assigns through a generic
//! n-dimensional view, about 1 ns per value in wasm, 0.3 ms of the detector's 4.6. Here
//! the output is filled once and the input copied in row by row.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::array::{Pad, PadMode};
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

#[derive(Debug, Clone, PartialEq)]
pub struct PadF32 {
    /// Before and after, per axis.
    pub pads: Vec<(usize, usize)>,
    pub value: f32,
}

impl std::hash::Hash for PadF32 {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.pads.hash(state);
        self.value.to_bits().hash(state);
    }
}

impl Eq for PadF32 {}

impl Op for PadF32 {
    fn name(&self) -> StaticName {
        "PadF32".into()
    }
    op_as_typed_op!();
}

impl EvalOp for PadF32 {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let ishape = input.shape();
        let rank = ishape.len();
        ensure!(rank >= 1 && self.pads.len() == rank);
        let oshape: TVec<usize> = ishape
            .iter()
            .zip(&self.pads)
            .map(|(d, (b, a))| d + b + a)
            .collect();
        let mut ostrides: TVec<usize> = tvec![1; rank];
        for ax in (0..rank - 1).rev() {
            ostrides[ax] = ostrides[ax + 1] * oshape[ax + 1];
        }
        let src = input.try_as_plain_ram()?;
        let src = src.as_slice::<f32>()?;
        let mut out = Tensor::zero::<f32>(&oshape)?;
        {
            let mut plain = out.try_as_plain_ram_mut()?;
            let dst = plain.as_slice_mut::<f32>()?;
            if self.value != 0.0 {
                dst.fill(self.value);
            }
            let row = ishape[rank - 1];
            if row > 0 {
                for (r, chunk) in src.chunks_exact(row).enumerate() {
                    // Where input row r lands: its index along each outer axis, shifted.
                    let (mut rem, mut at) = (r, self.pads[rank - 1].0);
                    for ax in (0..rank - 1).rev() {
                        at += (rem % ishape[ax] + self.pads[ax].0) * ostrides[ax];
                        rem /= ishape[ax];
                    }
                    dst[at..at + row].copy_from_slice(chunk);
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for PadF32 {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let mut fact = inputs[0].without_value();
        for (ix, (b, a)) in self.pads.iter().enumerate() {
            fact.shape.set(ix, fact.shape[ix].clone() + *b + *a);
        }
        Ok(tvec!(fact))
    }
    as_op!();
}

/// Puts [`PadF32`] in place of each constant-mode f32 `Pad` of an optimised model; returns
/// how many.
pub fn replace_pads(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in 0..model.nodes.len() {
        let Some(pad) = model.nodes[id].op_as::<Pad>() else {
            continue;
        };
        let PadMode::Constant(value) = &pad.mode else {
            continue;
        };
        let input = model.outlet_fact(model.nodes[id].inputs[0])?;
        if input.datum_type != f32::datum_type() || pad.pads.len() != input.rank() {
            continue;
        }
        let op = PadF32 {
            pads: pad.pads.clone(),
            value: value.cast_to_scalar::<f32>()?,
        };
        model.nodes[id].op = Box::new(op);
        replaced += 1;
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::kernel_test::{ours_and_tracts, Stage};

    /// The same values as tract's `Pad`, padding channels, borders and several axes at once.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_tracts_pad() {
        type Case = (&'static [usize], Vec<(usize, usize)>, f32);
        let cases: [Case; 4] = [
            (&[1, 3, 4, 5], vec![(0, 0), (0, 2), (0, 0), (0, 0)], 0.0),
            (&[1, 2, 5, 5], vec![(0, 0), (0, 0), (1, 1), (1, 1)], 0.0),
            (&[1, 4, 4, 3], vec![(0, 0), (1, 0), (0, 2), (0, 5)], -1.5),
            (&[2, 3], vec![(1, 2), (3, 0)], 0.0),
        ];
        for (shape, pads, value) in cases {
            let len: usize = shape.iter().product();
            let input = Tensor::from_shape(shape, &crate::bench::input(len, 2)).unwrap();
            let mut model = TypedModel::default();
            let src = model.add_source("x", f32::fact(shape)).unwrap();
            let op = Pad {
                pads: pads.clone(),
                mode: PadMode::Constant(Arc::new(Tensor::from(value))),
            };
            let out = model.wire_node("pad", op, &[src]).unwrap();
            model.select_output_outlets(&out).unwrap();
            let (ours, theirs) = ours_and_tracts(model, &input, Stage::After, replace_pads);
            assert_eq!(
                ours.to_plain_array_view::<f32>().unwrap(),
                theirs.to_plain_array_view::<f32>().unwrap(),
                "{shape:?} {pads:?}"
            );
        }
    }
}
