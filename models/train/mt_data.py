# The magnetic-tile defect data (../shared/datasets/magnetic_tile): images with pixel masks and
# defect-free tiles; the fixed held-out split and training crops. Used by train_heatmap.py and
# evaluate.py.
# SPDX-License-Identifier: Apache-2.0
import numpy as np

from neu_data import shared_dir

CLASSES = ["blowhole", "break", "crack", "fray", "uneven", "free"]
SPLIT_SEED = 20261130
HELD_OUT = 0.25


def _read(path):
    """Reads a grey JPEG or PNG through tubevision's own decoder when the binding is importable,
    else through PIL or OpenCV (whichever the machine has)."""
    try:
        import tubevision as tv
        a = tv.read(path)
    except ImportError:
        import cv2
        a = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    a = np.asarray(a)
    return a[..., 0] if a.ndim == 3 else a


def load():
    """List of (image uint8 HxW, mask bool HxW, class name, file name)."""
    root = shared_dir() / "datasets" / "magnetic_tile"
    if not root.is_dir():
        raise SystemExit("magnetic tile data not found at %s (set TV_SHARED_DIR)" % root)
    items = []
    for c in CLASSES:
        for p in sorted((root / c).glob("*.jpg")):
            m = p.with_name(p.stem + "_mask.png")
            img = _read(p)
            mask = _read(m) >= 128 if m.exists() else np.zeros(img.shape, bool)
            items.append((img, mask, c, "%s/%s" % (c, p.name)))
    return items


def split(items):
    """Fixed held-out split: HELD_OUT of each class. Returns (train_idx, test_idx)."""
    rng = np.random.default_rng(SPLIT_SEED)
    train, test = [], []
    for c in CLASSES:
        idx = np.array([i for i, it in enumerate(items) if it[2] == c])
        idx = idx[rng.permutation(len(idx))]
        n = int(round(len(idx) * HELD_OUT))
        test += idx[:n].tolist()
        train += idx[n:].tolist()
    return np.array(sorted(train)), np.array(sorted(test))


def crop(img, mask, size, rng, focus):
    """A size x size crop (reflect-padded when the image is smaller); with focus, centred near a
    random defect pixel."""
    h, w = img.shape
    if h < size or w < size:
        ph, pw = max(0, size - h), max(0, size - w)
        img = np.pad(img, ((0, ph), (0, pw)), mode="reflect")
        mask = np.pad(mask, ((0, ph), (0, pw)), mode="constant")
        h, w = img.shape
    if focus and mask.any():
        ys, xs = np.nonzero(mask)
        k = rng.integers(len(ys))
        y0 = int(np.clip(ys[k] - rng.integers(size // 4, 3 * size // 4), 0, h - size))
        x0 = int(np.clip(xs[k] - rng.integers(size // 4, 3 * size // 4), 0, w - size))
    else:
        y0, x0 = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    return img[y0:y0 + size, x0:x0 + size], mask[y0:y0 + size, x0:x0 + size]
