# Loads libtubevision with ctypes and declares the argument and result types of every C function
# the binding calls.
# SPDX-License-Identifier: Apache-2.0
"""Low-level access to libtubevision: the loaded library and its ctypes prototypes."""

import ctypes
import ctypes.util
import os
import pathlib

#: The major version of the C library this binding was written for.
ABI_MAJOR = 0

c_int32, c_int64, c_double, c_float = ctypes.c_int32, ctypes.c_int64, ctypes.c_double, ctypes.c_float
c_void_p, c_char_p, c_size_t = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
POINTER = ctypes.POINTER


class TvImage(ctypes.Structure):
    """struct tv_image (include/tubevision/image.h)."""

    _fields_ = [
        ("data", c_void_p),
        ("stride", c_int64),
        ("width", c_int32),
        ("height", c_int32),
        ("channels", c_int32),
        ("type", c_int32),
        ("priv", c_void_p),
    ]


class TvImageInfo(ctypes.Structure):
    """struct tv_image_info (include/tubevision/io.h)."""

    _fields_ = [(n, c_int32) for n in ("width", "height", "channels", "type", "format", "bit_depth")]


class TvComponent(ctypes.Structure):
    """struct tv_component (include/tubevision/filter.h)."""

    _fields_ = [
        ("label", c_int32),
        ("x", c_int32),
        ("y", c_int32),
        ("width", c_int32),
        ("height", c_int32),
        ("reserved", c_int32),
        ("area", c_int64),
        ("cx", c_double),
        ("cy", c_double),
        ("mean", c_double),
    ]


class TvDefect(ctypes.Structure):
    """struct tv_defect (include/tubevision/inspect.h)."""

    _fields_ = [(n, c_int32) for n in ("class_id", "flags", "x", "y", "width", "height")] + \
        [("area_px", c_int64), ("frame", c_int64)] + \
        [(n, ctypes.c_double) for n in ("score", "heat_score", "class_score", "length_mm",
                                        "width_mm", "area_mm2", "axial_mm", "angle_deg", "cx",
                                        "cy", "reserved0", "reserved1")]


IMG = POINTER(TvImage)
CTX = c_void_p
ST = c_int32  # tv_status
D4 = c_double * 4
F4 = c_float * 4

#: name -> (restype, argtypes). Every function the binding calls is declared here.
PROTOTYPES = {
    # core
    "tv_status_str": (c_char_p, [ST]),
    "tv_version_number": (c_int32, []),
    "tv_version_string": (c_char_p, []),
    "tv_isa_name": (c_char_p, [c_int32]),
    "tv_cpu_isa": (c_int32, []),
    "tv_ctx_create": (ST, [POINTER(CTX)]),
    "tv_ctx_destroy": (None, [CTX]),
    "tv_ctx_set": (ST, [CTX, c_int32, c_int64]),
    "tv_ctx_get": (ST, [CTX, c_int32, POINTER(c_int64)]),
    "tv_ctx_last_error": (c_char_p, [CTX]),
    "tv_ctx_last_status": (ST, [CTX]),
    "tv_free": (None, [c_void_p]),
    # images
    "tv_pixel_size": (c_int32, [c_int32]),
    "tv_image_create": (ST, [CTX, c_int32, c_int32, c_int32, c_int32, POINTER(IMG)]),
    "tv_image_destroy": (None, [IMG]),
    "tv_image_convert": (ST, [CTX, IMG, IMG, c_double, c_double]),
    "tv_image_to_grey": (ST, [CTX, IMG, IMG]),
    # io
    "tv_format_name": (c_char_p, [c_int32]),
    "tv_format_detect": (c_int32, [c_void_p, c_size_t]),
    "tv_image_decode": (ST, [CTX, c_void_p, c_size_t, POINTER(IMG)]),
    "tv_image_read": (ST, [CTX, c_char_p, POINTER(IMG)]),
    "tv_image_probe": (ST, [CTX, c_void_p, c_size_t, POINTER(TvImageInfo)]),
    "tv_image_read_info": (ST, [CTX, c_char_p, POINTER(TvImageInfo)]),
    "tv_image_encode": (ST, [CTX, IMG, c_int32, c_int32, POINTER(c_void_p), POINTER(c_size_t)]),
    "tv_image_write": (ST, [CTX, IMG, c_char_p, c_int32, c_int32]),
    # filters
    "tv_absdiff": (ST, [CTX, IMG, IMG, IMG]),
    "tv_add": (ST, [CTX, IMG, IMG, IMG]),
    "tv_subtract": (ST, [CTX, IMG, IMG, IMG]),
    "tv_multiply": (ST, [CTX, IMG, IMG, IMG, c_double]),
    "tv_min_max": (ST, [CTX, IMG, D4, D4]),
    "tv_mean_stddev": (ST, [CTX, IMG, D4, D4]),
    "tv_histogram": (ST, [CTX, IMG, POINTER(ctypes.c_uint64), c_int32]),
    "tv_sep_filter": (ST, [CTX, IMG, IMG, POINTER(c_float), c_int32, POINTER(c_float), c_int32,
                           c_double, c_int32, c_double]),
    "tv_gaussian": (ST, [CTX, IMG, IMG, c_double, c_double, c_int32, c_int32, c_int32, c_double]),
    "tv_box": (ST, [CTX, IMG, IMG, c_int32, c_int32, c_int32, c_int32, c_double]),
    "tv_sobel": (ST, [CTX, IMG, IMG, c_int32, c_int32, c_int32, c_double, c_double, c_int32,
                      c_double]),
    "tv_scharr": (ST, [CTX, IMG, IMG, c_int32, c_int32, c_double, c_double, c_int32, c_double]),
    "tv_laplacian": (ST, [CTX, IMG, IMG, c_int32, c_double, c_double, c_int32, c_double]),
    "tv_gradient_magnitude": (ST, [CTX, IMG, IMG, c_int32, c_int32, c_double]),
    "tv_morphology": (ST, [CTX, IMG, IMG, c_int32, c_int32, c_int32, c_int32, c_double]),
    "tv_median": (ST, [CTX, IMG, IMG, c_int32]),
    "tv_threshold": (ST, [CTX, IMG, IMG, c_double, c_double, c_int32]),
    "tv_threshold_otsu": (ST, [CTX, IMG, IMG, c_double, c_int32, POINTER(c_double)]),
    "tv_adaptive_threshold": (ST, [CTX, IMG, IMG, c_double, c_int32, c_int32, c_double]),
    "tv_hysteresis": (ST, [CTX, IMG, IMG, c_double, c_double, c_int32]),
    "tv_flatfield_create": (ST, [CTX, IMG, IMG, c_double, POINTER(c_void_p)]),
    "tv_flatfield_destroy": (None, [c_void_p]),
    "tv_flatfield_apply": (ST, [CTX, c_void_p, IMG, IMG]),
    "tv_shading_correct": (ST, [CTX, IMG, IMG, c_int32, c_double, c_double]),
    "tv_resize_area": (ST, [CTX, IMG, IMG, c_int32, c_int32]),
    "tv_resize_bilinear": (ST, [CTX, IMG, IMG]),
    "tv_components": (ST, [CTX, IMG, IMG, c_int32, IMG, POINTER(TvComponent), c_int32,
                           POINTER(c_int32)]),
    # nn
    "tv_model_load": (ST, [CTX, c_char_p, POINTER(c_void_p)]),
    "tv_model_load_memory": (ST, [CTX, c_void_p, c_size_t, POINTER(c_void_p)]),
    "tv_model_free": (None, [c_void_p]),
    "tv_model_get": (ST, [CTX, c_void_p, c_int32, POINTER(c_int64)]),
    "tv_model_name": (c_char_p, [c_void_p]),
    "tv_model_class_name": (c_char_p, [c_void_p, c_int32]),
    "tv_model_normalization": (ST, [CTX, c_void_p, F4, F4]),
    "tv_model_detection_thresholds": (ctypes.c_int, [c_void_p, POINTER(c_float), POINTER(c_float)]),
    "tv_session_create": (ST, [CTX, c_void_p, POINTER(c_void_p)]),
    "tv_session_destroy": (None, [c_void_p]),
    "tv_session_output_shape": (ST, [CTX, c_void_p, c_int32, c_int32, c_int32, c_int64 * 4]),
    "tv_session_run": (ST, [CTX, c_void_p, POINTER(c_float), c_int32, c_int32, c_int32,
                            POINTER(c_float), c_size_t]),
    "tv_session_run_images": (ST, [CTX, c_void_p, POINTER(IMG), c_int32, POINTER(c_float),
                                   c_size_t]),
    # inspect
    "tv_inspector_create": (ST, [CTX, c_void_p, c_void_p, c_char_p, POINTER(c_void_p)]),
    "tv_inspector_destroy": (None, [c_void_p]),
    "tv_inspector_config_json": (ST, [CTX, c_void_p, POINTER(c_void_p)]),
    "tv_inspector_class_count": (c_int32, [c_void_p]),
    "tv_inspector_class_name": (c_char_p, [c_void_p, c_int32]),
    "tv_inspection_create": (ST, [CTX, c_void_p, POINTER(c_void_p)]),
    "tv_inspection_destroy": (None, [c_void_p]),
    "tv_inspection_set": (ST, [CTX, c_void_p, c_int32, c_int64]),
    "tv_inspection_get": (ST, [CTX, c_void_p, c_int32, POINTER(c_int64)]),
    "tv_inspect_frame": (ST, [CTX, c_void_p, IMG, c_double, POINTER(c_void_p)]),
    "tv_inspect_begin": (ST, [CTX, c_void_p, c_double]),
    "tv_inspect_strip": (ST, [CTX, c_void_p, IMG, POINTER(c_void_p)]),
    "tv_inspect_finish": (ST, [CTX, c_void_p, POINTER(c_void_p)]),
    "tv_result_destroy": (None, [c_void_p]),
    "tv_result_count": (c_int32, [c_void_p]),
    "tv_result_defect": (POINTER(TvDefect), [c_void_p, c_int32]),
    "tv_result_verdict": (c_int32, [c_void_p]),
    "tv_result_reason_count": (c_int32, [c_void_p]),
    "tv_result_reason": (c_char_p, [c_void_p, c_int32]),
    "tv_result_class_name": (c_char_p, [c_void_p, c_int32]),
    "tv_result_json": (ST, [CTX, c_void_p, POINTER(c_void_p)]),
    "tv_result_overlay": (ST, [CTX, c_void_p, IMG, IMG, POINTER(IMG)]),
}


class LibraryNotFound(ImportError):
    """libtubevision could not be found or loaded."""


def _candidates():
    """Where to look for the library, in order (see the package documentation)."""
    env = os.environ.get("TUBEVISION_LIBRARY")
    if env:
        yield "TUBEVISION_LIBRARY", pathlib.Path(env)
        return
    here = pathlib.Path(__file__).resolve().parent
    for name in ("libtubevision.so.%d" % ABI_MAJOR, "libtubevision.so"):
        yield "next to the package", here / name
    try:  # written by `cmake --install`: the installed library's path
        from . import _install_config  # type: ignore

        yield "installed with the package", pathlib.Path(_install_config.LIBRARY)
    except ImportError:
        pass
    for parent in here.parents:  # a source checkout: <root>/python/tubevision -> <root>/build
        for build in ("build", "build-release"):
            yield "build tree", parent / build / "libtubevision.so"
        if (parent / ".git").exists():
            break
    found = ctypes.util.find_library("tubevision")
    yield "system", pathlib.Path(found or "libtubevision.so.%d" % ABI_MAJOR)


def load():
    """Loads the library, declares every prototype, checks the major version."""
    tried = []
    for where, path in _candidates():
        if where != "system" and not path.exists():
            tried.append("%s: %s (missing)" % (where, path))
            continue
        try:
            lib = ctypes.CDLL(str(path))
        except OSError as e:
            tried.append("%s: %s (%s)" % (where, path, e))
            continue
        _declare(lib)
        major = lib.tv_version_number() // 10000
        if major != ABI_MAJOR:
            raise LibraryNotFound(
                "%s is libtubevision %s (major version %d) but this binding needs major version %d"
                % (path, lib.tv_version_string().decode(), major, ABI_MAJOR))
        lib._tv_path = str(path)
        return lib
    raise LibraryNotFound(
        "cannot load libtubevision; set TUBEVISION_LIBRARY to the library's path. Tried:\n  "
        + "\n  ".join(tried))


def _declare(lib):
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            continue  # an older library: calling the wrapper says so
        fn.restype = restype
        fn.argtypes = argtypes
