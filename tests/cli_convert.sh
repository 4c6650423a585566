#!/usr/bin/env bash
# Tests tv-convert end to end: conversions between formats, --info, and errors on bad files.
# usage: cli_convert.sh BIN_DIR SOURCE_DIR
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
conv="$bin/tv-convert"
sample="$src/examples/data/tube-sample.png"

out=$("$conv" --info "$sample") || bad "--info on the sample failed"
[[ $out == *"width=640 height=400 channels=1 type=u16 format=png bit_depth=16"* ]] && ok || bad "--info said: $out"

# 16-bit survives PNG -> PGM -> PNG exactly; JPEG gets 8 bits.
"$conv" "$sample" "$tmp/a.pgm" && ok || bad "png -> pgm"
out=$("$conv" --info "$tmp/a.pgm")
[[ $out == *"channels=1 type=u16 format=pnm bit_depth=16"* ]] && ok || bad "pgm info: $out"
"$conv" "$tmp/a.pgm" "$tmp/b.png" && ok || bad "pgm -> png"
"$conv" "$tmp/b.png" "$tmp/c.pgm" && ok || bad "png -> pgm again"
cmp -s "$tmp/a.pgm" "$tmp/c.pgm" && ok || bad "16-bit round trip changed the pixels"
"$conv" --quality 95 "$sample" "$tmp/d.jpg" && ok || bad "png -> jpg"
out=$("$conv" --info "$tmp/d.jpg")
[[ $out == *"width=640 height=400 channels=1 type=u8 format=jpeg"* ]] && ok || bad "jpg info: $out"
"$conv" "$tmp/d.jpg" "$tmp/e.ppm" && ok || bad "jpg -> ppm (grey into a ppm name)"

# Bad input: a clear message and status 1; nothing written.
printf 'not an image at all' >"$tmp/junk.png"
out=$("$conv" --info "$tmp/junk.png" 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"unknown format"* ]] && ok || bad "junk --info: rc=$rc $out"
head -c 2000 "$sample" >"$tmp/trunc.png"
out=$("$conv" "$tmp/trunc.png" "$tmp/never.png" 2>&1)
rc=$?
[[ $rc -eq 1 && ! -e "$tmp/never.png" ]] && ok || bad "truncated: rc=$rc $out"
out=$("$conv" --info "$tmp/missing.png" 2>&1)
[[ $? -eq 1 && $out == *"No such file"* ]] && ok || bad "missing file: $out"
echo keep >"$tmp/keep.png"
"$conv" "$tmp/trunc.png" "$tmp/keep.png" 2>/dev/null
[[ $(cat "$tmp/keep.png") == keep ]] && ok || bad "a failed conversion overwrote the output"
out=$("$conv" "$sample" "$tmp/x.tiff" 2>&1)
[[ $? -eq 1 && $out == *"extension"* ]] && ok || bad "unknown extension: $out"
"$conv" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "no arguments should give status 2"
"$conv" --quality 0 a b >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "--quality 0 should give status 2"

# The NEU BMPs when ../shared is there.
neu="${TV_SHARED_DIR:-$src/../shared}/datasets/neu_cls/images/scratches"
if [ -d "$neu" ]; then
  f=$(ls "$neu" | head -1)
  out=$("$conv" --info "$neu/$f")
  [[ $out == *"width=200 height=200 channels=1 type=u8 format=bmp"* ]] && ok || bad "bmp info: $out"
  "$conv" "$neu/$f" "$tmp/neu.png" && ok || bad "bmp -> png"
fi

echo "cli_convert: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
