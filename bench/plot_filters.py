#!/usr/bin/python3
# Draws the filter benchmark (JSON lines written by bench_<family> with TV_BENCH_JSON set) as a
# PNG chart: tubevision's speed relative to OpenCV per operation, 1 and 2 threads.
# usage: plot_filters.py RESULTS.jsonl OUT.png
# SPDX-License-Identifier: Apache-2.0
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(path, out):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    ratio = {}
    for r in rows:
        if r["impl"] == "tubevision":
            ratio.setdefault("%s %s" % (r["op"], r["type"]), {})[r["threads"]] = r["ratio_vs_opencv"]
    names = list(ratio)
    fig, ax = plt.subplots(figsize=(9, 0.22 * len(names) + 1.5))
    y = range(len(names))
    ax.barh([i - 0.2 for i in y], [ratio[n].get(1, 0) for n in names], 0.4, label="1 thread")
    ax.barh([i + 0.2 for i in y], [ratio[n].get(2, 0) for n in names], 0.4, label="2 threads")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.axvline(2.0, color="grey", linewidth=0.6, linestyle="--")
    ax.set_yticks(list(y))
    ax.set_yticklabels(names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("speed relative to OpenCV 4.6 (OpenCV time / tubevision time), 4096 x 4096")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
