//! Convolution over NCHW f32 (one group, any kernel size and stride) computed straight from
//! a zero-padded copy of the input, with the ReLU that follows it fused in. Put in place of
//! tract's before it optimises the graph, for convolutions with at least
//! [`MIN_INPUT_CHANNELS`] input channels (the emotion model's 3x3 layers).
//!
//! tract 0.23 runs them as im2col and a packed matrix product; in wasm the emotion model's
//! 11x11 and 5x5 layers ran at 9-12 GMAC/s. Here eight output channels of four output
//! pixels are accumulated per step, each tap one pair of weight loads and four broadcasts
//! of input values read in place through a table of tap offsets (no im2col), so odd plane
//! sizes cost nothing extra; the 4x4 tiles are transposed to store channel-first.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::conv::KernelFormat;
use tract_onnx::tract_core::ops::cnn::Conv;
use tract_onnx::tract_core::ops::nn::DataFormat;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

use crate::kernels::graph_match::{konst, relu_after, replace_output};

/// Fewer input channels than this stay tract's: their few taps per output would not pay
/// for the tile transposes (the face models' and emotion model's first layers).
pub const MIN_INPUT_CHANNELS: usize = 8;

/// Input: `x` `[N, Ci, H, W]` or `[Ci, H, W]`; weights and bias are the op's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectConv {
    /// `[Co, Ci, KH, KW]`.
    pub weights: Arc<Tensor>,
    /// `[Co]`.
    pub bias: Arc<Tensor>,
    pub stride: [usize; 2],
    /// Zero rows/columns before and after: [top, bottom], [left, right].
    pub pad_h: [usize; 2],
    pub pad_w: [usize; 2],
    pub relu: bool,
    /// For each block of eight output channels (then one of four, if left), for each tap
    /// (input channel, row, column), the block's weights.
    packed: Arc<Tensor>,
}

impl DirectConv {
    pub fn new(
        weights: Arc<Tensor>,
        bias: Arc<Tensor>,
        stride: [usize; 2],
        pad_h: [usize; 2],
        pad_w: [usize; 2],
        relu: bool,
    ) -> TractResult<DirectConv> {
        let &[co, ci, kh, kw] = weights.shape() else {
            bail!("DirectConv wants OIHW weights, got {:?}", weights.shape())
        };
        ensure!(bias.len() == co && stride.iter().all(|&s| s > 0));
        let k = ci * kh * kw;
        let w = weights.try_as_plain_ram()?;
        let w = w.as_slice::<f32>()?;
        let mut packed = Vec::with_capacity(co * k);
        let mut o = 0;
        while co - o >= 4 {
            let cols = if co - o >= 8 { 8 } else { 4 };
            for t in 0..k {
                packed.extend((0..cols).map(|j| w[(o + j) * k + t]));
            }
            o += cols;
        }
        Ok(DirectConv {
            weights,
            bias,
            stride,
            pad_h,
            pad_w,
            relu,
            packed: Arc::new(tensor1(&packed)),
        })
    }

    /// Whether it pads its input (tract would have a Pad node for it).
    pub fn pads(&self) -> bool {
        self.pad_h.iter().chain(&self.pad_w).any(|&p| p > 0)
    }

    /// The output's shape for an input of shape `[.., Ci, H, W]`.
    fn output_shape(&self, input: &[usize]) -> TractResult<TVec<usize>> {
        let s = self.weights.shape();
        let r = input.len();
        ensure!(
            r >= 3 && input[r - 3] == s[1],
            "DirectConv: input {input:?}, weights {s:?}"
        );
        let out = |len: usize, k: usize, st: usize, p: [usize; 2]| (len + p[0] + p[1] - k) / st + 1;
        let mut shape: TVec<usize> = input.into();
        shape[r - 3] = s[0];
        shape[r - 2] = out(input[r - 2], s[2], self.stride[0], self.pad_h);
        shape[r - 1] = out(input[r - 1], s[3], self.stride[1], self.pad_w);
        Ok(shape)
    }
}

impl Op for DirectConv {
    fn name(&self) -> StaticName {
        "DirectConv".into()
    }
    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!(
            "weights {:?}, stride {:?}, pads {:?} {:?}, relu {}",
            self.weights.shape(),
            self.stride,
            self.pad_h,
            self.pad_w,
            self.relu
        )])
    }
    op_as_typed_op!();
}

impl EvalOp for DirectConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let shape = inputs[0].shape();
        let out_shape = self.output_shape(shape)?;
        let r = shape.len();
        let &[co, ci, kh, kw] = self.weights.shape() else {
            unreachable!()
        };
        let (h, w) = (shape[r - 2], shape[r - 1]);
        let (oh, ow) = (out_shape[r - 2], out_shape[r - 1]);
        let (hp, wp) = (
            h + self.pad_h[0] + self.pad_h[1],
            w + self.pad_w[0] + self.pad_w[1],
        );
        // Where each tap reads, from an output pixel's top-left corner in the padded input.
        let offsets: Vec<u32> = (0..ci)
            .flat_map(|c| {
                (0..kh).flat_map(move |y| (0..kw).map(move |x| (c * hp * wp + y * wp + x) as u32))
            })
            .collect();
        // Each output pixel's top-left corner.
        let corners: Vec<u32> = (0..oh)
            .flat_map(|y| {
                (0..ow).map(move |x| (y * self.stride[0] * wp + x * self.stride[1]) as u32)
            })
            .collect();
        let x = inputs[0].try_as_plain_ram()?;
        let x = x.as_slice::<f32>()?;
        let weights = self.weights.try_as_plain_ram()?;
        let packed = self.packed.try_as_plain_ram()?;
        let bias = self.bias.try_as_plain_ram()?;
        let layer = Layer {
            co,
            weights: weights.as_slice::<f32>()?,
            packed: packed.as_slice::<f32>()?,
            bias: bias.as_slice::<f32>()?,
            offsets: &offsets,
            corners: &corners,
            relu: self.relu,
        };
        let mut padded = vec![0.0f32; ci * hp * wp];
        let mut out = Tensor::zero::<f32>(&out_shape)?;
        {
            let mut plain = out.try_as_plain_ram_mut()?;
            let dst = plain.as_slice_mut::<f32>()?;
            for (x, y) in x
                .chunks_exact(ci * h * w)
                .zip(dst.chunks_exact_mut(co * oh * ow))
            {
                for (plane, into) in x.chunks_exact(h * w).zip(padded.chunks_exact_mut(hp * wp)) {
                    for (row, src) in plane.chunks_exact(w).enumerate() {
                        let at = (row + self.pad_h[0]) * wp + self.pad_w[0];
                        into[at..at + w].copy_from_slice(src);
                    }
                }
                layer.run(&padded, y);
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for DirectConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = inputs[0]
            .shape
            .as_concrete()
            .ok_or_else(|| format_err!("DirectConv needs a concrete input shape"))?;
        Ok(tvec!(f32::fact(self.output_shape(s)?)))
    }
    as_op!();
}

/// One image's worth of work, borrowed from the op.
struct Layer<'a> {
    co: usize,
    weights: &'a [f32],
    // Read by the vector loop only.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_feature = "simd128")),
        allow(dead_code)
    )]
    packed: &'a [f32],
    bias: &'a [f32],
    offsets: &'a [u32],
    corners: &'a [u32],
    relu: bool,
}

impl Layer<'_> {
    /// `padded` `[Ci, HP, WP]` into `y` `[Co, OH, OW]`.
    fn run(&self, padded: &[f32], y: &mut [f32]) {
        let k = self.offsets.len();
        let mut o = 0;
        while self.co - o >= 4 {
            let cols = if self.co - o >= 8 { 8 } else { 4 };
            let w = &self.packed[o * k..][..cols * k];
            let done = if cols == 8 {
                simd::block::<2>(self, w, padded, o, y)
            } else {
                simd::block::<1>(self, w, padded, o, y)
            };
            for o in o..o + cols {
                self.scalar(padded, o, done, y);
            }
            o += cols;
        }
        for o in o..self.co {
            self.scalar(padded, o, 0, y);
        }
    }

    /// Output channel `o` from pixel `from` on, as the vector loop computes it.
    fn scalar(&self, padded: &[f32], o: usize, from: usize, y: &mut [f32]) {
        let k = self.offsets.len();
        let p = self.corners.len();
        let w = &self.weights[o * k..][..k];
        for (px, &corner) in self.corners.iter().enumerate().skip(from) {
            let mut acc = 0.0;
            for (&w, &off) in w.iter().zip(self.offsets) {
                acc += w * padded[(corner + off) as usize];
            }
            acc += self.bias[o];
            if self.relu {
                acc = acc.max(0.0);
            }
            y[o * p + px] = acc;
        }
    }
}

/// The vector loop (none without simd128): output channels `o..o + 4V`, output pixels four
/// at a time; returns how many pixels it wrote (all).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::Layer;
    use std::arch::wasm32::*;

    /// Rows are four pixels' values of four channels; columns come out as four channels'
    /// values of four pixels.
    #[inline(always)]
    fn transpose(r: [v128; 4]) -> [v128; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(r[0], r[1]);
        let t1 = i32x4_shuffle::<0, 4, 1, 5>(r[2], r[3]);
        let t2 = i32x4_shuffle::<2, 6, 3, 7>(r[0], r[1]);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(r[2], r[3]);
        [
            i32x4_shuffle::<0, 1, 4, 5>(t0, t1),
            i32x4_shuffle::<2, 3, 6, 7>(t0, t1),
            i32x4_shuffle::<0, 1, 4, 5>(t2, t3),
            i32x4_shuffle::<2, 3, 6, 7>(t2, t3),
        ]
    }

    pub fn block<const V: usize>(
        l: &Layer,
        w: &[f32],
        padded: &[f32],
        o: usize,
        y: &mut [f32],
    ) -> usize {
        let k = l.offsets.len();
        let p = l.corners.len();
        assert!(w.len() >= k * 4 * V && y.len() >= (o + 4 * V) * p);
        assert!(o + 4 * V <= l.bias.len());
        // Every read is corner + offset, both built from the padded input's shape; both
        // tables ascend, so their last entries are the largest (no scan per block).
        let last = (l.corners.last().copied().unwrap_or(0) + l.offsets.last().copied().unwrap_or(0))
            as usize;
        assert!(last < padded.len());
        let zero = f32x4_splat(0.0);
        let bias: [v128; V] = std::array::from_fn(|v| {
            // SAFETY: o + 4V <= bias.len() (asserted above).
            unsafe { v128_load(l.bias.as_ptr().add(o + 4 * v) as *const v128) }
        });
        let mut px = 0;
        while px < p {
            // The last group may have fewer than four pixels: it repeats the last one and
            // stores only its own.
            let valid = (p - px).min(4);
            let mut a = [[zero; V]; 4];
            // SAFETY: t < k keeps the weight loads inside `w`; every input read is a corner
            // plus an offset, inside `padded` (asserted above); px + valid <= p and
            // o + 4V <= co keep the stores inside `y`.
            unsafe {
                let base: [*const f32; 4] = std::array::from_fn(|i| {
                    padded
                        .as_ptr()
                        .add(l.corners[px + i.min(valid - 1)] as usize)
                });
                let mut wp = w.as_ptr();
                for &off in l.offsets {
                    let off = off as usize;
                    let wv: [v128; V] =
                        std::array::from_fn(|v| v128_load(wp.add(4 * v) as *const v128));
                    for (i, a) in a.iter_mut().enumerate() {
                        let xv = v128_load32_splat(base[i].add(off) as *const u32);
                        for v in 0..V {
                            a[v] = f32x4_add(a[v], f32x4_mul(wv[v], xv));
                        }
                    }
                    wp = wp.add(4 * V);
                }
                for v in 0..V {
                    let mut rows = [a[0][v], a[1][v], a[2][v], a[3][v]];
                    for r in rows.iter_mut() {
                        *r = f32x4_add(*r, bias[v]);
                        if l.relu {
                            *r = f32x4_pmax(zero, *r);
                        }
                    }
                    for (j, col) in transpose(rows).into_iter().enumerate() {
                        let yp = y.as_mut_ptr().add((o + 4 * v + j) * p + px);
                        if valid == 4 {
                            v128_store(yp as *mut v128, col);
                        } else {
                            let mut lanes = [0.0f32; 4];
                            v128_store(lanes.as_mut_ptr() as *mut v128, col);
                            std::ptr::copy_nonoverlapping(lanes.as_ptr(), yp, valid);
                        }
                    }
                }
            }
            px += valid;
        }
        px
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    use super::Layer;
    pub fn block<const V: usize>(
        _: &Layer,
        _: &[f32],
        _: &[f32],
        _: usize,
        _: &mut [f32],
    ) -> usize {
        0
    }
}

/// Puts [`DirectConv`] in place of each f32 convolution over NCHW or CHW with one group,
/// no dilation, constant OIHW weights and at least [`MIN_INPUT_CHANNELS`] input channels
/// in a decluttered model, before `into_optimized`, taking in a ReLU (Max with zero) that
/// follows it; returns how many it replaced.
pub fn replace_direct_convs(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in model.eval_order()? {
        let node = &model.nodes[id];
        let Some(conv) = node.op_as::<Conv>() else {
            continue;
        };
        let spec = &conv.pool_spec;
        let input = model.outlet_fact(node.inputs[0])?;
        let Some(shape) = input.shape.as_concrete().map(TVec::from) else {
            continue;
        };
        let input_konst = |slot: usize| konst(model, *node.inputs.get(slot)?);
        let (Some(weights), Some(bias)) = (input_konst(1), input_konst(2)) else {
            continue;
        };
        if conv.group != 1
            || conv.q_params.is_some()
            || conv.kernel_fmt != KernelFormat::OIHW
            || !matches!(
                (spec.data_format, shape.len()),
                (DataFormat::NCHW, 4) | (DataFormat::CHW, 3)
            )
            || input.datum_type != f32::datum_type()
            || weights.datum_type() != f32::datum_type()
            || bias.datum_type() != f32::datum_type()
            || weights.rank() != 4
            || spec.input_channels < MIN_INPUT_CHANNELS
            || spec
                .dilations
                .as_ref()
                .is_some_and(|d| d.iter().any(|&x| x != 1))
        {
            continue;
        }
        let co = spec.output_channels;
        let bias = if bias.len() == co {
            bias.clone().into_tensor().into_shape(&[co])?
        } else if bias.len() == 1 {
            Tensor::from_shape(&[co], &vec![bias.cast_to_scalar::<f32>()?; co])?
        } else {
            continue;
        };
        let stride = spec.strides.clone().unwrap_or_else(|| tvec!(1, 1));
        let pads = spec.computed_padding(&shape[shape.len() - 2..]);
        let relu_node = relu_after(model, OutletId::new(id, 0));
        let op = DirectConv::new(
            weights.clone(),
            Arc::new(bias),
            [stride[0], stride[1]],
            [pads[0].pad_before, pads[0].pad_after],
            [pads[1].pad_before, pads[1].pad_after],
            relu_node.is_some(),
        )?;
        // The same output shape as tract's, or leave it to tract.
        if model.nodes[id].outputs[0].fact.shape.as_concrete()
            != Some(&op.output_shape(&shape)?[..])
        {
            continue;
        }
        let input = model.nodes[id].inputs[0];
        replace_output(model, "direct-conv", op, &[input], relu_node.unwrap_or(id))?;
        replaced += 1;
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::kernel_test::{ours_and_tracts, Stage};
    use tract_onnx::tract_core::ops::cnn::{PaddingSpec, PoolSpec};
    use tract_onnx::tract_core::ops::math;

    /// (ci, co, h, w, kernel, stride, pads [top, bottom, left, right], relu, channels-height-
    /// width input without the batch axis)
    type Case = (
        usize,
        usize,
        usize,
        usize,
        usize,
        usize,
        [usize; 4],
        bool,
        bool,
    );

    /// Within rounding of tract's convolution (and ReLU): 3x3 with the emotion model's
    /// shapes (odd planes, pixel counts that leave a tail), other kernel sizes and strides,
    /// output channel counts that leave blocks of four and single channels.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_tracts_conv() {
        let cases: [Case; 8] = [
            (32, 64, 22, 22, 3, 1, [1, 1, 1, 1], true, false),
            (64, 32, 11, 11, 3, 1, [1, 1, 1, 1], true, false),
            (16, 16, 5, 5, 3, 1, [1, 1, 1, 1], false, false),
            (8, 12, 7, 6, 3, 1, [0, 1, 1, 0], true, false),
            (8, 13, 9, 9, 3, 2, [1, 1, 1, 1], true, false),
            (16, 8, 8, 8, 2, 2, [0, 0, 0, 0], false, false),
            (8, 6, 6, 5, 5, 1, [2, 2, 2, 2], true, true),
            (9, 8, 4, 4, 1, 1, [0, 0, 0, 0], false, false),
        ];
        for (ci, co, h, w, k, s, [pt, pb, pl, pr], relu, chw) in cases {
            let (format, shape) = if chw {
                (DataFormat::CHW, vec![ci, h, w])
            } else {
                (DataFormat::NCHW, vec![1, ci, h, w])
            };
            let data = crate::bench::input(ci * h * w, 3);
            let kernel: Vec<f32> = crate::bench::input(co * ci * k * k, 5)
                .iter()
                .map(|v| v - 0.5)
                .collect();
            let bias: Vec<f32> = (0..co).map(|i| i as f32 * 0.25 - 0.3).collect();
            let mut model = TypedModel::default();
            let src = model.add_source("x", f32::fact(&shape)).unwrap();
            let kk = model
                .add_const("k", Tensor::from_shape(&[co, ci, k, k], &kernel).unwrap())
                .unwrap();
            let b = model
                .add_const("b", Tensor::from_shape(&[co], &bias).unwrap())
                .unwrap();
            let conv = Conv {
                pool_spec: PoolSpec {
                    data_format: format,
                    kernel_shape: tvec!(k, k),
                    padding: PaddingSpec::Explicit(tvec!(pt, pl), tvec!(pb, pr)),
                    dilations: None,
                    strides: Some(tvec!(s, s)),
                    input_channels: ci,
                    output_channels: co,
                },
                kernel_fmt: KernelFormat::OIHW,
                group: 1,
                q_params: None,
            };
            let mut out = model.wire_node("conv", conv, &[src, kk, b]).unwrap();
            if relu {
                let zero = model
                    .add_const("zero", Tensor::zero::<f32>(&vec![1; shape.len()]).unwrap())
                    .unwrap();
                out = model
                    .wire_node("relu", math::max(), &[out[0], zero])
                    .unwrap();
            }
            model.select_output_outlets(&out).unwrap();
            let input = Tensor::from_shape(&shape, &data).unwrap();
            let (ours, theirs) =
                ours_and_tracts(model, &input, Stage::Before, replace_direct_convs);
            let case = format!(
                "{ci}->{co} {h}x{w} k{k} s{s} pads {pt},{pb},{pl},{pr} relu {relu} chw {chw}"
            );
            let (a, b) = (
                ours.to_plain_array_view::<f32>().unwrap(),
                theirs.to_plain_array_view::<f32>().unwrap(),
            );
            for (x, y) in a.iter().zip(b.iter()) {
                assert!((x - y).abs() < 1e-4 * (1.0 + y.abs()), "{case}: {x} vs {y}");
            }
        }
    }
}
