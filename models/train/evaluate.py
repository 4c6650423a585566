#!/usr/bin/python3
# Measures the shipped models with tubevision's own runtime on images they were not trained on
# (the fixed held-out splits of neu_data.py and mt_data.py) and prints the figures of the model
# cards. Usage: evaluate.py [--classifier models/neu_classifier.tvm] [--heatmap models/heatmap.tvm]
# SPDX-License-Identifier: Apache-2.0
import argparse
import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python"))
import tubevision as tv  # noqa: E402

import mt_data  # noqa: E402
import neu_data  # noqa: E402


def auroc(scores, labels):
    """Area under the ROC curve (probability a positive outscores a negative; ties count half)."""
    scores, labels = np.asarray(scores, float), np.asarray(labels, bool)
    pos, neg = scores[labels], scores[~labels]
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    allv = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(allv):  # average ranks of ties
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return (ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def evaluate_classifier(path):
    m = tv.Model(path)
    images, labels, names = neu_data.load()
    _, te = neu_data.split(labels, names)
    pred = np.array([int(np.argmax(m.run(images[i]))) for i in te])
    acc = float((pred == labels[te]).mean())
    conf = np.zeros((6, 6), int)
    for t, p in zip(labels[te], pred):
        conf[t, p] += 1
    return {"model": str(path), "held_out_images": int(len(te)), "accuracy": acc,
            "classes": neu_data.CLASSES, "confusion": conf.tolist(),
            "mflop_per_patch": m.get("flops") / 1e6}


def heat(m, img):
    h = m.run(img)[0, 0]
    s = m.heatmap_stride
    up = np.kron(h, np.ones((s, s), np.float32))  # each cell covers stride x stride pixels
    out = np.zeros(img.shape, np.float32)
    hh, ww = min(up.shape[0], img.shape[0]), min(up.shape[1], img.shape[1])
    out[:hh, :ww] = up[:hh, :ww]
    return out


def pick_threshold(m, items, idx):
    """The shipped threshold, chosen on TRAINING images only: the lowest value that keeps at most
    0.5% of the training defect-free tiles above it (image-level false rejects)."""
    free = [float(heat(m, items[i][0]).max()) for i in idx if items[i][2] == "free"]
    return float(np.quantile(free, 0.995))


def evaluate_heatmap(path, threshold=None):
    m = tv.Model(path)
    items = mt_data.load()
    tr, te = mt_data.split(items)
    if threshold is None:
        threshold = pick_threshold(m, items, tr)
    scores, labels = [], []
    tp = fp = fn = 0
    free_rejects = free = 0
    for i in te:
        img, mask, cls, _ = items[i]
        hm = heat(m, img)
        scores.append(float(hm.max()))
        defect = cls != "free" and mask.any()
        labels.append(defect)
        pred = hm > threshold
        tp += int((pred & mask).sum())
        fp += int((pred & ~mask).sum())
        fn += int((~pred & mask).sum())
        if cls == "free":
            free += 1
            free_rejects += int(pred.any())
    f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    return {"model": str(path), "held_out_images": int(len(te)), "threshold": threshold,
            "image_auroc": auroc(scores, labels), "pixel_f1": f1,
            "free_tiles": free, "false_reject_rate": free_rejects / max(1, free)}


def evaluate_heatmap_synth(path, threshold, n=100, seed0=5000):
    """The same measures on synthetic tube surfaces rendered with seeds the training never used
    (training: 1000..1299)."""
    import subprocess
    import tempfile
    from train_heatmap import synth_items
    m = tv.Model(path)
    with tempfile.TemporaryDirectory() as tmp:
        items = synth_items(n, seed0, pathlib.Path(tmp))
    scores, labels = [], []
    tp = fp = fn = 0
    for img, mask, cls, _ in items:
        hm = heat(m, img)
        scores.append(float(hm.max()))
        labels.append(bool(mask.any()))
        pred = hm > threshold
        tp += int((pred & mask).sum())
        fp += int((pred & ~mask).sum())
        fn += int((~pred & mask).sum())
    free = [s for s, l in zip(scores, labels) if not l]
    return {"images": n, "image_auroc": auroc(scores, labels),
            "pixel_f1": 2 * tp / max(1, 2 * tp + fp + fn),
            "free_surfaces": len(free),
            "false_reject_rate": sum(s > threshold for s in free) / max(1, len(free))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classifier", default=str(HERE.parent / "neu_classifier.tvm"))
    ap.add_argument("--heatmap", default=str(HERE.parent / "heatmap.tvm"))
    ap.add_argument("--threshold", type=float, help="heatmap threshold (default: from training)")
    args = ap.parse_args()
    out = {}
    if pathlib.Path(args.classifier).exists():
        out["classifier"] = evaluate_classifier(args.classifier)
    if pathlib.Path(args.heatmap).exists():
        out["heatmap"] = evaluate_heatmap(args.heatmap, args.threshold)
        out["heatmap"]["synthetic_tubes"] = evaluate_heatmap_synth(args.heatmap,
                                                                   out["heatmap"]["threshold"])
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
