#!/usr/bin/python3
# PyTorch export path, by example: define small nets in torch, export them to ONNX, convert them
# with onnx2tv.py and compute reference outputs with torch (the committed models/testdata/).
# SPDX-License-Identifier: Apache-2.0
"""export_example.py [--keep-onnx] [OUTDIR]   (default: models/testdata)

Writes, for each example net NAME:
  NAME.onnx       the torch.onnx.export result (deleted unless --keep-onnx)
  NAME.tvm        the converted tubevision model
  NAME.in.f32     a batch of 2 inputs, N x C x H x W float32 little-endian
  NAME.out.f32    torch's outputs for them (eval mode), float32 little-endian
and for the classifier an 8-bit grey image tiny_cls.pgm with torch's output for it after the
model's normalisation, tiny_cls.pgm.out.f32.
Needs python3-torch, python3-onnx, python3-numpy (Debian packages).
"""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx2tv  # noqa: E402


class TinyClassifier(nn.Module):
    """Uses every operator family: conv (+BN, folded), depthwise, dilated, 1x1, all activations,
    pooling, add, mul (squeeze-excite), concat, resize nearest and bilinear, GAP, dense, softmax."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8),
                                  nn.ReLU())
        self.dw = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8),
                                nn.Hardswish())
        self.pw = nn.Sequential(nn.Conv2d(8, 8, 1), nn.SiLU())
        self.branch = nn.Sequential(nn.MaxPool2d(2, 2), nn.Conv2d(8, 8, 3, padding=2, dilation=2),
                                    nn.LeakyReLU(0.1))
        self.avg = nn.AvgPool2d(3, 2, padding=1)
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(8, 8, 1), nn.Sigmoid())
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.mix = nn.Sequential(nn.Conv2d(16, 8, 3, stride=2, padding=1), nn.ReLU6())
        self.grow = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        a = self.pw(self.dw(self.stem(x)))  # 8 x 32 x 32
        b = self.branch(a) + self.avg(a)  # 8 x 16 x 16
        b = b * self.se(b)
        c = torch.cat([self.up(b), a], 1)  # 16 x 32 x 32
        d = self.grow(self.mix(c))  # 8 x 32 x 32
        e = torch.flatten(nn.functional.adaptive_avg_pool2d(d, 1), 1)
        return torch.softmax(self.head(e), 1)


class TinyHeatmap(nn.Module):
    """A fully convolutional net: stride-4 heatmap of one class."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 12, 3, stride=2, padding=1), nn.BatchNorm2d(12), nn.ReLU(),
            nn.Conv2d(12, 12, 3, padding=1), nn.ReLU(),
            nn.Conv2d(12, 1, 1), nn.Sigmoid())

    def forward(self, x):
        return self.body(x)


def randomise_bn(net, gen):
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


def write_pgm(path, img):
    h, w = img.shape
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h))
        f.write(img.astype(np.uint8).tobytes())


def export(net, name, shape, outdir, meta, any_size=False):
    import onnx
    net.eval()
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(*shape, generator=gen)
    onnx_path = os.path.join(outdir, name + ".onnx")
    axes = {0: "n", 2: "h", 3: "w"} if any_size else {0: "n"}
    torch.onnx.export(net, x, onnx_path, opset_version=13, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": axes, "output": axes})
    m = onnx2tv.convert(onnx.load(onnx_path), name=name, **meta)
    m.save(os.path.join(outdir, name + ".tvm"))
    with torch.no_grad():
        y = net(x)
    x.numpy().astype("<f4").tofile(os.path.join(outdir, name + ".in.f32"))
    y.numpy().astype("<f4").tofile(os.path.join(outdir, name + ".out.f32"))
    if not KEEP_ONNX:
        os.remove(onnx_path)
    print("%s: %d operators, input %s, output %s" % (name, len(m.ops), list(x.shape),
                                                     list(y.shape)))
    return m


KEEP_ONNX = "--keep-onnx" in sys.argv


def main():
    args = [a for a in sys.argv[1:] if a != "--keep-onnx"]
    outdir = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "testdata")
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(3)
    cls = TinyClassifier()
    randomise_bn(cls, gen)
    mean, std = 0.45, 0.25
    export(cls, "tiny_cls", (2, 1, 32, 32), outdir,
           dict(kind="scores", classes=["ok", "scratch", "pit", "dent", "scale"], mean=[mean],
                std=[std]))
    # An 8-bit image through the model's normalisation, as tv_session_run_images does it.
    yy, xx = np.mgrid[0:32, 0:32]
    img = ((xx * 7 + yy * 3) % 256 + (xx * yy) % 17).clip(0, 255).astype(np.uint8)
    write_pgm(os.path.join(outdir, "tiny_cls.pgm"), img)
    with torch.no_grad():
        t = (torch.from_numpy(img.astype(np.float32) / 255.0) - mean) / std
        cls(t[None, None]).numpy().astype("<f4").tofile(
            os.path.join(outdir, "tiny_cls.pgm.out.f32"))
    heat = TinyHeatmap()
    randomise_bn(heat, gen)
    export(heat, "tiny_heat", (2, 1, 24, 32), outdir,
           dict(kind="heatmap", classes=["defect"], stride=4), any_size=True)


if __name__ == "__main__":
    main()
