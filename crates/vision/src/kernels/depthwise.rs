//! Depthwise convolution over NCHW f32 (one filter per channel), put in place of tract's
//! before it optimises the graph. The three MediaPipe models have 62 of them, 3x3 with
//! stride 1 or 2.
//!
//! tract 0.23 walks them zone by zone through its generic code, which took 11-23% of the
//! detector's and mesh's time in wasm. Here each channel is copied once into a zero-padded
//! plane, so the inner loop has no bounds to check, and each output row is computed four
//! columns at a time: one multiply-add per tap from unaligned loads (stride 1) or from the
//! even lanes of two loads (stride 2).

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::conv::KernelFormat;
use tract_onnx::tract_core::ops::cnn::Conv;
use tract_onnx::tract_core::ops::nn::DataFormat;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

/// Inputs as tract's `Conv`: data `[N, C, H, W]` or `[C, H, W]`, kernel `[C, 1, KH, KW]`,
/// bias `[C]` or one value.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Depthwise {
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    /// Zero rows/columns before and after: [top, bottom], [left, right].
    pub pad_h: [usize; 2],
    pub pad_w: [usize; 2],
}

impl Depthwise {
    /// The output's shape for an input of shape `[.., H, W]`: the same leading axes.
    fn output_shape(&self, input: &[usize]) -> TVec<usize> {
        let out = |len: usize, k: usize, s: usize, p: [usize; 2]| (len + p[0] + p[1] - k) / s + 1;
        let mut shape: TVec<usize> = input.into();
        let r = shape.len();
        shape[r - 2] = out(input[r - 2], self.kernel[0], self.stride[0], self.pad_h);
        shape[r - 1] = out(input[r - 1], self.kernel[1], self.stride[1], self.pad_w);
        shape
    }
}

impl Op for Depthwise {
    fn name(&self) -> StaticName {
        "Depthwise".into()
    }
    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!("{self:?}")])
    }
    op_as_typed_op!();
}

impl EvalOp for Depthwise {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let shape = inputs[0].shape();
        let &[.., c, h, w] = shape else {
            bail!("Depthwise wants an NCHW or CHW input, got {shape:?}")
        };
        let [kh, kw] = self.kernel;
        let out_shape = self.output_shape(shape);
        let (oh, ow) = (
            out_shape[out_shape.len() - 2],
            out_shape[out_shape.len() - 1],
        );
        let data = inputs[0].try_as_plain_ram()?;
        let data = data.as_slice::<f32>()?;
        let kernel = inputs[1].try_as_plain_ram()?;
        let kernel = kernel.as_slice::<f32>()?;
        let bias = inputs[2].try_as_plain_ram()?;
        let bias = bias.as_slice::<f32>()?;
        ensure!(kernel.len() == c * kh * kw && (bias.len() == c || bias.len() == 1));
        let (ph, pw) = (
            h + self.pad_h[0] + self.pad_h[1],
            w + self.pad_w[0] + self.pad_w[1],
        );
        // One padded plane, reused: its border stays zero, its interior is overwritten.
        let mut padded = vec![0.0f32; ph * pw];
        let mut out = Tensor::zero::<f32>(&out_shape)?;
        {
            let mut plain = out.try_as_plain_ram_mut()?;
            let dst = plain.as_slice_mut::<f32>()?;
            for (p, (plane, out_plane)) in data
                .chunks_exact(h * w)
                .zip(dst.chunks_exact_mut(oh * ow))
                .enumerate()
            {
                let ch = p % c;
                for (y, row) in plane.chunks_exact(w).enumerate() {
                    let at = (y + self.pad_h[0]) * pw + self.pad_w[0];
                    padded[at..at + w].copy_from_slice(row);
                }
                let taps = &kernel[ch * kh * kw..][..kh * kw];
                let b = bias[if bias.len() == 1 { 0 } else { ch }];
                for (oy, out_row) in out_plane.chunks_exact_mut(ow).enumerate() {
                    let rows: TVec<&[f32]> = (0..kh)
                        .map(|ky| &padded[(oy * self.stride[0] + ky) * pw..][..pw])
                        .collect();
                    conv_row(&rows, taps, kw, self.stride[1], b, out_row);
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for Depthwise {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = inputs[0]
            .shape
            .as_concrete()
            .ok_or_else(|| format_err!("Depthwise needs a concrete input shape"))?;
        ensure!(s.len() >= 3);
        Ok(tvec!(f32::fact(self.output_shape(s))))
    }
    as_op!();
}

/// One output row from the `kh` padded input rows it reads: bias plus the taps.
fn conv_row(rows: &[&[f32]], taps: &[f32], kw: usize, stride: usize, bias: f32, out: &mut [f32]) {
    let done = conv_row_simd(rows, taps, kw, stride, bias, out);
    for (x, o) in out.iter_mut().enumerate().skip(done) {
        let mut acc = bias;
        for (ky, row) in rows.iter().enumerate() {
            for kx in 0..kw {
                acc += taps[ky * kw + kx] * row[x * stride + kx];
            }
        }
        *o = acc;
    }
}

/// The first outputs of a row, 16 then 4 at a time, for 3x3 kernels with stride 1 or 2;
/// how many it wrote. Four independent accumulators keep the multiply-add chains from
/// waiting on each other.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn conv_row_simd(
    rows: &[&[f32]],
    taps: &[f32],
    kw: usize,
    stride: usize,
    bias: f32,
    out: &mut [f32],
) -> usize {
    if kw != 3 || rows.len() != 3 {
        return 0;
    }
    match stride {
        1 => conv3_row::<1>(rows, taps, bias, out),
        2 => conv3_row::<2>(rows, taps, bias, out),
        _ => 0,
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn conv3_row<const S: usize>(rows: &[&[f32]], taps: &[f32], bias: f32, out: &mut [f32]) -> usize {
    use std::arch::wasm32::*;
    let pw = rows[0].len();
    let t: [v128; 9] = std::array::from_fn(|i| f32x4_splat(taps[i]));
    let r = [rows[0].as_ptr(), rows[1].as_ptr(), rows[2].as_ptr()];
    // Four outputs from x: stride 1 reads x+kx..x+kx+4, stride 2 reads 2x+kx..2x+kx+8
    // (two vectors, even lanes kept). `reach` is one past the last float read.
    let reach = |x: usize| if S == 1 { x + 2 + 4 } else { 2 * x + 2 + 8 };
    // SAFETY (loads): callers only pass x with reach(x) <= pw == row length; wasm allows
    // unaligned access.
    let load = |p: *const f32, at: usize| unsafe {
        let p = p.add(at) as *const v128;
        if S == 1 {
            v128_load(p)
        } else {
            i32x4_shuffle::<0, 2, 4, 6>(v128_load(p), v128_load(p.add(1)))
        }
    };
    let b = f32x4_splat(bias);
    let mut x = 0;
    while x + 16 <= out.len() && reach(x + 12) <= pw {
        let (mut a0, mut a1, mut a2, mut a3) = (b, b, b, b);
        for ky in 0..3 {
            for kx in 0..3 {
                let tv = t[ky * 3 + kx];
                let at = S * x + kx;
                a0 = f32x4_add(a0, f32x4_mul(tv, load(r[ky], at)));
                a1 = f32x4_add(a1, f32x4_mul(tv, load(r[ky], at + 4 * S)));
                a2 = f32x4_add(a2, f32x4_mul(tv, load(r[ky], at + 8 * S)));
                a3 = f32x4_add(a3, f32x4_mul(tv, load(r[ky], at + 12 * S)));
            }
        }
        // SAFETY: x + 16 <= out.len().
        unsafe {
            let o = out.as_mut_ptr().add(x) as *mut v128;
            v128_store(o, a0);
            v128_store(o.add(1), a1);
            v128_store(o.add(2), a2);
            v128_store(o.add(3), a3);
        }
        x += 16;
    }
    while x + 4 <= out.len() && reach(x) <= pw {
        let mut a = b;
        for ky in 0..3 {
            for kx in 0..3 {
                a = f32x4_add(a, f32x4_mul(t[ky * 3 + kx], load(r[ky], S * x + kx)));
            }
        }
        // SAFETY: x + 4 <= out.len().
        unsafe { v128_store(out.as_mut_ptr().add(x) as *mut v128, a) };
        x += 4;
    }
    x
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn conv_row_simd(_: &[&[f32]], _: &[f32], _: usize, _: usize, _: f32, _: &mut [f32]) -> usize {
    0
}

/// Puts [`Depthwise`] in place of each float depthwise convolution over NCHW or CHW (one input
/// and one output channel per group, OIHW 3x3 kernel, no dilation, stride 1 or 2) of a
/// decluttered model, before `into_optimized`; returns how many it replaced.
pub fn replace_depthwise(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in 0..model.nodes.len() {
        let Some(conv) = model.nodes[id].op_as::<Conv>() else {
            continue;
        };
        let spec = &conv.pool_spec;
        let input = model.outlet_fact(model.nodes[id].inputs[0])?;
        let Some(shape) = input.shape.as_concrete() else {
            continue;
        };
        let depthwise = conv.group > 1
            && conv.group == spec.input_channels
            && conv.group == spec.output_channels;
        if !depthwise
            || conv.q_params.is_some()
            || conv.kernel_fmt != KernelFormat::OIHW
            || !matches!(
                (spec.data_format, shape.len()),
                (DataFormat::NCHW, 4) | (DataFormat::CHW, 3)
            )
            || input.datum_type != f32::datum_type()
            || model.nodes[id].inputs.len() != 3
            // 3x3 only: the kernel the vector code is written for (any other size
            // would run the scalar loop, slower than tract's).
            || spec.kernel_shape[..] != [3, 3]
            || spec
                .dilations
                .as_ref()
                .is_some_and(|d| d.iter().any(|&x| x != 1))
        {
            continue;
        }
        let stride = spec.strides.clone().unwrap_or_else(|| tvec!(1, 1));
        if stride.iter().any(|&s| s == 0 || s > 2) {
            continue;
        }
        let hw = &shape[shape.len() - 2..];
        let pads = spec.computed_padding(hw);
        let op = Depthwise {
            kernel: [spec.kernel_shape[0], spec.kernel_shape[1]],
            stride: [stride[0], stride[1]],
            pad_h: [pads[0].pad_before, pads[0].pad_after],
            pad_w: [pads[1].pad_before, pads[1].pad_after],
        };
        // The same output shape as tract's, or leave it to tract.
        if model.nodes[id].outputs[0].fact.shape.as_concrete() != Some(&op.output_shape(shape)[..])
        {
            continue;
        }
        model.nodes[id].op = Box::new(op);
        replaced += 1;
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::kernel_test::{ours_and_tracts, Stage};
    use tract_onnx::tract_core::ops::cnn::{PaddingSpec, PoolSpec};

    /// Within rounding of tract's own depthwise convolution: strides 1 and 2, the pads the
    /// models use and others, widths that leave a scalar tail.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_tracts_depthwise() {
        let cases: [(usize, usize, usize, usize, [usize; 4], bool); 8] = [
            (3, 12, 12, 1, [1, 1, 1, 1], false),
            (2, 9, 13, 1, [1, 1, 1, 1], false),
            (4, 16, 16, 2, [0, 1, 0, 1], false),
            (2, 11, 7, 2, [1, 1, 1, 1], false),
            (2, 3, 3, 1, [1, 1, 1, 1], false),
            (2, 20, 20, 1, [0, 0, 0, 0], false),
            (3, 10, 9, 1, [1, 1, 1, 1], true),
            (2, 9, 40, 2, [0, 1, 0, 1], false),
        ];
        for (c, h, w, s, [pt, pb, pl, pr], chw) in cases {
            let (format, shape) = if chw {
                (DataFormat::CHW, vec![c, h, w])
            } else {
                (DataFormat::NCHW, vec![1, c, h, w])
            };
            let data = crate::bench::input(c * h * w, 3);
            let kernel: Vec<f32> = crate::bench::input(c * 9, 5)
                .iter()
                .map(|v| v - 0.5)
                .collect();
            let bias: Vec<f32> = (0..c).map(|i| i as f32 * 0.25 - 0.3).collect();
            let mut model = TypedModel::default();
            let src = model.add_source("x", f32::fact(&shape)).unwrap();
            let k = model
                .add_const("k", Tensor::from_shape(&[c, 1, 3, 3], &kernel).unwrap())
                .unwrap();
            let b = model
                .add_const("b", Tensor::from_shape(&[c], &bias).unwrap())
                .unwrap();
            let conv = Conv {
                pool_spec: PoolSpec {
                    data_format: format,
                    kernel_shape: tvec!(3, 3),
                    padding: PaddingSpec::Explicit(tvec!(pt, pl), tvec!(pb, pr)),
                    dilations: None,
                    strides: Some(tvec!(s, s)),
                    input_channels: c,
                    output_channels: c,
                },
                kernel_fmt: KernelFormat::OIHW,
                group: c,
                q_params: None,
            };
            let out = model.wire_node("dw", conv, &[src, k, b]).unwrap();
            model.select_output_outlets(&out).unwrap();
            let input = Tensor::from_shape(&shape, &data).unwrap();
            let (ours, theirs) = ours_and_tracts(model, &input, Stage::Before, replace_depthwise);
            let case = format!("{c}x{h}x{w} stride {s} pads {pt},{pb},{pl},{pr} chw {chw}");
            let (a, b) = (
                ours.to_plain_array_view::<f32>().unwrap(),
                theirs.to_plain_array_view::<f32>().unwrap(),
            );
            for (x, y) in a.iter().zip(b.iter()) {
                assert!((x - y).abs() < 1e-5, "{case}: {x} vs {y}");
            }
        }
    }
}
