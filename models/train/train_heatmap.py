#!/usr/bin/python3
# Trains the defect-localisation network (a fully convolutional heatmap net, stride 8) on the
# magnetic-tile masks and defect-free tiles, on the CPU; exports ONNX and converts it to
# models/heatmap.tvm. Held-out evaluation: evaluate.py. Usage: train_heatmap.py [--epochs N]
# SPDX-License-Identifier: Apache-2.0
import argparse
import pathlib
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import mt_data

HERE = pathlib.Path(__file__).resolve().parent
MEAN, STD = 0.5, 0.25
STRIDE = 8
CROP = 192


def conv_bn(cin, cout, stride, dil=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, dil, dilation=dil, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class HeatNet(nn.Module):
    """Input H x W grey, output H/8 x W/8 defect probability (sigmoid in the model)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(conv_bn(1, 16, 2), conv_bn(16, 32, 2), conv_bn(32, 48, 2),
                                  conv_bn(48, 48, 1, 2), conv_bn(48, 48, 1, 4))
        self.head = nn.Conv2d(48, 1, 1)

    def forward(self, x):
        return torch.sigmoid(self.head(self.body(x)))


def target(mask):
    """Stride-8 cells that contain at least 2 defect pixels."""
    h, w = mask.shape
    m = mask[:h // STRIDE * STRIDE, :w // STRIDE * STRIDE]
    return (m.reshape(h // STRIDE, STRIDE, w // STRIDE, STRIDE).sum((1, 3)) >= 2).astype(np.float32)


def batches(items, idx, rng, n, bs):
    for _ in range(n):
        xs, ys = [], []
        for _ in range(bs):
            i = idx[rng.integers(len(idx))]
            img, mask, cls, _ = items[i]
            x, m = mt_data.crop(img, mask, CROP, rng, focus=cls != "free" and rng.random() < 0.8)
            if rng.random() < 0.5:
                x, m = x[:, ::-1], m[:, ::-1]
            if rng.random() < 0.5:
                x, m = x[::-1], m[::-1]
            x = x.astype(np.float32) / 255.0 * rng.uniform(0.8, 1.2) + rng.uniform(-0.08, 0.08)
            xs.append((x - MEAN) / STD)
            ys.append(target(np.ascontiguousarray(m)))
        yield torch.from_numpy(np.stack(xs)[:, None].copy()), torch.from_numpy(np.stack(ys)[:, None])


def synth_items(n, seed0, tmp):
    """n synthetic tube surfaces with their masks, rendered by the project's tv-synth."""
    import tubevision as tv
    tool = HERE.parents[1] / "build" / "bin" / "tv-synth"
    items = []
    rng = np.random.default_rng(seed0)
    for k in range(n):
        png, mask = tmp / ("s%d.png" % k), tmp / ("s%d_mask.png" % k)
        ndef = int(rng.integers(0, 4))
        args = [str(tool), "--width", "256", "--height", "256", "--seed", str(seed0 + k),
                "--contrast", "%.2f" % rng.uniform(0.4, 1.5), "--noise",
                "%.3f" % rng.uniform(0.005, 0.03), "--mask", str(mask), str(png)]
        if rng.random() < 0.3:
            args.append("--seam")
        while subprocess.run(args + ["--defects", str(ndef)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL).returncode != 0:
            ndef -= 1  # the defects drawn did not fit on the surface: fewer
            if ndef < 0:
                raise RuntimeError("tv-synth failed for seed %d" % (seed0 + k))
        img, m = np.asarray(tv.read(png)), np.asarray(tv.read(mask)) > 0
        items.append((img, m, "synth" if m.any() else "free", png.name))
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--steps", type=int, default=80, help="batches per epoch")
    ap.add_argument("--out", default=str(HERE.parent))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--synth", type=int, default=300, help="synthetic tube surfaces to add")
    args = ap.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(1)
    items = mt_data.load()
    tr, _ = mt_data.split(items)
    if args.synth:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            extra = synth_items(args.synth, 1000, pathlib.Path(tmp))
        tr = np.concatenate([tr, np.arange(len(items), len(items) + len(extra))])
        items = items + extra
    model = HeatNet()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3,
                                                total_steps=args.epochs * args.steps)
    for ep in range(args.epochs):
        model.train()
        t0, tot = time.time(), 0.0
        for xb, yb in batches(items, tr, rng, args.steps, 16):
            p = model(xb)
            bce = F.binary_cross_entropy(p, yb, weight=1 + 3 * yb)  # defect cells are rare
            inter = (p * yb).sum()
            dice = 1 - (2 * inter + 1) / (p.sum() + yb.sum() + 1)
            loss = bce + 0.5 * dice
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss)
        print("epoch %d: loss %.4f, %.1f s" % (ep + 1, tot / args.steps, time.time() - t0),
              flush=True)
    model.eval()
    out = pathlib.Path(args.out)
    torch.save(model.state_dict(), out / "heatmap.pt")
    onnx_path = out / "heatmap.onnx"
    torch.onnx.export(model, torch.zeros(1, 1, 256, 256), str(onnx_path), opset_version=13,
                      input_names=["image"], output_names=["heatmap"],
                      dynamic_axes={"image": {0: "n", 2: "h", 3: "w"},
                                    "heatmap": {0: "n", 2: "oh", 3: "ow"}})
    cmd = [sys.executable, str(HERE.parent / "tools" / "onnx2tv.py"), str(onnx_path),
           str(out / "heatmap.tvm"), "--name", "heatmap", "--kind", "heatmap", "--classes",
           "defect", "--stride", str(STRIDE), "--mean", str(MEAN), "--std", str(STD)]
    print(" ".join(cmd))
    subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
