//! 1x1 convolution over NCHW f32 with what follows it fused in: bias, a residual input
//! (zero-padded on channels, as BlazeFace's blocks pad theirs) and ReLU or PReLU. Put in
//! place of tract's EinSum, Add, Add, Pad and Max nodes (or our [`PreluChain`]) before it
//! optimises the graph.
//!
//! In wasm, tract runs each of these as a packed matrix product plus separate passes for
//! the residual's channel padding and the add-and-clamp. With the few input channels of
//! the detector's first blocks (24 to 36) its tiles are short, and the products ran at
//! 7-9 GMAC/s against 13-14 on the deeper layers. Here the input planes are read in place
//! (no packing), four output channels times eight pixels per step, and the bias, residual
//! and clamp are applied before each tile is stored.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::array::{Pad, PadMode};
use tract_onnx::tract_core::ops::einsum::EinSum;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

use crate::kernels::graph_match::{
    all_zero, bin_op, konst, only_successor, relu_after, replace_output,
};
use crate::kernels::prelu::PreluChain;

/// Inputs: `x` `[N, Ci, H, W]` or `[Ci, H, W]` (or channels last: `[.., H, W, Ci]`), and
/// (with `residual`) `r` of the output's shape but for its channels, which may be fewer:
/// the missing ones count as zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointwise {
    /// `[Co, Ci]`, as the ONNX file's kernel.
    pub weights: Arc<Tensor>,
    /// `[Co]`.
    pub bias: Arc<Tensor>,
    /// The residual's channel count, when there is one.
    pub residual: Option<usize>,
    pub activation: Activation,
    /// Where the input's leading axes are all of size one, the output's count of them
    /// (tract's graphs drop or add the batch axis around some convolutions); `None`: the
    /// input's leading axes.
    pub lead: Option<usize>,
    /// Channels last (`[.., H, W, C]`) in the input and in the output: tract's wasm build
    /// moves parts of the iris model so while decluttering.
    pub layout: Layout,
    /// The weights as the vector loops read them. Channels-first output: for each block of
    /// four output channels (the last one may have fewer), for each input channel, the
    /// block's weights. Channels-last output: `[Ci, Co]`.
    packed: Arc<Tensor>,
}

/// Where the channel axis is, in the input and in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    pub input_last: bool,
    pub output_last: bool,
}

impl Pointwise {
    pub fn new(
        weights: Arc<Tensor>,
        bias: Arc<Tensor>,
        residual: Option<usize>,
        activation: Activation,
        lead: Option<usize>,
        layout: Layout,
    ) -> TractResult<Pointwise> {
        let &[co, ci] = weights.shape() else {
            bail!(
                "Pointwise wants [Co, Ci] weights, got {:?}",
                weights.shape()
            )
        };
        ensure!(bias.len() == co && residual.is_none_or(|r| r <= co));
        if let Activation::Prelu(c) = &activation {
            ensure!(c.len() == co && c.datum_type() == f32::datum_type());
        }
        let w = weights.try_as_plain_ram()?;
        let w = w.as_slice::<f32>()?;
        let mut packed = Vec::with_capacity(co * ci);
        if layout.output_last {
            for c in 0..ci {
                packed.extend((0..co).map(|o| w[o * ci + c]));
            }
        } else {
            for o in (0..co).step_by(4) {
                let rows = (co - o).min(4);
                for c in 0..ci {
                    packed.extend((0..rows).map(|j| w[(o + j) * ci + c]));
                }
            }
        }
        Ok(Pointwise {
            weights,
            bias,
            residual,
            activation,
            lead,
            layout,
            packed: Arc::new(tensor1(&packed)),
        })
    }

    /// Whether a channel Pad of the residual was taken in.
    pub fn pads_residual(&self) -> bool {
        self.residual.is_some_and(|r| r < self.channels().0)
    }

    fn channels(&self) -> (usize, usize) {
        (self.weights.shape()[0], self.weights.shape()[1])
    }

    /// The input's (channels, height, width) axes, in this order.
    fn input_axes(&self, rank: usize) -> [usize; 3] {
        if self.layout.input_last {
            [rank - 1, rank - 3, rank - 2]
        } else {
            [rank - 3, rank - 2, rank - 1]
        }
    }

    /// The output's shape for an input of shape `input`.
    fn output_shape<D: DimLike>(&self, input: &[D]) -> TractResult<TVec<D>> {
        let (co, ci) = self.channels();
        let r = input.len();
        ensure!(r >= 3, "Pointwise: input {input:?}");
        let [c, h, w] = self.input_axes(r);
        ensure!(
            input[c] == ci.into(),
            "Pointwise: input {input:?}, {ci} channels"
        );
        let (h, w) = (input[h].clone(), input[w].clone());
        let last: [D; 3] = if self.layout.output_last {
            [h, w, co.into()]
        } else {
            [co.into(), h, w]
        };
        let lead: TVec<D> = match self.lead {
            Some(k) => {
                ensure!(input[..r - 3].iter().all(|d| *d == D::one()));
                tvec![D::one(); k]
            }
            None => input[..r - 3].into(),
        };
        Ok(lead.into_iter().chain(last).collect())
    }
}

/// What is applied last, per output channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activation {
    None,
    /// `max(x, 0)`.
    Relu,
    /// `x + min(x, 0) * c`, one `c` per output channel (as [`PreluChain`] computes it).
    Prelu(Arc<Tensor>),
}

impl Op for Pointwise {
    fn name(&self) -> StaticName {
        "Pointwise".into()
    }
    fn info(&self) -> TractResult<Vec<String>> {
        let (co, ci) = self.channels();
        Ok(vec![format!(
            "{ci} -> {co} channels, residual {:?}, {:?}, {:?}",
            self.residual, self.activation, self.layout
        )])
    }
    op_as_typed_op!();
}

impl EvalOp for Pointwise {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (co, ci) = self.channels();
        let shape = inputs[0].shape();
        let out_shape = self.output_shape(shape)?;
        let [_, h, w] = self.input_axes(shape.len());
        let plane = shape[h] * shape[w];
        let x = inputs[0].try_as_plain_ram()?;
        let x = x.as_slice::<f32>()?;
        let res = match self.residual {
            Some(cr) => {
                let t = inputs[1].try_as_plain_ram()?;
                ensure!(t.len() == x.len() / ci * cr);
                Some(t)
            }
            None => None,
        };
        let res = match &res {
            Some(t) => Some(t.as_slice::<f32>()?),
            None => None,
        };
        let cr = self.residual.unwrap_or(0);
        let w = self.weights.try_as_plain_ram()?;
        let packed = self.packed.try_as_plain_ram()?;
        let b = self.bias.try_as_plain_ram()?;
        let slopes = match &self.activation {
            Activation::Prelu(c) => Some(c.try_as_plain_ram()?),
            _ => None,
        };
        let slopes = match &slopes {
            Some(c) => Some(c.as_slice::<f32>()?),
            None => None,
        };
        let layer = Layer {
            ci,
            co,
            plane,
            weights: w.as_slice::<f32>()?,
            packed: packed.as_slice::<f32>()?,
            bias: b.as_slice::<f32>()?,
            residual_channels: cr,
            relu: self.activation == Activation::Relu,
            slopes,
            layout: self.layout,
        };
        let mut out = Tensor::zero::<f32>(&out_shape)?;
        {
            let mut plain = out.try_as_plain_ram_mut()?;
            let dst = plain.as_slice_mut::<f32>()?;
            for (n, (x, y)) in x
                .chunks_exact(ci * plane)
                .zip(dst.chunks_exact_mut(co * plane))
                .enumerate()
            {
                let r = res.map(|r| &r[n * cr * plane..][..cr * plane]);
                layer.run(x, r, y);
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for Pointwise {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        Ok(tvec!(f32::fact(self.output_shape(&inputs[0].shape)?)))
    }
    as_op!();
}

/// One image's worth of work, borrowed from the op and its inputs.
struct Layer<'a> {
    ci: usize,
    co: usize,
    plane: usize,
    weights: &'a [f32],
    // Read by the vector loop only.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_feature = "simd128")),
        allow(dead_code)
    )]
    packed: &'a [f32],
    bias: &'a [f32],
    residual_channels: usize,
    relu: bool,
    slopes: Option<&'a [f32]>,
    layout: Layout,
}

/// Pixels per pass over the output channels: the input's slice of them stays in L1
/// (96 channels x 64 pixels x 4 bytes = 24 KB).
const CHUNK: usize = 64;

impl Layer<'_> {
    /// `x` `[Ci, P]` (or `[P, Ci]`), `r` `[Cr, P]` and `y` `[Co, P]` (or `[P, Cr]`, `[P, Co]`).
    fn run(&self, x: &[f32], r: Option<&[f32]>, y: &mut [f32]) {
        let (p, ci) = (self.plane, self.ci);
        // Each chunk of the input planes copied side by side first, `[Ci, CHUNK]`: read in
        // place, rows a power-of-two apart (64x64 and 32x32 planes) fall in the same cache
        // sets and evict each other (the 32x32 layers ran at half the speed of the 16x16
        // ones); channels-last input is transposed on the way.
        let mut chunk = vec![0.0f32; ci * CHUNK];
        for start in (0..p).step_by(CHUNK) {
            let n = CHUNK.min(p - start);
            if self.layout.input_last {
                for (i, px) in x[start * ci..][..n * ci].chunks_exact(ci).enumerate() {
                    for (c, &v) in px.iter().enumerate() {
                        chunk[c * CHUNK + i] = v;
                    }
                }
            } else {
                for (c, row) in chunk.chunks_exact_mut(CHUNK).enumerate() {
                    row[..n].copy_from_slice(&x[c * p + start..][..n]);
                }
            }
            if self.layout.output_last {
                self.pixels(&chunk, n, r, start, y);
            } else {
                self.planes(&chunk, n, r, start, y);
            }
        }
    }

    /// Channels-first output: blocks of up to four output channels, pixels eight at a time.
    fn planes(&self, chunk: &[f32], n: usize, r: Option<&[f32]>, start: usize, y: &mut [f32]) {
        let mut o = 0;
        while o < self.co {
            let rows = (self.co - o).min(4);
            let done = match rows {
                4 => simd::planes::<4>(self, chunk, n, r, o, start, y),
                3 => simd::planes::<3>(self, chunk, n, r, o, start, y),
                2 => simd::planes::<2>(self, chunk, n, r, o, start, y),
                _ => simd::planes::<1>(self, chunk, n, r, o, start, y),
            };
            for o in o..o + rows {
                for i in done..n {
                    self.scalar(chunk, r, o, start, i, y);
                }
            }
            o += rows;
        }
    }

    /// Channels-last output: blocks of eight, then four output channels, pixels four at a
    /// time; the last channels (fewer than four) one by one.
    fn pixels(&self, chunk: &[f32], n: usize, r: Option<&[f32]>, start: usize, y: &mut [f32]) {
        let mut o = 0;
        while o < self.co {
            let (cols, done) = match self.co - o {
                8.. => (8, simd::pixels::<2>(self, chunk, n, r, o, start, y)),
                4.. => (4, simd::pixels::<1>(self, chunk, n, r, o, start, y)),
                left => (left, 0),
            };
            for o in o..o + cols {
                for i in done..n {
                    self.scalar(chunk, r, o, start, i, y);
                }
            }
            o += cols;
        }
    }

    /// Where output channel `o` of pixel `px` is, in an output (or residual) of `channels`.
    fn at(&self, o: usize, px: usize, channels: usize) -> usize {
        if self.layout.output_last {
            px * channels + o
        } else {
            o * self.plane + px
        }
    }

    /// Output channel `o` at pixel `start + i` (`i` in the chunk), as the vector loops
    /// compute it.
    fn scalar(
        &self,
        chunk: &[f32],
        r: Option<&[f32]>,
        o: usize,
        start: usize,
        i: usize,
        y: &mut [f32],
    ) {
        let w = &self.weights[o * self.ci..][..self.ci];
        let mut acc = 0.0;
        for (c, &w) in w.iter().enumerate() {
            acc += w * chunk[c * CHUNK + i];
        }
        acc += self.bias[o];
        if let Some(r) = r.filter(|_| o < self.residual_channels) {
            acc += r[self.at(o, start + i, self.residual_channels)];
        }
        if self.relu {
            acc = acc.max(0.0);
        }
        if let Some(c) = self.slopes {
            acc += acc.min(0.0) * c[o];
        }
        y[self.at(o, start + i, self.co)] = acc;
    }
}

/// The vector loops (none without simd128): each returns how many of the chunk's pixels
/// it wrote.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{Layer, CHUNK};
    use std::arch::wasm32::*;

    /// Bias, residual and activation on a vector of outputs, then stored at `y`. Lanes:
    /// channels-first output, 4 pixels of one channel; channels-last, 4 channels of one
    /// pixel.
    ///
    /// SAFETY: `y..y + 4` must be inside the output.
    #[inline(always)]
    unsafe fn finish(
        l: &Layer,
        mut v: v128,
        bias: v128,
        residual: Option<v128>,
        slopes: Option<v128>,
        y: *mut f32,
    ) {
        let zero = f32x4_splat(0.0);
        v = f32x4_add(v, bias);
        if let Some(res) = residual {
            v = f32x4_add(v, res);
        }
        if l.relu {
            v = f32x4_pmax(zero, v);
        }
        if let Some(c) = slopes {
            // As PreluChain: v + pmin(v, 0) * c.
            v = f32x4_add(v, f32x4_mul(f32x4_pmin(v, zero), c));
        }
        v128_store(y as *mut v128, v);
    }

    /// Output channels `o..o + R` (channels first), the chunk's pixels eight at a time.
    pub fn planes<const R: usize>(
        l: &Layer,
        chunk: &[f32],
        n: usize,
        r: Option<&[f32]>,
        o: usize,
        start: usize,
        y: &mut [f32],
    ) -> usize {
        let (ci, p) = (l.ci, l.plane);
        // This block's weights: for each input channel, its R rows' weights.
        let w = &l.packed[o * ci..][..R * ci];
        assert!(chunk.len() >= ci * CHUNK && n <= CHUNK && start + n <= p);
        assert!(y.len() >= (o + R) * p);
        // Which rows get a residual row added.
        let res: [Option<&[f32]>; R] = std::array::from_fn(|j| {
            r.filter(|_| o + j < l.residual_channels)
                .map(|r| &r[(o + j) * p + start..][..n])
        });
        let bias: [v128; R] = std::array::from_fn(|j| f32x4_splat(l.bias[o + j]));
        let slopes: Option<[v128; R]> = l
            .slopes
            .map(|c| std::array::from_fn(|j| f32x4_splat(c[o + j])));
        let zero = f32x4_splat(0.0);
        let mut i = 0;
        while i + 8 <= n {
            let mut a0 = [zero; R];
            let mut a1 = [zero; R];
            // SAFETY: c < ci and i + 8 <= n <= CHUNK keep every load inside `chunk`
            // and `w`, every residual load inside its row (n long) and every store inside
            // `y` (asserted above); wasm allows unaligned access.
            unsafe {
                let mut xp = chunk.as_ptr().add(i);
                let mut wp = w.as_ptr();
                for _ in 0..ci {
                    let x0 = v128_load(xp as *const v128);
                    let x1 = v128_load(xp.add(4) as *const v128);
                    for j in 0..R {
                        let wv = v128_load32_splat(wp.add(j) as *const u32);
                        a0[j] = f32x4_add(a0[j], f32x4_mul(wv, x0));
                        a1[j] = f32x4_add(a1[j], f32x4_mul(wv, x1));
                    }
                    xp = xp.add(CHUNK);
                    wp = wp.add(R);
                }
                for j in 0..R {
                    let yp = y.as_mut_ptr().add((o + j) * p + start + i);
                    let rp = res[j].map(|res| res.as_ptr().add(i));
                    let load = |k: usize| rp.map(|rp| v128_load(rp.add(k) as *const v128));
                    let c = slopes.map(|s| s[j]);
                    finish(l, a0[j], bias[j], load(0), c, yp);
                    finish(l, a1[j], bias[j], load(4), c, yp.add(4));
                }
            }
            i += 8;
        }
        i
    }

    /// Output channels `o..o + 4V` (channels last), the chunk's pixels four at a time.
    pub fn pixels<const V: usize>(
        l: &Layer,
        chunk: &[f32],
        n: usize,
        r: Option<&[f32]>,
        o: usize,
        start: usize,
        y: &mut [f32],
    ) -> usize {
        let (ci, co, p) = (l.ci, l.co, l.plane);
        let cr = l.residual_channels;
        assert!(chunk.len() >= ci * CHUNK && n <= CHUNK && start + n <= p);
        assert!(o + 4 * V <= co && y.len() >= p * co && l.packed.len() >= ci * co);
        assert!(r.is_none_or(|r| r.len() >= p * cr));
        let vec_at = |s: &[f32], at: usize| {
            // SAFETY: callers pass at + 4 <= s.len().
            unsafe { v128_load(s.as_ptr().add(at) as *const v128) }
        };
        let bias: [v128; V] = std::array::from_fn(|v| vec_at(l.bias, o + 4 * v));
        let slopes: Option<[v128; V]> = l
            .slopes
            .map(|c| std::array::from_fn(|v| vec_at(c, o + 4 * v)));
        let mut i = 0;
        while i + 4 <= n {
            let mut a = [[f32x4_splat(0.0); V]; 4];
            // SAFETY: c < ci, i + 4 <= n <= CHUNK and o + 4V <= co keep every load inside
            // `chunk` and the [Ci, Co] weights, every store inside `y` (asserted above).
            unsafe {
                let mut xp = chunk.as_ptr().add(i);
                let mut wp = l.packed.as_ptr().add(o);
                for _ in 0..ci {
                    let w: [v128; V] =
                        std::array::from_fn(|v| v128_load(wp.add(4 * v) as *const v128));
                    for (k, a) in a.iter_mut().enumerate() {
                        let xv = v128_load32_splat(xp.add(k) as *const u32);
                        for v in 0..V {
                            a[v] = f32x4_add(a[v], f32x4_mul(w[v], xv));
                        }
                    }
                    xp = xp.add(CHUNK);
                    wp = wp.add(co);
                }
                for (k, a) in a.iter().enumerate() {
                    let px = start + i + k;
                    for v in 0..V {
                        let ch = o + 4 * v;
                        // The residual's channels: all four lanes, some, or none.
                        let res = r.filter(|_| ch < cr).map(|r| {
                            if ch + 4 <= cr {
                                vec_at(r, px * cr + ch)
                            } else {
                                let lanes: [f32; 4] = std::array::from_fn(|lane| {
                                    if ch + lane < cr {
                                        r[px * cr + ch + lane]
                                    } else {
                                        0.0
                                    }
                                });
                                vec_at(&lanes, 0)
                            }
                        });
                        let yp = y.as_mut_ptr().add(px * co + ch);
                        finish(l, a[v], bias[v], res, slopes.map(|s| s[v]), yp);
                    }
                }
            }
            i += 4;
        }
        i
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    use super::Layer;
    pub fn planes<const R: usize>(
        _: &Layer,
        _: &[f32],
        _: usize,
        _: Option<&[f32]>,
        _: usize,
        _: usize,
        _: &mut [f32],
    ) -> usize {
        0
    }
    pub fn pixels<const V: usize>(
        _: &Layer,
        _: &[f32],
        _: usize,
        _: Option<&[f32]>,
        _: usize,
        _: usize,
        _: &mut [f32],
    ) -> usize {
        0
    }
}

/// Whether `einsum` is a 1x1 convolution of `x` by a `[Co, C]` matrix, and its layout:
/// `x` `[.., C, H, W]` or `[.., H, W, C]` into `[.., Co, H, W]` or `[.., H, W, Co]`, where
/// the leading axes are the same, or those of `x` and the output all of size one (checked
/// by the caller).
fn conv_1x1_layout(einsum: &EinSum) -> Option<Layout> {
    let (ins, outs) = einsum.axes.to_strs();
    let [x, w] = &ins[..] else { return None };
    let [y] = &outs[..] else { return None };
    let (x, w, y): (Vec<char>, Vec<char>, Vec<char>) = (
        x.chars().collect(),
        w.chars().collect(),
        y.chars().collect(),
    );
    let (rx, ry) = (x.len(), y.len());
    if rx < 3 || ry < 3 || w.len() != 2 || x.contains(&w[0]) {
        return None;
    }
    // (channel, height, width) of the last three axes, channels first or last.
    let split = |t: &[char], c: char| -> Option<(bool, [char; 2])> {
        let r = t.len();
        if t[r - 3] == c {
            Some((false, [t[r - 2], t[r - 1]]))
        } else if t[r - 1] == c {
            Some((true, [t[r - 3], t[r - 2]]))
        } else {
            None
        }
    };
    let (input_last, x_hw) = split(&x, w[1])?;
    let (output_last, y_hw) = split(&y, w[0])?;
    let lead_ok = |t: &[char]| {
        t[..t.len() - 3]
            .iter()
            .all(|a| !w.contains(a) && !x_hw.contains(a))
    };
    (x_hw == y_hw && lead_ok(&x) && lead_ok(&y)).then_some(Layout {
        input_last,
        output_last,
    })
}

/// Puts [`Pointwise`] in place of each f32 1x1 convolution over NCHW or CHW in a decluttered
/// model (tract's EinSum by constant weights, then the bias Add), taking in the residual Add
/// (and the channel Pad before it) and the ReLU (Max with zero) or [`PreluChain`] after it
/// where they follow; returns how many it replaced. Run it after
/// [`crate::kernels::prelu::replace_prelu_chains`].
pub fn replace_pointwise(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in model.eval_order()? {
        let node = &model.nodes[id];
        let Some(einsum) = node.op_as::<EinSum>() else {
            continue;
        };
        if einsum.q_params.is_some()
            || einsum.operating_dt != f32::datum_type()
            || node.inputs.len() != 2
        {
            continue;
        }
        let Some(layout) = conv_1x1_layout(einsum) else {
            continue;
        };
        let x = node.inputs[0];
        let Some(weights) = konst(model, node.inputs[1]) else {
            continue;
        };
        let Some(x_shape) = model.outlet_fact(x)?.shape.as_concrete().map(TVec::from) else {
            continue;
        };
        let Some(y_shape) = node.outputs[0].fact.shape.as_concrete().map(TVec::from) else {
            continue;
        };
        if weights.datum_type() != f32::datum_type() || weights.rank() != 2 {
            continue;
        }
        let co = weights.shape()[0];
        let (rx, ry) = (x_shape.len(), y_shape.len());
        // The same leading axes, or only axes of size one on both sides.
        let lead = if x_shape[..rx - 3] == y_shape[..ry - 3] {
            None
        } else if x_shape[..rx - 3]
            .iter()
            .chain(&y_shape[..ry - 3])
            .all(|&d| d == 1)
        {
            Some(ry - 3)
        } else {
            continue;
        };
        let chan = if layout.output_last { ry - 1 } else { ry - 3 };
        // The bias: an Add of a constant along the channels.
        let Some(add_bias) =
            only_successor(model, OutletId::new(id, 0)).and_then(|n| bin_op(n, "Add"))
        else {
            continue;
        };
        let bias_side = add_bias
            .inputs
            .iter()
            .position(|&i| i != OutletId::new(id, 0));
        let Some(bias) = bias_side.and_then(|s| konst(model, add_bias.inputs[s])) else {
            continue;
        };
        let along_channels = bias.len() == co
            && bias.rank() >= 3
            && bias.rank() <= ry
            && bias.shape()[bias.rank() - (ry - chan)] == co;
        if bias.datum_type() != f32::datum_type() || !along_channels {
            continue;
        }
        let bias = Arc::new(bias.clone().into_tensor().into_shape(&[co])?);
        let mut last = add_bias.id;
        let mut taps = vec![x];
        let mut residual = None;
        // The residual: an Add of a tensor of the output's shape, or of a channel Pad of one.
        if let Some(add) =
            only_successor(model, OutletId::new(last, 0)).and_then(|n| bin_op(n, "Add"))
        {
            let other = add.inputs[if add.inputs[0] == OutletId::new(last, 0) {
                1
            } else {
                0
            }];
            let other_fact = model.outlet_fact(other)?;
            if other_fact.konst.is_none()
                && other_fact.datum_type == f32::datum_type()
                && other_fact.shape.as_concrete() == Some(&y_shape[..])
            {
                let (tap, channels) = match channel_pad(model, other, chan) {
                    Some((input, channels)) => (input, channels),
                    None => (other, co),
                };
                taps.push(tap);
                residual = Some(channels);
                last = add.id;
            }
        }
        // The activation: a Max with zero, or our PReLU along the channels.
        let mut activation = Activation::None;
        if let Some(max) = relu_after(model, OutletId::new(last, 0)) {
            activation = Activation::Relu;
            last = max;
        } else if let Some(next) = only_successor(model, OutletId::new(last, 0)) {
            let from_last = next.inputs[0] == OutletId::new(last, 0);
            if let Some(prelu) = next.op_as::<PreluChain>() {
                let c = konst(model, next.inputs[1]);
                if let Some(c) = c.filter(|c| c.len() == co && prelu.axis == chan && from_last) {
                    let c = c.clone().into_tensor().into_shape(&[co])?;
                    activation = Activation::Prelu(Arc::new(c));
                    last = next.id;
                }
            }
        }
        let op = Pointwise::new(weights.clone(), bias, residual, activation, lead, layout)?;
        replace_output(model, "pointwise", op, &taps, last)?;
        replaced += 1;
    }
    Ok(replaced)
}

/// When `outlet` is a constant-zero Pad that only appends channels (axis `chan`) and feeds
/// nothing else: its input and that input's channel count.
fn channel_pad(model: &TypedModel, outlet: OutletId, chan: usize) -> Option<(OutletId, usize)> {
    let node = &model.nodes[outlet.node];
    let pad = node.op_as::<Pad>()?;
    let PadMode::Constant(value) = &pad.mode else {
        return None;
    };
    let zero = all_zero(value);
    let only_channels = pad
        .pads
        .iter()
        .enumerate()
        .all(|(axis, &(before, after))| before == 0 && (after == 0 || axis == chan));
    let input = node.inputs[0];
    let channels = *model
        .outlet_fact(input)
        .ok()?
        .shape
        .as_concrete()?
        .get(chan)?;
    (zero && only_channels && node.outputs[0].successors.len() == 1).then_some((input, channels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::kernel_test::{ours_and_tracts, Stage};
    use tract_onnx::tract_core::ops::math;

    /// Within rounding of tract's EinSum + Add (+ Pad + Add) (+ Max or PReLU): channel
    /// counts that leave a tail of output channels, pixel counts that leave a tail of
    /// pixels, the batch axis dropped or added and channels first or last, as tract's
    /// graphs have them.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_tracts_conv_1x1() {
        // (ci, co, h, w, residual: the input, zero-padded to co channels; activation:
        // 0 none, 1 ReLU, 2 PReLU; einsum axes: a batch, b input channels, c and d
        // height and width, e output channels)
        let cases = [
            (24, 24, 16, 16, true, 1, ["abcd", "eb", "aecd"]),
            (24, 28, 8, 8, true, 1, ["abcd", "eb", "aecd"]),
            (36, 42, 5, 7, true, 1, ["abcd", "eb", "aecd"]),
            (7, 6, 3, 5, false, 0, ["abcd", "eb", "aecd"]),
            (16, 9, 4, 4, false, 1, ["abcd", "eb", "aecd"]),
            (5, 11, 9, 9, true, 0, ["abcd", "eb", "aecd"]),
            (8, 8, 12, 12, false, 1, ["abcd", "eb", "aecd"]),
            (16, 32, 9, 10, true, 2, ["abcd", "eb", "aecd"]),
            (32, 16, 8, 8, false, 2, ["abcd", "eb", "ecd"]),
            (16, 32, 8, 8, false, 2, ["bcd", "eb", "aecd"]),
            // Channels last, in the input, the output or both.
            (32, 16, 9, 9, false, 2, ["abcd", "eb", "cde"]),
            (16, 32, 8, 8, false, 2, ["cdb", "eb", "aecd"]),
            (12, 20, 7, 9, true, 2, ["acdb", "eb", "acde"]),
            (12, 14, 5, 5, true, 1, ["acdb", "eb", "acde"]),
            (6, 3, 10, 10, false, 0, ["acdb", "eb", "acde"]),
        ];
        for (ci, co, h, w, residual, act, [xs, ws, ys]) in cases {
            let dims = |axes: &str, channels: usize| -> TVec<usize> {
                axes.chars()
                    .map(|a| match a {
                        'a' => 1,
                        'c' => h,
                        'd' => w,
                        _ => channels,
                    })
                    .collect()
            };
            let shape = dims(xs, ci);
            let y_shape = dims(ys, co);
            let chan = ys.find('e').unwrap();
            let x = crate::bench::input(ci * h * w, 3);
            let weights: Vec<f32> = crate::bench::input(co * ci, 5)
                .iter()
                .map(|v| v - 0.5)
                .collect();
            let per_channel = |v: Vec<f32>| {
                let shape: TVec<usize> = (0..ys.len())
                    .map(|a| if a == chan { co } else { 1 })
                    .collect();
                Tensor::from_shape(&shape, &v).unwrap()
            };
            let bias: Vec<f32> = (0..co).map(|i| i as f32 * 0.1 - 0.6).collect();
            let mut model = TypedModel::default();
            let src = model.add_source("x", f32::fact(&shape)).unwrap();
            let wk = model
                .add_const("w", Tensor::from_shape(&[co, ci], &weights).unwrap())
                .unwrap();
            let bk = model.add_const("b", per_channel(bias)).unwrap();
            let axes = AxesMapping::from_strs(&[xs, ws], &[ys]).unwrap();
            let mut wire = model
                .wire_node("conv", EinSum::new(axes, f32::datum_type()), &[src, wk])
                .unwrap();
            assert_eq!(
                model.outlet_fact(wire[0]).unwrap().shape.as_concrete(),
                Some(&y_shape[..])
            );
            wire = model
                .wire_node("bias", math::add(), &[wire[0], bk])
                .unwrap();
            if residual {
                let pad = Pad {
                    pads: (0..ys.len())
                        .map(|a| (0, if a == chan { co - ci } else { 0 }))
                        .collect(),
                    mode: PadMode::Constant(Arc::new(tensor0(0f32))),
                };
                let r = if co > ci {
                    model.wire_node("pad", pad, &[src]).unwrap()[0]
                } else {
                    src
                };
                wire = model.wire_node("res", math::add(), &[wire[0], r]).unwrap();
            }
            if act == 1 {
                let zero = model.add_const("zero", tensor4(&[[[[0f32]]]])).unwrap();
                wire = model
                    .wire_node("relu", math::max(), &[wire[0], zero])
                    .unwrap();
            } else if act == 2 {
                let c: Vec<f32> = (0..co).map(|i| i as f32 * 0.05 - 0.9).collect();
                let c = model.add_const("c", per_channel(c)).unwrap();
                let prelu = PreluChain { axis: chan };
                wire = model.wire_node("prelu", prelu, &[wire[0], c]).unwrap();
            }
            model.select_output_outlets(&wire).unwrap();
            let input = Tensor::from_shape(&shape, &x).unwrap();
            let (ours, theirs) = ours_and_tracts(model, &input, Stage::Before, replace_pointwise);
            let case = format!("{ci}->{co} {h}x{w} residual {residual} act {act} {xs},{ws}->{ys}");
            let (a, b) = (
                ours.to_plain_array_view::<f32>().unwrap(),
                theirs.to_plain_array_view::<f32>().unwrap(),
            );
            for (x, y) in a.iter().zip(b.iter()) {
                assert!((x - y).abs() < 1e-5 * (1.0 + y.abs()), "{case}: {x} vs {y}");
            }
        }
    }
}
