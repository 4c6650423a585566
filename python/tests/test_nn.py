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


def test_detection_thresholds_travel_with_the_model(tmp_path):
    """A heatmap model carries its recommended thresholds (format version 2); the pipeline takes
    them unless its configuration sets its own; tvm_detection.py writes and removes them."""
    import subprocess
    import sys
    shipped = tv.Model(ROOT / "models" / "heatmap.tvm")
    assert shipped.get("format_version") == 2
    assert shipped.detection_thresholds == pytest.approx((0.48, 0.99))
    tiny = DATA / "tiny_heat.tvm"
    assert tv.Model(tiny).detection_thresholds is None and tv.Model(tiny).get("format_version") == 1
    tool = [sys.executable, str(ROOT / "models" / "tools" / "tvm_detection.py")]
    stamped, cleared = tmp_path / "stamped.tvm", tmp_path / "cleared.tvm"
    subprocess.run(tool + [str(tiny), str(stamped), "--set", "0.25,0.75"], check=True,
                   capture_output=True)
    m = tv.Model(stamped)
    assert m.get("format_version") == 2 and m.detection_thresholds == (0.25, 0.75)
    assert np.array_equal(m.run_tensor(np.ones((1, 1, 24, 32), np.float32)),
                          tv.Model(tiny).run_tensor(np.ones((1, 1, 24, 32), np.float32)))
    subprocess.run(tool + [str(stamped), str(cleared), "--clear"], check=True, capture_output=True)
    assert cleared.read_bytes() == tiny.read_bytes()  # the original file, byte for byte
    bad = subprocess.run(tool + [str(tiny), str(tmp_path / "x.tvm"), "--set", "0.9,0.2"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "low <= high" in bad.stderr
    # The pipeline: the model's thresholds by default, the configuration's when it sets them.
    with tv.Inspector(shipped) as insp:
        assert (insp.config["detection"]["low"], insp.config["detection"]["high"]) == (0.48, 0.99)
    with tv.Inspector(shipped, config={"detection": {"high": 0.95}}) as insp:
        assert (insp.config["detection"]["low"], insp.config["detection"]["high"]) == (0.48, 0.95)
    with tv.Inspector(tiny) as insp:  # no thresholds in the model: the built-in ones
        assert (insp.config["detection"]["low"], insp.config["detection"]["high"]) == (0.5, 0.9)
