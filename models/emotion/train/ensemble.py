"""Validation accuracy of checkpoints averaged as an ensemble (the mean of their softmax
outputs on the centre crop), e.g. to choose distillation teachers (MODEL_CARD.md, run 3).

    .venv-train/bin/python models/emotion/train/ensemble.py --ckpts A.pt,B.pt [--flip]
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import train as T  # noqa: E402


@torch.no_grad()
def probs(path, x, flip):
    ck = torch.load(path, weights_only=False)
    net = T.EmotionNet(width=tuple(ck["width"]))
    net.load_state_dict(ck["model"])
    net.eval()
    b = T.centre(x)
    p = F.softmax(net(b), 1)
    if flip:
        p = (p + F.softmax(net(torch.flip(b, dims=[3])), 1)) / 2
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpts", required=True, help="comma-separated checkpoints")
    ap.add_argument("--data", default="../shared/data/fer2013")
    ap.add_argument("--flip", action="store_true", help="also average the mirrored face")
    args = ap.parse_args()
    x, y = T.load_bin(os.path.join(args.data, "val.bin"))
    ps = [probs(p, x, args.flip) for p in args.ckpts.split(",")]
    for path, p in zip(args.ckpts.split(","), ps):
        print(f"{(p.argmax(1) == y).float().mean().item():.4f}  {path}")
    mean = torch.stack(ps).mean(0)
    print(f"{(mean.argmax(1) == y).float().mean().item():.4f}  ensemble of {len(ps)}")


if __name__ == "__main__":
    main()
