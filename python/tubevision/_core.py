# Errors, contexts and the marshalling of numpy arrays to and from tv_image.
# SPDX-License-Identifier: Apache-2.0
"""Errors, contexts and numpy <-> tv_image marshalling."""

import ctypes
import threading
import weakref

import numpy as np

from . import _lib

lib = _lib.load()


# ---- errors ----------------------------------------------------------------------------------

class TubevisionError(Exception):
    """A tubevision call failed. .status is the tv_status value, .status_name its name (for
    example "TV_ERR_CORRUPT"), .message the context's text ("tv_image_read: PNG: ...")."""

    def __init__(self, status, message):
        self.status = int(status)
        self.status_name = lib.tv_status_str(status).decode()
        self.message = message
        super().__init__("%s: %s" % (self.status_name, message))


class NullArgumentError(TubevisionError, ValueError):
    """TV_ERR_NULL"""


class InvalidArgumentError(TubevisionError, ValueError):
    """TV_ERR_ARG"""


class OutOfMemoryError(TubevisionError, MemoryError):
    """TV_ERR_NOMEM"""


class TooLargeError(TubevisionError, ValueError):
    """TV_ERR_TOO_LARGE"""


class FileError(TubevisionError, OSError):
    """TV_ERR_IO"""


class FormatError(TubevisionError, ValueError):
    """TV_ERR_FORMAT"""


class CorruptDataError(TubevisionError, ValueError):
    """TV_ERR_CORRUPT"""


class UnsupportedError(TubevisionError):
    """TV_ERR_UNSUPPORTED"""


class SizeMismatchError(TubevisionError, ValueError):
    """TV_ERR_SIZE"""


class TypeMismatchError(TubevisionError, TypeError):
    """TV_ERR_TYPE"""


class ThreadError(TubevisionError, RuntimeError):
    """TV_ERR_THREAD"""


class InternalError(TubevisionError, RuntimeError):
    """TV_ERR_INTERNAL"""


_ERRORS = {1: NullArgumentError, 2: InvalidArgumentError, 3: OutOfMemoryError, 4: TooLargeError,
           5: FileError, 6: FormatError, 7: CorruptDataError, 8: UnsupportedError,
           9: SizeMismatchError, 10: TypeMismatchError, 11: ThreadError, 12: InternalError}


def check(status, ctx):
    """Raises the TubevisionError subclass for a failing status, with ctx's message."""
    if status != 0:
        msg = lib.tv_ctx_last_error(ctx.handle if ctx is not None else None) if ctx else b""
        raise _ERRORS.get(status, TubevisionError)(status, (msg or b"").decode(errors="replace"))


def fn(name):
    """The C function `name`, or a clear error if this library build lacks it."""
    try:
        return getattr(lib, name)
    except AttributeError:
        raise UnsupportedError(8, "%s is not in %s" % (name, lib._tv_path)) from None


# ---- contexts --------------------------------------------------------------------------------

ISA_NAMES = ("scalar", "sse4", "avx2", "avx512", "neon")
_OPT_THREADS, _OPT_SIMD_CAP, _OPT_MAX_PIXELS, _OPT_ACTIVE_ISA, _OPT_DETERMINISTIC = 1, 2, 3, 4, 5


class Context:
    """An execution context (tv_ctx): thread count, SIMD cap, pixel limit and the last error.
    Use one per thread; `with Context(threads=2) as ctx:` closes it deterministically. Functions
    take ctx=None to use a context made automatically for the calling thread."""

    def __init__(self, threads=None, simd_cap=None, max_pixels=None, deterministic=None):
        h = ctypes.c_void_p()
        st = lib.tv_ctx_create(ctypes.byref(h))
        if st != 0:
            raise _ERRORS.get(st, TubevisionError)(st, "tv_ctx_create failed")
        self.handle = h
        self._finalizer = weakref.finalize(self, lib.tv_ctx_destroy, h)
        if threads is not None:
            self.threads = threads
        if simd_cap is not None:
            self.simd_cap = simd_cap
        if max_pixels is not None:
            self.max_pixels = max_pixels
        if deterministic is not None:
            self.deterministic = deterministic

    def _get(self, key):
        v = ctypes.c_int64()
        check(lib.tv_ctx_get(self._h(), key, ctypes.byref(v)), self)
        return v.value

    def _set(self, key, value):
        check(lib.tv_ctx_set(self._h(), key, int(value)), self)

    def _h(self):
        if not self._finalizer.alive:
            raise InvalidArgumentError(2, "the context is closed")
        return self.handle

    threads = property(lambda s: s._get(_OPT_THREADS), lambda s, v: s._set(_OPT_THREADS, v),
                       doc="worker threads for operations that split work")
    max_pixels = property(lambda s: s._get(_OPT_MAX_PIXELS),
                          lambda s, v: s._set(_OPT_MAX_PIXELS, v), doc="largest image accepted")
    deterministic = property(lambda s: bool(s._get(_OPT_DETERMINISTIC)),
                             lambda s, v: s._set(_OPT_DETERMINISTIC, bool(v)))

    @property
    def simd_cap(self):
        """Highest SIMD level kernels may use, as a name ("avx2")."""
        return ISA_NAMES[self._get(_OPT_SIMD_CAP)]

    @simd_cap.setter
    def simd_cap(self, value):
        if isinstance(value, str):
            if value not in ISA_NAMES:
                raise InvalidArgumentError(2, "unknown SIMD level %r (%s)" % (value, ", ".join(ISA_NAMES)))
            value = ISA_NAMES.index(value)
        self._set(_OPT_SIMD_CAP, value)

    @property
    def active_isa(self):
        """The SIMD level in use (the lowest of the cap, the CPU's and TV_CPU)."""
        return ISA_NAMES[self._get(_OPT_ACTIVE_ISA)]

    @property
    def last_error(self):
        return lib.tv_ctx_last_error(self._h()).decode(errors="replace")

    def close(self):
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_local = threading.local()


def context(ctx=None):
    """ctx itself, or the calling thread's automatic context."""
    if ctx is not None:
        return ctx
    c = getattr(_local, "ctx", None)
    if c is None:
        c = _local.ctx = Context()
    return c


# ---- images ----------------------------------------------------------------------------------

TV_U8, TV_U16, TV_F32, TV_S16, TV_S32 = 1, 2, 3, 4, 5
DTYPES = {TV_U8: np.uint8, TV_U16: np.uint16, TV_F32: np.float32, TV_S16: np.int16,
          TV_S32: np.int32}
TYPES = {np.dtype(v): k for k, v in DTYPES.items()}


class Image:
    """A tv_image describing a numpy array's memory. Holds the array so it stays alive while C
    uses it. `copied` says whether a copy had to be made (see as_image)."""

    __slots__ = ("array", "struct", "copied")

    def __init__(self, array, struct, copied):
        self.array, self.struct, self.copied = array, struct, copied

    @property
    def ref(self):
        return ctypes.byref(self.struct)


def _layout_ok(a):
    """Whether tv_image can describe a without a copy: native byte order, rows at any positive
    stride, samples within a row contiguous."""
    if not a.dtype.isnative or a.ndim not in (2, 3) or a.size == 0:
        return False
    c = a.shape[2] if a.ndim == 3 else 1
    item = a.itemsize
    if a.ndim == 3 and a.strides[2] != item:
        return False
    if a.strides[1] != c * item:
        return False
    return a.strides[0] >= a.shape[1] * c * item and a.strides[0] % item == 0 or a.shape[0] == 1


def as_image(array, writable=False, name="image"):
    """Describes a numpy array as a tv_image, without copying whenever the layout allows (any row
    stride; samples in a row contiguous; native byte order). Otherwise inputs are copied (and
    bool -> uint8, float64 -> float32); outputs (writable=True) must not need a copy."""
    a = array if isinstance(array, np.ndarray) else np.asarray(array)
    copied = False
    if a.dtype == np.bool_:
        a, copied = a.astype(np.uint8), True
    elif a.dtype == np.float64:
        a, copied = a.astype(np.float32), True
    if a.dtype not in TYPES and a.dtype.newbyteorder("=") in TYPES:
        a, copied = a.astype(a.dtype.newbyteorder("=")), True
    if a.dtype not in TYPES:
        raise TypeMismatchError(10, "%s has dtype %s; uint8, uint16, int16, int32 or float32 "
                                    "expected" % (name, a.dtype))
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (1, 3, 4)):
        raise SizeMismatchError(9, "%s has shape %s; (height, width) or (height, width, 1|3|4) "
                                   "expected" % (name, a.shape))
    if a.size == 0:
        raise InvalidArgumentError(2, "%s is empty" % name)
    if not _layout_ok(a):
        if writable:
            raise InvalidArgumentError(2, "%s's memory layout (strides %s) cannot be written in "
                                          "place" % (name, a.strides))
        a, copied = np.ascontiguousarray(a), True
    if writable and not a.flags.writeable:
        raise InvalidArgumentError(2, "%s is read-only" % name)
    s = _lib.TvImage()
    s.data = a.ctypes.data
    s.stride = a.strides[0] if a.shape[0] > 1 else a.shape[1] * (a.shape[2] if a.ndim == 3 else 1) * a.itemsize
    s.height, s.width = a.shape[0], a.shape[1]
    s.channels = a.shape[2] if a.ndim == 3 else 1
    s.type = TYPES[a.dtype]
    s.priv = None
    return Image(a, s, copied)


def new_array(height, width, channels, dtype):
    shape = (height, width) if channels == 1 else (height, width, channels)
    return np.empty(shape, dtype=dtype)


def from_library(ptr):
    """A numpy array over an image the library made (a POINTER(TvImage)), without copying; the
    image is destroyed when the array (and every view of it) is gone."""
    img = ptr.contents
    dtype = np.dtype(DTYPES[img.type])
    nbytes = img.stride * (img.height - 1) + img.width * img.channels * dtype.itemsize
    buf = (ctypes.c_uint8 * nbytes).from_address(img.data)
    buf._tv_owner = weakref.finalize(buf, lib.tv_image_destroy, ptr)
    shape = (img.height, img.width) + ((img.channels,) if img.channels != 1 else ())
    strides = (img.stride, img.channels * dtype.itemsize) + ((dtype.itemsize,) if img.channels != 1 else ())
    return np.ndarray(shape, dtype=dtype, buffer=buf, offset=0, strides=strides)
