#!/usr/bin/python3
# Trains the defect-localisation network (a small fully convolutional encoder-decoder whose heatmap
# has stride 4) on the magnetic-tile masks, defect-free tiles and synthetic tube surfaces, on the
# CPU; picks the shipped thresholds on a validation part of the training split; exports ONNX and
# converts it to models/heatmap.tvm. Held-out evaluation: evaluate.py.
# Usage: train_heatmap.py [--epochs N] [--threads N] [--out DIR] (defaults: the shipped recipe)
# SPDX-License-Identifier: Apache-2.0
import argparse
import json
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
STRIDE = 4  # heatmap stride
MULT = 16  # input sizes the decoder accepts: multiples of the deepest stride
CROP = 224
VAL_SEED = 7  # the validation part of the training split (thresholds, model selection)
VAL_SHARE = 0.15
IMG_TOP = 8  # cells whose mean is a crop's image-level score in training


def conv_bn(cin, cout, k=3, stride=1, dil=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, dil * (k // 2), dilation=dil, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class HeatNet(nn.Module):
    """Input H x W grey (H, W multiples of 16), output H/4 x W/4 defect probability. Encoder to
    stride 16 with a dilated context layer; the decoder adds the stride-8 and stride-4 features
    back (1x1 lateral convolutions, bilinear upsampling), refines at stride 4 with one 3x3
    convolution and ends in a 1x1 head and a sigmoid. About 1.7 GFLOP per megapixel."""

    WIDTHS = {"base": (16, 24, 48, 64), "wide": (16, 32, 64, 96)}

    def __init__(self, arch="base"):
        super().__init__()
        w1, w4, w8, w16 = self.WIDTHS[arch]
        self.c1 = conv_bn(1, w1, stride=2)  # /2
        self.c2 = conv_bn(w1, w4, stride=2)  # /4
        self.c3 = conv_bn(w4, w8, stride=2)  # /8
        self.c4 = conv_bn(w8, w16, stride=2)  # /16
        self.c5 = conv_bn(w16, w16, dil=2)  # /16, wider context
        self.l16 = nn.Conv2d(w16, 32, 1)
        self.l8 = nn.Conv2d(w8, 32, 1)
        self.m8 = nn.Conv2d(32, 16, 1)
        self.l4 = nn.Conv2d(w4, 16, 1)
        self.r4 = conv_bn(16, 16)
        self.head = nn.Conv2d(16, 1, 1)

    def forward(self, x):
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="bilinear",  # noqa: E731
                                     align_corners=False)
        f4 = self.c2(self.c1(x))
        f8 = self.c3(f4)
        f16 = self.c5(self.c4(f8))
        p8 = F.relu(up(self.l16(f16)) + self.l8(f8))
        p4 = F.relu(up(self.m8(p8)) + self.l4(f4))
        return torch.sigmoid(self.head(self.r4(p4)))


def flops_per_mp(model):
    """Multiply-adds x 2 of the convolutions for a 1024 x 1024 input, per megapixel."""
    total = 0

    def hook(m, inp, out):
        nonlocal total
        total += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(torch.zeros(1, 1, 1024, 1024))
    for h in hs:
        h.remove()
    return total / (1024 * 1024 / 1e6)


def target(mask):
    """Share of defect pixels in each STRIDE x STRIDE cell (soft target)."""
    h, w = mask.shape
    m = mask[:h // STRIDE * STRIDE, :w // STRIDE * STRIDE].astype(np.float32)
    return m.reshape(h // STRIDE, STRIDE, w // STRIDE, STRIDE).mean((1, 3))


def augment(x, m, rng, strong=True):
    if rng.random() < 0.5:
        x, m = x[:, ::-1], m[:, ::-1]
    if rng.random() < 0.5:
        x, m = x[::-1], m[::-1]
    if strong and rng.random() < 0.5:
        x, m = x.T, m.T
    x = x.astype(np.float32) / 255.0
    if strong and rng.random() < 0.5:
        x = x ** rng.uniform(0.7, 1.4)
    k = 0.25 if strong else 0.1
    x = x * rng.uniform(1 - k, 1 + k) + rng.uniform(-0.4 * k, 0.4 * k)
    if rng.random() < 0.3:
        x = x + rng.normal(0, rng.uniform(0.005, 0.03), x.shape).astype(np.float32)
    return (x - MEAN) / STD, np.ascontiguousarray(m)


def batches(items, pools, rng, n, bs, crop=CROP, strong=True):
    """n batches; each sample drawn from one of pools = [(weight, [item index...]), ...]."""
    w = np.array([p[0] for p in pools], float)
    w /= w.sum()
    for _ in range(n):
        xs, ys = [], []
        for _ in range(bs):
            pool = pools[rng.choice(len(pools), p=w)][1]
            img, mask, cls, _ = items[pool[rng.integers(len(pool))]]
            x, m = mt_data.crop(img, mask, crop, rng, focus=mask.any() and rng.random() < 0.8)
            x, m = augment(x, m, rng, strong)
            xs.append(x)
            ys.append(target(m))
        yield (torch.from_numpy(np.stack(xs)[:, None].copy()),
               torch.from_numpy(np.stack(ys)[:, None].copy()))


def synth_items(n, seed0, tmp, tool=None):
    """n synthetic tube surfaces with their masks, rendered by the project's tv-synth."""
    import tubevision as tv
    tool = tool or HERE.parents[1] / "build" / "bin" / "tv-synth"
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


def val_split(items, idx):
    """Splits training indices into (fit, val): VAL_SHARE of each class, seed VAL_SEED."""
    rng = np.random.default_rng(VAL_SEED)
    fit, val = [], []
    for c in sorted({items[i][2] for i in idx}):
        ci = np.array([i for i in idx if items[i][2] == c])
        ci = ci[rng.permutation(len(ci))]
        n = int(round(len(ci) * VAL_SHARE))
        val += ci[:n].tolist()
        fit += ci[n:].tolist()
    return np.array(sorted(fit)), np.array(sorted(val))


def corner_windows(h, w, mult):
    """The windows (y0, x0, hh, ww) that cover an h x w image with sizes rounded down to mult:
    top-left, and moved back to end at the bottom and right edges (as the pipeline's tiles), so
    the network never sees padded pixels. Later windows fill only what earlier ones left."""
    hh, ww = h // mult * mult, w // mult * mult
    return [(0, 0, hh, ww), (0, w - ww, hh, ww), (h - hh, 0, hh, ww), (h - hh, w - ww, hh, ww)]


def stitch(h, w, mult, run):
    """An h x w map from the corner windows (corner_windows with mult): run(y0, x0, hh, ww) gives
    a window's full-resolution map; earlier windows are kept where windows overlap."""
    out = np.full((h, w), np.nan, np.float32)
    for y0, x0, hh, ww in corner_windows(h, w, mult):
        region = out[y0:y0 + hh, x0:x0 + ww]
        fill = np.isnan(region)
        region[fill] = run(y0, x0, hh, ww)[fill]
    return out


def predict(model, img):
    """Full-resolution defect probability of one image (heatmap upsampled bilinearly)."""
    x = (img.astype(np.float32) / 255.0 - MEAN) / STD

    def run(y0, x0, hh, ww):
        with torch.no_grad():
            p = model(torch.from_numpy(np.ascontiguousarray(x[y0:y0 + hh, x0:x0 + ww]))[None, None])
            p = F.interpolate(p, scale_factor=float(STRIDE), mode="bilinear", align_corners=False)
        return p[0, 0].numpy()

    return stitch(*img.shape, MULT, run)


def measure(maps, items, idx, thr_hi, thr_lo):
    """Image AUROC, pixel F1 with hysteresis (lo, hi), false rejects of free images."""
    from evaluate import score
    return score(((p, items[i][1], items[i][1].any(), not items[i][1].any())
                  for p, i in zip(maps, idx)), thr_lo, thr_hi)


def choose_thresholds(maps, items, idx):
    """high: the lowest value above the maxima of all but 1% of the validation defect-free images
    (image-level false rejects); low: the value in [0.05, high] that maximises validation pixel
    F1 with hysteresis."""
    free = sorted(float(p.max()) for p, i in zip(maps, idx) if not items[i][1].any())
    k = int(np.floor(0.01 * len(free)))  # free images allowed above the threshold
    hi = min(0.99, free[len(free) - 1 - k] + 1e-3) if free else 0.5
    best = (-1.0, hi)
    for lo in np.linspace(0.05, hi, 12):
        f1 = measure(maps, items, idx, hi, lo)["pixel_f1"]
        if f1 > best[0]:
            best = (f1, float(lo))
    return hi, best[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--steps", type=int, default=100, help="batches per epoch")
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--crop", type=int, default=CROP, help="training crop size (multiple of 16)")
    ap.add_argument("--out", default=str(HERE.parent))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--synth", type=int, default=300, help="synthetic tube surfaces to add")
    ap.add_argument("--arch", default="base", choices=sorted(HeatNet.WIDTHS))
    ap.add_argument("--dice", type=float, default=0.0, help="weight of a Dice loss term")
    ap.add_argument("--aug", default="mild", choices=["strong", "mild"])
    ap.add_argument("--tv-synth", default=None, help="tv-synth binary (default build/bin)")
    args = ap.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(1)
    items = mt_data.load()
    train, _ = mt_data.split(items)  # the held-out part is never read here
    fit, val = val_split(items, train)
    pools = [(0.45, [i for i in fit if items[i][1].any()]),
             (0.45, [i for i in fit if not items[i][1].any()])]
    if args.synth:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            extra = synth_items(args.synth, 1000, pathlib.Path(tmp), args.tv_synth)
        pools.append((0.10, list(range(len(items), len(items) + len(extra)))))
        items = items + extra
    model = HeatNet(args.arch)
    print("model: %.2f GFLOP per megapixel; fit %d, val %d images" %
          (flops_per_mp(model) / 1e9, len(fit), len(val)), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3,
                                                total_steps=args.epochs * args.steps)
    for ep in range(args.epochs):
        model.train()
        t0, tot = time.time(), 0.0
        for xb, yb in batches(items, pools, rng, args.steps, args.batch, args.crop,
                                  args.aug == "strong"):
            p = model(xb).clamp(1e-6, 1 - 1e-6)
            bce = F.binary_cross_entropy(p, yb, weight=1 + 4 * (yb > 0).float())
            inter = (p * yb).sum()
            dice = 1 - (2 * inter + 1) / (p.sum() + yb.sum() + 1)
            # Image level: the mean of each crop's IMG_TOP highest cells must say whether the crop
            # holds a defect, so that no spot on a defect-free surface rises above the threshold.
            top = p.flatten(1).topk(IMG_TOP, dim=1).values.mean(1)
            has = ((yb.flatten(1) >= 0.25).sum(1) >= 2).float()
            loss = bce + args.dice * dice + F.binary_cross_entropy(top, has)
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
    maps = [predict(model, items[i][0]) for i in val]
    hi, lo = choose_thresholds(maps, items, val)
    report = {"args": vars(args), "val_images": len(val), "high": hi, "low": lo,
              "val": measure(maps, items, val, hi, lo)}
    print(json.dumps(report), flush=True)
    (out / "heatmap-thresholds.json").write_text(json.dumps(report, indent=2) + "\n")
    onnx_path = out / "heatmap.onnx"
    torch.onnx.export(model, torch.zeros(1, 1, 256, 256), str(onnx_path), opset_version=13,
                      input_names=["image"], output_names=["heatmap"],
                      dynamic_axes={"image": {0: "n", 2: "h", 3: "w"},
                                    "heatmap": {0: "n", 2: "oh", 3: "ow"}})
    cmd = [sys.executable, str(HERE.parent / "tools" / "onnx2tv.py"), str(onnx_path),
           str(out / "heatmap.tvm"), "--name", "heatmap", "--kind", "heatmap", "--classes",
           "defect", "--stride", str(STRIDE), "--mean", str(MEAN), "--std", str(STD),
           "--detection", "%.2f,%.2f" % (lo, hi)]
    print(" ".join(cmd))
    subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
