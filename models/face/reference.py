"""Reference values for the Rust face pipeline's tests, from the original MediaPipe models.

Two environments (their pins conflict): the converter's (requirements.txt) for the raw
TFLite model, and one with the mediapipe 0.10.14 wheel for MediaPipe's own solutions:

    .venv-face/bin/python models/face/reference.py tflite IMAGE OUT.json --wheel /tmp/mp/mediapipe-0.10.14-*.whl
    .venv-mp/bin/python   models/face/reference.py mediapipe IMAGE OUT.json

`tflite`: the face detector's best raw candidate, decoded, on a 128x128 input sampled at
the centres of 4x4 blocks (what the Rust crop does for a 512x512 image). `mediapipe`:
the FaceDetection (short range) and FaceMesh solutions' outputs, plus the refined mesh's
iris centres (points 468, 473).
"""

import glob
import json
import os
import sys
import tempfile
import zipfile

import numpy as np
from PIL import Image


def load(out):
    return json.load(open(out)) if os.path.exists(out) else {}


def tflite(image, out, wheel):
    import tensorflow as tf

    img = np.asarray(Image.open(image).convert("RGB"), dtype=np.float32)
    assert img.shape[:2] == (512, 512), "the tflite reference assumes a 512x512 image"
    small = (img[1::4, 1::4] + img[2::4, 2::4] + img[1::4, 2::4] + img[2::4, 1::4]) / 4
    with zipfile.ZipFile(sorted(glob.glob(wheel))[0]) as zf, tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, "d.tflite")
        open(p, "wb").write(zf.read("mediapipe/modules/face_detection/face_detection_short_range.tflite"))
        it = tf.lite.Interpreter(model_path=p)
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], (small / 127.5 - 1)[None].astype(np.float32))
        it.invoke()
        res = {o["name"]: it.get_tensor(o["index"]) for o in it.get_output_details()}
    anchors = []
    for stride, n in [(8, 2), (16, 6)]:
        fm = 128 // stride
        anchors += [((x + 0.5) / fm, (y + 0.5) / fm) for y in range(fm) for x in range(fm) for _ in range(n)]
    logits = res["classificators"][0, :, 0].astype(np.float64)
    i = int(np.argmax(logits))
    r, (ax, ay) = res["regressors"][0, i], anchors[i]
    k = 512 / 128
    o = load(out)
    o["tflite_top"] = {
        "anchor": i,
        "score": float(1 / (1 + np.exp(-logits[i]))),
        "xmin": float((r[0] + ax * 128 - r[2] / 2) * k),
        "ymin": float((r[1] + ay * 128 - r[3] / 2) * k),
        "width": float(r[2] * k),
        "keypoints": [[float((r[4 + 2 * j] + ax * 128) * k), float((r[5 + 2 * j] + ay * 128) * k)] for j in range(6)],
    }
    json.dump(o, open(out, "w"), indent=1)


def mediapipe_solutions(image, out):
    import mediapipe as mp

    img = np.array(Image.open(image).convert("RGB"))
    o = load(out)
    o.update({"image": os.path.basename(image), "width": img.shape[1], "height": img.shape[0]})
    with mp.solutions.face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5) as fd:
        dets = []
        for d in fd.process(img).detections or []:
            bb = d.location_data.relative_bounding_box
            dets.append({"score": d.score[0], "xmin": bb.xmin, "ymin": bb.ymin, "width": bb.width,
                         "height": bb.height,
                         "keypoints": [[k.x, k.y] for k in d.location_data.relative_keypoints]})
        o["detections"] = dets
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=False) as fm:
        r = fm.process(img)
        o["landmarks"] = [[p.x, p.y, p.z] for p in r.multi_face_landmarks[0].landmark]
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True) as fm:
        lm = fm.process(img).multi_face_landmarks[0].landmark
        o["iris_centres"] = sorted([[lm[468].x, lm[468].y], [lm[473].x, lm[473].y]])
    json.dump(o, open(out, "w"), indent=1)


if __name__ == "__main__":
    mode, image, out = sys.argv[1:4]
    if mode == "tflite":
        tflite(image, out, sys.argv[sys.argv.index("--wheel") + 1])
    else:
        mediapipe_solutions(image, out)
