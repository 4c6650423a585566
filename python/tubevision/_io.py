# Image files and buffers: read, write, decode, encode, header information.
# SPDX-License-Identifier: Apache-2.0
"""Image I/O: PNG, JPEG, PGM/PPM and BMP."""

import collections
import ctypes
import os

from ._core import (as_image, check, context, from_library, lib, InvalidArgumentError)
from . import _lib

FORMATS = {"png": 1, "jpeg": 2, "jpg": 2, "pnm": 3, "pgm": 3, "ppm": 3, "bmp": 4}
ImageInfo = collections.namedtuple("ImageInfo", "width height channels dtype format bit_depth")


def _format(fmt):
    if fmt is None:
        return 0
    try:
        return FORMATS[fmt.lower().lstrip(".")]
    except KeyError:
        raise InvalidArgumentError(2, "unknown format %r (png, jpeg, pnm, bmp)" % fmt) from None


def read(path, ctx=None):
    """Reads an image file (format from its content) into a new ndarray of shape (h, w) or
    (h, w, c), uint8 or uint16. The array uses the library's memory directly (no copy)."""
    ctx = context(ctx)
    out = ctypes.POINTER(_lib.TvImage)()
    check(lib.tv_image_read(ctx._h(), os.fsencode(path), ctypes.byref(out)), ctx)
    return from_library(out)


def decode(data, ctx=None):
    """Decodes an image held in bytes (or any buffer) into a new ndarray."""
    ctx = context(ctx)
    buf = memoryview(data).cast("B")
    cbuf = (ctypes.c_uint8 * len(buf)).from_buffer_copy(buf) if buf.readonly else \
        (ctypes.c_uint8 * len(buf)).from_buffer(buf)
    out = ctypes.POINTER(_lib.TvImage)()
    check(lib.tv_image_decode(ctx._h(), cbuf, len(buf), ctypes.byref(out)), ctx)
    return from_library(out)


def _info(s):
    from ._core import DTYPES
    names = {1: "png", 2: "jpeg", 3: "pnm", 4: "bmp"}
    return ImageInfo(s.width, s.height, s.channels, DTYPES[s.type], names.get(s.format, "unknown"),
                     s.bit_depth)


def read_info(path, ctx=None):
    """Reads only a file's header: ImageInfo(width, height, channels, dtype, format, bit_depth)."""
    ctx = context(ctx)
    info = _lib.TvImageInfo()
    check(lib.tv_image_read_info(ctx._h(), os.fsencode(path), ctypes.byref(info)), ctx)
    return _info(info)


def probe(data, ctx=None):
    """The header of an image held in bytes, as ImageInfo."""
    ctx = context(ctx)
    buf = bytes(data)
    info = _lib.TvImageInfo()
    check(lib.tv_image_probe(ctx._h(), buf, len(buf), ctypes.byref(info)), ctx)
    return _info(info)


def encode(array, format="png", quality=0, ctx=None):
    """Encodes an array as PNG, JPEG or PNM; returns bytes. quality: JPEG 1..100, PNG zlib level
    1..9, 0 = default."""
    ctx = context(ctx)
    img = as_image(array)
    data, size = ctypes.c_void_p(), ctypes.c_size_t()
    check(lib.tv_image_encode(ctx._h(), img.ref, _format(format), quality, ctypes.byref(data),
                              ctypes.byref(size)), ctx)
    try:
        return ctypes.string_at(data, size.value)
    finally:
        lib.tv_free(data)


def write(path, array, quality=0, format=None, ctx=None):
    """Writes an array to a file; the format comes from the extension unless given. An existing
    file is replaced only by a complete new one."""
    ctx = context(ctx)
    img = as_image(array)
    check(lib.tv_image_write(ctx._h(), img.ref, os.fsencode(path), _format(format), quality), ctx)
