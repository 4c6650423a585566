#!/usr/bin/python3
# Makes the small fixed-weight models the inspection tests use (tests/data/*.tvm), so tests need
# neither trained weights nor PyTorch at run time.
# SPDX-License-Identifier: Apache-2.0
"""make_test_models.py [OUTDIR]   (default: the folder of this script)

insp_heat.tvm  heatmap model, stride 2, any input size: a hand-made dark-or-bright spot and line
               detector. 2x2 average pooling, then a 5x5 difference of Gaussians (centre minus
               surround) and its negative, ReLU, summed by a 1x1 convolution and a sigmoid:
               heat = sigmoid(GAIN * (|DoG| - THRESH)). Normalisation mean 0.5, std 0.25.
insp_cls.tvm   scores model for 64x64 crops, classes scratch, pit, dent, inclusion, crack: a small
               CNN with fixed random weights (seed 5) ending in softmax. It is not trained; it
               exercises the classification path deterministically.
Needs Debian's python3-torch, python3-onnx and python3-numpy.
"""
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models", "tools"))
import onnx2tv  # noqa: E402

GAIN = 30.0
THRESH = 0.09


def gauss(sigma, size=5):
    r = np.arange(size) - size // 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma * sigma))
    return g / g.sum()


class SpotLineDetector(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool2d(2)
        self.dog = nn.Conv2d(1, 2, 5, padding=2, bias=False)
        self.mix = nn.Conv2d(2, 1, 1)
        k = gauss(0.7) - gauss(2.0)
        with torch.no_grad():
            self.dog.weight[0, 0] = torch.from_numpy(k).float()
            self.dog.weight[1, 0] = -torch.from_numpy(k).float()
            self.mix.weight.fill_(GAIN)
            self.mix.bias.fill_(-GAIN * THRESH)

    def forward(self, x):
        return torch.sigmoid(self.mix(torch.relu(self.dog(self.pool(x)))))


class CropClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        return torch.softmax(self.head(torch.flatten(self.body(x), 1)), 1)


def export(net, name, shape, outdir, meta, any_size):
    import onnx
    net.eval()
    path = os.path.join(outdir, name + ".onnx")
    axes = {0: "n", 2: "h", 3: "w"} if any_size else {0: "n"}
    torch.onnx.export(net, torch.zeros(*shape), path, opset_version=13, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": axes, "output": axes})
    m = onnx2tv.convert(onnx.load(path), name=name, **meta)
    m.save(os.path.join(outdir, name + ".tvm"))
    os.remove(path)
    print("%s: %d operators" % (name, len(m.ops)))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    torch.manual_seed(5)
    export(SpotLineDetector(), "insp_heat", (1, 1, 64, 64), outdir,
           dict(kind="heatmap", classes=["defect"], stride=2, mean=[0.5], std=[0.25]), True)
    torch.manual_seed(5)
    export(CropClassifier(), "insp_cls", (1, 1, 64, 64), outdir,
           dict(kind="scores", classes=["scratch", "pit", "dent", "inclusion", "crack"],
                mean=[0.5], std=[0.25]), False)


if __name__ == "__main__":
    main()
