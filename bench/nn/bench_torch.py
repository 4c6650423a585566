#!/usr/bin/python3
"""PyTorch side of the CNN benchmark: times the nets of make_nets.py with
torch.jit.optimize_for_inference (oneDNN) at 1 and 2 threads, batch 1 and 16.

Prints one JSON object a line: {"net", "threads", "batch", "median_ms", "cpu_ms"}; bench_nn runs
it in the same run as tubevision and OpenCV. Inputs are the same pseudo-random images as bench_nn's
(uniform in [0, 1)); outputs of batch 1 go to OUTDIR/<net>.torch_out.bin for the agreement check.

Usage: /usr/bin/python3 bench_torch.py NETDIR [REPS]
       /usr/bin/python3 bench_torch.py NETDIR --serve   (requests on stdin, used by bench_nn)
SPDX-License-Identifier: Apache-2.0
"""
import json
import os
import sys
import time

import numpy as np
import torch


def measure(fn, reps):
    """Median wall time and median process CPU time (the latter survives a loaded machine)."""
    fn()
    times, cpu = [], []
    start = time.perf_counter()
    i = 0
    while i < reps or (time.perf_counter() - start < 0.3 and i < 200):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
        i += 1
    times.sort()
    cpu.sort()
    return times[len(times) // 2], cpu[len(cpu) // 2]


def serve(netdir):
    """Answers requests "NET THREADS BATCH REPS" from stdin with one JSON line each, so that the
    caller can interleave PyTorch's runs with its own on a noisy machine."""
    torch.set_grad_enabled(False)
    models, inputs = {}, {}
    for net, size in (("classifier", 200), ("heatmap", 512)):
        model = torch.jit.load(os.path.join(netdir, net + ".pt")).eval()
        models[net] = torch.jit.optimize_for_inference(torch.jit.freeze(model))
        inp = np.fromfile(os.path.join(netdir, net + ".input.bin"), dtype="<f4")
        inputs[net] = torch.from_numpy(inp.reshape(16, 1, size, size).copy())
        out = models[net](inputs[net][:1].contiguous()).numpy().astype("<f4")
        out.tofile(os.path.join(netdir, net + ".torch_out.bin"))
    print("ready", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 4:
            break
        net, threads, batch, reps = parts[0], int(parts[1]), int(parts[2]), int(parts[3])
        torch.set_num_threads(threads)
        x = inputs[net][:batch].contiguous()
        fast = models[net]
        med, cpu = measure(lambda: fast(x), reps)
        print(json.dumps({"net": net, "threads": threads, "batch": batch,
                          "median_ms": med * 1e3, "cpu_ms": cpu * 1e3}), flush=True)


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "--serve":
        serve(sys.argv[1])
        return
    netdir = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    torch.set_grad_enabled(False)
    for net, size in (("classifier", 200), ("heatmap", 512)):
        model = torch.jit.load(os.path.join(netdir, net + ".pt")).eval()
        fast = torch.jit.optimize_for_inference(torch.jit.freeze(model))
        inp = np.fromfile(os.path.join(netdir, net + ".input.bin"), dtype="<f4")
        x16 = torch.from_numpy(inp.reshape(16, 1, size, size).copy())
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for batch in (1, 16):
                x = x16[:batch].contiguous()
                med, cpu = measure(lambda: fast(x), reps if batch == 1 else 5)
                print(json.dumps({"net": net, "threads": threads, "batch": batch,
                                  "median_ms": med * 1e3, "cpu_ms": cpu * 1e3}), flush=True)
        out = fast(x16[:1].contiguous()).numpy().astype("<f4")
        out.tofile(os.path.join(netdir, net + ".torch_out.bin"))


if __name__ == "__main__":
    main()
