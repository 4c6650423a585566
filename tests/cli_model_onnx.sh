#!/usr/bin/env bash
# ONNX operator conformance (onnx-node and onnx-pytorch-converted corpora) through onnx2tv.py and
# tv-model; skipped (77) without ../shared/corpora or python3-onnx.
# usage: cli_model_onnx.sh BIN_DIR SOURCE_DIR
# SPDX-License-Identifier: Apache-2.0
set -u
bin=$1
src=$2
shared=${TV_SHARED_DIR:-$src/../shared}
py=/usr/bin/python3
[[ -x $py ]] || py=python3
if [[ ! -d $shared/corpora/onnx-node ]]; then
  echo "cli_model_onnx: $shared/corpora/onnx-node is missing: skipped"
  exit 77
fi
if ! "$py" -c 'import onnx, numpy' 2>/dev/null; then
  echo "cli_model_onnx: $py lacks onnx or numpy: skipped"
  exit 77
fi
# The converter names what it cannot convert, with exit status 2.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" - "$tmp" <<'PY'
import sys, onnx
from onnx import helper, TensorProto
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 8, 8])
g = helper.make_graph([helper.make_node("Tanh", ["x"], ["y"], name="act3")], "g", [x], [y])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1] + "/tanh.onnx")
r = helper.make_node("Resize", ["x", "", "s"], ["y"], mode="cubic")
s = helper.make_tensor("s", TensorProto.FLOAT, [4], [1, 1, 1, 1])
g = helper.make_graph([r], "g", [x], [y], initializer=[s])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1] + "/cubic.onnx")
PY
fail=0
out=$("$py" "$src/models/tools/onnx2tv.py" "$tmp/tanh.onnx" "$tmp/t.tvm" 2>&1)
rc=$?
if [[ $rc -ne 2 || $out != *"operator Tanh (node 'act3') is not supported"* || -e $tmp/t.tvm ]]; then
  echo "FAIL: Tanh: rc=$rc $out"
  fail=1
fi
out=$("$py" "$src/models/tools/onnx2tv.py" "$tmp/cubic.onnx" "$tmp/c.tvm" 2>&1)
rc=$?
if [[ $rc -ne 2 || $out != *"Resize: mode 'cubic' is not supported"* ]]; then
  echo "FAIL: cubic: rc=$rc $out"
  fail=1
fi
"$py" "$src/models/tools/onnx_conformance.py" --tv-model "$bin/tv-model" --corpora "$shared/corpora" || fail=1
exit $fail
