#!/usr/bin/python3
# Renders the synthetic tube-surface sample used by the README's main command: a 16-bit grey
# line-scan frame of a drawn steel tube (cylindrical shading across the circumference, drawing
# marks along the axis) with a scratch, a pit and an inclusion. Standard library only.
# SPDX-License-Identifier: Apache-2.0
import math
import random
import struct
import sys
import zlib

W, H = 640, 400  # x: around the circumference, y: along the axis


def render(seed=7):
    rnd = random.Random(seed)
    marks = [rnd.gauss(0.0, 1.0) for _ in range(W)]
    # smooth the per-column drawing marks a little
    marks = [(marks[max(i - 1, 0)] + 2 * marks[i] + marks[min(i + 1, W - 1)]) / 4 for i in range(W)]
    rows = []
    for y in range(H):
        row = []
        for x in range(W):
            theta = (x / (W - 1) - 0.5) * math.pi * 0.8  # 144 degrees seen by this camera
            shade = 0.25 + 0.75 * math.cos(theta) ** 1.5  # curved surface falls off at the edges
            v = 30000.0 * shade + 900.0 * marks[x] + rnd.gauss(0.0, 250.0)
            # scratch: a thin dark line at a shallow angle along the axis
            d = abs((x - 200) - 0.35 * (y - 60))
            if 60 <= y <= 300 and d < 1.6:
                v *= 0.55 + 0.25 * d / 1.6
            # pit: a small dark round spot with a bright rim
            r = math.hypot(x - 430, y - 120)
            if r < 6:
                v *= 0.35
            elif r < 8:
                v *= 1.15
            # inclusion: an elongated dark streak
            if abs(y - 320) < 3 and 380 < x < 470:
                v *= 0.7
            row.append(min(max(int(v), 0), 65535))
        rows.append(row)
    return rows


def png16(rows):
    raw = b"".join(b"\x00" + struct.pack(">%dH" % len(r), *r) for r in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 16, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) +
            chunk(b"IEND", b""))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tube-sample.png"
    with open(out, "wb") as f:
        f.write(png16(render()))
