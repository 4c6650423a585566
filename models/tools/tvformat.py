# Writes tubevision model files (models/FORMAT.md): header, metadata, graph, tensor table, data.
# SPDX-License-Identifier: Apache-2.0
"""Builder for .tvm files. Used by onnx2tv.py, export_example.py and the conformance script."""
import struct
import zlib

import numpy as np

MAGIC = b"\x89TVMODEL"
VERSION = 1  # written when a model has no metadata entries
VERSION_ENTRIES = 2  # metadata entries (detection thresholds)
TAG_DETECTION = 1
HEADER_SIZE = 128
NO_TENSOR = 0xFFFFFFFF

OP = {"conv": 1, "dense": 2, "act": 3, "maxpool": 4, "avgpool": 5, "global_avgpool": 6,
      "softmax": 7, "add": 8, "mul": 9, "concat": 10, "resize": 11, "flatten": 12, "constant": 13, "reshape": 14}
ACT = {"none": 0, "relu": 1, "leaky_relu": 2, "sigmoid": 3, "silu": 4, "hardswish": 5, "clip": 6}
SCORES, HEATMAP = 1, 2


def assemble(version, meta, graph, table, data):
    """A whole file from its four sections: header (with size, offsets and CRC-32), the sections
    in order, and zero padding so the data section starts on a multiple of 64 bytes."""
    meta_off = HEADER_SIZE
    graph_off = meta_off + len(meta)
    table_off = graph_off + len(graph)
    data_off = table_off + len(table)
    data_off += (-data_off) % 64
    size = data_off + len(data)
    head = struct.pack("<Q4Q4Q", size, meta_off, len(meta), graph_off, len(graph), table_off,
                       len(table), data_off, len(data))
    body = head + b"\0" * (HEADER_SIZE - 16 - len(head)) + meta + graph + table
    body += b"\0" * (data_off - 16 - len(body)) + data
    crc = zlib.crc32(body) & 0xFFFFFFFF
    return MAGIC + struct.pack("<II", version, crc) + body


class Model:
    """A graph under construction. Value 0 is the input; op i produces value i + 1."""

    def __init__(self, name, channels, height=0, width=0):
        self.name = name
        self.channels, self.height, self.width = channels, height, width
        self.mean = [0.0] * 4
        self.std = [1.0] * 4
        self.kind = SCORES
        self.classes = []
        self.stride = 0
        self.detection = None  # (low, high) recommended detection thresholds, or None
        self.ops = []
        self.tensors = []
        self.output = None

    def tensor(self, array):
        self.tensors.append(np.ascontiguousarray(array, dtype="<f4").ravel())
        return len(self.tensors) - 1

    def op(self, kind, inputs, ip=(), fp=(), weight=None, bias=None):
        """Appends an operator; returns its output value id."""
        if len(inputs) > 8 or len(ip) > 15 or len(fp) > 4:
            raise ValueError("too many inputs or parameters for " + kind)
        w = NO_TENSOR if weight is None else self.tensor(weight)
        b = NO_TENSOR if bias is None else self.tensor(bias)
        self.ops.append((OP[kind], list(inputs), list(ip), list(fp), w, b))
        return len(self.ops)

    def to_bytes(self):
        meta = struct.pack("<6I", self.channels, self.height, self.width, self.kind,
                           len(self.classes), self.stride)
        meta += struct.pack("<8f", *(list(self.mean) + list(self.std)))
        name = self.name.encode()
        meta += struct.pack("<I", len(name)) + name
        for c in self.classes:
            c = c.encode()
            meta += struct.pack("<I", len(c)) + c
        version = VERSION
        if self.detection is not None:
            lo, hi = (float(v) for v in self.detection)
            if not (0 <= lo < 1 and lo <= hi <= 1):
                raise ValueError("detection thresholds need 0 <= low < 1 and low <= high <= 1")
            meta += struct.pack("<III2f", 1, TAG_DETECTION, 8, lo, hi)
            version = VERSION_ENTRIES
        out = self.output if self.output is not None else len(self.ops)
        graph = struct.pack("<II", len(self.ops), out)
        for (t, ins, ip, fp, w, b) in self.ops:
            graph += struct.pack("<II", t, len(ins))
            graph += struct.pack("<8I", *(ins + [0] * (8 - len(ins))))
            graph += struct.pack("<II", w, b)
            graph += struct.pack("<15i", *(list(ip) + [0] * (15 - len(ip))))
            graph += struct.pack("<4f", *(list(fp) + [0.0] * (4 - len(fp))))
            graph += struct.pack("<I", 0)
        data = b""
        table = struct.pack("<II", len(self.tensors), 0)
        for t in self.tensors:
            pad = (-len(data)) % 64
            data += b"\0" * pad
            table += struct.pack("<QQ", len(data), t.size)
            data += t.tobytes()
        return assemble(version, meta, graph, table, data)

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())
