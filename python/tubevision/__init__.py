# tubevision for Python: the C library through ctypes, with numpy arrays in and out.
# SPDX-License-Identifier: Apache-2.0
"""tubevision: surface-defect inspection for tubes and pipes.

The library is found, in order, at $TUBEVISION_LIBRARY, next to this package, where
`cmake --install` put it, in a source checkout's build/ folder, and on the system. Every call
releases the GIL while the C code runs. Functions take an optional ctx (a Context); without one
each thread uses a context of its own, made on first use. Arrays are passed without copying when
their layout allows: any row stride, samples within a row contiguous, native byte order, dtype
uint8, uint16, int16, int32 or float32. Other inputs are copied (bool -> uint8, float64 ->
float32); an `out` array that would need a copy is refused.
"""

from ._core import (Context, TubevisionError, NullArgumentError, InvalidArgumentError,
                    OutOfMemoryError, TooLargeError, FileError, FormatError, CorruptDataError,
                    UnsupportedError, SizeMismatchError, TypeMismatchError, ThreadError,
                    InternalError, as_image, context, lib as _clib)
from ._io import read, write, decode, encode, read_info, probe, ImageInfo
from ._filters import (convert, to_grey, absdiff, add, subtract, multiply, min_max, mean_stddev,
                       histogram, sep_filter, gaussian, box, sobel, scharr, laplacian,
                       gradient_magnitude, morphology, erode, dilate, median, threshold,
                       threshold_otsu, adaptive_threshold, hysteresis, FlatField,
                       shading_correct, resize_area, resize_bilinear, components)

from ._nn import Model
from ._inspect import Inspector, Defect, Result

__version__ = _clib.tv_version_string().decode()
library_path = _clib._tv_path


def cpu_isa():
    """The best SIMD level of this CPU ("avx512", "avx2", "sse4", "neon", "scalar")."""
    return _clib.tv_isa_name(_clib.tv_cpu_isa()).decode()


__all__ = [n for n in dir() if not n.startswith("_")]
