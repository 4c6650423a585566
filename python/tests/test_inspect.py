# Tests of Inspector: frames, strips, overlays, threads and errors, with the small real test
# models in tests/data (made by tests/data/make_test_models.py).
# SPDX-License-Identifier: Apache-2.0
import threading

import numpy as np
import pytest

import tubevision as tv
from conftest import ROOT, SAMPLE

HEAT = ROOT / "tests" / "data" / "insp_heat.tvm"
CLS = ROOT / "tests" / "data" / "insp_cls.tvm"
# The built-in detection thresholds belong to the shipped model; the test model's are 0.3 / 0.6.
TEST_DETECTION = {"detection": {"low": 0.3, "high": 0.6}}


@pytest.fixture(scope="module")
def inspector():
    with tv.Inspector(HEAT, CLS, config=TEST_DETECTION) as ins:
        yield ins


def test_frame_finds_the_sample_defects(inspector):
    img = tv.read(SAMPLE)
    r = inspector.inspect(img, axial_offset_mm=1000.0)
    assert len(r.defects) >= 3  # the sample has a scratch, a pit and an inclusion
    assert r.json["schema"].startswith("tubevision-inspect/")
    assert len(r.json["defects"]) == len(r.defects)
    for d in r.defects:
        assert d.class_name in inspector.classes
        assert 0 <= d.angle_deg < 360 and d.axial_mm >= 1000.0
        assert d.length_mm > 0 and d.width_mm > 0 and d.area_px > 0
    assert r.accepted == (not r.reasons)
    scratch = max(r.defects, key=lambda d: d.height)  # the long diagonal line
    assert scratch.height > 150


def test_strips_give_the_frame_result(inspector):
    img = tv.read(SAMPLE)
    whole = inspector.inspect(img)
    inspector.begin()
    found = []
    for y in range(0, img.shape[0], 96):
        found += inspector.strip(img[y:y + 96]).defects
    last = inspector.finish()
    found += last.defects
    key = lambda d: (d.x, d.y, d.width, d.height)
    assert sorted(map(key, found)) == sorted(map(key, whole.defects))
    assert last.accepted == whole.accepted


def test_overlay_and_threads(inspector):
    img = tv.read(SAMPLE)
    r, ov = inspector.overlay(img)
    assert ov.shape == img.shape + (3,) and ov.dtype == np.uint8
    def strip_frame(defects):  # each thread's run state counts its own frames
        return [d._replace(frame=0) for d in defects]

    with tv.Context(threads=1, deterministic=True) as ctx:
        ref = strip_frame(inspector.inspect(img, ctx=ctx).defects)
    got = []

    def work():
        with tv.Context(threads=1, deterministic=True) as ctx:
            got.append(strip_frame(inspector.inspect(img, ctx=ctx).defects))

    ts = [threading.Thread(target=work) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(g == ref for g in got)


def test_errors(inspector):
    with pytest.raises(tv.InvalidArgumentError) as e:
        tv.Inspector(CLS, CLS)  # a classifier is no heatmap model
    assert "wrong kind" in e.value.message
    with pytest.raises(tv.InvalidArgumentError):
        tv.Inspector(HEAT, CLS, config={"rules": {"no-such-class": {"max_length_mm": 1}}})
    with pytest.raises(tv.InvalidArgumentError):
        tv.Inspector(HEAT, CLS, config={"geometry": {"mm_per_px_axial": -1}})
    with pytest.raises(tv.FormatError):
        tv.Inspector(HEAT, CLS, config="{not json")
    with pytest.raises(tv.SizeMismatchError):
        inspector.inspect(np.zeros((8, 8), np.uint8))
    with pytest.raises(tv.TypeMismatchError):
        inspector.inspect(np.zeros((600, 600), np.float32))
