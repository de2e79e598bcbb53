"""Stores an ONNX model's float32 weights as float16, each followed by a Cast back to float32.

The arithmetic stays fp32 (tract folds the constant Casts when it optimises the graph at
load), the file is about half the size. Weights under 256 values (biases, scalars) stay
fp32. Used for every shipped model; see each MODEL_CARD.md for the measured effect.

    python models/f16w.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def f16_weights(src, dst, min_size=256):
    m = onnx.load(src)
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT or numpy_helper.to_array(init).size < min_size:
            continue
        arr = numpy_helper.to_array(init)
        if not np.all(np.isfinite(arr.astype(np.float16))):
            continue  # outside fp16's range: keep it exact
        name = init.name
        g.initializer.remove(init)
        g.initializer.append(numpy_helper.from_array(arr.astype(np.float16), name + "_f16"))
        casts.append(helper.make_node("Cast", [name + "_f16"], [name], to=TensorProto.FLOAT, name=name + "_cast"))
    for c in reversed(casts):
        g.node.insert(0, c)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return len(casts)


if __name__ == "__main__":
    n = f16_weights(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[2]}: {n} weight tensors in fp16")
