"""Train the FER2013 emotion model on CPU (PyTorch), select on val.bin, export ONNX.

Reproduce the shipped model (from the repository root):
    python3 -m venv .venv-train && .venv-train/bin/pip install -r models/emotion/train/requirements.txt
    .venv-train/bin/python models/emotion/train/train.py --data ../shared/data/fer2013 --out models/emotion
Resume an interrupted run with the same command plus --resume.

Never trains on val.bin: it is read only to pick the best checkpoint.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
RECORD = 1 + 48 * 48
CROP = 44  # model input side; the 48x48 face is centre-cropped (eval) or randomly cropped (train)


def load_bin(path):
    raw = np.fromfile(path, np.uint8)
    assert raw.size % RECORD == 0, f"{path}: size is not a multiple of {RECORD}"
    raw = raw.reshape(-1, RECORD)
    y = torch.from_numpy(raw[:, 0].astype(np.int64))
    x = torch.from_numpy(raw[:, 1:].reshape(-1, 1, 48, 48).copy())
    return x, y


def standardize(x):
    """Per-image standardisation: the model's input contract (see MODEL_CARD.md).
    x: float tensor N,1,H,W with pixel values 0..255."""
    x = x / 255.0
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    std = x.std(dim=(1, 2, 3), keepdim=True, unbiased=False)
    return (x - mean) / (std + 0.02)


def augment(x):
    """Batch augmentation on uint8 N,1,48,48 -> float N,1,CROP,CROP (standardised)."""
    n = x.shape[0]
    x = x.float()
    # random affine: rotation +-12 deg, scale 0.9-1.1, shift +-3 px, horizontal flip
    ang = (torch.rand(n) * 2 - 1) * math.radians(12)
    sc = 1.0 / (0.9 + torch.rand(n) * 0.2)
    flip = torch.where(torch.rand(n) < 0.5, -1.0, 1.0)
    tx = (torch.rand(n) * 2 - 1) * (3 / 24)
    ty = (torch.rand(n) * 2 - 1) * (3 / 24)
    cos, sin = torch.cos(ang) * sc, torch.sin(ang) * sc
    theta = torch.stack(
        [torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1
    )
    grid = F.affine_grid(theta, (n, 1, CROP, CROP), align_corners=False) * (CROP / 48)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    # brightness / contrast jitter (mostly undone by standardisation, but gamma is not)
    gamma = torch.exp((torch.rand(n, 1, 1, 1) * 2 - 1) * 0.3)
    x = 255.0 * (x.clamp(0, 255) / 255.0) ** gamma
    x = standardize(x)
    # random erasing of one rectangle in half of the images
    for i in torch.nonzero(torch.rand(n) < 0.5).flatten().tolist():
        h, w = random.randint(6, 18), random.randint(6, 18)
        r, c = random.randint(0, CROP - h), random.randint(0, CROP - w)
        x[i, :, r : r + h, c : c + w] = 0.0
    return x


def centre(x):
    o = (48 - CROP) // 2
    return standardize(x[:, :, o : o + CROP, o : o + CROP].float())


def block(cin, cout, n):
    layers = []
    for i in range(n):
        layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    return layers


class EmotionNet(nn.Module):
    """VGG-style net with batch norm: plain 3x3 convs run fast in tract (im2col + matmul kernels)."""

    def __init__(self, width=(32, 64, 128, 256), depth=(1, 2, 2, 2), classes=7, pool_before_relu=False):
        super().__init__()
        layers, cin = [], 1
        for i, (w, d) in enumerate(zip(width, depth)):
            layers += block(cin, w, d)
            if i < len(width) - 1:
                # max-pool and ReLU commute (both monotonic), so the exported graph pools
                # first: tract then runs the ReLU on a quarter of the values (it cannot fuse
                # a ReLU into the convolution here). Parameter names are the same either way.
                layers.insert(len(layers) - 1 if pool_before_relu else len(layers), nn.MaxPool2d(2))
            cin = w
        self.features = nn.Sequential(*layers)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.features(x)
        x = x.mean(dim=(2, 3))
        return self.fc(self.drop(x))


def macs(model):
    total = 0
    def hook(m, i, o):
        nonlocal total
        if isinstance(m, nn.Conv2d):
            total += o.numel() * m.in_channels * m.kernel_size[0] * m.kernel_size[1] // m.groups
        elif isinstance(m, nn.Linear):
            total += m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, CROP, CROP))
    for h in hs:
        h.remove()
    return total


@torch.no_grad()
def evaluate(model, x, y, tta=False):
    model.eval()
    logits = []
    for i in range(0, len(x), 512):
        b = centre(x[i : i + 512])
        out = F.softmax(model(b), 1)
        if tta:
            out = (out + F.softmax(model(torch.flip(b, dims=[3])), 1)) / 2
        logits.append(out)
    p = torch.cat(logits).argmax(1)
    return (p == y).float().mean().item(), p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/fer2013")
    ap.add_argument("--out", default="models/emotion")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--width", default="32,64,128,256")
    ap.add_argument("--resume", action="store_true")
    # Warm restart: start from another run's weights with a fresh schedule (SGDR-style).
    ap.add_argument("--init", default=None, help="checkpoint whose weights start this run")
    ap.add_argument("--name", default="emotion")
    # Knowledge distillation: the mean of these checkpoints' softened outputs on the same
    # augmented batch is a second target, so one network learns what an ensemble knows.
    ap.add_argument("--teachers", default=None, help="comma-separated checkpoints to distil from")
    ap.add_argument("--kd-alpha", type=float, default=0.7, help="weight of the distillation term")
    ap.add_argument("--kd-temp", type=float, default=2.0)
    # Outside the work tree: checkpoints survive a fresh checkout, so a run can resume.
    ap.add_argument("--ckpt-dir", default=os.path.expanduser("~/.cache/ai-interviewer/emotion-checkpoints"))
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    xtr, ytr = load_bin(os.path.join(args.data, "train.bin"))
    xva, yva = load_bin(os.path.join(args.data, "val.bin"))
    width = tuple(int(w) for w in args.width.split(","))
    model = EmotionNet(width=width).to(memory_format=torch.channels_last)  # ~20% faster on CPU
    n_params = sum(p.numel() for p in model.parameters())
    print(f"train {len(xtr)} val {len(xva)} params {n_params} MACs {macs(model)}", flush=True)

    ckdir = args.ckpt_dir
    os.makedirs(ckdir, exist_ok=True)
    last_path = os.path.join(ckdir, f"{args.name}-last.pt")
    best_path = os.path.join(ckdir, f"{args.name}-best.pt")
    steps_per_epoch = len(xtr) // args.batch
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch, pct_start=0.2)
    crit = nn.CrossEntropyLoss(label_smoothing=0.1)
    start, best, history = 0, 0.0, []
    teachers = []
    for path in (args.teachers.split(",") if args.teachers else []):
        ck = torch.load(path, weights_only=False)
        t = EmotionNet(width=ck["width"]).to(memory_format=torch.channels_last)
        t.load_state_dict(ck["model"])
        t.eval()
        teachers.append(t)
        print(f"teacher {path}: val {evaluate(t, xva, yva)[0]:.4f}", flush=True)
    if args.init:
        model.load_state_dict(torch.load(args.init, weights_only=False)["model"])
        print(f"initialised from {args.init}", flush=True)
    if args.resume and os.path.exists(last_path):
        ck = torch.load(last_path, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        start, best, history = ck["epoch"], ck["best"], ck["history"]
        torch.set_rng_state(ck["torch_rng"])
        random.setstate(ck["py_rng"])
        np.random.set_state(ck["np_rng"])
        print(f"resumed at epoch {start}, best {best:.4f}", flush=True)

    for epoch in range(start, args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xtr))
        tot, n = 0.0, 0
        for s in range(steps_per_epoch):
            idx = perm[s * args.batch : (s + 1) * args.batch]
            xb, yb = augment(xtr[idx]).contiguous(memory_format=torch.channels_last), ytr[idx]
            out = model(xb)
            loss = crit(out, yb)
            if teachers:
                tau = args.kd_temp
                with torch.no_grad():
                    soft = torch.stack([F.softmax(t(xb) / tau, 1) for t in teachers]).mean(0)
                kd = F.kl_div(F.log_softmax(out / tau, 1), soft, reduction="batchmean") * tau * tau
                loss = args.kd_alpha * kd + (1 - args.kd_alpha) * loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
            n += len(idx)
        acc, _ = evaluate(model, xva, yva)
        acc_tta, _ = evaluate(model, xva, yva, tta=True)
        history.append({"epoch": epoch + 1, "loss": tot / n, "val": acc, "val_flip_tta": acc_tta, "seconds": time.time() - t0})
        print(json.dumps(history[-1]), flush=True)
        if acc > best:
            best = acc
            torch.save({"model": model.state_dict(), "width": width, "epoch": epoch + 1, "val": acc}, best_path)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "epoch": epoch + 1,
                    "best": best, "history": history, "torch_rng": torch.get_rng_state(), "py_rng": random.getstate(),
                    "np_rng": np.random.get_state(), "width": width}, last_path)
    print(f"best val {best:.4f}", flush=True)
    with open(os.path.join(ckdir, f"{args.name}-history.json"), "w") as f:
        json.dump(history, f, indent=1)


if __name__ == "__main__":
    main()
