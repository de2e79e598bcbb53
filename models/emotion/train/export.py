"""Export a trained checkpoint to the shipped single-file ONNX model and check it against
PyTorch with onnxruntime.

    .venv-train/bin/python models/emotion/train/export.py \
        --ckpt ~/.cache/ai-interviewer/emotion-checkpoints/emotion-best.pt --out models/emotion/emotion.onnx

Input  "input":  float32 [1, 1, 44, 44], the centre 44x44 of a 48x48 grayscale face,
                  standardised per image: (p/255 - mean) / (std + 0.02).
Output "logits": float32 [1, 7], FER2013 order (angry, disgust, fear, happy, sad, surprise, neutral).
With --flip-tta the graph also runs the mirrored face and averages the two logits.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import train as T  # noqa: E402


class FlipTTA(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        both = torch.cat([x, torch.flip(x, dims=[3])], 0)
        out = self.net(both)
        return (out[0:1] + out[1:2]) * 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.expanduser("~/.cache/ai-interviewer/emotion-checkpoints/emotion-best.pt"))
    ap.add_argument("--out", default="models/emotion/emotion.onnx")
    ap.add_argument("--flip-tta", action="store_true")
    ap.add_argument("--data", default="../shared/data/fer2013")
    ap.add_argument("--fp32", action="store_true", help="keep fp32 weights (the comparison variant)")
    args = ap.parse_args()

    ck = torch.load(args.ckpt, weights_only=False)
    # Pooling before the ReLU: the same function, less work in tract (train.py, EmotionNet).
    net = T.EmotionNet(width=tuple(ck["width"]), pool_before_relu=True)
    net.load_state_dict(ck["model"])
    net.eval()
    model = FlipTTA(net) if args.flip_tta else net
    model.eval()
    dummy = torch.zeros(1, 1, T.CROP, T.CROP)
    torch.onnx.export(model, dummy, args.out, input_names=["input"], output_names=["logits"],
                      opset_version=13, dynamo=False, do_constant_folding=True)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes) from epoch {ck['epoch']} (val {ck['val']:.4f})")
    if not args.fp32:
        # The shipped form: weights in fp16, cast to fp32 at load (half the download, the
        # same accuracy and speed in tract; MODEL_CARD.md "Speed and size").
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
        from f16w import f16_weights
        f16_weights(args.out, args.out)
        print(f"stored the weights as fp16: {os.path.getsize(args.out)} bytes")

    # Same answers as PyTorch, and the validation accuracy through onnxruntime.
    import onnxruntime as ort
    sess = ort.InferenceSession(args.out, providers=["CPUExecutionProvider"])
    x, y = T.load_bin(os.path.join(args.data, "val.bin"))
    xs = T.centre(x)
    correct, max_diff = 0, 0.0
    with torch.no_grad():
        for i in range(len(xs)):
            inp = xs[i : i + 1]
            o = sess.run(None, {"input": inp.numpy()})[0]
            max_diff = max(max_diff, float(np.abs(o - model(inp).numpy()).max()))
            correct += int(o.argmax() == y[i].item())
    print(f"onnxruntime val accuracy {correct / len(xs):.4f}; max |onnx - torch| {max_diff:.2e}")

    # Reference outputs for the Rust tests (native and wasm): synthetic 48x48 faces made by
    # a formula (no FER2013 image is committed), preprocessed in Rust, run here by onnxruntime.
    refs = []
    for k in range(3):
        face = synthetic_face(k)
        inp = T.centre(torch.from_numpy(face.reshape(1, 1, 48, 48)))
        logits = sess.run(None, {"input": inp.numpy()})[0][0]
        refs.append({"seed": k, "logits": [float(v) for v in logits]})
    ref_path = os.path.join(os.path.dirname(args.out), "reference.json")
    with open(ref_path, "w") as f:
        json.dump({"model": os.path.basename(args.out), "faces": refs}, f, indent=1)
    print(f"wrote {ref_path}")


def synthetic_face(k):
    """Same formula as `synthetic_face` in crates/vision/src/emotion.rs."""
    img = np.zeros((48, 48), np.uint8)
    for y in range(48):
        for x in range(48):
            dx, dy = (x - 24) / 18.0, (y - 26) / 22.0
            v = 60 + (x * (3 + k) + y * (5 - k)) % 40
            if dx * dx + dy * dy < 1.0:
                v = 170 + 10 * k
            if abs(y - 20) < 2 and (abs(x - 17) < 3 or abs(x - 31) < 3):
                v = 40  # eyes
            if abs(y - (34 + k)) < 2 and abs(x - 24) < 6 + 2 * k:
                v = 70  # mouth
            img[y, x] = v
    return img


if __name__ == "__main__":
    main()
