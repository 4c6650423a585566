# A minimal PEP 517 build backend for the tubevision package: writes a wheel with the Python
# files and, when it can find one, the built libtubevision beside them. Standard library only.
# SPDX-License-Identifier: Apache-2.0
import base64
import hashlib
import os
import pathlib
import re
import zipfile

HERE = pathlib.Path(__file__).resolve().parent.parent  # python/
NAME = "tubevision"


def _version():
    header = HERE.parent / "include" / "tubevision" / "core.h"
    if header.exists():
        text = header.read_text()
        parts = [re.search(r"#define TV_VERSION_%s (\d+)" % k, text).group(1)
                 for k in ("MAJOR", "MINOR", "PATCH")]
        return ".".join(parts)
    return (HERE / "tubevision" / "VERSION").read_text().strip()


def _library():
    """The shared library to bundle: $TUBEVISION_LIBRARY, else <checkout>/build; or None."""
    env = os.environ.get("TUBEVISION_LIBRARY")
    candidates = [pathlib.Path(env)] if env else [HERE.parent / "build" / "libtubevision.so"]
    for c in candidates:
        if c.exists():
            return c.resolve()
    return None


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    lib = _library()
    import sysconfig
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_") if lib else "any"
    tag = "py3-none-%s" % plat
    path = pathlib.Path(wheel_directory) / ("%s-%s-%s.whl" % (NAME, version, tag))
    files = {}
    for py in sorted((HERE / NAME).glob("*.py")):
        files["%s/%s" % (NAME, py.name)] = py.read_bytes()
    if lib:
        files["%s/libtubevision.so.%s" % (NAME, version.split(".")[0])] = lib.read_bytes()
    dist = "%s-%s.dist-info" % (NAME, version)
    files[dist + "/METADATA"] = (
        "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: Surface-defect inspection for "
        "tubes and pipes (ctypes binding of libtubevision)\nLicense: Apache-2.0\n"
        "Requires-Python: >=3.9\nRequires-Dist: numpy\n" % (NAME, version)).encode()
    files[dist + "/WHEEL"] = ("Wheel-Version: 1.0\nGenerator: tubevision-backend\n"
                              "Root-Is-Purelib: %s\nTag: %s\n" % ("false" if lib else "true",
                                                                   tag)).encode()
    files[dist + "/top_level.txt"] = b"tubevision\n"
    record = [_record_line(n, d) for n, d in files.items()] + [dist + "/RECORD,,"]
    files[dist + "/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files.items():
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if n.endswith(".so.0") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, d)
    return path.name


def build_sdist(sdist_directory, config_settings=None):
    import tarfile
    version = _version()
    base = "%s-%s" % (NAME, version)
    path = pathlib.Path(sdist_directory) / (base + ".tar.gz")
    with tarfile.open(path, "w:gz") as t:
        for f in ["pyproject.toml", "_build/backend.py"] + \
                 ["%s/%s" % (NAME, p.name) for p in sorted((HERE / NAME).glob("*.py"))]:
            t.add(HERE / f, arcname="%s/%s" % (base, f))
        import io
        data = version.encode() + b"\n"
        info = tarfile.TarInfo("%s/%s/VERSION" % (base, NAME))
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
        pkg = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (NAME, version)).encode()
        info = tarfile.TarInfo("%s/PKG-INFO" % base)
        info.size = len(pkg)
        t.addfile(info, io.BytesIO(pkg))
    return path.name
