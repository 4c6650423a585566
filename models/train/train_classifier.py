#!/usr/bin/python3
# Trains the defect-type classifier on the NEU images (six classes, 200 x 200 grey) on the CPU,
# exports it to ONNX and converts it to models/neu_classifier.tvm. Held-out evaluation:
# evaluate.py. Usage: train_classifier.py [--epochs N] [--out DIR]
# SPDX-License-Identifier: Apache-2.0
import argparse
import pathlib
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn

import neu_data

HERE = pathlib.Path(__file__).resolve().parent
MEAN, STD = 0.5, 0.25  # pixel/255 normalisation, stored in the model's metadata


def conv_bn(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class NeuNet(nn.Module):
    """About 48 MFLOP for a 200 x 200 patch: five 3x3 convolutions with stride 2, global
    average pooling and a dense layer to the six classes."""

    def __init__(self, classes=6):
        super().__init__()
        self.features = nn.Sequential(conv_bn(1, 16, 2), conv_bn(16, 24, 2), conv_bn(24, 48, 2),
                                      conv_bn(48, 64, 2), conv_bn(64, 96, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(96, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def flops(model, size=200):
    total = 0
    h = w = size
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            h = (h + 2 * m.padding[0] - m.kernel_size[0]) // m.stride[0] + 1
            w = (w + 2 * m.padding[1] - m.kernel_size[1]) // m.stride[1] + 1
            total += 2 * h * w * m.out_channels * m.in_channels * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total += 2 * m.in_features * m.out_features
    return total


def normalise(images):
    return ((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None]


def train(epochs, seed=1, threads=2):
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    images, labels, names = neu_data.load()
    tr, te = neu_data.split(labels, names)
    x_tr, y_tr = normalise(images[tr]), labels[tr]
    model = NeuNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = epochs * ((len(tr) + 31) // 32)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    for ep in range(epochs):
        model.train()
        perm = rng.permutation(len(tr))
        t0, total, correct = time.time(), 0.0, 0
        for i in range(0, len(perm), 32):
            b = perm[i:i + 32]
            xb = torch.from_numpy(neu_data.augment(x_tr[b], rng))
            yb = torch.from_numpy(y_tr[b])
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(b)
            correct += int((out.argmax(1) == yb).sum())
        print("epoch %d: loss %.4f, train accuracy %.4f, %.1f s" %
              (ep + 1, total / len(tr), correct / len(tr), time.time() - t0), flush=True)
    model.eval()
    return model, te


def export(model, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = out_dir / "neu_classifier.onnx"
    torch.onnx.export(model, torch.zeros(1, 1, 200, 200), str(onnx_path), opset_version=13,
                      input_names=["image"], output_names=["scores"],
                      dynamic_axes={"image": {0: "n"}, "scores": {0: "n"}})
    return onnx_path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--out", default=str(HERE.parent))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    model, _ = train(args.epochs, threads=args.threads)
    print("model: %.1f MFLOP per 200x200 patch" % (flops(model) / 1e6))
    out = pathlib.Path(args.out)
    torch.save(model.state_dict(), out / "neu_classifier.pt")
    onnx_path = export(model, out)
    conv = HERE.parent / "tools" / "onnx2tv.py"
    cmd = [sys.executable, str(conv), str(onnx_path), str(out / "neu_classifier.tvm"),
           "--name", "neu_classifier", "--kind", "scores",
           "--classes", ",".join(neu_data.CLASSES), "--mean", str(MEAN), "--std", str(STD)]
    print(" ".join(cmd))
    subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
