#!/usr/bin/python3
# Converts an ONNX model into tubevision's model format (models/FORMAT.md).
# SPDX-License-Identifier: Apache-2.0
"""onnx2tv.py MODEL.onnx OUT.tvm [options]

Folds batch norm into the preceding convolution, fuses activations (ReLU, LeakyReLU, sigmoid,
SiLU = x * sigmoid(x), hard-swish, clip) into convolutions and dense layers, and maps 1-D (N, C, L)
tensors onto tubevision's N x C x H x W layout with H = 1. An operator or attribute tubevision
cannot run stops the conversion with an error that names it (exit status 2).
Needs numpy and onnx (Debian: python3-numpy, python3-onnx).
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tvformat  # noqa: E402

FMAX = 3.4028234e38


class Unsupported(Exception):
    """The model uses something tubevision cannot run; the message names it."""


def _attrs(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class Converter:
    def __init__(self, model, bind=None):
        import onnx
        from onnx import numpy_helper
        self.onnx = onnx
        self.opset = 1
        for imp in model.opset_import:
            if imp.domain in ("", "ai.onnx"):
                self.opset = imp.version
        g = model.graph
        self.consts = {i.name: numpy_helper.to_array(i).copy() for i in g.initializer}
        for k, v in (bind or {}).items():
            self.consts[k] = np.asarray(v)
        for n in g.node:
            if n.op_type == "Constant":
                a = _attrs(n)
                if "value" not in a:
                    raise Unsupported("Constant: only the 'value' attribute is supported")
                self.consts[n.output[0]] = numpy_helper.to_array(a["value"]).copy()
        data_inputs = [i for i in g.input if i.name not in self.consts]
        if len(data_inputs) != 1:
            raise Unsupported("the graph has %d data inputs (%s); tubevision models take one"
                              % (len(data_inputs), ", ".join(i.name for i in data_inputs)))
        if len(g.output) != 1:
            raise Unsupported("the graph has %d outputs; tubevision models give one" % len(g.output))
        self.graph = g
        self.input = data_inputs[0]
        self.output_name = g.output[0].name
        # Static shapes, where ONNX's shape inference finds them.
        m2 = onnx.ModelProto()
        m2.CopyFrom(model)
        for k in (bind or {}):
            m2.graph.initializer.append(numpy_helper.from_array(np.asarray(bind[k]), k))
        try:
            m2 = onnx.shape_inference.infer_shapes(m2)
        except Exception:  # noqa: BLE001 - shapes are only a help
            pass
        self.shapes = {}
        for vi in list(m2.graph.value_info) + list(m2.graph.input) + list(m2.graph.output):
            t = vi.type.tensor_type
            if t.HasField("shape"):
                self.shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None
                                        for d in t.shape.dim]
        self.consumers = {}
        for n in g.node:
            for i in n.input:
                self.consumers[i] = self.consumers.get(i, 0) + 1
        self.consumers[self.output_name] = self.consumers.get(self.output_name, 0) + 1
        self.env = {}  # onnx name -> (value id, rank)
        self.pending_silu = {}
        self.pending_pad = {}  # Pad output -> (its input, [top, left, bottom, right])

    # ---- helpers ------------------------------------------------------------------------------
    def value(self, node, name):
        if name in self.env:
            return self.env[name]
        if name in self.consts:
            raise Unsupported("%s: input '%s' is a constant where tubevision needs a computed "
                              "tensor" % (node.op_type, name))
        raise Unsupported("%s: input '%s' is not computed by any supported operator"
                          % (node.op_type, name))

    def const(self, node, name, what):
        if name not in self.consts:
            raise Unsupported("%s: %s '%s' must be a constant (initializer)"
                              % (node.op_type, what, name))
        return self.consts[name]

    def single_use(self, name):
        return self.consumers.get(name, 0) == 1 and name != self.output_name

    def producer(self, vid):
        return self.m.ops[vid - 1] if vid >= 1 else None

    def static_shape(self, name):
        s = self.shapes.get(name)
        return s if s is not None and all(d is not None and d > 0 for d in s) else None

    @staticmethod
    def axis4(axis, rank):
        """Maps an ONNX axis of a rank-2/3/4 tensor onto the internal N, C, H, W."""
        return {2: [0, 1], 3: [0, 1, 3], 4: [0, 1, 2, 3]}[rank][axis]

    @staticmethod
    def shape4(shape, rank):
        shape = [1] * (rank - len(shape)) + list(shape)
        if rank == 2:
            return [shape[0], shape[1], 1, 1]
        if rank == 3:
            return [shape[0], shape[1], 1, shape[2]]
        return list(shape)

    def constant_value(self, node, arr, rank):
        if arr.ndim > rank or rank not in (2, 3, 4):
            raise Unsupported("%s: a constant operand of shape %s does not fit a rank-%d tensor"
                              % (node.op_type, list(arr.shape), rank))
        arr = np.asarray(arr, dtype=np.float32)
        dims = self.shape4(arr.shape, rank)
        return self.m.op("constant", [], ip=dims, weight=arr.reshape(dims))

    def spatial(self, node, rank, a, name, default):
        v = list(a.get(name, default))
        return v

    # ---- graph --------------------------------------------------------------------------------
    def run(self, name="model"):
        inp = self.input.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else 0 for d in inp.shape.dim]
        rank = len(dims)
        if rank not in (2, 3, 4):
            raise Unsupported("input '%s' has rank %d; tubevision takes N x C [x L | x H x W]"
                              % (self.input.name, rank))
        if inp.elem_type != self.onnx.TensorProto.FLOAT:
            raise Unsupported("input '%s' is not float32" % self.input.name)
        c = dims[1]
        if c <= 0:
            raise Unsupported("input '%s' has no static channel count" % self.input.name)
        h, w = (dims[2], dims[3]) if rank == 4 else ((1, dims[2]) if rank == 3 else (1, 1))
        if h <= 0 or w <= 0 or h > 65536 or w > 65536:
            h = w = 0  # any size (the format declares sizes up to 65536)
        self.m = tvformat.Model(name, c, h, w)
        self.env[self.input.name] = (0, rank)
        # Sigmoid(x) used only by Mul(x, Sigmoid(x)) is SiLU.
        by_out = {o: n for n in self.graph.node for o in n.output}
        for n in self.graph.node:
            if n.op_type == "Mul" and len(n.input) == 2:
                for a, b in ((0, 1), (1, 0)):
                    p = by_out.get(n.input[b])
                    if (p is not None and p.op_type in ("Sigmoid", "HardSigmoid")
                            and p.input[0] == n.input[a] and self.single_use(p.output[0])):
                        at = _attrs(p)
                        if p.op_type == "HardSigmoid" and not (
                                abs(at.get("alpha", 0.2) - 1 / 6) < 1e-6
                                and abs(at.get("beta", 0.5) - 0.5) < 1e-6):
                            continue
                        self.pending_silu[p.output[0]] = True
                        self.pending_silu[n.output[0]] = (
                            n.input[a], "silu" if p.op_type == "Sigmoid" else "hardswish")
                        break
        for n in self.graph.node:
            if n.op_type == "Constant":
                continue
            if all(i in self.consts or i == "" for i in n.input) and n.op_type in FOLDABLE:
                self.consts[n.output[0]] = FOLDABLE[n.op_type](self, n)
                continue
            handler = getattr(self, "op_" + n.op_type, None)
            if handler is None:
                raise Unsupported("operator %s (node '%s') is not supported" % (n.op_type, n.name))
            handler(n)
        if self.output_name not in self.env:
            raise Unsupported("the graph output '%s' is not computed" % self.output_name)
        vid, rank = self.env[self.output_name]
        if vid == 0:
            raise Unsupported("the graph output is its input")
        self.m.output = vid
        self.out_rank = rank
        return self.m

    def fuse_act(self, n, x, act, a=0.0, b=0.0):
        vid, rank = self.value(n, x)
        p = self.producer(vid)
        if p is not None and p[0] in (1, 2) and self.single_use(x):
            slot = 13 if p[0] == 1 else 2
            if p[2][slot] == 0:
                p[2][slot] = tvformat.ACT[act]
                p[3][0], p[3][1] = a, b
                self.env[n.output[0]] = (vid, rank)
                return
        self.env[n.output[0]] = (self.m.op("act", [vid], ip=[tvformat.ACT[act]], fp=[a, b]), rank)

    # ---- operators ----------------------------------------------------------------------------
    def check_attrs(self, n, allowed):
        for k in _attrs(n):
            if k not in allowed:
                raise Unsupported("%s: attribute '%s' is not supported" % (n.op_type, k))

    def pads_for(self, n, a, rank, k, s, d):
        nsp = len(k)
        pads = list(a.get("pads", [0] * (2 * nsp)))
        ap = a.get("auto_pad", b"NOTSET")
        ap = ap.decode() if isinstance(ap, bytes) else ap
        if ap in ("SAME_UPPER", "SAME_LOWER"):
            shp = self.static_shape(n.input[0])
            if shp is None:
                raise Unsupported("%s: auto_pad %s needs a static input shape" % (n.op_type, ap))
            pads = [0] * (2 * nsp)
            for i in range(nsp):
                size = shp[2 + i]
                out = -(-size // s[i])
                tot = max((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - size, 0)
                lo = tot // 2 if ap == "SAME_UPPER" else tot - tot // 2
                pads[i], pads[nsp + i] = lo, tot - lo
        elif ap == "VALID":
            pads = [0] * (2 * nsp)
        elif ap != "NOTSET":
            raise Unsupported("%s: auto_pad '%s' is not supported" % (n.op_type, ap))
        if nsp == 1:
            return [0, pads[0], 0, pads[1]]  # top, left, bottom, right
        return [pads[0], pads[1], pads[2], pads[3]]

    def window(self, n, a, rank, kernel):
        if rank not in (3, 4) or len(kernel) != rank - 2:
            raise Unsupported("%s: %d-D windows are not supported (1-D and 2-D are)"
                              % (n.op_type, len(kernel)))
        k = list(kernel)
        s = list(a.get("strides", [1] * len(k)))
        d = list(a.get("dilations", [1] * len(k)))
        p = self.pads_for(n, a, rank, k, s, d)
        extra = self.pending_pad.get(n.input[0])
        if extra:
            p = [u + v for u, v in zip(p, extra[1])]
        if len(k) == 1:
            k, s, d = [1] + k, [1] + s, [1] + d
        return k, s, d, p

    def op_Conv(self, n):
        self.check_attrs(n, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"})
        a = _attrs(n)
        x, rank = self.value(n, n.input[0])
        w = np.asarray(self.const(n, n.input[1], "weight"), dtype=np.float32)
        b = None
        if len(n.input) > 2 and n.input[2]:
            b = np.asarray(self.const(n, n.input[2], "bias"), dtype=np.float32)
        k, s, d, p = self.window(n, a, rank, a.get("kernel_shape", list(w.shape[2:])))
        g = a.get("group", 1)
        if w.ndim == 3:
            w = w[:, :, None, :]
        cout, cin = w.shape[0], w.shape[1] * g
        if not (1 <= k[0] <= 7 and 1 <= k[1] <= 7):
            raise Unsupported("Conv: kernel_shape %s is not supported (1..7)" % (k,))
        if max(s) > 16 or max(d) > 16:
            raise Unsupported("Conv: strides or dilations over 16 are not supported")
        for i, pad in enumerate(p):
            if pad > d[i % 2] * (k[i % 2] - 1):
                raise Unsupported("Conv: pads %s larger than the dilated kernel" % (p,))
        ip = [cin, cout, k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], g, 0]
        self.env[n.output[0]] = (self.m.op("conv", [x], ip=ip, fp=[0, 0], weight=w, bias=b), rank)

    def op_BatchNormalization(self, n):
        a = _attrs(n)
        if a.get("training_mode", 0) or len([o for o in n.output if o]) > 1:
            raise Unsupported("BatchNormalization: training mode is not supported")
        if a.get("spatial", 1) != 1:
            raise Unsupported("BatchNormalization: attribute spatial=0 is not supported")
        eps = a.get("epsilon", 1e-5)
        sc, bb, mu, var = [np.asarray(self.const(n, i, "parameter"), dtype=np.float64)
                           for i in n.input[1:5]]
        scale = sc / np.sqrt(var + eps)
        shift = bb - mu * scale
        x, rank = self.value(n, n.input[0])
        p = self.producer(x)
        if p is not None and p[0] == 1 and p[2][13] == 0 and self.single_use(n.input[0]):
            wi, bi = p[4], p[5]
            cout = p[2][1]
            w = self.m.tensors[wi].reshape(cout, -1).astype(np.float64) * scale[:, None]
            self.m.tensors[wi] = w.astype("<f4").ravel()
            old = (self.m.tensors[bi].astype(np.float64) if bi != tvformat.NO_TENSOR
                   else np.zeros(cout))
            newb = (old * scale + shift).astype("<f4")
            if bi == tvformat.NO_TENSOR:
                self.m.tensors.append(newb)
                p = (p[0], p[1], p[2], p[3], p[4], len(self.m.tensors) - 1)
                self.m.ops[x - 1] = p
            else:
                self.m.tensors[bi] = newb
            self.env[n.output[0]] = (x, rank)
            return
        c = scale.size
        ip = [c, c, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, c, 0]
        self.env[n.output[0]] = (self.m.op("conv", [x], ip=ip, fp=[0, 0],
                                           weight=scale.reshape(c, 1, 1, 1), bias=shift), rank)

    def op_Relu(self, n):
        self.fuse_act(n, n.input[0], "relu")

    def op_LeakyRelu(self, n):
        self.fuse_act(n, n.input[0], "leaky_relu", _attrs(n).get("alpha", 0.01))

    def op_Sigmoid(self, n):
        if n.output[0] in self.pending_silu:
            return
        self.fuse_act(n, n.input[0], "sigmoid")

    op_HardSigmoid_pending = None

    def op_HardSigmoid(self, n):
        if n.output[0] in self.pending_silu:
            return
        raise Unsupported("operator HardSigmoid is not supported (only as x * HardSigmoid(x) "
                          "with alpha 1/6, beta 0.5, i.e. hard-swish)")

    def op_HardSwish(self, n):
        self.fuse_act(n, n.input[0], "hardswish")

    def op_Clip(self, n):
        a = _attrs(n)
        lo, hi = a.get("min", -FMAX), a.get("max", FMAX)
        if len(n.input) > 1 and n.input[1]:
            lo = float(self.const(n, n.input[1], "min"))
        if len(n.input) > 2 and n.input[2]:
            hi = float(self.const(n, n.input[2], "max"))
        lo, hi = max(lo, -FMAX), min(hi, FMAX)
        self.fuse_act(n, n.input[0], "clip", lo, hi)

    def pool(self, n, kind):
        a = _attrs(n)
        allowed = {"auto_pad", "ceil_mode", "kernel_shape", "pads", "strides"}
        allowed |= {"dilations", "storage_order"} if kind == "maxpool" else {"count_include_pad"}
        self.check_attrs(n, allowed)
        if len([o for o in n.output if o]) > 1:
            raise Unsupported("MaxPool: the Indices output is not supported")
        if a.get("storage_order", 0) != 0:
            raise Unsupported("MaxPool: storage_order 1 is not supported")
        x, rank = self.value(n, n.input[0])
        k, s, d, p = self.window(n, a, rank, a["kernel_shape"])
        if max(k) > 256 or max(s) > 256 or max(d) > 16:
            raise Unsupported("%s: window, stride or dilation too large" % n.op_type)
        for i, pad in enumerate(p):
            if pad > d[i % 2] * (k[i % 2] - 1):
                raise Unsupported("%s: pads %s larger than the window" % (n.op_type, p))
        ip = [k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], a.get("ceil_mode", 0)]
        if kind == "avgpool":
            ip.append(1 if n.input[0] in self.pending_pad else a.get("count_include_pad", 0))
            if n.input[0] in self.pending_pad and a.get("ceil_mode", 0):
                raise Unsupported("AveragePool: ceil_mode after a Pad is not supported")
        self.env[n.output[0]] = (self.m.op(kind, [x], ip=ip), rank)

    def op_MaxPool(self, n):
        self.pool(n, "maxpool")

    def op_AveragePool(self, n):
        self.pool(n, "avgpool")

    def op_ReduceMean(self, n):
        """The mean over H and W (torch.mean(x, dim=(2, 3))) is a global average pool."""
        x, rank = self.value(n, n.input[0])
        a = _attrs(n)
        axes = a.get("axes")
        if axes is None and len(n.input) > 1 and n.input[1]:
            axes = self.const(n, n.input[1], "axes")
        axes = sorted(int(v) + rank if int(v) < 0 else int(v) for v in (axes or []))
        if rank != 4 or axes != [2, 3]:
            raise Unsupported("ReduceMean: only over the axes H and W of a 4-D tensor (got axes "
                              "%s of rank %d)" % (axes, rank))
        vid = self.m.op("global_avgpool", [x])
        if a.get("keepdims", 1):
            self.env[n.output[0]] = (vid, 4)
        else:
            self.env[n.output[0]] = (self.m.op("flatten", [vid]), 2)

    def op_GlobalAveragePool(self, n):
        x, rank = self.value(n, n.input[0])
        self.env[n.output[0]] = (self.m.op("global_avgpool", [x]), rank)

    def dense(self, n, x, w, b):
        """x: value; w: [out][in]."""
        vid, rank = self.value(n, x)
        if rank != 2:
            raise Unsupported("%s: a rank-%d input is not supported (rank 2 is)" % (n.op_type, rank))
        w = np.asarray(w, dtype=np.float32)
        ip = [w.shape[1], w.shape[0], 0]
        self.env[n.output[0]] = (self.m.op("dense", [vid], ip=ip, fp=[0, 0], weight=w, bias=b), 2)

    def op_Gemm(self, n):
        self.check_attrs(n, {"alpha", "beta", "transA", "transB", "broadcast"})
        a = _attrs(n)
        if a.get("transA", 0):
            raise Unsupported("Gemm: transA=1 is not supported")
        B = np.asarray(self.const(n, n.input[1], "B"), dtype=np.float64)
        W = (B if a.get("transB", 0) else B.T) * a.get("alpha", 1.0)
        bias = None
        if len(n.input) > 2 and n.input[2]:
            C = np.asarray(self.const(n, n.input[2], "C"), dtype=np.float64) * a.get("beta", 1.0)
            if C.size == 1:
                bias = np.full(W.shape[0], C.ravel()[0])
            elif C.ndim == 1 or (C.ndim == 2 and C.shape[0] == 1):
                bias = C.ravel()
            else:
                raise Unsupported("Gemm: a bias C of shape %s is not supported (scalar or "
                                  "vector)" % (list(C.shape),))
            bias = bias.astype(np.float32)
        self.dense(n, n.input[0], W, bias)

    def op_MatMul(self, n):
        if n.input[1] not in self.consts:
            raise Unsupported("MatMul: the second operand must be a constant")
        B = np.asarray(self.consts[n.input[1]])
        if B.ndim != 2:
            raise Unsupported("MatMul: a rank-%d weight is not supported (rank 2 is)" % B.ndim)
        self.dense(n, n.input[0], B.T, None)

    def op_Flatten(self, n):
        x, rank = self.value(n, n.input[0])
        axis = _attrs(n).get("axis", 1)
        axis = axis + rank if axis < 0 else axis
        if axis != 1:
            raise Unsupported("Flatten: axis %d is not supported (1 keeps the batch)" % axis)
        self.env[n.output[0]] = (self.m.op("flatten", [x]), 2)

    def reshape_to(self, n, x, rank, out_shape):
        """A reshape that keeps the batch: out_shape[0] is N, the rest becomes C, H, W."""
        if len(out_shape) not in (2, 3, 4):
            raise Unsupported("%s: to rank %d is not supported (2..4)" % (n.op_type, len(out_shape)))
        dims = self.shape4(out_shape, len(out_shape))
        if len(out_shape) == 2:
            vid = self.m.op("flatten", [x])
        else:
            vid = self.m.op("reshape", [x], ip=dims[1:])
        self.env[n.output[0]] = (vid, len(out_shape))

    def keeps_batch(self, n):
        si, so = self.static_shape(n.input[0]), self.static_shape(n.output[0])
        if si is None or so is None:
            raise Unsupported("%s: needs static shapes" % n.op_type)
        if so[0] != si[0]:
            raise Unsupported("%s: to %s changes the batch dimension of %s"
                              % (n.op_type, so, si))
        return so

    def op_Reshape(self, n):
        x, rank = self.value(n, n.input[0])
        shape = [int(v) for v in self.const(n, n.input[1], "shape")]
        if len(shape) == 2 and shape[1] == -1 and shape[0] == 0:
            self.env[n.output[0]] = (self.m.op("flatten", [x]), 2)
            return
        if _attrs(n).get("allowzero", 0):
            raise Unsupported("Reshape: allowzero=1 is not supported")
        self.reshape_to(n, x, rank, self.keeps_batch(n))

    def op_Unsqueeze(self, n):
        x, rank = self.value(n, n.input[0])
        self.reshape_to(n, x, rank, self.keeps_batch(n))

    op_Squeeze = op_Unsqueeze

    def op_Softmax(self, n):
        x, rank = self.value(n, n.input[0])
        default = -1 if self.opset >= 13 else 1
        axis = _attrs(n).get("axis", default)
        axis = axis + rank if axis < 0 else axis
        if axis == 0:
            raise Unsupported("Softmax: axis 0 (the batch) is not supported")
        a0 = self.axis4(axis, rank)
        a1 = a0 + 1 if self.opset >= 13 else 4
        self.env[n.output[0]] = (self.m.op("softmax", [x], ip=[a0, a1]), rank)

    def out_rank(self, n):
        ranks = [self.env[i][1] for i in n.input if i in self.env]
        ranks += [np.asarray(self.consts[i]).ndim for i in n.input if i in self.consts]
        return max(ranks)

    def operand(self, n, name, rank, transform=None):
        if name in self.env:
            return self.env[name][0]
        arr = np.asarray(self.const(n, name, "operand"), dtype=np.float64)
        if transform:
            arr = transform(arr)
        return self.constant_value(n, arr, rank)

    def binary(self, n, kind, transform=None):
        if len(n.input) != 2:
            raise Unsupported("%s: %d inputs" % (n.op_type, len(n.input)))
        if n.output[0] in self.pending_silu:
            x, act = self.pending_silu[n.output[0]]
            self.fuse_act(n, x, act)
            return
        rank = self.out_rank(n)
        if rank not in (2, 3, 4):
            raise Unsupported("%s: rank-%d tensors are not supported" % (n.op_type, rank))
        a = self.operand(n, n.input[0], rank)
        b = self.operand(n, n.input[1], rank, transform)
        self.env[n.output[0]] = (self.m.op(kind, [a, b]), rank)

    def op_Add(self, n):
        self.binary(n, "add")

    def op_Mul(self, n):
        self.binary(n, "mul")

    def op_Sub(self, n):
        if n.input[1] not in self.consts:
            raise Unsupported("Sub: only subtracting a constant is supported")
        self.binary(n, "add", lambda v: -v)

    def op_Div(self, n):
        if n.input[1] not in self.consts:
            raise Unsupported("Div: only dividing by a constant is supported")
        self.binary(n, "mul", lambda v: 1.0 / v)

    def op_Sum(self, n):
        rank = self.out_rank(n)
        acc = self.operand(n, n.input[0], rank)
        for i in n.input[1:]:
            acc = self.m.op("add", [acc, self.operand(n, i, rank)])
        if len(n.input) == 1:
            acc = self.m.op("act", [acc], ip=[tvformat.ACT["clip"]], fp=[-FMAX, FMAX])
        self.env[n.output[0]] = (acc, rank)

    def op_Concat(self, n):
        rank = self.out_rank(n)
        axis = _attrs(n)["axis"]
        axis = axis + rank if axis < 0 else axis
        if axis == 0:
            raise Unsupported("Concat: axis 0 (the batch) is not supported")
        if len(n.input) > 8:
            raise Unsupported("Concat: more than 8 inputs")
        if rank not in (2, 3, 4):
            raise Unsupported("Concat: rank-%d tensors are not supported" % rank)
        ins = [self.operand(n, i, rank) for i in n.input]
        self.env[n.output[0]] = (self.m.op("concat", ins, ip=[self.axis4(axis, rank)]), rank)

    def resize(self, n, mode, coord, nearest, scales, sizes):
        x, rank = self.value(n, n.input[0])
        if rank != 4:
            raise Unsupported("%s: rank-%d tensors are not supported (4 is)" % (n.op_type, rank))
        modes = {"nearest": 0, "linear": 1, "bilinear": 1}
        if mode not in modes:
            raise Unsupported("%s: mode '%s' is not supported (nearest, linear)" % (n.op_type, mode))
        coords = {"half_pixel": 0, "align_corners": 1, "asymmetric": 2, "pytorch_half_pixel": 3,
                  "tf_half_pixel_for_nn": 4}
        if coord not in coords:
            raise Unsupported("%s: coordinate_transformation_mode '%s' is not supported"
                              % (n.op_type, coord))
        nms = {"round_prefer_floor": 0, "round_prefer_ceil": 1, "floor": 2, "ceil": 3}
        if nearest not in nms:
            raise Unsupported("%s: nearest_mode '%s' is not supported" % (n.op_type, nearest))
        ip = [modes[mode], coords[coord], nms[nearest], 0, 0]
        fp = [1.0, 1.0]
        if sizes is not None and len(sizes):
            sizes = [int(v) for v in sizes]
            shp = self.static_shape(n.input[0])
            if len(sizes) != 4 or (shp and sizes[:2] != shp[:2]):
                raise Unsupported("%s: sizes %s change N or C" % (n.op_type, sizes))
            ip[3], ip[4] = sizes[2], sizes[3]
            if shp:
                fp = [sizes[2] / shp[2], sizes[3] / shp[3]]
        else:
            scales = [float(v) for v in scales]
            if len(scales) != 4 or scales[0] != 1 or scales[1] != 1:
                raise Unsupported("%s: scales %s change N or C" % (n.op_type, scales))
            fp = scales[2:]
        if not all(1 / 64 <= f <= 64 for f in fp):
            raise Unsupported("%s: scales %s outside 1/64..64" % (n.op_type, fp))
        self.env[n.output[0]] = (self.m.op("resize", [x], ip=ip, fp=fp), 4)

    def op_Resize(self, n):
        a = _attrs(n)
        dec = lambda v: v.decode() if isinstance(v, bytes) else v  # noqa: E731
        for k in a:
            if k not in ("mode", "coordinate_transformation_mode", "nearest_mode",
                         "cubic_coeff_a", "exclude_outside", "extrapolation_value"):
                raise Unsupported("Resize: attribute '%s' is not supported" % k)
        if a.get("exclude_outside", 0):
            raise Unsupported("Resize: exclude_outside=1 is not supported")
        mode = dec(a.get("mode", "nearest"))
        if self.opset < 11:
            coord, nearest = "asymmetric", "floor"
            scales, sizes = self.const(n, n.input[1], "scales"), None
        else:
            coord = dec(a.get("coordinate_transformation_mode", "half_pixel"))
            nearest = dec(a.get("nearest_mode", "round_prefer_floor"))
            if coord == "tf_crop_and_resize":
                raise Unsupported("Resize: coordinate_transformation_mode 'tf_crop_and_resize' "
                                  "is not supported")
            scales = (self.const(n, n.input[2], "scales")
                      if len(n.input) > 2 and n.input[2] else None)
            sizes = (self.const(n, n.input[3], "sizes")
                     if len(n.input) > 3 and n.input[3] else None)
            if scales is not None and np.asarray(scales).size == 0:
                scales = None
        self.resize(n, mode, coord, nearest, scales, sizes)

    def op_Upsample(self, n):
        a = _attrs(n)
        mode = a.get("mode", b"nearest")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        scales = a["scales"] if "scales" in a else self.const(n, n.input[1], "scales")
        self.resize(n, mode, "asymmetric", "floor", scales, None)

    def op_Pad(self, n):
        """A zero Pad whose only reader is a Conv or AveragePool becomes that operator's padding."""
        a = _attrs(n)
        mode = a.get("mode", b"constant")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        pads = a.get("pads") if self.opset < 11 else self.const(n, n.input[1], "pads")
        value = a.get("value", 0.0)
        if self.opset >= 11 and len(n.input) > 2 and n.input[2]:
            value = float(self.const(n, n.input[2], "constant_value"))
        x, rank = self.value(n, n.input[0])
        pads = [int(v) for v in pads]
        readers = [m for m in self.graph.node if n.output[0] in m.input]
        if (mode != "constant" or value != 0 or rank != 4 or len(pads) != 8 or pads[0] or pads[1]
                or pads[4] or pads[5] or min(pads) < 0 or len(readers) != 1
                or readers[0].op_type not in ("Conv", "AveragePool")
                or not self.single_use(n.output[0])):
            raise Unsupported("Pad: only zero padding of H and W read by one Conv or AveragePool "
                              "is supported (mode %s)" % mode)
        self.pending_pad[n.output[0]] = (n.input[0], [pads[2], pads[3], pads[6], pads[7]])
        self.env[n.output[0]] = (x, rank)

    def op_Identity(self, n):
        self.env[n.output[0]] = self.value(n, n.input[0])

    def op_Dropout(self, n):
        if len([o for o in n.output if o]) > 1:
            raise Unsupported("Dropout: the mask output is not supported")
        self.env[n.output[0]] = self.value(n, n.input[0])


def _fold_identity(cv, n):
    return cv.consts[n.input[0]]


FOLDABLE = {"Identity": _fold_identity}


def convert(model, name=None, kind=None, classes=None, stride=None, mean=None, std=None,
            bind=None, detection=None):
    """Returns a tvformat.Model for an onnx.ModelProto, or raises Unsupported."""
    cv = Converter(model, bind)
    m = cv.run(name or model.graph.name or "model")
    out_shape = cv.static_shape(cv.output_name) or cv.shapes.get(cv.output_name)
    rank = cv.out_rank
    m.kind = {"scores": tvformat.SCORES, "heatmap": tvformat.HEATMAP, None: None}[kind]
    if m.kind is None:
        m.kind = tvformat.SCORES if rank == 2 else tvformat.HEATMAP
    nclasses = out_shape[1] if out_shape and out_shape[1] else None
    if classes:
        if nclasses and len(classes) != nclasses:
            raise Unsupported("%d class names for %d output channels" % (len(classes), nclasses))
        m.classes = list(classes)
    else:
        if not nclasses:
            raise Unsupported("the output's channel count is not static: give --classes")
        m.classes = ["class%d" % i for i in range(nclasses)]
    if m.kind == tvformat.HEATMAP:
        if stride:
            m.stride = stride
        else:
            m.stride = 1
            if out_shape and rank == 4 and m.height and out_shape[2]:
                r = m.height / out_shape[2]
                m.stride = int(r) if r >= 1 and r == int(r) else 1
    if mean:
        m.mean = (list(mean) * 4)[:4] if len(mean) == 1 else list(mean) + [0.0] * (4 - len(mean))
    if std:
        m.std = (list(std) * 4)[:4] if len(std) == 1 else list(std) + [1.0] * (4 - len(std))
    if detection:
        if m.kind != tvformat.HEATMAP:
            raise Unsupported("detection thresholds belong to heatmap models")
        if len(detection) != 2:
            raise Unsupported("detection thresholds: give two numbers, LOW,HIGH")
        lo, hi = detection
        if not (0 <= lo < 1 and lo <= hi <= 1):
            raise Unsupported("detection thresholds %g, %g: need 0 <= low < 1, low <= high <= 1"
                              % (lo, hi))
        m.detection = (lo, hi)
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description="Convert an ONNX model to tubevision's format.")
    ap.add_argument("onnx")
    ap.add_argument("out")
    ap.add_argument("--name")
    ap.add_argument("--kind", choices=["scores", "heatmap"])
    ap.add_argument("--classes", help="comma-separated class names")
    ap.add_argument("--stride", type=int, help="heatmap stride (input pixels per output pixel)")
    ap.add_argument("--mean", help="comma-separated per-channel means (pixels scaled to [0, 1])")
    ap.add_argument("--std", help="comma-separated per-channel standard deviations")
    ap.add_argument("--detection", metavar="LOW,HIGH",
                    help="recommended hysteresis thresholds of a heatmap model (format version 2)")
    args = ap.parse_args(argv)
    import onnx
    try:
        model = onnx.load(args.onnx)
        floats = lambda s: [float(v) for v in s.split(",")] if s else None  # noqa: E731
        m = convert(model, args.name, args.kind,
                    args.classes.split(",") if args.classes else None, args.stride,
                    floats(args.mean), floats(args.std), detection=floats(args.detection))
    except Unsupported as e:
        print("onnx2tv: unsupported: %s" % e, file=sys.stderr)
        return 2
    m.save(args.out)
    print("onnx2tv: wrote %s (%d operators, %d tensors)" % (args.out, len(m.ops), len(m.tensors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
