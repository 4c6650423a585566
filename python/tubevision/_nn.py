# CNN models: load a .tvm file once, run it from any thread on arrays of images or tensors.
# SPDX-License-Identifier: Apache-2.0
"""Models (include/tubevision/nn.h)."""

import ctypes
import os
import threading
import weakref

import numpy as np

from ._core import as_image, check, context, fn, lib, InvalidArgumentError
from . import _lib

_KEYS = {"format_version": 1, "input_channels": 2, "input_height": 3, "input_width": 4,
         "output_kind": 5, "classes": 6, "heatmap_stride": 7, "operators": 8, "parameters": 9,
         "flops": 10}


class Model:
    """A loaded model (tv_model): immutable and shared by threads. run() keeps one session (the
    activation memory) per thread, so steady-state runs allocate nothing in C."""

    def __init__(self, path, ctx=None):
        ctx = context(ctx)
        h = ctypes.c_void_p()
        if isinstance(path, (bytes, bytearray, memoryview)):
            buf = bytes(path)
            check(fn("tv_model_load_memory")(ctx._h(), buf, len(buf), ctypes.byref(h)), ctx)
        else:
            check(fn("tv_model_load")(ctx._h(), os.fsencode(path), ctypes.byref(h)), ctx)
        self._h = h
        self._local = threading.local()
        self._sessions = []  # every session made, destroyed before the model
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, Model._free, h, self._sessions)
        self.name = (lib.tv_model_name(h) or b"").decode()
        self.kind = {1: "scores", 2: "heatmap"}.get(self.get("output_kind"), "unknown")
        self.classes = [lib.tv_model_class_name(h, i).decode() for i in range(self.get("classes"))]
        self.input_channels = self.get("input_channels")
        self.input_size = (self.get("input_width"), self.get("input_height"))
        self.heatmap_stride = self.get("heatmap_stride")

    @staticmethod
    def _free(h, sessions):
        for s in sessions:
            lib.tv_session_destroy(s)
        sessions.clear()
        lib.tv_model_free(h)

    def get(self, key, ctx=None):
        """An integer fact by name: format_version, input_channels, input_height, input_width,
        output_kind, classes, heatmap_stride, operators, parameters, flops."""
        ctx = context(ctx)
        v = ctypes.c_int64()
        check(lib.tv_model_get(ctx._h(), self._handle(), _KEYS[key], ctypes.byref(v)), ctx)
        return v.value

    @property
    def normalization(self):
        """(mean, std) per channel applied to pixels scaled to [0, 1]."""
        ctx = context()
        m, s = _lib.F4(), _lib.F4()
        check(lib.tv_model_normalization(ctx._h(), self._handle(), m, s), ctx)
        c = self.input_channels
        return tuple(m[:c]), tuple(s[:c])

    @property
    def detection_thresholds(self):
        """(low, high) hysteresis thresholds the model's authors recommend for its heatmap
        (format version 2), or None when the model carries none."""
        lo, hi = ctypes.c_float(), ctypes.c_float()
        if not lib.tv_model_detection_thresholds(self._handle(), ctypes.byref(lo), ctypes.byref(hi)):
            return None
        return (lo.value, hi.value)

    def _handle(self):
        if not self._finalizer.alive:
            raise InvalidArgumentError(2, "the model is closed")
        return self._h

    def _session(self, ctx):
        s = getattr(self._local, "session", None)
        if s is None:
            s = ctypes.c_void_p()
            check(lib.tv_session_create(ctx._h(), self._handle(), ctypes.byref(s)), ctx)
            with self._lock:
                self._sessions.append(s)
            self._local.session = s
        return s

    def _output(self, ctx, session, n, h, w):
        shape = (ctypes.c_int64 * 4)()
        check(lib.tv_session_output_shape(ctx._h(), session, n, h, w, shape), ctx)
        return np.empty(tuple(shape), np.float32)

    def run(self, images, ctx=None):
        """Runs the model on one image (an (h, w) or (h, w, c) array of uint8, uint16 or float32)
        or a list of images of one size, normalised as the model says. Returns the output as an
        (N, classes) array for scores, (N, classes, H, W) for heatmaps; a single image gives N=1."""
        ctx = context(ctx)
        if isinstance(images, np.ndarray) and images.ndim in (2, 3):
            images = [images]
        imgs = [as_image(a, name="images[%d]" % i) for i, a in enumerate(images)]
        if not imgs:
            raise InvalidArgumentError(2, "no images")
        s = self._session(ctx)
        first = imgs[0].struct
        out = self._output(ctx, s, len(imgs), first.height, first.width)
        arr = (ctypes.POINTER(_lib.TvImage) * len(imgs))(*[ctypes.pointer(i.struct) for i in imgs])
        check(lib.tv_session_run_images(ctx._h(), s, arr, len(imgs),
                                        out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                                        out.size), ctx)
        return out.reshape(out.shape[:2]) if self.kind == "scores" else out

    def run_tensor(self, x, ctx=None):
        """Runs the model on an (N, C, H, W) float32 tensor that is already normalised."""
        ctx = context(ctx)
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim != 4:
            raise InvalidArgumentError(2, "run_tensor takes an (N, C, H, W) array, got shape %s"
                                       % (x.shape,))
        s = self._session(ctx)
        out = self._output(ctx, s, x.shape[0], x.shape[2], x.shape[3])
        fp = ctypes.POINTER(ctypes.c_float)
        check(lib.tv_session_run(ctx._h(), s, x.ctypes.data_as(fp), x.shape[0], x.shape[2],
                                 x.shape[3], out.ctypes.data_as(fp), out.size), ctx)
        return out.reshape(out.shape[:2]) if self.kind == "scores" else out

    def close(self):
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
