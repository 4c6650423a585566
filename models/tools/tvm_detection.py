#!/usr/bin/python3
# Writes (or removes) the recommended detection thresholds of an existing .tvm heatmap model
# (models/FORMAT.md, version 2 metadata entry 1) without touching its graph or weights.
# Usage: tvm_detection.py IN.tvm OUT.tvm --set LOW,HIGH | --clear   (OUT may be IN)
# SPDX-License-Identifier: Apache-2.0
import argparse
import struct
import sys
import zlib

import tvformat


def read_sections(blob):
    """(version, [(offset, size)] x 4) of a .tvm file, checked as far as this tool relies on."""
    if blob[:8] != tvformat.MAGIC or len(blob) < tvformat.HEADER_SIZE:
        raise ValueError("not a tubevision model")
    version, crc = struct.unpack_from("<II", blob, 8)
    if version not in (1, 2):
        raise ValueError("format version %d is not 1 or 2" % version)
    if (zlib.crc32(blob[16:]) & 0xFFFFFFFF != crc
            or struct.unpack_from("<Q", blob, 16)[0] != len(blob)):
        raise ValueError("checksum or size mismatch: the file is damaged")
    secs = [struct.unpack_from("<QQ", blob, 24 + 16 * k) for k in range(4)]
    return version, secs


def metadata_base(meta, version):
    """The metadata bytes up to the end of the class names, and the entries (tag, bytes)."""
    pos = 6 * 4 + 8 * 4
    nclasses = struct.unpack_from("<I", meta, 16)[0]
    for _ in range(1 + nclasses):  # model name, class names
        n = struct.unpack_from("<I", meta, pos)[0]
        pos += 4 + n
    entries = []
    if version >= 2:
        count = struct.unpack_from("<I", meta, pos)[0]
        p = pos + 4
        for _ in range(count):
            tag, size = struct.unpack_from("<II", meta, p)
            entries.append((tag, meta[p + 8:p + 8 + size]))
            p += 8 + size
    return meta[:pos], entries


def rewrite(blob, detection):
    version, secs = read_sections(blob)
    meta = blob[secs[0][0]:secs[0][0] + secs[0][1]]
    base, entries = metadata_base(meta, version)
    entries = [e for e in entries if e[0] != tvformat.TAG_DETECTION]
    if detection is not None:
        lo, hi = detection
        if not (0 <= lo < 1 and lo <= hi <= 1):
            raise ValueError("need 0 <= low < 1 and low <= high <= 1")
        entries.insert(0, (tvformat.TAG_DETECTION, struct.pack("<2f", lo, hi)))
    new_meta = base
    if entries:
        new_meta += struct.pack("<I", len(entries))
        for tag, data in entries:
            new_meta += struct.pack("<II", tag, len(data)) + data
    out_version = tvformat.VERSION_ENTRIES if entries else tvformat.VERSION
    graph = blob[secs[1][0]:secs[1][0] + secs[1][1]]
    table = blob[secs[2][0]:secs[2][0] + secs[2][1]]
    data = blob[secs[3][0]:secs[3][0] + secs[3][1]]
    return tvformat.assemble(out_version, new_meta, graph, table, data)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Writes or removes the recommended detection "
                                 "thresholds of a .tvm heatmap model.")
    ap.add_argument("input")
    ap.add_argument("output")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--set", metavar="LOW,HIGH")
    g.add_argument("--clear", action="store_true")
    args = ap.parse_args(argv)
    blob = open(args.input, "rb").read()
    try:
        det = None
        if args.set:
            det = [float(v) for v in args.set.split(",")]
            if len(det) != 2:
                raise ValueError("--set needs LOW,HIGH")
        out = rewrite(blob, det)
    except (ValueError, struct.error) as e:
        print("tvm_detection: %s: %s" % (args.input, e), file=sys.stderr)
        return 2
    with open(args.output, "wb") as f:
        f.write(out)
    print("tvm_detection: wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
