# pytest setup: by default import the package from this checkout and use the checkout's built
# library (unless TUBEVISION_LIBRARY says otherwise). With TV_PYTHON_INSTALLED=1 the installed
# package is tested as it is, finding its library by itself.
# SPDX-License-Identifier: Apache-2.0
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
if os.environ.get("TV_PYTHON_INSTALLED") != "1":
    if "TUBEVISION_LIBRARY" not in os.environ and (ROOT / "build" / "libtubevision.so").exists():
        os.environ["TUBEVISION_LIBRARY"] = str(ROOT / "build" / "libtubevision.so")
    sys.path.insert(0, str(ROOT / "python"))

SAMPLE = ROOT / "examples" / "data" / "tube-sample.png"
