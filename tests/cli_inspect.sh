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
# The built-in detection thresholds belong to the shipped model; the test model's are 0.3 / 0.6.
det='"detection": {"low": 0.3, "high": 0.6}'
printf '{%s}' "$det" >"$tmp/test.json"
models=(--model "$heat" --classifier "$cls" --config "$tmp/test.json")

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
printf '{%s, "rules": {"*": {"max_length_mm": 0.5}}}' "$det" >"$tmp/strict.json"
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

# Strips: --strip-rows feeds an image N rows at a time; --stream takes a folder's images as
# consecutive strips of one surface. Either way every defect is reported once, whole, exactly as
# in the frame (a defect crossing a strip boundary included), at the same axial position.
"$synth" --width 640 --height 1200 --seed 8 --defects 8 --kinds scratch,inclusion,crack "$tmp/s.png" >/dev/null
"$insp" "${models[@]}" --offset 250 --json "$tmp/sf.json" "$tmp/s.png" >/dev/null
out=$("$insp" "${models[@]}" --offset 250 --strip-rows 100 --json "$tmp/ss.json" "$tmp/s.png")
rc=$?
[[ $rc -eq 1 && $out == *"surfaces: 1"* ]] && ok || bad "--strip-rows: rc=$rc $out"
mkdir "$tmp/stream"
/usr/bin/python3 -c "
import cv2, sys
img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
for i, (a, b) in enumerate([(0, 400), (400, 750), (750, 1200)]):
    cv2.imwrite(sys.argv[2] + '/part%d.png' % i, img[a:b])
" "$tmp/s.png" "$tmp/stream" && ok || bad "splitting the surface"
out=$("$insp" "${models[@]}" --offset 250 --stream --json "$tmp/sd.json" "$tmp/stream")
rc=$?
[[ $rc -eq 1 && $out == *"surfaces: 1"* && $out == *"(3 images)"* ]] && ok || bad "--stream: rc=$rc $out"
"$insp" "${models[@]}" --offset 250 --stream --strip-rows 64 --quiet --json "$tmp/sd64.json" "$tmp/stream" >/dev/null
cat >"$tmp/same.py" <<'PY'
import json, sys
frame = json.load(open(sys.argv[1]))
key = lambda d: (d["bbox_px"], d["area_px"], d["length_mm"], d["width_mm"], d["axial_mm"], d["class"])
want = sorted(key(d) for d in frame["defects"])
assert len(want) >= 5, want
for path in sys.argv[2:]:
    results = json.load(open(path))
    assert isinstance(results, list) and results[-1]["final"] is True, path
    assert [r["final"] for r in results[:-1]] == [False] * (len(results) - 1), path
    got = sorted(key(d) for r in results for d in r["defects"])
    assert got == want, (path, got, want)
    assert results[-1]["verdict"] == frame["verdict"], path
# At least one defect crosses a 100-row strip boundary and one crosses an image boundary.
boxes = [d["bbox_px"] for d in frame["defects"]]
assert any(y // 100 != (y + h - 1) // 100 for x, y, w, h in boxes), boxes
assert any(y < cut <= y + h - 1 for x, y, w, h in boxes for cut in (400, 750)), boxes
PY
/usr/bin/python3 "$tmp/same.py" "$tmp/sf.json" "$tmp/ss.json" "$tmp/sd.json" "$tmp/sd64.json" && ok || bad "strips differ from the frame"
"$insp" "${models[@]}" --strip-rows 100 --overlay "$tmp/x.png" "$tmp/s.png" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "--overlay with --strip-rows should give status 2"
"$insp" "${models[@]}" --strip-rows 0 "$tmp/s.png" >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "--strip-rows 0 should give status 2"
"$synth" --width 512 --height 64 --defects 0 "$tmp/stream/part3.png" >/dev/null
out=$("$insp" "${models[@]}" --stream "$tmp/stream" 2>&1)
[[ $? -eq 3 && $out == *"tv_inspect_strip: strip width 512 differs"* ]] && ok || bad "--stream with a different width: $out"

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
