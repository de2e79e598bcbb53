"""Make the smaller variants of the emotion model for the size/speed/accuracy comparison in
MODEL_CARD.md:

- emotion-f16w.onnx: weights stored as float16, cast to float32 on load (half the size,
  same arithmetic);
- emotion-int8-qdq.onnx: static int8 quantisation in QDQ form (onnxruntime.quantization),
  per-channel weights, calibrated on 1,000 training faces (never on val.bin).

    .venv-train/bin/python models/emotion/train/quantize.py --model models/emotion/emotion.onnx
Then evaluate each with the Rust pipeline:
    cargo run --release -p interviewer-vision --bin fer-eval -- ../shared/data/fer2013/val.bin --model <file>
"""
import argparse
import os
import sys


sys.path.insert(0, os.path.dirname(__file__))
import train as T  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from f16w import f16_weights  # noqa: E402


class Calib:
    def __init__(self, data, n=1000):
        import torch
        x, _ = T.load_bin(os.path.join(data, "train.bin"))
        g = torch.Generator().manual_seed(0)
        idx = torch.randperm(len(x), generator=g)[:n]
        self.items = [{"input": T.centre(x[i : i + 1]).numpy()} for i in idx.tolist()]
        self.it = iter(self.items)

    def get_next(self):
        return next(self.it, None)


def int8_qdq(src, dst, data):
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    pre = dst + ".pre.onnx"
    quant_pre_process(src, pre)
    quantize_static(pre, dst, Calib(data), quant_format=QuantFormat.QDQ, per_channel=True,
                    weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8)
    os.remove(pre)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/emotion/emotion.onnx")
    ap.add_argument("--data", default="../shared/data/fer2013")
    ap.add_argument("--out-dir", default=None)
    args = ap.parse_args()
    out = args.out_dir or os.path.dirname(args.model)
    base = os.path.splitext(os.path.basename(args.model))[0]
    f16 = os.path.join(out, base + "-f16w.onnx")
    q8 = os.path.join(out, base + "-int8-qdq.onnx")
    f16_weights(args.model, f16)
    int8_qdq(args.model, q8, args.data)
    for p in (args.model, f16, q8):
        print(f"{p}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
