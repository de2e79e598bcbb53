//! Loading a model's graph as the app runs it: tract's ONNX import, decluttering, our own
//! kernels swapped in where tract's are slow in wasm (`kernels`), optimisation. Every
//! model of the app (face, emotion) goes through here.

use tract_onnx::prelude::*;

pub type Plan = Arc<TypedRunnableModel>;

/// One model's optimised graph for a fixed input shape, as the app runs it (every model,
/// emotion included; `model-ops` lists it).
pub fn optimise(onnx: &[u8], shape: &[usize]) -> TractResult<TypedModel> {
    // Our kernels where tract's are slow in wasm (see each module); natively tract's own
    // (x86 SIMD) are faster, so native figures describe tract itself.
    optimise_with(
        onnx,
        shape,
        cfg!(all(target_arch = "wasm32", target_feature = "simd128")),
    )
}

/// [`optimise`], with or without our depthwise, direct and 1x1 convolution, PReLU, max-pool
/// and pad kernels in place of tract's.
pub fn optimise_with(onnx: &[u8], shape: &[usize], ours: bool) -> TractResult<TypedModel> {
    let mut model = tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(onnx))?
        .with_input_fact(0, f32::fact(shape).into())?
        .into_typed()?
        .into_decluttered()?;
    if ours {
        crate::kernels::depthwise::replace_depthwise(&mut model)?;
        crate::kernels::direct_conv::replace_direct_convs(&mut model)?;
        crate::kernels::prelu::replace_prelu_chains(&mut model)?;
        crate::kernels::pointwise::replace_pointwise(&mut model)?;
    }
    let mut model = model.into_optimized()?;
    if ours {
        crate::kernels::pool::replace_max_pools(&mut model)?;
        crate::kernels::pad::replace_pads(&mut model)?;
    }
    Ok(model)
}

pub fn load(onnx: &[u8], shape: &[usize]) -> TractResult<Plan> {
    optimise(onnx, shape)?.into_runnable()
}

pub fn run(plan: &Plan, shape: &[usize], data: Vec<f32>) -> TractResult<TVec<TValue>> {
    let t = Tensor::from_shape(shape, &data)?;
    plan.run(tvec!(t.into()))
}

pub fn flat(v: &TValue) -> TractResult<Vec<f32>> {
    Ok(v.to_plain_array_view::<f32>()?.iter().copied().collect())
}
