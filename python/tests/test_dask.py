# The Dask example evaluates images on a LocalCluster and gets the same answers as a plain loop.
# SPDX-License-Identifier: Apache-2.0
import pathlib
import sys

import numpy as np
import pytest

import tubevision as tv

distributed = pytest.importorskip("distributed")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
import dask_evaluate  # noqa: E402


def test_local_cluster_matches_serial(tmp_path):
    rng = np.random.default_rng(5)
    for i in range(6):
        img = (rng.random((60, 80)) * 50 + 100).astype(np.uint8)
        img[20:24, 10:50] = 5  # a dark scratch
        tv.write(tmp_path / ("img%d.png" % i), img)
    paths = list(dask_evaluate.collect([tmp_path]))
    assert len(paths) == 6
    serial = [dask_evaluate.evaluate_one(str(p)) for p in paths]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        parallel = dask_evaluate.evaluate(paths, client)
    assert parallel == serial
    assert all(r["width"] == 80 and r["height"] == 60 for r in parallel)
