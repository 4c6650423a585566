#!/usr/bin/python3
# Evaluates tubevision over an image archive in parallel on a Dask cluster: each task reads one
# image and measures it with the library; the results come back as one table. A LocalCluster is
# used when no scheduler address is given, so the same script scales from a laptop to a cluster.
# SPDX-License-Identifier: Apache-2.0
"""usage: dask_evaluate.py [--scheduler ADDRESS] [--workers N] IMAGE|DIR...

Prints one line per image: path, size, mean, standard deviation, and the number of dark
blobs found by a shading-independent threshold (a cheap defect proxy until the inspection
pipeline lands), then the images per second.
"""

import argparse
import pathlib
import sys
import time


def evaluate_one(path):
    """Runs on a worker: measures one image. Imports inside, so workers need only the package."""
    import numpy as np
    import tubevision as tv

    img = tv.read(path)
    if img.ndim == 3:
        img = tv.to_grey(img[..., :3])
    mean, std = (float(v) for v in (img.mean(), img.std()))
    dark = (img < mean - 3 * std).astype(np.uint8) * 255
    try:
        blobs = len(tv.components(dark, connectivity=8))
    except tv.UnsupportedError:  # a library built without the filter catalogue
        blobs = -1
    return {"path": str(path), "width": int(img.shape[1]), "height": int(img.shape[0]),
            "mean": mean, "std": std, "dark_blobs": blobs}


def collect(inputs):
    exts = {".png", ".jpg", ".jpeg", ".pgm", ".ppm", ".bmp"}
    for p in map(pathlib.Path, inputs):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix.lower() in exts)
        else:
            yield p


def evaluate(paths, client):
    """Maps evaluate_one over paths on the Dask client; returns the results in input order."""
    futures = client.map(evaluate_one, [str(p) for p in paths], pure=False)
    return client.gather(futures)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    args = ap.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    paths = list(collect(args.inputs))
    if not paths:
        print("no images found", file=sys.stderr)
        return 1
    cluster = None if args.scheduler else LocalCluster(n_workers=args.workers,
                                                       threads_per_worker=1, processes=True)
    with Client(args.scheduler or cluster) as client:
        t0 = time.perf_counter()
        rows = evaluate(paths, client)
        dt = time.perf_counter() - t0
    if cluster:
        cluster.close()
    for r in rows:
        print("%s %dx%d mean=%.1f std=%.1f dark_blobs=%d" % (r["path"], r["width"], r["height"],
                                                            r["mean"], r["std"], r["dark_blobs"]))
    print("%d images in %.2f s (%.1f images/s)" % (len(rows), dt, len(rows) / dt))
    return 0


if __name__ == "__main__":
    sys.exit(main())
