#!/usr/bin/python3
"""Makes the two reference networks of the CNN benchmark (issue #4) with fixed random weights.

Writes into OUTDIR:
  classifier.onnx, heatmap.onnx      for OpenCV dnn (dynamic batch), opset 11
  classifier.pt, heatmap.pt          TorchScript (eval mode) for bench_torch.py
  classifier.bin, heatmap.bin        raw little-endian float32 weights for tubevision's benchmark:
                                     per layer in order, weight (OIHW / out x in) then bias

Usage: /usr/bin/python3 make_nets.py OUTDIR
SPDX-License-Identifier: Apache-2.0
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn


class Classifier(nn.Module):
    """200x200 grey: conv3x3 1-32-64-128-128, stride 2, ReLU; global average pool; dense to 6."""

    def __init__(self):
        super().__init__()
        ch = [1, 32, 64, 128, 128]
        self.convs = nn.ModuleList(
            [nn.Conv2d(ch[i], ch[i + 1], 3, stride=2, padding=1) for i in range(4)])
        self.fc = nn.Linear(128, 6)

    def forward(self, x):
        for c in self.convs:
            x = torch.relu(c(x))
        x = torch.mean(x, dim=(2, 3))
        return self.fc(x)


class Heatmap(nn.Module):
    """512x512 grey: conv3x3 1-16-32-64 stride 2, two 64-64 stride 1 (ReLU), 1x1 head to 1."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([
            nn.Conv2d(1, 16, 3, 2, 1),
            nn.Conv2d(16, 32, 3, 2, 1),
            nn.Conv2d(32, 64, 3, 2, 1),
            nn.Conv2d(64, 64, 3, 1, 1),
            nn.Conv2d(64, 64, 3, 1, 1)
        ])
        self.head = nn.Conv2d(64, 1, 1)

    def forward(self, x):
        for c in self.convs:
            x = torch.relu(c(x))
        return self.head(x)


def save(model, name, size, outdir):
    model.eval()
    with open(os.path.join(outdir, name + ".bin"), "wb") as f:
        for p in model.parameters():  # registration order: conv weight, bias, ..., last layer
            f.write(p.detach().numpy().astype("<f4").tobytes())
    x = torch.zeros(1, 1, size, size)
    torch.onnx.export(model, x, os.path.join(outdir, name + ".onnx"), opset_version=11,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "n"}, "output": {0: "n"}})
    torch.jit.save(torch.jit.trace(model, x), os.path.join(outdir, name + ".pt"))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(4)
    save(Classifier(), "classifier", 200, outdir)
    save(Heatmap(), "heatmap", 512, outdir)
    print("wrote nets to", outdir)


if __name__ == "__main__":
    main()
