//! What the replacements of our kernels (`prelu`, `pointwise`, `direct_conv`) look for in a
//! decluttered graph, and how they wire their op in.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::binary::TypedBinOp;

/// `node`, when it is the two-input binary op `name` ("Add", "Max", ...).
pub(crate) fn bin_op<'a>(node: &'a TypedNode, name: &str) -> Option<&'a TypedNode> {
    let op = node.op_as::<TypedBinOp>()?;
    (op.0.name() == name && node.inputs.len() == 2).then_some(node)
}

/// The constant value at `outlet`, if it is one.
pub(crate) fn konst(model: &TypedModel, outlet: OutletId) -> Option<Arc<Tensor>> {
    model.outlet_fact(outlet).ok()?.konst.clone()
}

/// Whether every value of `t` is an f32 zero.
pub(crate) fn all_zero(t: &Tensor) -> bool {
    t.to_plain_array_view::<f32>()
        .is_ok_and(|v| v.iter().all(|&v| v == 0.0))
}

/// The one node `outlet` feeds, when it feeds only one.
pub(crate) fn only_successor(model: &TypedModel, outlet: OutletId) -> Option<&TypedNode> {
    let succ = &model.nodes[outlet.node].outputs[outlet.slot].successors;
    (succ.len() == 1).then(|| &model.nodes[succ[0].node])
}

/// The ReLU after `outlet`: `Max(outlet, 0)` as the only node it feeds; that node's id.
pub(crate) fn relu_after(model: &TypedModel, outlet: OutletId) -> Option<usize> {
    let max = bin_op(only_successor(model, outlet)?, "Max")?;
    (max.inputs[0] == outlet && konst(model, max.inputs[1]).is_some_and(|z| all_zero(&z)))
        .then_some(max.id)
}

/// Wires `op` on `inputs` in place of node `last`'s output (under its name); the nodes
/// that only fed it are left unreachable.
pub(crate) fn replace_output(
    model: &mut TypedModel,
    patch_name: &str,
    op: impl Into<Box<dyn TypedOp>>,
    inputs: &[OutletId],
    last: usize,
) -> TractResult<()> {
    let mut patch = TypedModelPatch::new(patch_name);
    let wires = patch.taps(model, inputs)?;
    let name = model.nodes[last].name.clone();
    let out = patch.wire_node(name, op, &wires)?;
    patch.shunt_outside(model, OutletId::new(last, 0), out[0])?;
    patch.apply(model)
}
