# Tests of array marshalling (zero copy, copies, refusals) and the core conversions.
# SPDX-License-Identifier: Apache-2.0
import numpy as np
import pytest

import tubevision as tv


def test_zero_copy_layouts():
    a = np.zeros((30, 40, 3), np.uint8)
    for arr in (a, a[5:20, 3:30], a[::2], np.zeros((30, 40), np.float32)[2:, 1:]):
        img = tv.as_image(arr)
        assert img.copied is False
        assert img.struct.data == arr.ctypes.data
        assert img.struct.stride == arr.strides[0]


def test_copies_when_unavoidable():
    a = np.zeros((30, 40), np.uint8)
    assert tv.as_image(a[:, ::2]).copied  # samples not contiguous
    assert tv.as_image(a.T).copied
    assert tv.as_image(np.zeros((5, 5), np.float64)).struct.type == 3  # float64 -> float32 copy
    assert tv.as_image(np.zeros((5, 5), bool)).copied
    assert tv.as_image(np.zeros((5, 5), ">u2")).copied  # byte order
    with pytest.raises(tv.InvalidArgumentError):
        tv.as_image(a[:, ::2], writable=True)
    ro = np.zeros((5, 5), np.uint8)
    ro.setflags(write=False)
    with pytest.raises(tv.InvalidArgumentError):
        tv.as_image(ro, writable=True)
    with pytest.raises(tv.TypeMismatchError):
        tv.as_image(np.zeros((5, 5), np.int64))
    with pytest.raises(tv.SizeMismatchError):
        tv.as_image(np.zeros((5, 5, 2), np.uint8))
    with pytest.raises(tv.InvalidArgumentError):
        tv.as_image(np.zeros((0, 5), np.uint8))


def test_convert_and_grey():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 65535, (33, 47), dtype=np.uint16, endpoint=True)
    b = tv.convert(a, np.uint8, 1 / 257)
    assert np.array_equal(b, np.clip(np.rint(a / 257.0), 0, 255).astype(np.uint8))
    f = tv.convert(a, np.float32, 2.0, -1.0)
    assert np.allclose(f, a * 2.0 - 1.0)
    rgb = rng.integers(0, 255, (20, 30, 3), dtype=np.uint8, endpoint=True)
    g = tv.to_grey(rgb)
    r, g_, b = (rgb[..., i].astype(np.int64) for i in range(3))
    want = (r * 9798 + g_ * 19235 + b * 3735 + 16384) >> 15
    assert g.shape == (20, 30) and np.array_equal(g, want)
    out = np.empty((20, 30), np.uint8)
    assert tv.to_grey(rgb, out=out) is out
    with pytest.raises(tv.SizeMismatchError):
        tv.convert(a, np.uint8, out=np.empty((5, 5), np.uint8))
