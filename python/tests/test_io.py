# Tests of image reading, writing, encoding and their errors.
# SPDX-License-Identifier: Apache-2.0
import gc

import numpy as np
import pytest

import tubevision as tv
from conftest import SAMPLE


def test_read_is_zero_copy_and_outlives_gc():
    a = tv.read(SAMPLE)
    assert a.shape == (400, 640) and a.dtype == np.uint16
    assert not a.flags.owndata  # the library's memory, not a copy
    view = a[100:110, 200:300]
    del a
    gc.collect()
    assert view.max() > 0  # the image stays alive while a view uses it


@pytest.mark.parametrize("ext,dtype,channels", [
    ("png", np.uint8, 1), ("png", np.uint16, 1), ("png", np.uint8, 3), ("png", np.uint16, 4),
    ("pgm", np.uint16, 1), ("ppm", np.uint8, 3)])
def test_lossless_round_trip(tmp_path, ext, dtype, channels):
    rng = np.random.default_rng(1)
    shape = (37, 51) if channels == 1 else (37, 51, channels)
    a = rng.integers(0, np.iinfo(dtype).max, shape, dtype=dtype, endpoint=True)
    p = tmp_path / ("x." + ext)
    tv.write(p, a)
    b = tv.read(p)
    assert b.dtype == dtype and b.shape == a.shape
    assert np.array_equal(a, b)
    assert tv.read_info(p) == tv.ImageInfo(51, 37, channels, dtype, "png" if ext == "png" else "pnm",
                                           16 if dtype == np.uint16 else 8)


def test_strided_input_is_written_without_copy(tmp_path):
    big = np.arange(100 * 120, dtype=np.uint16).reshape(100, 120)
    roi = big[10:60, 20:90]  # rows at a stride of 240 bytes
    assert tv.as_image(roi).copied is False
    tv.write(tmp_path / "roi.png", roi)
    assert np.array_equal(tv.read(tmp_path / "roi.png"), roi)


def test_jpeg_and_memory_codecs():
    y, x = np.mgrid[0:64, 0:80]
    a = np.stack([100 + x, 80 + y, 120 + (x + y) // 2], axis=2).astype(np.uint8)  # smooth
    data = tv.encode(a, "jpeg", quality=95)
    assert data[:3] == b"\xff\xd8\xff"
    b = tv.decode(data)
    assert b.shape == a.shape and np.abs(b.astype(int) - a).max() <= 4
    assert tv.probe(data).format == "jpeg"
    png = tv.encode(a, "png")
    assert np.array_equal(tv.decode(bytearray(png)), a)


def test_errors(tmp_path):
    with pytest.raises(tv.FileError) as e:
        tv.read(tmp_path / "missing.png")
    assert "No such file" in e.value.message
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"definitely not an image, just text")
    with pytest.raises(tv.FormatError) as e:
        tv.read(bad)
    assert "unknown format" in e.value.message
    data = tv.encode(np.zeros((50, 50), np.uint8))
    with pytest.raises(tv.CorruptDataError) as e:
        tv.decode(data[:40])
    assert e.value.status_name == "TV_ERR_CORRUPT"
    with tv.Context(max_pixels=100) as ctx:
        with pytest.raises(tv.TooLargeError):
            tv.decode(data, ctx=ctx)
    with pytest.raises(tv.TypeMismatchError):
        tv.encode(np.zeros((4, 4), np.float32), "png")
    with pytest.raises(tv.FormatError):
        tv.write(tmp_path / "x.tiff", np.zeros((4, 4), np.uint8))
    with pytest.raises(tv.InvalidArgumentError):
        tv.encode(np.zeros((4, 4), np.uint8), "gif")
    keep = tmp_path / "keep.jpg"
    keep.write_bytes(b"keep")
    with pytest.raises(tv.TypeMismatchError):
        tv.write(keep, np.zeros((4, 4), np.uint16))  # JPEG holds 8 bits only
    assert keep.read_bytes() == b"keep"  # a failed write leaves the file alone
