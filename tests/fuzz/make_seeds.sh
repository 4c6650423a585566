#!/usr/bin/env bash
# Writes the seed inputs of the decode fuzz target into tests/fuzz/corpus/decode: tiny images of
# every format and layout we read, made by tv-convert from small synthetic PNM files, plus a few
# truncated ones. Run after building: make_seeds.sh BUILD_DIR
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
bin=$1/bin
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus/decode
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
w, h = 13, 7
g8 = bytes((x * 19 + y * 31) & 255 for y in range(h) for x in range(w))
open(d + "/g8.pgm", "wb").write(b"P5\n13 7\n255\n" + g8)
rgb = bytes(((x * 19 + y * 31 + c * 80) & 255) for y in range(h) for x in range(w) for c in range(3))
open(d + "/rgb8.ppm", "wb").write(b"P6\n# seed\n13 7\n255\n" + rgb)
g16 = b"".join(struct.pack(">H", (x * 4099 + y * 977) & 4095) for y in range(h) for x in range(w))
open(d + "/g12.pgm", "wb").write(b"P5 13 7 4095\n" + g16)
open(d + "/ascii.pgm", "w").write("P2\n3 2\n15\n0 5 10\n15 3 1\n")
open(d + "/ascii.ppm", "w").write("P3\n2 1\n255\n255 0 0  0 0 255\n")
# BMP: 8-bit grey palette, bottom-up, 13 x 7 (rows padded to 16 bytes)
pal = b"".join(bytes((i, i, i, 0)) for i in range(256))
rows = b"".join(g8[y * w:(y + 1) * w] + b"\0" * 3 for y in reversed(range(h)))
off = 14 + 40 + len(pal)
bmp = b"BM" + struct.pack("<IHHI", off + len(rows), 0, 0, off)
bmp += struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 0, len(rows), 2835, 2835, 256, 0) + pal + rows
open(d + "/grey8.bmp", "wb").write(bmp)
# BMP: 24-bit top-down
rows = b"".join(bytes(rgb[(y * w + x) * 3 + 2 - c] for x in range(w) for c in range(3)) + b"\0" * 1
                for y in range(h))
off = 14 + 40
bmp = b"BM" + struct.pack("<IHHI", off + len(rows), 0, 0, off)
bmp += struct.pack("<IiiHHIIiiII", 40, w, -h, 1, 24, 0, len(rows), 2835, 2835, 0, 0) + rows
open(d + "/rgb24.bmp", "wb").write(bmp)
PY
cp "$tmp"/*.pgm "$tmp"/*.ppm "$tmp"/*.bmp "$out/"
"$bin/tv-convert" "$tmp/g8.pgm" "$out/g8.png"
"$bin/tv-convert" "$tmp/rgb8.ppm" "$out/rgb8.png"
"$bin/tv-convert" "$tmp/g12.pgm" "$out/g16.png"
"$bin/tv-convert" "$tmp/g8.pgm" "$out/g8.jpg"
"$bin/tv-convert" --quality 75 "$tmp/rgb8.ppm" "$out/rgb8.jpg"
for f in g8.png rgb8.jpg g16.png; do head -c $(($(stat -c %s "$out/$f") * 2 / 3)) "$out/$f" >"$out/trunc-$f"; done
ls "$out" | wc -l
