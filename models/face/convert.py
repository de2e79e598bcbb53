"""Convert MediaPipe's face TFLite models (from the `mediapipe` 0.10.14 wheel on PyPI) to ONNX.

    python -m venv .venv-face
    .venv-face/bin/pip install -r models/face/requirements.txt
    .venv-face/bin/pip download --no-deps mediapipe==0.10.14 --only-binary=:all: \
        --python-version 3.11 --platform manylinux_2_17_x86_64 -d /tmp/mp
    .venv-face/bin/python models/face/convert.py --wheel /tmp/mp/mediapipe-0.10.14-*.whl

The wheel is only read (zip), never installed. Each model is converted with tf2onnx at
opset 13, then checked against the TFLite interpreter on random inputs (max abs error
printed; the script fails above 1e-4 relative to the output range). The shipped files
then get their weights stored as fp16 with a Cast to fp32 (`models/f16w.py`: half the
download; the detector's and mesh's weights are fp16 in the TFLite files already, so
those two are unchanged bit for bit in their outputs), each PRelu is rewritten as one
fusable chain (`prelu_chain.py`: about 20% faster in tract wasm), and they are checked
again (1e-3).
"""

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

MODELS = {
    # name in models/face -> path inside the wheel
    "face_detection_short_range": "mediapipe/modules/face_detection/face_detection_short_range.tflite",
    "face_landmark": "mediapipe/modules/face_landmark/face_landmark.tflite",
    "iris_landmark": "mediapipe/modules/iris_landmark/iris_landmark.tflite",
}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from f16w import f16_weights  # noqa: E402
from prelu_chain import prelu_chain  # noqa: E402


def check(tflite_path, onnx_path, seed=7, tol=1e-4):
    import onnxruntime as ort
    import tensorflow as tf

    interp = tf.lite.Interpreter(model_path=tflite_path)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=inp["shape"]).astype(np.float32)
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    ref = {d["name"]: interp.get_tensor(d["index"]) for d in interp.get_output_details()}

    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    feed = {sess.get_inputs()[0].name: x}
    outs = sess.run(None, feed)
    report = {}
    for o, val in zip(sess.get_outputs(), outs):
        r = ref[o.name]
        err = float(np.max(np.abs(r.reshape(val.shape) - val)))
        scale = float(max(1.0, np.max(np.abs(r))))
        report[o.name] = {"shape": list(val.shape), "max_abs_err": err, "range": scale}
        if err > tol * scale:
            raise SystemExit(f"{onnx_path}: output {o.name} differs by {err} (range {scale})")
    return {"input": {"name": inp["name"], "shape": [int(v) for v in inp["shape"]]}, "outputs": report}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", required=True, help="mediapipe-0.10.14-*.whl")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    wheel = sorted(glob.glob(args.wheel))[0]
    summary = {"wheel": os.path.basename(wheel), "wheel_sha256": sha256(wheel), "models": {}}
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        for name, inner in MODELS.items():
            tfl = os.path.join(tmp, name + ".tflite")
            with open(tfl, "wb") as f:
                f.write(zf.read(inner))
            out = os.path.join(args.out, name + ".onnx")
            subprocess.run(
                [sys.executable, "-m", "tf2onnx.convert", "--tflite", tfl, "--output", out,
                 "--opset", "13"],
                check=True,
            )
            info = check(tfl, out)
            fp32_bytes = os.path.getsize(out)
            f16_weights(out, out)
            info["prelu_rewritten"] = prelu_chain(out, out)
            info["fp16_weights"] = check(tfl, out, tol=1e-3)["outputs"]
            info.update({"source": inner, "tflite_sha256": sha256(tfl), "onnx_sha256": sha256(out),
                         "onnx_bytes": os.path.getsize(out), "fp32_onnx_bytes": fp32_bytes})
            summary["models"][name] = info
            print(name, json.dumps(info["outputs"]))
        lic = zf.read("mediapipe-0.10.14.dist-info/LICENSE")
        with open(os.path.join(args.out, "LICENSE.mediapipe"), "wb") as f:
            f.write(lic)
    with open(os.path.join(args.out, "conversion.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
