# The filter catalogue: thin wrappers over include/tubevision/filter.h that take and return
# numpy arrays.
# SPDX-License-Identifier: Apache-2.0
"""Filters. Each takes input arrays and returns a new array, or writes into `out` when given
(out must have a layout the library can write in place). ctx=None uses the thread's context."""

import ctypes

import numpy as np

from ._core import (DTYPES, TYPES, as_image, check, context, fn, lib, new_array,
                    InvalidArgumentError)
from . import _lib

BORDERS = {"replicate": 0, "reflect101": 1, "reflect_101": 1, "constant": 2}
THRESHOLDS = {"binary": 0, "binary_inv": 1, "trunc": 2, "tozero": 3, "tozero_inv": 4}
MORPH = {"erode": 0, "dilate": 1, "open": 2, "close": 3, "tophat": 4, "blackhat": 5}
SHADING = {"column": 0, "row": 1, "gaussian": 2}


def _key(table, value, what):
    if isinstance(value, int):
        return value
    try:
        return table[value.lower()]
    except (KeyError, AttributeError):
        raise InvalidArgumentError(2, "unknown %s %r (%s)" % (what, value, ", ".join(table))) \
            from None


def _out(out, like, dtype=None, channels=None):
    """The destination: `out` described in place, or a new array shaped like `like`."""
    if out is None:
        c = like.struct.channels if channels is None else channels
        out = new_array(like.struct.height, like.struct.width, c,
                        like.array.dtype if dtype is None else np.dtype(dtype))
    return as_image(out, writable=True, name="out")


def _run(name, ctx, *args):
    ctx = context(ctx)
    check(fn(name)(ctx._h(), *args), ctx)


def convert(array, dtype, scale=1.0, offset=0.0, out=None, ctx=None):
    """saturate(round(array * scale + offset)) as dtype (half to even)."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    _run("tv_image_convert", ctx, src.ref, dst.ref, scale, offset)
    return dst.array


def to_grey(array, out=None, ctx=None):
    """RGB(A) to grey with BT.601 weights (OpenCV's fixed point for integer types)."""
    src = as_image(array)
    dst = _out(out, src, channels=1)
    _run("tv_image_to_grey", ctx, src.ref, dst.ref)
    return dst.array


def _binary(name, a, b, out, ctx, *extra):
    ia, ib = as_image(a, name="a"), as_image(b, name="b")
    dst = _out(out, ia)
    _run(name, ctx, ia.ref, ib.ref, dst.ref, *extra)
    return dst.array


def absdiff(a, b, out=None, ctx=None):
    """|a - b| (s16 saturates)."""
    return _binary("tv_absdiff", a, b, out, ctx)


def add(a, b, out=None, ctx=None):
    """saturate(a + b)."""
    return _binary("tv_add", a, b, out, ctx)


def subtract(a, b, out=None, ctx=None):
    """saturate(a - b)."""
    return _binary("tv_subtract", a, b, out, ctx)


def multiply(a, b, scale=1.0, out=None, ctx=None):
    """saturate(round(a * b * scale))."""
    return _binary("tv_multiply", a, b, out, ctx, scale)


def _per_channel(name, array, ctx):
    src = as_image(array)
    x, y = _lib.D4(), _lib.D4()
    _run(name, ctx, src.ref, x, y)
    c = src.struct.channels
    return tuple(x[:c]), tuple(y[:c])


def min_max(array, ctx=None):
    """Per-channel (min, max) tuples."""
    return _per_channel("tv_min_max", array, ctx)


def mean_stddev(array, ctx=None):
    """Per-channel (mean, standard deviation) tuples."""
    return _per_channel("tv_mean_stddev", array, ctx)


def histogram(array, bins=None, ctx=None):
    """Histogram of a 1-channel uint8 (256 bins) or uint16 (bins: power of two, default 65536)."""
    src = as_image(array)
    n = bins or (256 if src.struct.type == 1 else 65536)
    hist = np.zeros(n, dtype=np.uint64)
    _run("tv_histogram", ctx, src.ref, hist.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64)), n)
    return hist


def sep_filter(array, kx, ky, delta=0.0, border="reflect101", border_value=0.0, dtype=None,
               out=None, ctx=None):
    """Separable convolution with float kernels kx (rows) and ky (columns)."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    kx = np.ascontiguousarray(kx, dtype=np.float32)
    ky = np.ascontiguousarray(ky, dtype=np.float32)
    fp = ctypes.POINTER(ctypes.c_float)
    _run("tv_sep_filter", ctx, src.ref, dst.ref, kx.ctypes.data_as(fp), len(kx),
         ky.ctypes.data_as(fp), len(ky), delta, _key(BORDERS, border, "border"), border_value)
    return dst.array


def gaussian(array, sigma, sigma_y=0.0, ksize=0, border="reflect101", border_value=0.0,
             out=None, ctx=None):
    """Gaussian blur (ksize 0: from sigma), as cv::GaussianBlur."""
    src = as_image(array)
    dst = _out(out, src)
    kx, ky = (ksize, ksize) if isinstance(ksize, int) else ksize
    _run("tv_gaussian", ctx, src.ref, dst.ref, sigma, sigma_y, kx, ky,
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def box(array, size, normalize=True, border="reflect101", border_value=0.0, dtype=None,
        out=None, ctx=None):
    """Box (mean) filter; size is an int or (width, height)."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    kw, kh = (size, size) if isinstance(size, int) else size
    _run("tv_box", ctx, src.ref, dst.ref, kw, kh, int(bool(normalize)),
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def sobel(array, dx, dy, ksize=3, scale=1.0, delta=0.0, dtype=np.float32, border="reflect101",
          border_value=0.0, out=None, ctx=None):
    """Sobel derivative to int16 or float32."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    _run("tv_sobel", ctx, src.ref, dst.ref, dx, dy, ksize, scale, delta,
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def scharr(array, dx, dy, scale=1.0, delta=0.0, dtype=np.float32, border="reflect101",
           border_value=0.0, out=None, ctx=None):
    """3x3 Scharr derivative to int16 or float32."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    _run("tv_scharr", ctx, src.ref, dst.ref, dx, dy, scale, delta,
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def laplacian(array, ksize=1, scale=1.0, delta=0.0, dtype=np.float32, border="reflect101",
              border_value=0.0, out=None, ctx=None):
    """Laplacian (ksize 1 or 3) to int16 or float32."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    _run("tv_laplacian", ctx, src.ref, dst.ref, ksize, scale, delta,
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def gradient_magnitude(array, scharr=False, dtype=np.float32, border="reflect101",
                       border_value=0.0, out=None, ctx=None):
    """sqrt(gx^2 + gy^2) of the 3x3 Sobel (or Scharr) derivatives."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    _run("tv_gradient_magnitude", ctx, src.ref, dst.ref, int(bool(scharr)),
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def morphology(array, op, size, border="constant", border_value=float("nan"), out=None,
               ctx=None):
    """erode, dilate, open, close, tophat or blackhat with a rectangle (int or (w, h)); the
    default border is OpenCV's (constant, neutral value)."""
    src = as_image(array)
    dst = _out(out, src)
    kw, kh = (size, size) if isinstance(size, int) else size
    _run("tv_morphology", ctx, src.ref, dst.ref, _key(MORPH, op, "operation"), kw, kh,
         _key(BORDERS, border, "border"), border_value)
    return dst.array


def erode(array, size, **kw):
    return morphology(array, "erode", size, **kw)


def dilate(array, size, **kw):
    return morphology(array, "dilate", size, **kw)


def median(array, ksize, out=None, ctx=None):
    """Median over ksize x ksize (odd), as cv::medianBlur."""
    src = as_image(array)
    dst = _out(out, src)
    _run("tv_median", ctx, src.ref, dst.ref, ksize)
    return dst.array


def threshold(array, thresh, maxval=255, kind="binary", out=None, ctx=None):
    """Fixed threshold, as cv::threshold."""
    src = as_image(array)
    dst = _out(out, src)
    _run("tv_threshold", ctx, src.ref, dst.ref, thresh, maxval, _key(THRESHOLDS, kind, "kind"))
    return dst.array


def threshold_otsu(array, maxval=255, kind="binary", out=None, ctx=None):
    """Otsu's threshold; returns (thresholded array, threshold)."""
    src = as_image(array)
    dst = _out(out, src)
    t = ctypes.c_double()
    _run("tv_threshold_otsu", ctx, src.ref, dst.ref, maxval, _key(THRESHOLDS, kind, "kind"),
         ctypes.byref(t))
    return dst.array, t.value


def adaptive_threshold(array, block, c, maxval=255, kind="binary", out=None, ctx=None):
    """Threshold against the local mean over block x block, minus c."""
    src = as_image(array)
    dst = _out(out, src)
    _run("tv_adaptive_threshold", ctx, src.ref, dst.ref, maxval, _key(THRESHOLDS, kind, "kind"),
         block, c)
    return dst.array


def hysteresis(array, low, high, connectivity=8, out=None, ctx=None):
    """Hysteresis threshold to a uint8 mask (255 kept)."""
    src = as_image(array)
    dst = _out(out, src, np.uint8, 1)
    _run("tv_hysteresis", ctx, src.ref, dst.ref, low, high, connectivity)
    return dst.array


class FlatField:
    """A flat-field calibration from dark and white reference frames; immutable, usable from
    any thread. apply(raw) = (raw - dark) * gain."""

    def __init__(self, dark, white, target=0.0, ctx=None):
        ctx = context(ctx)
        d, w = as_image(dark, name="dark"), as_image(white, name="white")
        h = ctypes.c_void_p()
        check(fn("tv_flatfield_create")(ctx._h(), d.ref, w.ref, target, ctypes.byref(h)), ctx)
        import weakref
        self._h = h
        self._finalizer = weakref.finalize(self, lib.tv_flatfield_destroy, h)

    def apply(self, raw, dtype=None, out=None, ctx=None):
        src = as_image(raw, name="raw")
        dst = _out(out, src, dtype)
        _run("tv_flatfield_apply", ctx, self._h, src.ref, dst.ref)
        return dst.array

    def close(self):
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def shading_correct(array, method="column", param=0.0, target_mean=0.0, dtype=None, out=None,
                    ctx=None):
    """Divides by a background estimated from the image itself (column or row profile, or a
    Gaussian with sigma = param) and scales to target_mean (0 keeps the mean)."""
    src = as_image(array)
    dst = _out(out, src, dtype)
    _run("tv_shading_correct", ctx, src.ref, dst.ref, _key(SHADING, method, "method"), param,
         target_mean)
    return dst.array


def resize_area(array, fx, fy=None, out=None, ctx=None):
    """Area downscale by integer factors."""
    src = as_image(array)
    fy = fx if fy is None else fy
    if out is None:
        if fx < 1 or fy < 1 or src.struct.width < fx or src.struct.height < fy:
            raise InvalidArgumentError(2, "resize_area: factors %dx%d do not fit a %dx%d image"
                                       % (fx, fy, src.struct.width, src.struct.height))
        out = new_array(src.struct.height // fy, src.struct.width // fx, src.struct.channels,
                        src.array.dtype)
    dst = as_image(out, writable=True, name="out")
    _run("tv_resize_area", ctx, src.ref, dst.ref, fx, fy)
    return dst.array


def resize_bilinear(array, size, out=None, ctx=None):
    """Bilinear resize to size = (width, height)."""
    src = as_image(array)
    if out is None:
        if size[0] < 1 or size[1] < 1:
            raise InvalidArgumentError(2, "resize_bilinear: size %r is invalid" % (size,))
        out = new_array(size[1], size[0], src.struct.channels, src.array.dtype)
    dst = as_image(out, writable=True, name="out")
    _run("tv_resize_bilinear", ctx, src.ref, dst.ref)
    return dst.array


def components(mask, intensity=None, connectivity=8, labels=False, capacity=4096, ctx=None):
    """Connected components of a mask: a structured array of records (label, x, y, width,
    height, area, cx, cy, mean), plus the int32 label image when labels=True."""
    ctx = context(ctx)
    m = as_image(mask, name="mask")
    inten = as_image(intensity, name="intensity") if intensity is not None else None
    lab = as_image(new_array(m.struct.height, m.struct.width, 1, np.int32), writable=True) \
        if labels else None
    count = ctypes.c_int32()
    while True:
        stats = (_lib.TvComponent * capacity)()
        st = fn("tv_components")(ctx._h(), m.ref, inten.ref if inten else None, connectivity,
                                 lab.ref if lab else None, stats, capacity, ctypes.byref(count))
        if st == 9 and count.value > capacity:  # TV_ERR_SIZE: more components than room
            capacity = count.value
            continue
        check(st, ctx)
        break
    dt = np.dtype([("label", "i4"), ("x", "i4"), ("y", "i4"), ("width", "i4"), ("height", "i4"),
                   ("reserved", "i4"), ("area", "i8"), ("cx", "f8"), ("cy", "f8"),
                   ("mean", "f8")])
    recs = np.frombuffer(stats, dtype=dt, count=count.value).copy()
    return (recs, lab.array) if labels else recs
