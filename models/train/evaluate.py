#!/usr/bin/python3
# Measures the shipped models with tubevision's own runtime on images they were not trained on
# (the fixed held-out splits of neu_data.py and mt_data.py) and prints the figures of the model
# cards. Usage: evaluate.py [--classifier M.tvm] [--heatmap M.tvm] [--config C.json] [--no-synth]
# (the heatmap is measured at the detection thresholds the pipeline uses: C.json's, else the model's);
# evaluate.py --choose-thresholds [--heatmap M.tvm] re-derives those thresholds from validation data.
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
    """Defect probability per pixel, as the pipeline computes it: the network on windows rounded
    down to MULT pixels that cover the image (the last ones moved back to end at the image's
    bottom and right edges, never padded), each heatmap upsampled bilinearly to pixels with
    tubevision's resize, earlier windows kept where they overlap. MULT is the training script's,
    so validation (which chose the thresholds) and this measurement use the same windows."""
    from train_heatmap import MULT, stitch
    s = m.heatmap_stride

    def run(y0, x0, hh, ww):
        hm = np.ascontiguousarray(m.run(np.ascontiguousarray(img[y0:y0 + hh, x0:x0 + ww]))[0, 0],
                                  np.float32)
        return tv.resize_bilinear(hm, (hm.shape[1] * s, hm.shape[0] * s))[:hh, :ww]

    return stitch(*img.shape, MULT, run)


def detect(hm, low, high):
    """The pipeline's rule: pixels above low connected (8-connected) to a pixel above high."""
    return tv.hysteresis(hm, low, high, 8) > 0


def shipped_thresholds(config, model_path):
    """(low, high) as the pipeline takes them: the configuration file's detection section where
    it sets them, else the thresholds the model carries, else the built-in 0.5 and 0.9."""
    d = json.loads(pathlib.Path(config).read_text()).get("detection", {})
    low, high = tv.Model(model_path).detection_thresholds or (0.5, 0.9)
    return float(d.get("low", low)), float(d.get("high", high))


def score(cases, low, high):
    """Image AUROC (the map's maximum as the score), pixel F1 of the pipeline's detections and
    the false-reject rate of the free images, over cases = (map, mask, is_defect, is_free)."""
    scores, labels = [], []
    tp = fp = fn = 0
    free = rejects = 0
    for hm, mask, defect, is_free in cases:
        scores.append(float(hm.max()))
        labels.append(bool(defect))
        pred = detect(hm, low, high)
        tp += int((pred & mask).sum())
        fp += int((pred & ~mask).sum())
        fn += int((~pred & mask).sum())
        if is_free:
            free += 1
            rejects += int(pred.any())
    return {"image_auroc": auroc(scores, labels), "pixel_f1": 2 * tp / max(1, 2 * tp + fp + fn),
            "free": free, "false_reject_rate": rejects / max(1, free)}


def evaluate_heatmap(path, low, high):
    m = tv.Model(path)
    items = mt_data.load()
    _, te = mt_data.split(items)
    r = score(((heat(m, items[i][0]), items[i][1], items[i][2] != "free" and items[i][1].any(),
                items[i][2] == "free") for i in te), low, high)
    return {"model": str(path), "held_out_images": int(len(te)), "low": low, "high": high,
            "image_auroc": r["image_auroc"], "pixel_f1": r["pixel_f1"], "free_tiles": r["free"],
            "false_reject_rate": r["false_reject_rate"]}


def choose_thresholds(path):
    """(low, high) chosen as train_heatmap.py chooses them, on the validation part of the
    training split (never the held-out images), from this model as tubevision runs it."""
    from train_heatmap import choose_thresholds as choose, val_split
    m = tv.Model(path)
    items = mt_data.load()
    train, _ = mt_data.split(items)
    _, val = val_split(items, train)
    hi, lo = choose([heat(m, items[i][0]) for i in val], items, val)
    return {"model": str(path), "val_images": int(len(val)), "low": round(lo, 2),
            "high": round(hi, 2), "low_exact": lo, "high_exact": hi}


def evaluate_heatmap_synth(path, low, high, n=100, seed0=5000):
    """The same measures on synthetic tube surfaces rendered with seeds the training never used
    (training: 1000..1299)."""
    import tempfile
    from train_heatmap import synth_items
    m = tv.Model(path)
    with tempfile.TemporaryDirectory() as tmp:
        items = synth_items(n, seed0, pathlib.Path(tmp))
    r = score(((heat(m, img), mask, mask.any(), not mask.any()) for img, mask, _, _ in items),
              low, high)
    return {"images": n, "image_auroc": r["image_auroc"], "pixel_f1": r["pixel_f1"],
            "free_surfaces": r["free"], "false_reject_rate": r["false_reject_rate"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classifier", default=str(HERE.parent / "neu_classifier.tvm"))
    ap.add_argument("--heatmap", default=str(HERE.parent / "heatmap.tvm"))
    ap.add_argument("--config", default=str(HERE.parent / "config" / "default.json"),
                    help="pipeline configuration; its detection low/high, when set, override the "
                    "model's")
    ap.add_argument("--no-synth", action="store_true", help="skip the synthetic tube surfaces")
    ap.add_argument("--choose-thresholds", action="store_true",
                    help="only print the detection low/high chosen for --heatmap on the "
                    "validation part of the training split (rounded to 0.01 as shipped)")
    args = ap.parse_args()
    if args.choose_thresholds:
        print(json.dumps(choose_thresholds(args.heatmap), indent=2))
        return
    out = {}
    if pathlib.Path(args.classifier).is_file():  # /dev/null skips it
        out["classifier"] = evaluate_classifier(args.classifier)
    if pathlib.Path(args.heatmap).is_file():
        low, high = shipped_thresholds(args.config, args.heatmap)
        out["heatmap"] = evaluate_heatmap(args.heatmap, low, high)
        if not args.no_synth:
            out["heatmap"]["synthetic_tubes"] = evaluate_heatmap_synth(args.heatmap, low, high)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
