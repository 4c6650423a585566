# The GIL is released during library calls: two Python threads inspect frames at the same time.
# SPDX-License-Identifier: Apache-2.0
import os
import threading
import time

import numpy as np

import tubevision as tv
from conftest import ROOT

HEAT = ROOT / "tests" / "data" / "insp_heat.tvm"
CLS = ROOT / "tests" / "data" / "insp_cls.tvm"
# The built-in detection thresholds belong to the shipped model; the test model's are 0.3 / 0.6.
TEST_DETECTION = {"detection": {"low": 0.3, "high": 0.6}}


def _frame():
    """A 1024 x 1024 surface: shading across, marks along, a few dark defects."""
    y, x = np.mgrid[0:1024, 0:1024]
    img = 30000 + 8000 * np.cos((x - 512) / 700.0) + 300 * np.sin(x * 0.7) + (x * 7 + y * 13) % 97
    img[300:304, 200:600] = 9000
    img[700:712, 800:812] = 8000
    return img.astype(np.uint16)


def _run(inspector, frame, nthreads, reps, spans):
    def work(k):
        with tv.Context(threads=1) as ctx:
            for _ in range(reps):
                t0 = time.perf_counter()
                inspector.inspect(frame, ctx=ctx)
                spans[k].append((t0, time.perf_counter()))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(nthreads)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def test_two_threads_inspect_concurrently():
    frame = _frame()
    reps = 4
    with tv.Inspector(HEAT, CLS, config=TEST_DETECTION) as inspector:
        # Proof that does not depend on timing noise: while one thread is inside an inspection,
        # the other starts and finishes inspections of its own, which a held GIL would forbid.
        spans = [[], []]
        _run(inspector, frame, 2, reps, spans)
        overlaps = sum(1 for a0, a1 in spans[0] for b0, b1 in spans[1] if b0 < a1 and a0 < b1)
        assert overlaps > 0
        # The speed-up that follows from it (best of three, to ride out a noisy machine). It can
        # only show where a second core is free: on a machine already busy, say so instead.
        cores = os.cpu_count() or 1
        if cores < 2 or os.getloadavg()[0] > cores - 1:
            print("speed-up not measured: %d cores, load %.1f" % (cores, os.getloadavg()[0]))
            return
        best = 0.0
        for _ in range(3):
            one = _run(inspector, frame, 1, 2 * reps, [[]])
            two = _run(inspector, frame, 2, reps, [[], []])
            best = max(best, one / two)
        print("two-thread speed-up on inspection: %.2fx" % best)
        assert best > 1.2
