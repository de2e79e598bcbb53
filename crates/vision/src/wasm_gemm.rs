//! Which of tract's wasm f32 matrix kernels runs the models' matrix products (every
//! convolution that is not depthwise): a dispatch tier registered above tract's own.
//!
//! tract 0.23 picks its 8x8 kernel (16 accumulators) for every product with more than one
//! column and keeps the 4x4 one for its tests. In V8 on x86-64 the 4x4 kernel is faster on
//! all four of our models (headless Chromium, mean ms per run of all matrix products,
//! `bench/pages/models.html?profile=1` with this knob): detector 3.98 -> 3.33, mesh 4.64 ->
//! 4.38, iris 7.06 -> 5.62, emotion 9.84 -> 5.77; the 4x16 kernel sits between them.
//! The results are bit-identical (same summation order per output). Native builds keep
//! tract's own choice: this tier only speaks for wasm32 with simd128.
//!
//! The scopable knob `INTERVIEWER_WASM_F32_GEMM` ("4x4" by default, "8x8", "4x16", or
//! "tract" for tract's own choice) lets the benchmark compare them on the same build.

use tract_onnx::tract_core::knobs::inventory;
use tract_onnx::tract_core::tract_data::prelude::DatumType;
use tract_onnx::tract_core::tract_linalg::isa::{Arch, IsaSet};
use tract_onnx::tract_core::tract_linalg::mmm::{Query, Suitable};
use tract_onnx::tract_core::tract_linalg::mmm_tiers::MmmTier;

tract_onnx::tract_core::declare_knob!(
    scopable INTERVIEWER_WASM_F32_GEMM,
    String,
    "4x4".to_string(),
    "The wasm f32 matrix kernel for products with more than one column: 4x4, 8x8, 4x16, tract."
);

fn preferred(_: &IsaSet, dt: DatumType, q: &Query, _: &[Suitable]) -> Option<&'static str> {
    // Matrix-vector products keep tract's own M-banded kernels.
    if dt != DatumType::F32 || q.n == Some(1) {
        return None;
    }
    match INTERVIEWER_WASM_F32_GEMM.get().as_str() {
        "4x4" => Some("wasm_f32_4x4"),
        "8x8" => Some("wasm_f32_8x8"),
        "4x16" => Some("wasm_f32_4x16"),
        _ => None,
    }
}

inventory::submit! {
    MmmTier {
        arch: Some(Arch::Wasm32Simd128),
        // tract's wasm tier is 1: asked first, a `None` falls through to it.
        precedence: 2,
        name: "interviewer-wasm-gemm",
        applies: |_| true,
        preferred,
    }
}

/// Called before a model is optimised: wasm-ld drops an object nothing references,
/// registry entry included.
pub(crate) fn keep() {
    std::hint::black_box(preferred as *const ());
}
