//! Shared by the tests of our own kernels (`pool`, `depthwise`, `prelu`, `pad`): a small
//! graph run as tract optimises it, and with one of our ops swapped in.

use tract_onnx::prelude::*;

// In wasm these tests run the simd128 paths, in headless Chromium like the other wasm tests.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// When a swap is made: on the graph before tract optimises it, or on the optimised one.
pub enum Stage {
    Before,
    After,
}

/// `model`'s first output for `input` with `swap` made at `stage` (it must replace exactly
/// one node), and as tract alone runs it: (ours, tract's).
pub fn ours_and_tracts(
    model: TypedModel,
    input: &Tensor,
    stage: Stage,
    swap: fn(&mut TypedModel) -> TractResult<usize>,
) -> (Tensor, Tensor) {
    let run = |m: TypedModel| {
        let out = m.into_runnable().unwrap().run(tvec!(input.clone().into()));
        out.unwrap().remove(0).into_tensor()
    };
    let theirs = run(model.clone().into_optimized().unwrap());
    let ours = match stage {
        Stage::Before => {
            let mut m = model;
            assert_eq!(swap(&mut m).unwrap(), 1);
            m.into_optimized().unwrap()
        }
        Stage::After => {
            let mut m = model.into_optimized().unwrap();
            assert_eq!(swap(&mut m).unwrap(), 1);
            m
        }
    };
    let ours = run(ours);
    assert_eq!(ours.shape(), theirs.shape());
    (ours, theirs)
}
