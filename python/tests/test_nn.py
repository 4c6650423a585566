# Tests of Model: loading, metadata, runs on images and tensors against the PyTorch references
# committed in models/testdata, sessions per thread, errors.
# SPDX-License-Identifier: Apache-2.0
import threading

import numpy as np
import pytest

import tubevision as tv
from conftest import ROOT

DATA = ROOT / "models" / "testdata"


def test_classifier_on_an_image_matches_pytorch():
    with tv.Model(DATA / "tiny_cls.tvm") as m:
        assert m.kind == "scores" and m.input_channels == 1
        assert len(m.classes) == m.get("classes") > 1
        mean, std = m.normalization
        assert len(mean) == len(std) == 1
        img = tv.read(DATA / "tiny_cls.pgm")
        got = m.run(img)
        want = np.fromfile(DATA / "tiny_cls.pgm.out.f32", np.float32).reshape(got.shape)
        assert np.allclose(got, want, rtol=1e-4, atol=1e-5)
        assert np.array_equal(m.run([img, img])[1], got[0])  # a batch of two


def test_tensor_runs_match_pytorch():
    # the input shapes models/tools/export_example.py used
    for name, shape in (("tiny_cls", (-1, 1, 32, 32)), ("tiny_heat", (2, 1, 24, 32))):
        m = tv.Model(DATA / (name + ".tvm"))
        x = np.fromfile(DATA / (name + ".in.f32"), np.float32).reshape(shape)
        got = m.run_tensor(x)
        want = np.fromfile(DATA / (name + ".out.f32"), np.float32).reshape(got.shape)
        assert np.allclose(got, want, rtol=1e-4, atol=1e-5), name
        if m.kind == "heatmap":
            assert got.ndim == 4 and m.heatmap_stride >= 1


def test_threads_share_one_model():
    m = tv.Model(DATA / "tiny_cls.tvm")
    img = tv.read(DATA / "tiny_cls.pgm")
    ref = m.run(img)
    results = []

    def work():
        with tv.Context(threads=1) as ctx:
            for _ in range(20):
                results.append(m.run(img, ctx=ctx))

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(results) == 80 and all(np.array_equal(r, ref) for r in results)


def test_model_errors(tmp_path):
    with pytest.raises(tv.FileError):
        tv.Model(tmp_path / "missing.tvm")
    data = (DATA / "tiny_cls.tvm").read_bytes()
    with pytest.raises(tv.TubevisionError) as e:
        tv.Model(data[: len(data) // 2])
    assert e.value.status_name in ("TV_ERR_CORRUPT", "TV_ERR_FORMAT")
    with pytest.raises(tv.FormatError):
        tv.Model(b"not a model at all, just some bytes that are long enough" * 4)
    m = tv.Model(data)
    with pytest.raises(tv.InvalidArgumentError):
        m.run_tensor(np.zeros((3, 3), np.float32))
    with pytest.raises(tv.TubevisionError):
        m.run(np.zeros((8, 8, 3, 2), np.uint8))
    m.close()
    with pytest.raises(tv.InvalidArgumentError):
        m.get("classes")
