# Tests of loading, versions, contexts and errors.
# SPDX-License-Identifier: Apache-2.0
import ctypes
import threading

import pytest

import tubevision as tv
from tubevision import _lib


def test_version_and_library():
    assert tv.__version__.count(".") == 2
    assert int(tv.__version__.split(".")[0]) == _lib.ABI_MAJOR
    assert tv.library_path
    assert tv.cpu_isa() in ("scalar", "sse4", "avx2", "avx512", "neon")


def test_every_declared_function_exists_and_is_typed():
    lib = tv._clib
    for name, (restype, argtypes) in _lib.PROTOTYPES.items():
        f = getattr(lib, name)  # raises if the library lacks it
        assert f.argtypes == argtypes, name
        assert f.restype == restype, name


def test_context_options():
    with tv.Context(threads=2, max_pixels=1000) as ctx:
        assert ctx.threads == 2
        assert ctx.max_pixels == 1000
        ctx.simd_cap = "scalar"
        assert ctx.simd_cap == "scalar"
        assert ctx.active_isa == "scalar"
        ctx.deterministic = True
        assert ctx.deterministic is True
    with pytest.raises(tv.InvalidArgumentError):
        ctx.threads  # closed


def test_context_errors_carry_status_and_message():
    ctx = tv.Context()
    with pytest.raises(tv.InvalidArgumentError) as e:
        ctx.threads = 0
    assert e.value.status == 2
    assert e.value.status_name == "TV_ERR_ARG"
    assert "tv_ctx_set: TV_CTX_THREADS must be 1..64, got 0" in e.value.message
    assert isinstance(e.value, ValueError) and isinstance(e.value, tv.TubevisionError)
    assert "TV_CTX_THREADS" in ctx.last_error
    with pytest.raises(tv.InvalidArgumentError):
        ctx.simd_cap = "mmx"
    ctx.close()
    ctx.close()  # idempotent


def test_each_thread_gets_its_own_default_context():
    seen = []

    def grab():
        seen.append(tv.context())

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 3
    assert tv.context() is tv.context()


def test_library_search_order(monkeypatch, tmp_path):
    monkeypatch.setenv("TUBEVISION_LIBRARY", str(tmp_path / "nope.so"))
    with pytest.raises(_lib.LibraryNotFound) as e:
        _lib.load()
    assert "TUBEVISION_LIBRARY" in str(e.value) and "nope.so" in str(e.value)
    fake = tmp_path / "libfake.so"
    fake.write_bytes(b"not a library")
    monkeypatch.setenv("TUBEVISION_LIBRARY", str(fake))
    with pytest.raises(_lib.LibraryNotFound) as e:
        _lib.load()
    assert "libfake.so" in str(e.value)


def test_struct_layouts_match_c():
    assert ctypes.sizeof(_lib.TvImage) == 40
    assert ctypes.sizeof(_lib.TvImageInfo) == 24
    assert ctypes.sizeof(_lib.TvComponent) == 56
