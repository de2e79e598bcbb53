//! Our own ops for Whisper's decoder, swapped into its graph at load (`model::load_typed`).
//!
//! A decoder step multiplies one token's vector by every weight matrix: matrix-vector
//! products, bound by how many bytes of weights are read. tract keeps the int8 weights
//! decoded as f32 (4 bytes a weight; 80 MB for the token embedding alone, packed again
//! beside it) and packs the encoder's cross-attention keys and values again at every
//! step. Here:
//! - [`Int8MatMul`]: the product with an int8 weight matrix and its per-column scales,
//!   reading 1 byte a weight (the f32 weights are the int8 ones times their scale
//!   exactly, so the int8 form is recovered without loss);
//! - [`Int8Rows`]: the token embedding lookup from the same int8 table;
//! - [`CrossMatMul`]: the cross-attention products read the encoder's keys and values in
//!   place, with no packing.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::array::Gather;
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::cast::Cast;
use tract_onnx::tract_core::ops::einsum::EinSum;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

/// An int8 matrix with a scale per output: `w[i] * scale[output of i]` are the weights.
#[derive(Debug, Clone)]
pub struct Int8Weights {
    pub q: Arc<Vec<i8>>,
    pub scale: Arc<Vec<f32>>,
    /// Inner (contracted) and output sizes; `q` is `[n][k]`, a row per output.
    pub k: usize,
    pub n: usize,
}

/// Two ops are equal when they hold the same weights (the same allocation).
impl PartialEq for Int8Weights {
    fn eq(&self, o: &Self) -> bool {
        Arc::ptr_eq(&self.q, &o.q)
            && Arc::ptr_eq(&self.scale, &o.scale)
            && (self.k, self.n) == (o.k, o.n)
    }
}

impl Eq for Int8Weights {}

impl std::hash::Hash for Int8Weights {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.k, self.n, self.q.len()).hash(h)
    }
}

impl Int8Weights {
    /// The exact int8 form of `w` (`[k][n]` f32, or `[n][k]` when `rows_are_outputs`), or
    /// None when it has none (its values are not an int8 grid times a column scale). Kept
    /// as `[n][k]` either way: a matrix-vector product reads each output's row in order.
    pub fn recover(w: &[f32], k: usize, n: usize, rows_are_outputs: bool) -> Option<Int8Weights> {
        if w.len() != k * n {
            return None;
        }
        let at = |kk: usize, nn: usize| {
            if rows_are_outputs {
                nn * k + kk
            } else {
                kk * n + nn
            }
        };
        let mut scale = vec![0f32; n];
        for (nn, s) in scale.iter_mut().enumerate() {
            let max = (0..k).map(|kk| w[at(kk, nn)].abs()).fold(0f32, f32::max);
            *s = max / 127.0;
        }
        let mut q = vec![0i8; k * n];
        for (nn, s) in scale.iter().enumerate() {
            for kk in 0..k {
                let v = w[at(kk, nn)];
                let x = if *s > 0.0 { (v / s).round() } else { 0.0 };
                if !(-127.0..=127.0).contains(&x) || (x * s - v).abs() > 1e-6 * v.abs().max(1e-30) {
                    return None;
                }
                q[nn * k + kk] = x as i8;
            }
        }
        Some(Int8Weights {
            q: Arc::new(q),
            scale: Arc::new(scale),
            k,
            n,
        })
    }

    /// `out[m][j] = sum_k x[m][k] w[k][j]` for `m` rows of `x`. Each row of x is quantised to
    /// i16 (as many bits as keep a sum of `k` products inside i32: 15 for k = 384, 13 for
    /// 1,536) and multiplied in integers, which SSE2 and wasm SIMD do 8 lanes at a time
    /// (pmaddwd, i32x4.dot_i16x8_s) where i8 -> f32 conversions would cost more than the
    /// products.
    pub fn multiply(&self, x: &[f32], out: &mut [f32]) {
        let (k, n) = (self.k, self.n);
        let limit = ((i32::MAX as usize) / (k.max(1) * 127)).min(32767) as f32;
        let mut xq = vec![0i16; k];
        for (m, xrow) in x.chunks_exact(k).enumerate() {
            let max = xrow.iter().fold(0f32, |a, v| a.max(v.abs()));
            let sx = if max > 0.0 { max / limit } else { 1.0 };
            for (q, v) in xq.iter_mut().zip(xrow) {
                *q = (v / sx).round() as i16;
            }
            let dst = &mut out[m * n..(m + 1) * n];
            for ((o, wrow), s) in dst
                .iter_mut()
                .zip(self.q.chunks_exact(k))
                .zip(self.scale.iter())
            {
                *o = dot_i16_i8(&xq, wrow) as f32 * sx * s;
            }
        }
    }
}

/// `sum x[i] * w[i]` in i32: 16 weights a step, widened to i16 and multiplied in pairs
/// (SSE2's pmaddwd, wasm's i32x4.dot_i16x8_s); plain Rust elsewhere and for the tail.
fn dot_i16_i8(x: &[i16], w: &[i8]) -> i32 {
    let body = x.len().min(w.len()) / 16 * 16;
    let mut s = simd_dot(&x[..body], &w[..body]);
    for (a, b) in x[body..].iter().zip(&w[body..]) {
        s += *a as i32 * *b as i32;
    }
    s
}

#[cfg(target_arch = "x86_64")]
fn simd_dot(x: &[i16], w: &[i8]) -> i32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; loads are unaligned and stay inside the slices
    // (both hold a multiple of 16 values, checked by the caller's split).
    unsafe {
        let mut acc = _mm_setzero_si128();
        for (xs, ws) in x.chunks_exact(16).zip(w.chunks_exact(16)) {
            let wv = _mm_loadu_si128(ws.as_ptr() as *const __m128i);
            let lo = _mm_srai_epi16(_mm_unpacklo_epi8(wv, wv), 8);
            let hi = _mm_srai_epi16(_mm_unpackhi_epi8(wv, wv), 8);
            let x0 = _mm_loadu_si128(xs.as_ptr() as *const __m128i);
            let x1 = _mm_loadu_si128(xs.as_ptr().add(8) as *const __m128i);
            acc = _mm_add_epi32(acc, _mm_madd_epi16(x0, lo));
            acc = _mm_add_epi32(acc, _mm_madd_epi16(x1, hi));
        }
        let mut lanes = [0i32; 4];
        _mm_storeu_si128(lanes.as_mut_ptr() as *mut __m128i, acc);
        lanes.iter().sum()
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn simd_dot(x: &[i16], w: &[i8]) -> i32 {
    use std::arch::wasm32::*;
    let mut acc = i32x4_splat(0);
    for (xs, ws) in x.chunks_exact(16).zip(w.chunks_exact(16)) {
        // SAFETY: unaligned 16-byte loads inside the slices (16 i8, 2 x 8 i16).
        let (wv, x0, x1) = unsafe {
            (
                v128_load(ws.as_ptr() as *const v128),
                v128_load(xs.as_ptr() as *const v128),
                v128_load(xs.as_ptr().add(8) as *const v128),
            )
        };
        acc = i32x4_add(acc, i32x4_dot_i16x8(x0, i16x8_extend_low_i8x16(wv)));
        acc = i32x4_add(acc, i32x4_dot_i16x8(x1, i16x8_extend_high_i8x16(wv)));
    }
    i32x4_extract_lane::<0>(acc)
        + i32x4_extract_lane::<1>(acc)
        + i32x4_extract_lane::<2>(acc)
        + i32x4_extract_lane::<3>(acc)
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
fn simd_dot(x: &[i16], w: &[i8]) -> i32 {
    x.iter().zip(w).map(|(a, b)| *a as i32 * *b as i32).sum()
}

/// `x · W` for an int8 `W`: x's trailing axes (of `k` values) times the weights, the
/// output of shape `out_shape` (with `n` values per row of x).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Int8MatMul {
    pub w: Int8Weights,
    /// The output's shape, from the input's: the EinSum's own layout.
    pub out_axes: OutLayout,
}

/// How an output is shaped from the input's leading axes (all but the `k` trailing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutLayout {
    /// `amk -> amn` (keeps the input's leading axes).
    Same,
    /// `amk -> mn` (drops a leading axis of 1).
    DropFirst,
    /// `mbk -> amn`: `[m, b, k/b]` in, `[1, m, n]` out.
    OneThenFirst,
}

impl Op for Int8MatMul {
    fn name(&self) -> StaticName {
        "Int8MatMul".into()
    }
    op_as_typed_op!();
}

impl EvalOp for Int8MatMul {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let x = args_1!(inputs);
        let shape = self.out_shape(x.shape());
        let xs = x.try_as_plain_ram()?;
        let xs = xs.as_slice::<f32>()?;
        ensure!(
            xs.len() % self.w.k == 0,
            "Int8MatMul: {} values for rows of {}",
            xs.len(),
            self.w.k
        );
        let mut out = Tensor::zero::<f32>(&shape)?;
        {
            let mut o = out.try_as_plain_ram_mut()?;
            self.w.multiply(xs, o.as_slice_mut::<f32>()?);
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl Int8MatMul {
    fn out_shape<D: Clone + From<usize>>(&self, input: &[D]) -> Vec<D> {
        let lead = &input[..input.len().saturating_sub(1)];
        match self.out_axes {
            OutLayout::Same => lead.iter().cloned().chain([self.w.n.into()]).collect(),
            OutLayout::DropFirst => lead
                .iter()
                .skip(1)
                .cloned()
                .chain([self.w.n.into()])
                .collect(),
            OutLayout::OneThenFirst => vec![1usize.into(), input[0].clone(), self.w.n.into()],
        }
    }
}

impl TypedOp for Int8MatMul {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let dims: Vec<TDim> = inputs[0].shape.iter().cloned().collect();
        Ok(tvec!(f32::fact(self.out_shape(&dims))))
    }
    as_op!();
}

/// Rows of an int8 table times their scales: the token embedding lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Int8Rows {
    pub w: Int8Weights,
}

impl Op for Int8Rows {
    fn name(&self) -> StaticName {
        "Int8Rows".into()
    }
    op_as_typed_op!();
}

impl EvalOp for Int8Rows {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let ids = args_1!(inputs);
        let ids = ids.cast_to::<i64>()?;
        let ids = ids.try_as_plain_ram()?;
        let ids = ids.as_slice::<i64>()?;
        let k = self.w.k;
        let mut out = Tensor::zero::<f32>(&[1, ids.len(), k])?;
        {
            let mut o = out.try_as_plain_ram_mut()?;
            let o = o.as_slice_mut::<f32>()?;
            for (row, id) in o.chunks_exact_mut(k).zip(ids) {
                let r = usize::try_from(*id).ok().filter(|r| *r < self.w.n);
                let r = r.ok_or_else(|| format_err!("token {id} is outside the vocabulary"))?;
                let s = self.w.scale[r];
                for (v, q) in row.iter_mut().zip(&self.w.q[r * k..(r + 1) * k]) {
                    *v = *q as f32 * s;
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for Int8Rows {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let s = &inputs[0].shape;
        ensure!(s.rank() == 2, "Int8Rows wants token ids [1, n]");
        Ok(tvec!(f32::fact([
            s[0].clone(),
            s[1].clone(),
            self.w.k.to_dim()
        ])))
    }
    as_op!();
}

/// The two cross-attention products, on the encoder's keys and values as they come:
/// `Scores`: `q [m, b, k] x keysT [1, b, k, n] -> [b, m, n]`;
/// `Mix`: `p [b, m, k] x values [1, b, k, n] -> [m, b, n]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrossMatMul {
    Scores,
    Mix,
}

impl Op for CrossMatMul {
    fn name(&self) -> StaticName {
        "CrossMatMul".into()
    }
    op_as_typed_op!();
}

impl EvalOp for CrossMatMul {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (a, b) = args_2!(inputs);
        let &[_, heads, k, n] = b.shape() else {
            bail!("CrossMatMul: keys or values of shape {:?}", b.shape())
        };
        let (m, a_head, a_row) = match (self, a.shape()) {
            (CrossMatMul::Scores, &[m, h, kk]) if h == heads && kk == k => (m, k, heads * k),
            (CrossMatMul::Mix, &[h, m, kk]) if h == heads && kk == k => (m, m * k, k),
            (_, s) => bail!(
                "CrossMatMul {self:?}: input of shape {s:?} for {:?}",
                b.shape()
            ),
        };
        let av = a.try_as_plain_ram()?;
        let av = av.as_slice::<f32>()?;
        let bv = b.try_as_plain_ram()?;
        let bv = bv.as_slice::<f32>()?;
        let shape = match self {
            CrossMatMul::Scores => [heads, m, n],
            CrossMatMul::Mix => [m, heads, n],
        };
        let mut out = Tensor::zero::<f32>(&shape)?;
        {
            let mut o = out.try_as_plain_ram_mut()?;
            let o = o.as_slice_mut::<f32>()?;
            for h in 0..heads {
                let bh = &bv[h * k * n..(h + 1) * k * n];
                for r in 0..m {
                    // a's row r of head h.
                    let arow = match self {
                        CrossMatMul::Scores => &av[r * a_row + h * a_head..][..k],
                        CrossMatMul::Mix => &av[h * a_head + r * k..][..k],
                    };
                    let dst = match self {
                        CrossMatMul::Scores => &mut o[(h * m + r) * n..][..n],
                        CrossMatMul::Mix => &mut o[(r * heads + h) * n..][..n],
                    };
                    for (kk, x) in arow.iter().enumerate() {
                        if *x == 0.0 {
                            continue;
                        }
                        for (d, w) in dst.iter_mut().zip(&bh[kk * n..(kk + 1) * n]) {
                            *d += x * w;
                        }
                    }
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for CrossMatMul {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let (a, b) = (&inputs[0].shape, &inputs[1].shape);
        ensure!(a.rank() == 3 && b.rank() == 4);
        Ok(tvec!(match self {
            CrossMatMul::Scores => f32::fact([b[1].clone(), a[0].clone(), b[3].clone()]),
            CrossMatMul::Mix => f32::fact([a[1].clone(), b[1].clone(), b[3].clone()]),
        }))
    }
    as_op!();
}

/// The f32 value of a constant input, when it is one.
fn konst(model: &TypedModel, o: OutletId) -> Option<Arc<Tensor>> {
    model.outlet_fact(o).ok()?.konst.clone()
}

/// The int8 table and per-row scale behind `Mul(Cast(int8 const), scale const)`.
fn int8_table(model: &TypedModel, o: OutletId) -> Option<Int8Weights> {
    let mul = model.node(o.node);
    let op = mul.op_as::<TypedBinOp>()?;
    if op.0.name() != "Mul" {
        return None;
    }
    let cast = model.node(mul.inputs[0].node);
    cast.op_as::<Cast>()?;
    let q = konst(model, cast.inputs[0])?;
    let scale = konst(model, mul.inputs[1])?;
    let &[n, k] = q.shape() else { return None };
    let q: Vec<i8> = q
        .to_plain_array_view::<i8>()
        .ok()?
        .iter()
        .copied()
        .collect();
    let scale: Vec<f32> = scale
        .to_plain_array_view::<f32>()
        .ok()?
        .iter()
        .copied()
        .collect();
    (scale.len() == n).then(|| Int8Weights {
        q: Arc::new(q),
        scale: Arc::new(scale),
        k,
        n,
    })
}

fn replace(
    model: &mut TypedModel,
    node: usize,
    op: Box<dyn TypedOp>,
    inputs: &[OutletId],
) -> TractResult<()> {
    let mut patch = TypedModelPatch::new("asr kernel");
    let wires = patch.taps(model, inputs)?;
    let name = model.nodes[node].name.clone();
    let out = patch.wire_node(name, op, &wires)?;
    patch.shunt_outside(model, OutletId::new(node, 0), out[0])?;
    patch.apply(model)
}

/// Swaps our ops into a decluttered decoder; returns how many of each it placed
/// (`Int8MatMul`, `Int8Rows`, `CrossMatMul`).
pub fn swap_in(model: &mut TypedModel) -> TractResult<[usize; 3]> {
    let mut counts = [0; 3];
    let ids: Vec<usize> = model.eval_order()?;
    for id in ids {
        let node = &model.nodes[id];
        if let Some(g) = node.op_as::<Gather>() {
            if g.axis == 0 {
                if let Some(w) = int8_table(model, node.inputs[0]) {
                    let input = node.inputs[1];
                    replace(model, id, Box::new(Int8Rows { w }), &[input])?;
                    counts[1] += 1;
                }
            }
            continue;
        }
        let Some(e) = node.op_as::<EinSum>() else {
            continue;
        };
        if e.q_params.is_some() || node.inputs.len() != 2 {
            continue;
        }
        let formula = e.axes.to_string();
        let (a, b) = (node.inputs[0], node.inputs[1]);
        let from_input = model.node(b.node).op.name() == "Source";
        let op: Option<Box<dyn TypedOp>> = match formula.as_str() {
            "mbk,abkn->bmn" if from_input => Some(Box::new(CrossMatMul::Scores)),
            "bmk,abkn->mbn" if from_input => Some(Box::new(CrossMatMul::Mix)),
            "amk,nk->bmn" => int8_table(model, b).map(|w| {
                Box::new(Int8MatMul {
                    w,
                    out_axes: OutLayout::Same,
                }) as Box<dyn TypedOp>
            }),
            "amk,kn->amn" | "amk,kn->mn" | "mbk,bkn->amn" => konst(model, b).and_then(|t| {
                let shape = t.shape().to_vec();
                let n = *shape.last()?;
                let k = t.len() / n;
                let w = t.to_plain_array_view::<f32>().ok()?;
                let w: Vec<f32> = w.iter().copied().collect();
                let out_axes = match formula.as_str() {
                    "amk,kn->amn" => OutLayout::Same,
                    "amk,kn->mn" => OutLayout::DropFirst,
                    _ => OutLayout::OneThenFirst,
                };
                Int8Weights::recover(&w, k, n, false)
                    .map(|w| Box::new(Int8MatMul { w, out_axes }) as Box<dyn TypedOp>)
            }),
            _ => None,
        };
        let Some(op) = op else { continue };
        let slot = match op.name().as_ref() {
            "CrossMatMul" => 2,
            _ => 0,
        };
        let inputs: Vec<OutletId> = if slot == 2 { vec![a, b] } else { vec![a] };
        replace(model, id, op, &inputs)?;
        counts[slot] += 1;
    }
    model.compact()?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_weights_are_recovered_exactly_and_multiply_like_f32() {
        let (k, n) = (5, 3);
        let q: Vec<i8> = (0..k * n)
            .map(|i| (((i * 37) % 255) as i32 - 127) as i8)
            .collect();
        let scale = [0.01f32, 0.5, 2.0];
        // [k][n] f32 weights on an int8 grid, each column's largest |q| = 127.
        let mut q = q;
        q[..n].fill(127);
        let w: Vec<f32> = (0..k * n).map(|i| q[i] as f32 * scale[i % n]).collect();
        let r = Int8Weights::recover(&w, k, n, false).unwrap();
        let qt: Vec<i8> = (0..n * k).map(|i| q[(i % k) * n + i / k]).collect();
        assert_eq!(&r.q[..], &qt[..]);
        let x = [1.0f32, -2.0, 0.5, 0.0, 3.0, 0.25, 1.0, -1.0, 2.0, 0.5];
        let mut out = vec![0f32; 2 * n];
        r.multiply(&x, &mut out);
        for m in 0..2 {
            for j in 0..n {
                let want: f32 = (0..k).map(|kk| x[m * k + kk] * w[kk * n + j]).sum();
                assert!(
                    (out[m * n + j] - want).abs() < 2e-3 * want.abs().max(1.0),
                    "{m} {j}"
                );
            }
        }
        // Rows as outputs: the same product.
        let wt: Vec<f32> = (0..n * k).map(|i| w[(i % k) * n + i / k]).collect();
        let rt = Int8Weights::recover(&wt, k, n, true).unwrap();
        let mut out2 = vec![0f32; 2 * n];
        rt.multiply(&x, &mut out2);
        for (a, b) in out.iter().zip(&out2) {
            assert_eq!(a, b);
        }
        // Not an int8 grid: no int8 form.
        let mut off = w.clone();
        off[4] += 0.001;
        assert!(Int8Weights::recover(&off, k, n, false).is_none());
    }
}
