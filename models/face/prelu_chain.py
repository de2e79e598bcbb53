"""Rewrite each PRelu of an ONNX graph as `Min(x, 0) * (slope - 1) + x`.

Why: tract expands PRelu into three passes over the activations (a `GT` into a boolean
tensor, a `Mul`, an `Iff`); the rewritten form is one chain of element-wise steps that
tract fuses into a single pass (`OptBinChain(Min+Mul+Add)`). In the browser (wasm,
`+simd128`) that makes the mesh and iris models about 20% faster (MODEL_CARD.md,
"Speed"). The result is the same function: for x >= 0 it is x, for x < 0 it is
x + (a - 1) x = a x (within float rounding, about 1e-7 relative).

    python models/face/prelu_chain.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def prelu_chain(src, dst):
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    uses = {}
    for n in g.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    zero = "prelu_chain_zero"
    if any(n.op_type == "PRelu" for n in g.node):
        g.initializer.append(numpy_helper.from_array(np.zeros((), np.float32), zero))
    nodes, count = [], 0
    for n in g.node:
        if n.op_type != "PRelu" or n.input[1] not in inits:
            nodes.append(n)
            continue
        x, slope = n.input
        a = numpy_helper.to_array(inits[slope]).astype(np.float32)
        k = f"{n.name or n.output[0]}_chain"
        g.initializer.append(numpy_helper.from_array(a - np.float32(1.0), k + "_slope_minus_1"))
        nodes += [
            helper.make_node("Min", [x, zero], [k + "_neg"], name=k + "_min"),
            helper.make_node("Mul", [k + "_neg", k + "_slope_minus_1"], [k + "_scaled"], name=k + "_mul"),
            # x second: tract chains a step onto its first input only.
            helper.make_node("Add", [k + "_scaled", x], [n.output[0]], name=k + "_add"),
        ]
        uses[slope] -= 1
        if uses[slope] == 0:
            g.initializer.remove(inits[slope])
        count += 1
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return count


if __name__ == "__main__":
    n = prelu_chain(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[2]}: {n} PRelu rewritten")
