# Tests of the filter wrappers: each against a numpy definition, plus their error paths.
# SPDX-License-Identifier: Apache-2.0
import numpy as np
import pytest

import tubevision as tv

rng = np.random.default_rng(7)
U8 = rng.integers(0, 256, (61, 83), dtype=np.uint8)
U16 = rng.integers(0, 65536, (61, 83), dtype=np.uint16)


def pad(a, r, mode="edge"):
    return np.pad(a, r, mode=mode)


def test_arithmetic():
    a, b = U8, np.roll(U8, 3, axis=1)
    ai, bi = a.astype(int), b.astype(int)
    assert np.array_equal(tv.absdiff(a, b), np.abs(ai - bi))
    assert np.array_equal(tv.add(a, b), np.clip(ai + bi, 0, 255))
    assert np.array_equal(tv.subtract(a, b), np.clip(ai - bi, 0, 255))
    assert np.array_equal(tv.multiply(a, b, 1 / 255), np.clip(np.rint(ai * bi / 255.0), 0, 255))
    out = np.empty_like(a)
    assert tv.absdiff(a, b, out=out) is out
    with pytest.raises(tv.SizeMismatchError):
        tv.add(a, b[:, :10])
    with pytest.raises(tv.TypeMismatchError):
        tv.add(a, U16)


def test_statistics():
    rgb = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    mn, mx = tv.min_max(rgb)
    assert mn == tuple(float(v) for v in rgb.reshape(-1, 3).min(0))
    assert mx == tuple(float(v) for v in rgb.reshape(-1, 3).max(0))
    mean, std = tv.mean_stddev(U16)
    assert mean[0] == pytest.approx(U16.mean(), rel=1e-12)
    assert std[0] == pytest.approx(U16.std(), rel=1e-9)
    assert np.array_equal(tv.histogram(U8), np.bincount(U8.ravel(), minlength=256))
    assert np.array_equal(tv.histogram(U16, bins=256), np.bincount(U16.ravel() >> 8, minlength=256))
    with pytest.raises(tv.InvalidArgumentError):
        tv.histogram(U16, bins=300)


def test_box_and_separable():
    got = tv.box(U8, 5, border="replicate", dtype=np.float32)
    p = pad(U8.astype(np.float64), 2)
    want = sum(p[dy:dy + 61, dx:dx + 83] for dy in range(5) for dx in range(5)) / 25
    assert np.allclose(got, want, atol=1e-3)
    k = np.array([1, 2, 1], np.float32) / 4
    got = tv.sep_filter(U8, k, k, border="replicate", dtype=np.float32)
    p = pad(U8.astype(np.float64), 1)
    want = sum(k[dy] * k[dx] * p[dy:dy + 61, dx:dx + 83] for dy in range(3) for dx in range(3))
    assert np.allclose(got, want, atol=1e-3)
    g = tv.gaussian(U16, 2.0)
    assert g.dtype == np.uint16 and abs(float(g.mean()) - float(U16.mean())) < 200
    assert g.std() < U16.std() / 3  # smoothed noise
    with pytest.raises(tv.InvalidArgumentError) as e:
        tv.gaussian(U8, 1.0, ksize=4)
    assert "tv_gaussian" in e.value.message
    with pytest.raises(tv.InvalidArgumentError):
        tv.box(U8, 3, border="wrap")


def test_derivatives():
    f = U8.astype(np.float64)
    p = pad(f, 1, "reflect")  # OpenCV's REFLECT101 is numpy's "reflect"
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    assert np.array_equal(tv.sobel(U8, 1, 0), gx.astype(np.float32))
    assert np.array_equal(tv.sobel(U8, 1, 0, dtype=np.int16), gx.astype(np.int16))
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * p[1:-1, 1:-1]
    assert np.array_equal(tv.laplacian(U8), lap.astype(np.float32))
    sch = tv.scharr(U8, 0, 1)
    assert sch.shape == U8.shape and sch.dtype == np.float32
    gy = tv.sobel(U8, 0, 1)
    mag = tv.gradient_magnitude(U8)
    assert np.allclose(mag, np.hypot(gx, gy), rtol=1e-6)
    with pytest.raises(tv.InvalidArgumentError):
        tv.sobel(U8, 0, 0)


def test_morphology_and_median():
    p = pad(U8, 1)
    win = np.stack([p[dy:dy + 61, dx:dx + 83] for dy in range(3) for dx in range(3)])
    assert np.array_equal(tv.erode(U8, 3, border="replicate"), win.min(0))
    assert np.array_equal(tv.dilate(U8, 3, border="replicate"), win.max(0))
    assert np.array_equal(tv.median(U8, 3), np.median(win, axis=0).astype(np.uint8))
    opened = tv.morphology(U8, "open", (5, 3))
    assert np.array_equal(tv.morphology(U8, "tophat", (5, 3)), U8 - opened)
    with pytest.raises(tv.InvalidArgumentError):
        tv.morphology(U8, "skeleton", 3)
    with pytest.raises(tv.InvalidArgumentError):
        tv.median(U8, 4)


def test_thresholds_and_components():
    assert np.array_equal(tv.threshold(U8, 100), np.where(U8 > 100, 255, 0))
    assert np.array_equal(tv.threshold(U16, 30000.7, 1000, "tozero_inv"),
                          np.where(U16 > 30000, 0, U16))
    bimodal = np.where(rng.random((40, 40)) < 0.5, 60, 190).astype(np.uint8)
    out, t = tv.threshold_otsu(bimodal)
    assert 60 <= t < 190 and np.array_equal(out, np.where(bimodal > t, 255, 0))
    ad = tv.adaptive_threshold(U8, 15, 5)
    assert set(np.unique(ad)) <= {0, 255}
    mask = np.zeros((50, 60), np.uint8)
    mask[5:10, 5:20] = 1
    mask[30:45, 40:42] = 1
    mask[30, 10] = 1
    stats, labels = tv.components(mask, intensity=mask * 7, labels=True)
    assert len(stats) == 3
    assert sorted(stats["area"].tolist()) == [1, 30, 75]
    first = stats[stats["area"] == 75][0]
    assert (first["x"], first["y"], first["width"], first["height"]) == (5, 5, 15, 5)
    assert first["mean"] == pytest.approx(7.0)
    assert labels.dtype == np.int32 and labels.max() == 3 and (labels[mask == 0] == 0).all()
    many = (np.indices((200, 200)).sum(0) % 2 == 0).astype(np.uint8)  # 20000 isolated pixels
    assert len(tv.components(many, connectivity=4, capacity=16)) == 20000  # grows as needed
    h = tv.hysteresis(U16.astype(np.float32), 40000, 60000)
    assert h.dtype == np.uint8 and set(np.unique(h)) <= {0, 255}
    assert (h[U16 > 60000] == 255).all() and (h[U16 <= 40000] == 0).all()


def test_flatfield_shading_resize():
    dark = np.full((40, 50), 100, np.uint16)
    white = np.full((40, 50), 1100, np.uint16)
    white[:, 25:] = 2100  # the right half is twice as sensitive
    raw = np.full((40, 50), 600, np.uint16)
    raw[:, 25:] = 1100
    with tv.FlatField(dark, white, target=1000) as ff:
        flat = ff.apply(raw)
    assert np.array_equal(flat, np.full((40, 50), 500, np.uint16))
    x = np.linspace(0.5, 1.0, 64)
    shaded = (np.outer(np.ones(32), x) * 20000).astype(np.uint16)
    corrected = tv.shading_correct(shaded, "column", target_mean=10000)
    assert abs(int(corrected.min()) - 10000) <= 1 and abs(int(corrected.max()) - 10000) <= 1
    small = tv.resize_area(U8[:60, :80], 2)
    want = np.floor(U8[:60, :80].reshape(30, 2, 40, 2).astype(int).sum((1, 3)) / 4 + 0.5)
    assert np.array_equal(small, want)
    big = tv.resize_bilinear(U8, (166, 122))
    assert big.shape == (122, 166)
    with pytest.raises(tv.InvalidArgumentError):
        tv.resize_area(U8, 0)
    with pytest.raises(tv.SizeMismatchError):
        tv.FlatField(dark, white[:10])
