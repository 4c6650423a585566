# Inspection: a frame or a stream of line-scan strips in, defects in millimetres and a verdict out.
# SPDX-License-Identifier: Apache-2.0
"""Inspection (include/tubevision/inspect.h)."""

import collections
import ctypes
import json
import os
import pathlib
import threading
import weakref

from ._core import as_image, check, context, fn, from_library, lib, InvalidArgumentError
from ._nn import Model
from . import _lib

Defect = collections.namedtuple(
    "Defect", "class_name class_id flags x y width height area_px frame score heat_score "
              "class_score length_mm width_mm area_mm2 axial_mm angle_deg cx cy")
Result = collections.namedtuple("Result", "accepted defects reasons json")

_MODELS = pathlib.Path(__file__).resolve().parent.parent.parent / "models"


def _text(ptr):
    try:
        return ctypes.string_at(ptr).decode()
    finally:
        lib.tv_free(ptr)


class Inspector:
    """An inspector: the heatmap model, the classifier (optional) and the configuration (a dict,
    JSON text or a path; docs/inspect-json.md). Shared by threads: inspect() keeps one run state
    per thread. For line-scan streams use begin(), strip() and finish() from one thread."""

    def __init__(self, heatmap=None, classifier=None, config=None, ctx=None):
        ctx = context(ctx)
        self._heat = heatmap if isinstance(heatmap, Model) else Model(
            heatmap or _MODELS / "heatmap.tvm", ctx)
        if classifier is None and heatmap is None and (_MODELS / "neu_classifier.tvm").exists():
            classifier = _MODELS / "neu_classifier.tvm"
        self._cls = classifier if isinstance(classifier, Model) or classifier is None else \
            Model(classifier, ctx)
        if isinstance(config, dict):
            text = json.dumps(config)
        elif isinstance(config, (str, os.PathLike)) and os.path.exists(config):
            text = pathlib.Path(config).read_text()
        else:
            text = config
        h = ctypes.c_void_p()
        check(fn("tv_inspector_create")(ctx._h(), self._heat._handle(),
                                        self._cls._handle() if self._cls else None,
                                        text.encode() if text else None, ctypes.byref(h)), ctx)
        self._h = h
        self._local = threading.local()
        self._runs = []
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, Inspector._free, h, self._runs)
        self.classes = [lib.tv_inspector_class_name(h, i).decode()
                        for i in range(lib.tv_inspector_class_count(h))]

    @staticmethod
    def _free(h, runs):
        for r in runs:
            lib.tv_inspection_destroy(r)
        runs.clear()
        lib.tv_inspector_destroy(h)

    @property
    def config(self):
        """The configuration in effect, defaults filled in, as a dict."""
        ctx = context()
        out = ctypes.c_void_p()
        check(lib.tv_inspector_config_json(ctx._h(), self._handle(), ctypes.byref(out)), ctx)
        return json.loads(_text(out))

    def _handle(self):
        if not self._finalizer.alive:
            raise InvalidArgumentError(2, "the inspector is closed")
        return self._h

    def _run(self, ctx):
        r = getattr(self._local, "run", None)
        if r is None:
            r = ctypes.c_void_p()
            check(lib.tv_inspection_create(ctx._h(), self._handle(), ctypes.byref(r)), ctx)
            with self._lock:
                self._runs.append(r)
            self._local.run = r
        return r

    def _result(self, ctx, res, source=None):
        try:
            defects = []
            for i in range(lib.tv_result_count(res)):
                d = lib.tv_result_defect(res, i).contents
                name = lib.tv_result_class_name(res, d.class_id)
                defects.append(Defect(name.decode() if name else str(d.class_id),
                                      *[getattr(d, f) for f in Defect._fields[1:]]))
            reasons = [lib.tv_result_reason(res, i).decode()
                       for i in range(lib.tv_result_reason_count(res))]
            out = ctypes.c_void_p()
            check(lib.tv_result_json(ctx._h(), res, ctypes.byref(out)), ctx)
            return Result(lib.tv_result_verdict(res) == 0, defects, reasons, json.loads(_text(out)))
        finally:
            lib.tv_result_destroy(res)

    def inspect(self, image, axial_offset_mm=0.0, ctx=None):
        """Inspects one frame (uint8 or uint16); returns Result(accepted, defects, reasons, json)."""
        ctx = context(ctx)
        img = as_image(image)
        res = ctypes.c_void_p()
        check(lib.tv_inspect_frame(ctx._h(), self._run(ctx), img.ref, axial_offset_mm,
                                   ctypes.byref(res)), ctx)
        return self._result(ctx, res)

    def begin(self, axial_offset_mm=0.0, ctx=None):
        """Starts a new surface fed as strips."""
        ctx = context(ctx)
        check(lib.tv_inspect_begin(ctx._h(), self._run(ctx), axial_offset_mm), ctx)

    def strip(self, strip, ctx=None):
        """Feeds the next rows of the surface; returns the defects completed so far."""
        ctx = context(ctx)
        img = as_image(strip)
        res = ctypes.c_void_p()
        check(lib.tv_inspect_strip(ctx._h(), self._run(ctx), img.ref, ctypes.byref(res)), ctx)
        return self._result(ctx, res)

    def finish(self, ctx=None):
        """Ends the surface: the defects still open and the verdict of the whole surface."""
        ctx = context(ctx)
        res = ctypes.c_void_p()
        check(lib.tv_inspect_finish(ctx._h(), self._run(ctx), ctypes.byref(res)), ctx)
        return self._result(ctx, res)

    def overlay(self, image, axial_offset_mm=0.0, ctx=None):
        """Inspects a frame and returns (Result, RGB uint8 overlay with boxes, labels, heat)."""
        ctx = context(ctx)
        run = self._run(ctx)
        check(lib.tv_inspection_set(ctx._h(), run, 1, 1), ctx)  # keep the heatmap
        img = as_image(image)
        res = ctypes.c_void_p()
        check(lib.tv_inspect_frame(ctx._h(), run, img.ref, axial_offset_mm, ctypes.byref(res)),
              ctx)
        out = ctypes.POINTER(_lib.TvImage)()
        st = lib.tv_result_overlay(ctx._h(), res, img.ref, None, ctypes.byref(out))
        if st != 0:
            lib.tv_result_destroy(res)
            check(st, ctx)
        return self._result(ctx, res), from_library(out)

    def close(self):
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
