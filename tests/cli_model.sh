#!/usr/bin/env bash
# Tests tv-model end to end: info, verify, run (scores, heatmap PNG, raw tensors) and bad input.
# usage: cli_model.sh BIN_DIR SOURCE_DIR
# SPDX-License-Identifier: Apache-2.0
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
tvm="$bin/tv-model"
data="$src/models/testdata"

out=$("$tvm" info "$data/tiny_cls.tvm") || bad "info failed"
[[ $out == *"name: tiny_cls"* && $out == *"input: 1 channels, 32x32"* && $out == *"output: scores"* &&
  $out == *"classes: 5: ok scratch pit dent scale"* && $out == *"normalisation: mean 0.45 std 0.25"* ]] && ok || bad "info said: $out"
out=$("$tvm" info "$data/tiny_heat.tvm")
[[ $out == *"input: 1 channels, any size"* && $out == *"output: heatmap, stride 4"* &&
  $out != *"detection thresholds"* ]] && ok || bad "heat info: $out"
# The shipped heatmap model carries its thresholds (format version 2).
out=$("$tvm" info "$src/models/heatmap.tvm")
[[ $out == *"format_version: 2"* && $out == *"detection thresholds: low 0.48, high 0.99"* ]] && ok ||
  bad "shipped heatmap info: $out"

out=$("$tvm" verify "$data/tiny_cls.tvm") && [[ $out == *"OK (20 operators, output 1x5x1x1)"* ]] && ok || bad "verify: $out"
out=$("$tvm" verify "$data/tiny_heat.tvm") && [[ $out == *"OK (4 operators"* ]] && ok || bad "verify heat: $out"

# Scores for an image: the best class and every score.
out=$("$tvm" run --threads 2 "$data/tiny_cls.tvm" "$data/tiny_cls.pgm") || bad "run scores failed"
[[ $out == "$data/tiny_cls.pgm: "* && $out == *" ok="*" scratch="*" pit="*" dent="*" scale="* ]] && ok || bad "run said: $out"

# Heatmap: a PNG of the output's size (32x32 input, stride 4).
out=$("$tvm" run --out "$tmp" "$data/tiny_heat.tvm" "$data/tiny_cls.pgm") || bad "run heatmap failed: $out"
[[ -s "$tmp/tiny_cls.heatmap.png" && $out == *"(8x8)"* ]] && ok || bad "no heatmap: $out"
if [[ -x "$bin/tv-convert" ]]; then
  info=$("$bin/tv-convert" --info "$tmp/tiny_cls.heatmap.png")
  [[ $info == *"width=8 height=8 channels=1 type=u8 format=png"* ]] && ok || bad "heatmap png: $info"
fi

# Raw tensors: the committed input gives 2 x 5 scores (40 bytes); deterministic gives the same bytes.
out=$("$tvm" run "$data/tiny_cls.tvm" --raw "$data/tiny_cls.in.f32" --shape 2,32,32 --raw-out "$tmp/a.f32") &&
  [[ $out == "output 2 5 1 1" && $(stat -c %s "$tmp/a.f32") == 40 ]] && ok || bad "raw: $out"
"$tvm" run --deterministic --threads 1 "$data/tiny_heat.tvm" --raw "$data/tiny_heat.in.f32" --shape 2,24,32 --raw-out "$tmp/b1.f32" >/dev/null &&
  "$tvm" run --deterministic --threads 2 "$data/tiny_heat.tvm" --raw "$data/tiny_heat.in.f32" --shape 2,24,32 --raw-out "$tmp/b2.f32" >/dev/null &&
  cmp -s "$tmp/b1.f32" "$tmp/b2.f32" && ok || bad "deterministic runs differ"

# Bad input: status 1 and a message; bad usage: status 2.
out=$("$tvm" info "$tmp/missing.tvm" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"tv_model_load: cannot open"* ]] && ok || bad "missing: rc=$rc $out"
printf 'not a model' >"$tmp/junk.tvm"
out=$("$tvm" verify "$tmp/junk.tvm" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"not a tubevision model"* ]] && ok || bad "junk: rc=$rc $out"
head -c 3000 "$data/tiny_cls.tvm" >"$tmp/trunc.tvm"
out=$("$tvm" verify "$tmp/trunc.tvm" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"truncated?"* ]] && ok || bad "truncated: rc=$rc $out"
cp "$data/tiny_cls.tvm" "$tmp/flip.tvm"
printf '\x55' | dd of="$tmp/flip.tvm" bs=1 seek=5000 conv=notrunc status=none
out=$("$tvm" run "$tmp/flip.tvm" "$data/tiny_cls.pgm" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"checksum mismatch"* ]] && ok || bad "flipped: rc=$rc $out"
out=$("$tvm" run "$data/tiny_cls.tvm" "$data/tiny_heat.in.f32" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"tiny_heat.in.f32"* ]] && ok || bad "not an image: rc=$rc $out"
out=$("$tvm" run "$data/tiny_heat.tvm" --raw "$data/tiny_heat.in.f32" --shape 2,24,31 --raw-out "$tmp/x.f32" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"does not hold exactly"* ]] && ok || bad "raw size: rc=$rc $out"
"$tvm" frobnicate "$data/tiny_cls.tvm" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "unknown command should exit 2"
"$tvm" run --bogus "$data/tiny_cls.tvm" x.png >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "unknown option should exit 2"
"$tvm" --help | grep -q "tv-model info MODEL" && ok || bad "--help"

echo "cli_model: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
