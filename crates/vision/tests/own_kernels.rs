//! The shipped models with our depthwise, direct and 1x1 convolution, PReLU, max-pool and
//! pad kernels in place of tract's (as the wasm build loads them): every such node
//! replaced, outputs within rounding of tract's.
//! (In wasm, tract moves some depthwise convolutions channels-last while decluttering, where
//! it has a channel-inner kernel; those stay tract's.)
//! Natively this runs the kernels' scalar code; `cargo test --target wasm32-unknown-unknown`
//! runs their simd128 code through the browser tests.

use interviewer_core::models::{for_worker, WorkerKind};
use interviewer_vision::bench;
use interviewer_vision::kernels::direct_conv::DirectConv;
use interviewer_vision::kernels::pointwise::{Activation, Pointwise};
use interviewer_vision::runtime::optimise_with;
use tract_onnx::prelude::*;

#[test]
fn every_depthwise_and_max_pool_is_replaced_and_outputs_agree() {
    for m in for_worker(WorkerKind::Vision) {
        let (name, shape) = (m.name, m.input);
        let bytes = std::fs::read(m.local_path()).unwrap();
        let theirs = optimise_with(&bytes, shape, false).unwrap();
        let ours = optimise_with(&bytes, shape, true).unwrap();
        let count = |m: &TypedModel, op: &str| m.nodes.iter().filter(|n| n.op.name() == op).count();
        assert_eq!(count(&ours, "DepthWiseConv"), 0, "{name}");
        assert_eq!(count(&ours, "OptMaxPool"), 0, "{name}");
        let chains = |m: &TypedModel| {
            m.nodes
                .iter()
                .filter(|n| n.op.name().contains("Min+Mul+Add"))
                .count()
        };
        let pointwise: Vec<&Pointwise> = ours
            .nodes
            .iter()
            .filter_map(|n| n.op_as::<Pointwise>())
            .collect();
        let direct: Vec<&DirectConv> = ours
            .nodes
            .iter()
            .filter_map(|n| n.op_as::<DirectConv>())
            .collect();
        // Each of ours in place of one of tract's matrix products, with the PReLU or the
        // residual's channel pad it took in (and the direct ones with their own padding).
        assert_eq!(
            count(&ours, "OptMatMul") + pointwise.len() + direct.len(),
            count(&theirs, "OptMatMul"),
            "{name}"
        );
        let fused_prelu = pointwise
            .iter()
            .filter(|p| matches!(p.activation, Activation::Prelu(_)))
            .count();
        let fused_pads = pointwise.iter().filter(|p| p.pads_residual()).count();
        eprintln!(
            "{name}: {} 1x1 convolutions ours ({fused_prelu} with PReLU, {fused_pads} with a padded residual), {} direct; pads {} ours, {} tract's",
            pointwise.len(),
            direct.len(),
            count(&ours, "PadF32"),
            count(&theirs, "Pad"),
        );
        assert!(name == "emotion" || !pointwise.is_empty(), "{name}");
        assert!(name != "emotion" || direct.len() == 6, "{name}");
        assert_eq!(chains(&ours), 0, "{name}");
        assert_eq!(
            count(&ours, "PreluChain") + fused_prelu,
            chains(&theirs),
            "{name}"
        );
        assert_eq!(count(&ours, "Pad"), 0, "{name}");
        assert_eq!(
            count(&ours, "PadF32") + fused_pads + direct.iter().filter(|d| d.pads()).count(),
            count(&theirs, "Pad"),
            "{name}"
        );
        assert_eq!(
            count(&ours, "Depthwise") + count(&ours, "MaxPool2x2"),
            count(&theirs, "DepthWiseConv") + count(&theirs, "OptMaxPool"),
            "{name}"
        );
        let len: usize = shape.iter().product();
        let input = Tensor::from_shape(shape, &bench::input(len, 1)).unwrap();
        let run = |m: TypedModel| {
            m.into_runnable()
                .unwrap()
                .run(tvec!(input.clone().into()))
                .unwrap()
        };
        let (a, b) = (run(ours), run(theirs));
        for (x, y) in a.iter().zip(b.iter()) {
            let (x, y) = (
                x.to_plain_array_view::<f32>().unwrap(),
                y.to_plain_array_view::<f32>().unwrap(),
            );
            let scale = y.iter().fold(1f32, |m, v| m.max(v.abs()));
            let diff = x
                .iter()
                .zip(y.iter())
                .fold(0f32, |m, (p, q)| m.max((p - q).abs()));
            assert!(
                diff <= 1e-5 * scale,
                "{name}: max difference {diff} (outputs up to {scale})"
            );
        }
    }
}
