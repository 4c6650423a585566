# The NEU steel-surface classification data (../shared/datasets/neu_cls): loading, the fixed
# held-out split, and augmentation. Used by train_classifier.py and evaluate.py.
# SPDX-License-Identifier: Apache-2.0
import os
import pathlib

import numpy as np

CLASSES = ["crazing", "inclusion", "patches", "pitted", "rolled", "scratches"]
SPLIT_SEED = 20261130
HELD_OUT = 0.2  # per class


def shared_dir():
    env = os.environ.get("TV_SHARED_DIR")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[3] / "shared"


def read_bmp_grey(path):
    """Reads an 8-bit palette BMP as a uint8 array (the NEU files), without extra libraries."""
    data = pathlib.Path(path).read_bytes()
    off = int.from_bytes(data[10:14], "little")
    hdr = int.from_bytes(data[14:18], "little")
    w = int.from_bytes(data[18:22], "little", signed=True)
    h = int.from_bytes(data[22:26], "little", signed=True)
    bpp = int.from_bytes(data[28:30], "little")
    if bpp != 8:
        raise ValueError("%s: %d bits per pixel, 8 expected" % (path, bpp))
    ncol = int.from_bytes(data[46:50], "little") or 256
    pal = np.frombuffer(data[14 + hdr:14 + hdr + 4 * ncol], np.uint8).reshape(-1, 4)[:, 0]
    row = (w + 3) // 4 * 4
    px = np.frombuffer(data[off:off + row * abs(h)], np.uint8).reshape(abs(h), row)[:, :w]
    img = pal[px]
    return img[::-1].copy() if h > 0 else img.copy()


def load():
    """All images (N, 200, 200) uint8, labels (N,), file names, ordered by class then name."""
    root = shared_dir() / "datasets" / "neu_cls" / "images"
    if not root.is_dir():
        raise SystemExit("NEU data not found at %s (set TV_SHARED_DIR)" % root)
    images, labels, names = [], [], []
    for k, c in enumerate(CLASSES):
        for p in sorted((root / c).glob("*.bmp")):
            images.append(read_bmp_grey(p))
            labels.append(k)
            names.append("%s/%s" % (c, p.name))
    return np.stack(images), np.array(labels, np.int64), names


def split(labels, names):
    """The fixed held-out split: 20% of each class, chosen with SPLIT_SEED. Byte-identical
    duplicates (Pa_101/Pa_105) are kept on the same side. Returns (train_idx, test_idx)."""
    rng = np.random.default_rng(SPLIT_SEED)
    train, test = [], []
    for k in range(len(CLASSES)):
        idx = np.flatnonzero(labels == k)
        idx = idx[rng.permutation(len(idx))]
        n_test = int(round(len(idx) * HELD_OUT))
        test.extend(idx[:n_test].tolist())
        train.extend(idx[n_test:].tolist())
    dup = {n: i for i, n in enumerate(names)}
    a, b = dup.get("patches/Pa_101.bmp"), dup.get("patches/Pa_105.bmp")
    if a is not None and b is not None and (a in test) != (b in test):
        if b in test:
            test.remove(b)
            train.append(b)
        else:
            train.remove(b)
            test.append(b)
    return np.array(sorted(train)), np.array(sorted(test))


def augment(batch, rng):
    """Random flips, 90-degree turns, shifts, brightness/contrast for a (B, 1, H, W) float batch."""
    out = batch.copy()
    for i in range(len(out)):
        x = out[i, 0]
        if rng.random() < 0.5:
            x = x[:, ::-1]
        if rng.random() < 0.5:
            x = x[::-1, :]
        if rng.random() < 0.5:
            x = x.T
        dy, dx = rng.integers(-12, 13, 2)
        x = np.roll(x, (dy, dx), axis=(0, 1))
        x = x * rng.uniform(0.8, 1.2) + rng.uniform(-0.1, 0.1)
        out[i, 0] = x
    return out
