#!/usr/bin/env bash
# Tests tv-synth and tv-inspect end to end: a synthetic surface, verdicts and exit status, JSON and
# overlay output, folders, and errors.
# usage: cli_inspect.sh BIN_DIR SOURCE_DIR
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
synth="$bin/tv-synth"
insp="$bin/tv-inspect"
heat="$src/tests/data/insp_heat.tvm"
cls="$src/tests/data/insp_cls.tvm"
models=(--model "$heat" --classifier "$cls")

# The generator: deterministic, with mask and ground truth.
"$synth" --width 640 --height 512 --seed 4 --defects 5 --kinds scratch,pit,crack \
  --mask "$tmp/m.png" --json "$tmp/gt.json" "$tmp/a.png" >/dev/null && ok || bad "tv-synth failed"
"$synth" --width 640 --height 512 --seed 4 --defects 5 --kinds scratch,pit,crack "$tmp/b.png" >/dev/null
cmp -s "$tmp/a.png" "$tmp/b.png" && ok || bad "tv-synth is not deterministic"
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['schema'] == 'tubevision-synth/1' and len(d['defects']) == 5" "$tmp/gt.json" 2>/dev/null && ok || bad "ground truth JSON"
"$synth" --width 640 --height 512 --bits 16 --seam --defects 0 "$tmp/clean.png" >/dev/null && ok || bad "16-bit clean surface"
"$synth" --bits 9 "$tmp/x.png" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "tv-synth --bits 9 should give status 2"
"$synth" --kinds bogus "$tmp/x.png" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "tv-synth --kinds bogus should give status 2"

# A clean surface is accepted (0); the defects break a strict rule (1).
out=$("$insp" "${models[@]}" "$tmp/clean.png")
rc=$?
[[ $rc -eq 0 && $out == *"accepted: 1"* ]] && ok || bad "clean surface: rc=$rc $out"
printf '{"rules": {"*": {"max_length_mm": 0.5}}}' >"$tmp/strict.json"
out=$("$insp" "${models[@]}" --config "$tmp/strict.json" --json "$tmp/r.json" --overlay "$tmp/o.png" "$tmp/a.png")
rc=$?
[[ $rc -eq 1 && $out == *"rejected: 1"* && $out == *"MP/s"* ]] && ok || bad "strict rules: rc=$rc $out"
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['schema'] == 'tubevision-inspect/1' and d['verdict'] == 'reject' and len(d['defects']) >= 4" "$tmp/r.json" 2>/dev/null && ok || bad "result JSON"
out=$("$bin/tv-convert" --info "$tmp/o.png" 2>&1)
[[ $out == *"width=640 height=512 channels=3 type=u8"* ]] && ok || bad "overlay: $out"

# A folder: every image, a JSON array, overlays in a folder.
mkdir "$tmp/dir" "$tmp/ov"
cp "$tmp/a.png" "$tmp/clean.png" "$tmp/dir/"
out=$("$insp" "${models[@]}" --quiet --json "$tmp/all.json" --overlay "$tmp/ov" "$tmp/dir")
rc=$?
[[ $rc -eq 1 && $out == *"frames: 2"* ]] && ok || bad "folder: rc=$rc $out"
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d) == 2 and d[0]['source'].endswith('a.png')" "$tmp/all.json" 2>/dev/null && ok || bad "folder JSON"
[[ -f "$tmp/ov/a.overlay.png" && -f "$tmp/ov/clean.overlay.png" ]] && ok || bad "folder overlays"

# Errors: status 3 with a message; usage: status 2.
out=$("$insp" "${models[@]}" --config "$tmp/nope.json" "$tmp/a.png" 2>&1)
[[ $? -eq 3 && $out == *"nope.json"* ]] && ok || bad "missing config: $out"
printf '{"rules": {"rust": {"max_length_mm": 1}}}' >"$tmp/unknown.json"
out=$("$insp" "${models[@]}" --config "$tmp/unknown.json" "$tmp/a.png" 2>&1)
[[ $? -eq 3 && $out == *"unknown class 'rust'"* ]] && ok || bad "unknown class: $out"
out=$("$insp" --model "$cls" "$tmp/a.png" 2>&1)
[[ $? -eq 3 && $out == *"wrong kind"* ]] && ok || bad "wrong model kind: $out"
"$synth" --width 100 --height 100 --defects 0 "$tmp/small.png" >/dev/null
out=$("$insp" "${models[@]}" "$tmp/small.png" 2>&1)
[[ $? -eq 3 && $out == *"smaller than a tile"* ]] && ok || bad "small image: $out"
printf 'junk' >"$tmp/junk.png"
out=$("$insp" "${models[@]}" "$tmp/junk.png" 2>&1)
[[ $? -eq 3 ]] && ok || bad "junk image: $out"
"$insp" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "no arguments should give status 2"
"$insp" --bogus x >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "unknown option should give status 2"

echo "cli_inspect: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
