#!/usr/bin/python3
# Trains the defect-type classifier on the NEU images (six classes, 200 x 200 grey) on the CPU,
# exports it to ONNX and converts it to models/neu_classifier.tvm. Held-out evaluation:
# evaluate.py. Usage: train_classifier.py [--epochs N] [--out DIR] [--inner-val]
# SPDX-License-Identifier: Apache-2.0
import argparse
import copy
import json
import math
import pathlib
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import neu_data

HERE = pathlib.Path(__file__).resolve().parent
MEAN, STD = 0.5, 0.25  # pixel/255 normalisation, stored in the model's metadata
INNER_SEED = 7  # the inner validation split of the 1,200 training images (selection only)


def conv_bn(cin, cout, stride, k=3, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class PlainNet(nn.Module):
    """The model shipped until 2026-11-30 (97.3%): five 3x3 convolutions with stride 2, global
    average pooling and a dense layer; 47.9 MFLOP. Kept for comparison (--arch plain)."""

    def __init__(self, classes=6):
        super().__init__()
        self.features = nn.Sequential(conv_bn(1, 16, 2), conv_bn(16, 24, 2), conv_bn(24, 48, 2),
                                      conv_bn(48, 64, 2), conv_bn(64, 96, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(96, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


class Down(nn.Module):
    """Depthwise 3x3 with stride 2, then a pointwise convolution to more channels."""

    def __init__(self, cin, cout):
        super().__init__()
        self.dw = conv_bn(cin, cin, 2, groups=cin)
        self.pw = conv_bn(cin, cout, 1, k=1)

    def forward(self, x):
        return self.pw(self.dw(x))


class Res(nn.Module):
    """Residual depthwise-separable block: relu(x + bn(pw(relu(bn(dw3x3(x))))))."""

    def __init__(self, c):
        super().__init__()
        self.dw = conv_bn(c, c, 1, groups=c)
        self.pw = conv_bn(c, c, 1, k=1, act=False)

    def forward(self, x):
        return F.relu(x + self.pw(self.dw(x)))


class ResDwNet(nn.Module):
    """About 47 MFLOP for a 200 x 200 patch: a 3x3 stem with stride 2 (100 x 100), then
    depthwise-separable stages at 50, 25, 13 and 7 pixels with residual blocks (16-32-64-128-160
    channels, 12 convolution pairs deep), global average pooling and a dense layer."""

    def __init__(self, classes=6, widths=(16, 32, 64, 128, 160), blocks=(1, 2, 2, 1)):
        super().__init__()
        layers = [conv_bn(1, widths[0], 2)]
        for i, n in enumerate(blocks):
            layers.append(Down(widths[i], widths[i + 1]))
            layers.extend(Res(widths[i + 1]) for _ in range(n))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[-1], classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


ARCHS = {"plain": PlainNet, "resdw": ResDwNet}


def flops(model, size=200):
    """Multiply-adds x 2 of the convolutions and dense layers for one size x size patch."""
    total = 0

    def hook(m, inp, out):
        nonlocal total
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
            total += 2 * out.numel() * k
        elif isinstance(m, nn.Linear):
            total += 2 * m.in_features * m.out_features

    hs = [m.register_forward_hook(hook) for m in model.modules()
          if isinstance(m, (nn.Conv2d, nn.Linear))]
    was = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, size, size))
    model.train(was)
    for h in hs:
        h.remove()
    return total


def normalise(images):
    return ((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None]


def augment(x, rng, strength):
    """Augments a normalised (B, 1, H, W) batch. 'basic': the old recipe (neu_data.augment:
    flips, 90-degree turns, wrap-around shifts, brightness/contrast). 'strong': the eight
    flips/turns, a random zoom (0.8-1.25), small rotation (+-10 degrees) and shift with mirrored
    borders, gamma, contrast, brightness, and sometimes a slight blur or noise."""
    if strength == "basic":
        return torch.from_numpy(neu_data.augment(x, rng))
    b = len(x)
    t = torch.from_numpy(x)
    out = torch.empty_like(t)
    for i in range(b):  # the dihedral group: exact, no interpolation
        v = t[i]
        if rng.random() < 0.5:
            v = v.flip(2)
        if rng.random() < 0.5:
            v = v.flip(1)
        if rng.random() < 0.5:
            v = v.transpose(1, 2)
        out[i] = v
    scale = np.exp(rng.uniform(math.log(0.8), math.log(1.25), b))
    ang = np.radians(rng.uniform(-10, 10, b))
    shift = rng.uniform(-0.15, 0.15, (b, 2))
    theta = np.zeros((b, 2, 3), np.float32)
    theta[:, 0, 0] = np.cos(ang) / scale
    theta[:, 0, 1] = -np.sin(ang) / scale
    theta[:, 1, 0] = np.sin(ang) / scale
    theta[:, 1, 1] = np.cos(ang) / scale
    theta[:, :, 2] = shift
    grid = F.affine_grid(torch.from_numpy(theta), list(out.shape), align_corners=False)
    out = F.grid_sample(out, grid, mode="bilinear", padding_mode="reflection",
                        align_corners=False)
    p = (out * STD + MEAN).clamp(0, 1)  # back to [0, 1] for the photometric changes
    gamma = torch.from_numpy(np.exp(rng.uniform(math.log(0.7), math.log(1.4), b)).astype(
        np.float32)).view(b, 1, 1, 1)
    p = p.clamp_min(1e-4) ** gamma
    m = p.mean(dim=(1, 2, 3), keepdim=True)
    contrast = torch.from_numpy(rng.uniform(0.75, 1.3, b).astype(np.float32)).view(b, 1, 1, 1)
    bright = torch.from_numpy(rng.uniform(-0.1, 0.1, b).astype(np.float32)).view(b, 1, 1, 1)
    p = (p - m) * contrast + m + bright
    blur = rng.random(b) < 0.2
    if blur.any():
        g = torch.tensor([0.25, 0.5, 0.25])
        k = (g[:, None] * g[None, :]).view(1, 1, 3, 3)
        idx = torch.from_numpy(np.flatnonzero(blur))
        p[idx] = F.conv2d(F.pad(p[idx], (1, 1, 1, 1), mode="reflect"), k)
    noise = rng.random(b) < 0.3
    if noise.any():
        idx = torch.from_numpy(np.flatnonzero(noise))
        sigma = torch.from_numpy(rng.uniform(0.005, 0.03, len(idx)).astype(np.float32))
        gen = torch.Generator().manual_seed(int(rng.integers(1 << 31)))
        p[idx] = p[idx] + torch.randn(p[idx].shape, generator=gen) * sigma.view(-1, 1, 1, 1)
    return ((p - MEAN) / STD).contiguous()


def inner_split(labels, tr, frac=0.2, seed=INNER_SEED):
    """Splits the training indices tr into (fit, val): frac of each class to val."""
    rng = np.random.default_rng(seed)
    fit, val = [], []
    for k in range(len(neu_data.CLASSES)):
        idx = tr[labels[tr] == k]
        idx = idx[rng.permutation(len(idx))]
        n = int(round(len(idx) * frac))
        val.extend(idx[:n].tolist())
        fit.extend(idx[n:].tolist())
    return np.array(sorted(fit)), np.array(sorted(val))


def update_ema(ema, model, decay):
    with torch.no_grad():
        for e, m in zip(ema.state_dict().values(), model.state_dict().values()):
            if e.dtype.is_floating_point:
                e.mul_(decay).add_(m.detach(), alpha=1 - decay)
            else:
                e.copy_(m)


def predict(model, x, batch=100):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[i:i + batch]))
                          for i in range(0, len(x), batch)])


def train(args, fit, images, labels, val=None):
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    x_tr, y_tr = normalise(images[fit]), labels[fit]
    model = ARCHS[args.arch]().to(memory_format=torch.channels_last)  # faster on the CPU
    ema = copy.deepcopy(model) if args.ema > 0 else None
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    per_epoch = (len(fit) + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr,
                                                total_steps=args.epochs * per_epoch,
                                                pct_start=0.15)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.smoothing)
    step = 0
    for ep in range(args.epochs):
        model.train()
        perm = rng.permutation(len(fit))
        t0, total, correct = time.time(), 0.0, 0
        for i in range(0, len(perm), args.batch):
            b = perm[i:i + args.batch]
            if len(b) < 2:  # batch norm needs two samples
                continue
            xb = augment(x_tr[b], rng, args.aug).contiguous(memory_format=torch.channels_last)
            yb = torch.from_numpy(y_tr[b])
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if ema is not None:
                update_ema(ema, model, min(args.ema, (1 + step) / (10 + step)))
            total += float(loss) * len(b)
            correct += int((out.argmax(1) == yb).sum())
        msg = "epoch %d: loss %.4f, train accuracy %.4f, %.1f s" % (
            ep + 1, total / len(fit), correct / len(fit), time.time() - t0)
        if val is not None and ((ep + 1) % 10 == 0 or ep + 1 == args.epochs):
            for tag, net in (("model", model), ("ema", ema)):
                if net is not None:
                    acc, nll = score(net, images, labels, val)
                    msg += ", val %s %.4f (nll %.4f)" % (tag, acc, nll)
        print(msg, flush=True)
    final = (ema if ema is not None else model).to(memory_format=torch.contiguous_format)
    final.eval()
    return final


def score(model, images, labels, idx):
    out = predict(model, normalise(images[idx]))
    y = torch.from_numpy(labels[idx])
    return float((out.argmax(1) == y).float().mean()), float(F.cross_entropy(out, y))


def export(model, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = out_dir / "neu_classifier.onnx"
    torch.onnx.export(model, torch.zeros(1, 1, 200, 200), str(onnx_path), opset_version=13,
                      input_names=["image"], output_names=["scores"],
                      dynamic_axes={"image": {0: "n"}, "scores": {0: "n"}})
    return onnx_path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=sorted(ARCHS), default="plain")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--wd", type=float, default=0.01, help="AdamW weight decay")
    ap.add_argument("--smoothing", type=float, default=0.1, help="label smoothing")
    ap.add_argument("--aug", choices=["basic", "strong"], default="strong")
    ap.add_argument("--ema", type=float, default=0.998, help="EMA decay of the weights (0: off)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--inner-val", action="store_true",
                    help="selection mode: train on 80%% of the 1,200 training images, report "
                         "accuracy on the other 20%%, write no model (never touches held-out)")
    ap.add_argument("--out", default=str(HERE.parent))
    args = ap.parse_args()
    images, labels, names = neu_data.load()
    tr, _ = neu_data.split(labels, names)  # the held-out images are never used here
    if args.inner_val:
        fit, val = inner_split(labels, tr)
        t0 = time.time()
        model = train(args, fit, images, labels, val)
        acc, nll = score(model, images, labels, val)
        pred = predict(model, normalise(images[val])).argmax(1).numpy()
        conf = np.zeros((6, 6), int)
        for t, p in zip(labels[val], pred):
            conf[t, p] += 1
        print(json.dumps({"inner_val": vars(args), "fit": len(fit), "val": len(val),
                          "val_accuracy": acc, "val_nll": nll, "confusion": conf.tolist(),
                          "mflop": flops(model) / 1e6, "minutes": (time.time() - t0) / 60}))
        return
    model = train(args, tr, images, labels)
    print("model: %.1f MFLOP per 200x200 patch" % (flops(model) / 1e6))
    out = pathlib.Path(args.out)
    torch.save(model.state_dict(), out / "neu_classifier.pt")
    onnx_path = export(model, out)
    conv = HERE.parent / "tools" / "onnx2tv.py"
    cmd = [sys.executable, str(conv), str(onnx_path), str(out / "neu_classifier.tvm"),
           "--name", "neu_classifier", "--kind", "scores",
           "--classes", ",".join(neu_data.CLASSES), "--mean", str(MEAN), "--std", str(STD)]
    print(" ".join(cmd))
    sys.exit(subprocess.run(cmd, check=False).returncode)


if __name__ == "__main__":
    main()
