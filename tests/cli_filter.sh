#!/usr/bin/env bash
# Tests tv-filter end to end: chains of operations on the sample, --list, and bad usage.
# usage: cli_filter.sh BIN_DIR SOURCE_DIR
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
f="$bin/tv-filter"
info() { "$bin/tv-convert" --info "$1"; }
sample="$src/examples/data/tube-sample.png"

out=$("$f" --list)
for op in grey convert flatfield shading gaussian box sobel scharr laplacian gradient erode dilate \
  open close tophat blackhat median threshold otsu adaptive hysteresis resize scale absdiff components; do
  [[ $out == *"$op "* ]] && ok || bad "--list lacks $op"
done

# Every operation runs on the 16-bit sample, alone or in a chain, and writes a readable image.
chains=(
  "shading gaussian:sigma=1.5"
  "shading:method=gaussian,param=20 median:ksize=5"
  "box:size=7 sobel:dx=1,type=f32"
  "scharr:dx=0,dy=1,type=s16 convert:type=u8,scale=0.01,offset=128"
  "laplacian:ksize=3"
  "gradient:scharr=1"
  "erode:w=5,h=3 dilate open close tophat:w=15,h=15 blackhat"
  "convert:type=u8,scale=0.0039 otsu"
  "convert:type=u8,scale=0.0039 adaptive:block=31,c=5,kind=binary_inv"
  "threshold:t=20000,kind=binary_inv components"
  "hysteresis:low=15000,high=18000"
  "resize:fx=2 scale:w=640,h=400"
  "absdiff:with=$sample"
)
i=0
for c in "${chains[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  if "$f" "$sample" "$tmp/out$i.png" $c >"$tmp/log$i" 2>&1; then
    o=$(info "$tmp/out$i.png") && [[ $o == *"format=png"* ]] && ok || bad "chain '$c' wrote no image"
  else
    bad "chain '$c' failed: $(cat "$tmp/log$i")"
  fi
done
out=$(cat "$tmp/log10")
[[ $out == *"components: "* ]] && ok || bad "components printed nothing: $out"
o=$(info "$tmp/out12.png")
[[ $o == *"width=640 height=400 channels=1 type=u16"* ]] && ok || bad "resize/scale size: $o"

# Flat-field from dark and white references made with tv-filter itself.
"$f" "$sample" "$tmp/dark.png" convert:type=u16,scale=0,offset=1000 && ok || bad "dark"
"$f" "$sample" "$tmp/white.png" convert:type=u16,scale=0,offset=40000 && ok || bad "white"
"$f" "$sample" "$tmp/ff.png" "flatfield:dark=$tmp/dark.png,white=$tmp/white.png" && ok || bad "flatfield"

# Bad usage: status 2 and a message naming the problem; failed operations: status 1.
out=$("$f" "$sample" "$tmp/x.png" nosuchop 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"unknown operation 'nosuchop'"* ]] && ok || bad "unknown op: $rc $out"
out=$("$f" "$sample" "$tmp/x.png" gaussian:radius=3 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"no key 'radius'"* ]] && ok || bad "unknown key: $rc $out"
out=$("$f" "$sample" "$tmp/x.png" threshold 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"needs t="* ]] && ok || bad "missing key: $rc $out"
out=$("$f" "$sample" "$tmp/x.png" gaussian:sigma=abc 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"not a number"* ]] && ok || bad "bad number: $rc $out"
out=$("$f" "$sample" "$tmp/x.png" median:ksize=4 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"tv_median"* && ! -e "$tmp/x.png" ]] && ok || bad "even median: $rc $out"
out=$("$f" "$tmp/missing.png" "$tmp/x.png" grey 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"No such file"* ]] && ok || bad "missing input: $rc $out"
"$f" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "no arguments should give status 2"

echo "cli_filter: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
