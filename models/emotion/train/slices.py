"""Accuracy of an exported model on val.bin slices we can measure without extra labels:
brightness and contrast quartiles (a proxy for lighting). FER2013 has no pose, glasses,
age or skin-tone labels, so those cannot be measured here.

    .venv-train/bin/python models/emotion/train/slices.py --model models/emotion/emotion.onnx
"""
import argparse
import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(__file__))
import train as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/emotion/emotion.onnx")
    ap.add_argument("--data", default="../shared/data/fer2013")
    args = ap.parse_args()
    sess = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    x, y = T.load_bin(os.path.join(args.data, "val.bin"))
    xs = T.centre(x).numpy()
    pred = np.array([sess.run(None, {"input": xs[i : i + 1]})[0].argmax() for i in range(len(xs))])
    ok = pred == y.numpy()
    raw = x.numpy().reshape(len(x), -1).astype(np.float32)
    for name, v in (("brightness (mean pixel)", raw.mean(1)), ("contrast (pixel std)", raw.std(1))):
        qs = np.quantile(v, [0.25, 0.5, 0.75])
        bins = np.digitize(v, qs)
        print(f"{name}:")
        for b in range(4):
            m = bins == b
            lo = v[m].min()
            hi = v[m].max()
            print(f"  quartile {b + 1} ({lo:5.1f}-{hi:5.1f}): {ok[m].mean() * 100:5.1f}% of {m.sum()}")


if __name__ == "__main__":
    main()
