#!/usr/bin/python3
# ONNX operator conformance: converts every test of the ONNX node and PyTorch-converted corpora
# with onnx2tv.py, runs it with tv-model and compares with ONNX's expected outputs.
# SPDX-License-Identifier: Apache-2.0
"""onnx_conformance.py --tv-model BIN/tv-model --corpora SHARED/corpora [--markdown FILE] [-v]

For each test_*/ folder of onnx-node/ and onnx-pytorch-converted/: the first graph input is the
model's input; any further graph inputs (weights in onnx-node) are bound as constants from their
input_N.pb. Pass criterion, as ONNX's own runner: |got - want| <= 1e-7 + 1e-3 |want| for every
element, and equal element counts. A test the converter refuses is "unsupported", with the
converter's reason. Exit status: 0 when nothing failed, 1 when a supported test failed, 77 when
the corpora or python3-onnx are missing (ctest's "skipped").
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ATOL, RTOL = 1e-7, 1e-3
SUITES = ("onnx-node", "onnx-pytorch-converted")


def read_pb(path):
    from onnx import TensorProto, numpy_helper
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def run_case(tv_model, folder, tmp):
    """Returns (status, op types, detail) with status pass / fail / unsupported."""
    import onnx
    import onnx2tv
    model = onnx.load(os.path.join(folder, "model.onnx"))
    ops = sorted({n.op_type for n in model.graph.node if n.op_type != "Constant"})
    data = os.path.join(folder, "test_data_set_0")
    inits = {i.name for i in model.graph.initializer}
    ins = [i for i in model.graph.input if i.name not in inits]
    arrays = [read_pb(os.path.join(data, "input_%d.pb" % k)) for k in range(len(ins))]
    want = read_pb(os.path.join(data, "output_0.pb"))
    if not os.path.exists(os.path.join(data, "output_0.pb")) or os.path.exists(
            os.path.join(data, "output_1.pb")):
        return "unsupported", ops, "more than one output"
    x = arrays[0]
    if x.dtype != np.float32:
        return "unsupported", ops, "input type %s (float32 only)" % x.dtype
    if want.dtype != np.float32:
        return "unsupported", ops, "output type %s (float32 only)" % want.dtype
    bind = {ins[k].name: arrays[k] for k in range(1, len(ins))}
    try:
        m = onnx2tv.convert(model, name=os.path.basename(folder), bind=bind)
    except onnx2tv.Unsupported as e:
        return "unsupported", ops, str(e)
    except Exception as e:  # noqa: BLE001 - a converter crash is a failure
        return "fail", ops, "converter error: %r" % e
    if x.ndim == 4:
        n, h, w = x.shape[0], x.shape[2], x.shape[3]
    elif x.ndim == 3:
        n, h, w = x.shape[0], 1, x.shape[2]
    else:
        n, h, w = x.shape[0], 1, 1
    tvm, fin, fout = (os.path.join(tmp, s) for s in ("m.tvm", "in.f32", "out.f32"))
    m.save(tvm)
    x.astype("<f4").tofile(fin)
    if os.path.exists(fout):
        os.remove(fout)
    r = subprocess.run([tv_model, "run", tvm, "--raw", fin, "--shape", "%d,%d,%d" % (n, h, w),
                        "--raw-out", fout], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return "fail", ops, "tv-model: %s" % (r.stderr.strip() or r.returncode)
    got = np.fromfile(fout, dtype="<f4")
    want = want.astype(np.float32).ravel()
    if got.size != want.size:
        return "fail", ops, "%d outputs, want %d" % (got.size, want.size)
    err = np.abs(got.astype(np.float64) - want) - (ATOL + RTOL * np.abs(want.astype(np.float64)))
    bad = int(np.count_nonzero(err > 0) + np.count_nonzero(np.isnan(got) != np.isnan(want)))
    if bad:
        i = int(np.argmax(err))
        return "fail", ops, "%d of %d elements off, worst [%d] got %g want %g" % (
            bad, want.size, i, got[i], want[i])
    return "pass", ops, "max |err| %.2g" % float(np.max(np.abs(got - want))) if want.size else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tv-model", required=True)
    ap.add_argument("--corpora", required=True)
    ap.add_argument("--markdown", help="write the per-operator summary table here")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    try:
        import onnx  # noqa: F401
    except ImportError:
        print("onnx_conformance: python3-onnx is not installed: skipped")
        return 77
    if not all(os.path.isdir(os.path.join(args.corpora, s)) for s in SUITES):
        print("onnx_conformance: %s lacks %s: skipped" % (args.corpora, " or ".join(SUITES)))
        return 77
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for suite in SUITES:
            base = os.path.join(args.corpora, suite)
            for t in sorted(os.listdir(base)):
                if not t.startswith("test_"):
                    continue
                st, ops, detail = run_case(args.tv_model, os.path.join(base, t), tmp)
                results.append((suite, t, "+".join(ops), st, detail))
                if args.verbose or st == "fail":
                    print("%-12s %s/%s [%s] %s" % (st.upper(), suite, t, "+".join(ops), detail))
    by_op = {}
    for suite, t, ops, st, detail in results:
        e = by_op.setdefault(ops, {"pass": [], "fail": [], "unsupported": []})
        e[st].append((t, detail))
    lines = ["| operator(s) | pass | fail | unsupported | reasons for unsupported |",
             "|---|---|---|---|---|"]
    for ops in sorted(by_op):
        e = by_op[ops]
        reasons = sorted({d for _, d in e["unsupported"]})
        lines.append("| %s | %d | %d | %d | %s |" % (ops, len(e["pass"]), len(e["fail"]),
                                                     len(e["unsupported"]),
                                                     "; ".join(reasons).replace("|", "/")))
    table = "\n".join(lines)
    counts = {s: sum(1 for r in results if r[3] == s) for s in ("pass", "fail", "unsupported")}
    summary = "%d tests: %d pass, %d fail, %d unsupported" % (
        len(results), counts["pass"], counts["fail"], counts["unsupported"])
    print(table)
    print(summary)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n\n" + summary + "\n")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
