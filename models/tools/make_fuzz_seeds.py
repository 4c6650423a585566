#!/usr/bin/python3
# Writes small seed models for the loader's fuzz target: one per operator, plus the test models.
# SPDX-License-Identifier: Apache-2.0
"""make_fuzz_seeds.py [OUTDIR]   (default: tests/fuzz/corpus/model)"""
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tvformat as tv  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "tests", "fuzz",
                                                          "corpus", "model")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(5)
r = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731


def heat(name, channels=2):
    m = tv.Model(name, channels, 8, 8)
    m.kind, m.stride = tv.HEATMAP, 1
    return m


def save(m, classes):
    m.classes = ["c%d" % i for i in range(classes)]
    m.save(os.path.join(out, m.name + ".tvm"))


m = heat("conv")
v = m.op("conv", [0], ip=[2, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], fp=[0, 0],
         weight=r(4, 2, 3, 3), bias=r(4))
m.op("conv", [v], ip=[4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 4, 6], fp=[-1, 1], weight=r(4, 1, 3, 3))
save(m, 4)
m = heat("pool")
v = m.op("maxpool", [0], ip=[3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1])
v = m.op("avgpool", [v], ip=[2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1])
save(m, 2)
m = tv.Model("dense", 2, 8, 8)
v = m.op("global_avgpool", [0])
v = m.op("flatten", [v])
v = m.op("dense", [v], ip=[2, 3, 2], fp=[0.1, 0], weight=r(3, 2), bias=r(3))
m.op("softmax", [v], ip=[1, 2])
save(m, 3)
m = heat("binary")
c = m.op("constant", [], ip=[1, 2, 1, 1], weight=r(1, 2, 1, 1))
a = m.op("add", [0, c])
b = m.op("mul", [a, 0])
v = m.op("concat", [a, b], ip=[1])
m.op("act", [v], ip=[5])
save(m, 4)
m = heat("resize")
v = m.op("resize", [0], ip=[0, 2, 2, 0, 0], fp=[2, 2])
v = m.op("resize", [v], ip=[1, 1, 0, 4, 4], fp=[0.25, 0.25])
m.op("reshape", [v], ip=[2, 2, 8])
save(m, 2)
m = heat("detection", 1)  # format version 2: a metadata entry (recommended thresholds)
m.op("conv", [0], ip=[1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3], fp=[0, 0], weight=r(1, 1, 1, 1))
m.detection = (0.3, 0.6)
save(m, 1)
for name in ("tiny_cls.tvm", "tiny_heat.tvm"):
    shutil.copy(os.path.join(here, "..", "testdata", name), os.path.join(out, name))
print("seeds in", out)
