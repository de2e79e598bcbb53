//! Inner loops of f32 matrix-multiply kernels, timed in wasm: the same packed operands
//! (A in MR-row panels, B in NR-column panels) through tiles of several shapes. Only the
//! loop over k and the final store; none of the fused operations a real kernel carries.
//! The first is the loop of tract-linalg 0.23's `wasm_f32_8x8`.
// Index loops on purpose: they mirror how a kernel walks its tile.
#![allow(
    clippy::missing_safety_doc,
    clippy::needless_range_loop,
    static_mut_refs
)]
use std::arch::wasm32::*;
extern "C" {
    fn now() -> f64;
}

// Simulated GEMM C[M][N] = A[M][K] * B[K][N]; A packed in MR panels [k][MR], B in NR panels [k][NR].
const M: usize = 64;
const N: usize = 480;
const K: usize = 576;
static mut A: [f32; M * K] = [0.0; M * K];
static mut B: [f32; N * K] = [0.0; N * K];
static mut C: [f32; M * N] = [0.0; M * N];

#[inline(always)]
unsafe fn st(c: *mut f32, r: usize, col: usize, v: v128) {
    v128_store(c.add(r * N + col) as *mut v128, v)
}

macro_rules! splat {
    ($v:expr, $l:literal) => {
        i32x4_shuffle::<$l, $l, $l, $l>($v, $v)
    };
}
#[inline(always)]
fn madd(acc: v128, a: v128, b: v128) -> v128 {
    f32x4_add(acc, f32x4_mul(a, b))
}

unsafe fn k8x8(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let a = pa as *const v128;
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let (mut a0l, mut a0h, mut a1l, mut a1h, mut a2l, mut a2h, mut a3l, mut a3h) =
        (z, z, z, z, z, z, z, z);
    let (mut a4l, mut a4h, mut a5l, mut a5h, mut a6l, mut a6h, mut a7l, mut a7h) =
        (z, z, z, z, z, z, z, z);
    for i in 0..k {
        let alo = v128_load(a.add(2 * i));
        let ahi = v128_load(a.add(2 * i + 1));
        let bl = v128_load(b.add(2 * i));
        let bh = v128_load(b.add(2 * i + 1));
        let s = splat!(alo, 0);
        a0l = madd(a0l, s, bl);
        a0h = madd(a0h, s, bh);
        let s = splat!(alo, 1);
        a1l = madd(a1l, s, bl);
        a1h = madd(a1h, s, bh);
        let s = splat!(alo, 2);
        a2l = madd(a2l, s, bl);
        a2h = madd(a2h, s, bh);
        let s = splat!(alo, 3);
        a3l = madd(a3l, s, bl);
        a3h = madd(a3h, s, bh);
        let s = splat!(ahi, 0);
        a4l = madd(a4l, s, bl);
        a4h = madd(a4h, s, bh);
        let s = splat!(ahi, 1);
        a5l = madd(a5l, s, bl);
        a5h = madd(a5h, s, bh);
        let s = splat!(ahi, 2);
        a6l = madd(a6l, s, bl);
        a6h = madd(a6h, s, bh);
        let s = splat!(ahi, 3);
        a7l = madd(a7l, s, bl);
        a7h = madd(a7h, s, bh);
    }
    for (r, (l, h)) in [
        (a0l, a0h),
        (a1l, a1h),
        (a2l, a2h),
        (a3l, a3h),
        (a4l, a4h),
        (a5l, a5h),
        (a6l, a6h),
        (a7l, a7h),
    ]
    .into_iter()
    .enumerate()
    {
        st(c, r, 0, l);
        st(c, r, 4, h);
    }
}

unsafe fn k4x8(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let a = pa as *const v128;
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let (mut a0l, mut a0h, mut a1l, mut a1h, mut a2l, mut a2h, mut a3l, mut a3h) =
        (z, z, z, z, z, z, z, z);
    for i in 0..k {
        let av = v128_load(a.add(i));
        let bl = v128_load(b.add(2 * i));
        let bh = v128_load(b.add(2 * i + 1));
        let s = splat!(av, 0);
        a0l = madd(a0l, s, bl);
        a0h = madd(a0h, s, bh);
        let s = splat!(av, 1);
        a1l = madd(a1l, s, bl);
        a1h = madd(a1h, s, bh);
        let s = splat!(av, 2);
        a2l = madd(a2l, s, bl);
        a2h = madd(a2h, s, bh);
        let s = splat!(av, 3);
        a3l = madd(a3l, s, bl);
        a3h = madd(a3h, s, bh);
    }
    for (r, (l, h)) in [(a0l, a0h), (a1l, a1h), (a2l, a2h), (a3l, a3h)]
        .into_iter()
        .enumerate()
    {
        st(c, r, 0, l);
        st(c, r, 4, h);
    }
}

// 6x8 with load32_splat broadcasts: 12 accumulators
unsafe fn k6x8(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let mut acc = [z; 12];
    for i in 0..k {
        let bl = v128_load(b.add(2 * i));
        let bh = v128_load(b.add(2 * i + 1));
        let ar = pa.add(6 * i);
        for r in 0..6 {
            let s = v128_load32_splat(ar.add(r) as *const u32);
            acc[2 * r] = madd(acc[2 * r], s, bl);
            acc[2 * r + 1] = madd(acc[2 * r + 1], s, bh);
        }
    }
    for r in 0..6 {
        st(c, r, 0, acc[2 * r]);
        st(c, r, 4, acc[2 * r + 1]);
    }
}

// 4x16: 16 accumulators, one splat feeds 4 madds
unsafe fn k4x16(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let mut acc = [z; 16];
    for i in 0..k {
        let b0 = v128_load(b.add(4 * i));
        let b1 = v128_load(b.add(4 * i + 1));
        let b2 = v128_load(b.add(4 * i + 2));
        let b3 = v128_load(b.add(4 * i + 3));
        let ar = pa.add(4 * i);
        for r in 0..4 {
            let s = v128_load32_splat(ar.add(r) as *const u32);
            acc[4 * r] = madd(acc[4 * r], s, b0);
            acc[4 * r + 1] = madd(acc[4 * r + 1], s, b1);
            acc[4 * r + 2] = madd(acc[4 * r + 2], s, b2);
            acc[4 * r + 3] = madd(acc[4 * r + 3], s, b3);
        }
    }
    for r in 0..4 {
        for j in 0..4 {
            st(c, r, 4 * j, acc[4 * r + j]);
        }
    }
}

// 2x16: 8 accumulators
unsafe fn k2x16(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let mut acc = [z; 8];
    for i in 0..k {
        let b0 = v128_load(b.add(4 * i));
        let b1 = v128_load(b.add(4 * i + 1));
        let b2 = v128_load(b.add(4 * i + 2));
        let b3 = v128_load(b.add(4 * i + 3));
        let ar = pa.add(2 * i);
        for r in 0..2 {
            let s = v128_load32_splat(ar.add(r) as *const u32);
            acc[4 * r] = madd(acc[4 * r], s, b0);
            acc[4 * r + 1] = madd(acc[4 * r + 1], s, b1);
            acc[4 * r + 2] = madd(acc[4 * r + 2], s, b2);
            acc[4 * r + 3] = madd(acc[4 * r + 3], s, b3);
        }
    }
    for r in 0..2 {
        for j in 0..4 {
            st(c, r, 4 * j, acc[4 * r + j]);
        }
    }
}

// 3x16: 12 accumulators
unsafe fn k3x16(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let mut acc = [z; 12];
    for i in 0..k {
        let b0 = v128_load(b.add(4 * i));
        let b1 = v128_load(b.add(4 * i + 1));
        let b2 = v128_load(b.add(4 * i + 2));
        let b3 = v128_load(b.add(4 * i + 3));
        let ar = pa.add(3 * i);
        for r in 0..3 {
            let s = v128_load32_splat(ar.add(r) as *const u32);
            acc[4 * r] = madd(acc[4 * r], s, b0);
            acc[4 * r + 1] = madd(acc[4 * r + 1], s, b1);
            acc[4 * r + 2] = madd(acc[4 * r + 2], s, b2);
            acc[4 * r + 3] = madd(acc[4 * r + 3], s, b3);
        }
    }
    for r in 0..3 {
        for j in 0..4 {
            st(c, r, 4 * j, acc[4 * r + j]);
        }
    }
}

// 8x4 with load32_splat: 8 accumulators
unsafe fn k8x4(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let mut acc = [z; 8];
    for i in 0..k {
        let b0 = v128_load(b.add(i));
        let ar = pa.add(8 * i);
        for r in 0..8 {
            let s = v128_load32_splat(ar.add(r) as *const u32);
            acc[r] = madd(acc[r], s, b0);
        }
    }
    for r in 0..8 {
        st(c, r, 0, acc[r]);
    }
}

// 4x8 with load32_splat
unsafe fn k4x8l(pa: *const f32, pb: *const f32, k: usize, c: *mut f32) {
    let b = pb as *const v128;
    let z = f32x4_splat(0.0);
    let mut acc = [z; 8];
    for i in 0..k {
        let bl = v128_load(b.add(2 * i));
        let bh = v128_load(b.add(2 * i + 1));
        let ar = pa.add(4 * i);
        for r in 0..4 {
            let s = v128_load32_splat(ar.add(r) as *const u32);
            acc[2 * r] = madd(acc[2 * r], s, bl);
            acc[2 * r + 1] = madd(acc[2 * r + 1], s, bh);
        }
    }
    for r in 0..4 {
        st(c, r, 0, acc[2 * r]);
        st(c, r, 4, acc[2 * r + 1]);
    }
}

type Ker = unsafe fn(*const f32, *const f32, usize, *mut f32);
const KERS: [(Ker, usize, usize); 8] = [
    (k8x8, 8, 8),
    (k4x8, 4, 8),
    (k6x8, 6, 8),
    (k4x16, 4, 16),
    (k2x16, 2, 16),
    (k3x16, 3, 16),
    (k8x4, 8, 4),
    (k4x8l, 4, 8),
];

#[no_mangle]
pub unsafe extern "C" fn init() {
    for i in 0..M * K {
        A[i] = ((i * 7919) % 101) as f32 / 101.0 - 0.5;
    }
    for i in 0..N * K {
        B[i] = ((i * 104729) % 103) as f32 / 103.0 - 0.5;
    }
}

/// ms per GEMM (median of reps) for kernel v; the grid covers M x N with MRxNR tiles.
#[no_mangle]
pub unsafe extern "C" fn bench(v: usize, reps: usize) -> f64 {
    let (ker, mr, nr) = KERS[v];
    let mut times = Vec::new();
    for _ in 0..reps {
        let t0 = now();
        let mut row = 0;
        while row + mr <= M {
            let pa = (&raw const A as *const f32).add(row * K);
            let mut col = 0;
            while col + nr <= N {
                let pb = (&raw const B as *const f32).add(col * K);
                ker(pa, pb, K, (&raw mut C as *mut f32).add(row * N + col));
                col += nr;
            }
            row += mr;
        }
        times.push(now() - t0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    times[times.len() / 2]
}
#[no_mangle]
pub unsafe extern "C" fn checksum() -> f32 {
    let mut s = 0.0;
    for i in 0..M * N {
        s += C[i];
    }
    s
}
