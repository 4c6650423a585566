/* The non-convolution operators in plain C: activations, pooling, dense, softmax, add, multiply,
 * concat, resize, flatten, constants. Each output element is computed in a fixed order, so results
 * never depend on how the work is split across threads.
 * SPDX-License-Identifier: Apache-2.0 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "nn/nn_internal.h"

float tvi_act_apply(int act, float a, float b, float x) {
  switch (act) {
  case TVI_ACT_RELU: return x > 0.0f ? x : 0.0f;
  case TVI_ACT_LEAKY_RELU: return x < 0.0f ? a * x : x;
  case TVI_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
  case TVI_ACT_SILU: return x / (1.0f + expf(-x));
  case TVI_ACT_HARDSWISH: {
    float t = x + 3.0f;
    t = t < 0.0f ? 0.0f : (t > 6.0f ? 6.0f : t);
    return x * t / 6.0f;
  }
  case TVI_ACT_CLIP: return x < a ? a : (x > b ? b : x);
  default: return x;
  }
}

static int64_t numel(const tvi_shape *s) { return s->d[0] * s->d[1] * s->d[2] * s->d[3]; }

typedef struct op_job {
  const tvi_op *op;
  const float *const *in;
  const tvi_shape *ins;
  float *out;
  const tvi_shape *os;
  int64_t chunk;
} op_job;

enum { ELEM_CHUNK = 16384 };

static void act_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const int64_t total = numel(j->os), b = task * ELEM_CHUNK;
  const int64_t e = b + ELEM_CHUNK < total ? b + ELEM_CHUNK : total;
  const float *x = j->in[0];
  const int act = j->op->ip[0];
  const float a = j->op->fp[0], bb = j->op->fp[1];
  if (act == TVI_ACT_RELU) {
    for (int64_t i = b; i < e; i++) j->out[i] = x[i] > 0.0f ? x[i] : 0.0f;
    return;
  }
  for (int64_t i = b; i < e; i++) j->out[i] = tvi_act_apply(act, a, bb, x[i]);
}

/* Pooling over one (n, c) plane. */
static void pool_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const int32_t *q = j->op->ip;
  const int kh = q[0], kw = q[1], sh = q[2], sw = q[3], pt = q[4], pl = q[5], pb = q[6], pr = q[7],
            dh = q[8], dw = q[9], include_pad = q[11];
  const int64_t h = j->ins[0].d[2], w = j->ins[0].d[3], oh = j->os->d[2], ow = j->os->d[3];
  const float *ip = j->in[0] + task * h * w;
  float *o = j->out + task * oh * ow;
  const int is_max = j->op->type == TVI_OP_MAXPOOL;
  for (int64_t y = 0; y < oh; y++)
    for (int64_t x = 0; x < ow; x++) {
      const int64_t y0 = y * sh - pt, x0 = x * sw - pl;
      float acc = is_max ? -INFINITY : 0.0f;
      int64_t count = 0;
      for (int ky = 0; ky < kh; ky++) {
        const int64_t iy = y0 + (int64_t)ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (int kx = 0; kx < kw; kx++) {
          const int64_t ix = x0 + (int64_t)kx * dw;
          if (ix < 0 || ix >= w) continue;
          const float v = ip[iy * w + ix];
          if (is_max) {
            if (v > acc || v != v) acc = v;
          } else {
            acc += v;
          }
          count++;
        }
      }
      if (!is_max) {
        int64_t div = count;
        if (include_pad) { /* the window clipped to the padded input, as PyTorch */
          const int64_t ye = y0 + (int64_t)(kh - 1) * dh + 1, xe = x0 + (int64_t)(kw - 1) * dw + 1;
          const int64_t yl = ye < h + pb ? ye : h + pb, xl = xe < w + pr ? xe : w + pr;
          div = ((yl - y0 + dh - 1) / dh) * ((xl - x0 + dw - 1) / dw);
        }
        acc = div > 0 ? acc / (float)div : 0.0f;
      }
      o[y * ow + x] = acc;
    }
}

static void gap_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const int64_t hw = j->ins[0].d[2] * j->ins[0].d[3];
  const float *ip = j->in[0] + task * hw;
  float s[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= hw; i += 8)
    for (int k = 0; k < 8; k++) s[k] += ip[i + k];
  float t = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; i < hw; i++) t += ip[i];
  j->out[task] = t / (float)hw;
}

/* Dense: one task per (n, block of 16 outputs); the dot product in 8 fixed partial sums. */
static void dense_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const tvi_op *op = j->op;
  const int64_t nin = op->ip[0], nout = op->ip[1], blocks = (nout + 15) / 16;
  const int64_t b = task / blocks, o0 = (task % blocks) * 16;
  const int64_t o1 = o0 + 16 < nout ? o0 + 16 : nout;
  const float *x = j->in[0] + b * nin;
  for (int64_t o = o0; o < o1; o++) {
    const float *wr = op->weight + o * nin;
    float s[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= nin; i += 8)
      for (int k = 0; k < 8; k++) s[k] += x[i + k] * wr[i + k];
    float t = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < nin; i++) t += x[i] * wr[i];
    if (op->bias) t += op->bias[o];
    j->out[b * nout + o] = tvi_act_apply(op->ip[2], op->fp[0], op->fp[1], t);
  }
}

/* Softmax over the dimensions [ip[0], ip[1]) of one outer index. */
static void softmax_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const tvi_shape *s = &j->ins[0];
  int64_t len = 1, inner = 1;
  for (int d = j->op->ip[0]; d < j->op->ip[1]; d++) len *= s->d[d];
  for (int d = j->op->ip[1]; d < 4; d++) inner *= s->d[d];
  const float *x = j->in[0] + task * len * inner;
  float *o = j->out + task * len * inner;
  for (int64_t in = 0; in < inner; in++) {
    float m = -INFINITY;
    for (int64_t i = 0; i < len; i++) m = fmaxf(m, x[i * inner + in]);
    float sum = 0.0f;
    for (int64_t i = 0; i < len; i++) {
      const float e = expf(x[i * inner + in] - m);
      o[i * inner + in] = e;
      sum += e;
    }
    const float r = 1.0f / sum;
    for (int64_t i = 0; i < len; i++) o[i * inner + in] *= r;
  }
}

/* Add / multiply with 4-D broadcasting: one task per output row (n, c, y). */
static void binary_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const tvi_shape *os = j->os, *a = &j->ins[0], *b = &j->ins[1];
  const int64_t y = task % os->d[2], c = (task / os->d[2]) % os->d[1],
                n = task / (os->d[2] * os->d[1]);
  const int64_t W = os->d[3];
  const float *pa =
      j->in[0] + (((n % a->d[0]) * a->d[1] + c % a->d[1]) * a->d[2] + y % a->d[2]) * a->d[3];
  const float *pb =
      j->in[1] + (((n % b->d[0]) * b->d[1] + c % b->d[1]) * b->d[2] + y % b->d[2]) * b->d[3];
  const int64_t ia = a->d[3] == 1 ? 0 : 1, ib = b->d[3] == 1 ? 0 : 1;
  float *o = j->out + task * W;
  if (j->op->type == TVI_OP_ADD) {
    if (ia && ib)
      for (int64_t x = 0; x < W; x++) o[x] = pa[x] + pb[x];
    else
      for (int64_t x = 0; x < W; x++) o[x] = pa[x * ia] + pb[x * ib];
  } else {
    if (ia && ib)
      for (int64_t x = 0; x < W; x++) o[x] = pa[x] * pb[x];
    else
      for (int64_t x = 0; x < W; x++) o[x] = pa[x * ia] * pb[x * ib];
  }
}

/* Source coordinate of output coordinate x for a resize from `in` to `out` samples. */
static double resize_coord(int coord, int64_t x, int64_t in, int64_t out, double scale) {
  switch (coord) {
  case TVI_COORD_ALIGN_CORNERS: /* ONNX: the resized length is in * scale, not rounded */
    return in * scale > 1.0 ? (double)x * (double)(in - 1) / ((double)in * scale - 1.0) : 0.0;
  case TVI_COORD_ASYMMETRIC: return (double)x / scale;
  case TVI_COORD_PYTORCH_HALF_PIXEL: return out > 1 ? ((double)x + 0.5) / scale - 0.5 : 0.0;
  case TVI_COORD_TF_HALF_PIXEL_FOR_NN: return ((double)x + 0.5) / scale;
  default: return ((double)x + 0.5) / scale - 0.5;
  }
}

static int64_t nearest_index(int mode, double v, int64_t in) {
  double r;
  switch (mode) {
  case TVI_NEAREST_FLOOR: r = floor(v); break;
  case TVI_NEAREST_CEIL: r = ceil(v); break;
  case TVI_NEAREST_ROUND_PREFER_CEIL: r = floor(v + 0.5); break;
  default: r = (v - floor(v) == 0.5) ? floor(v) : floor(v + 0.5); break;
  }
  int64_t i = (int64_t)r;
  return i < 0 ? 0 : (i >= in ? in - 1 : i);
}

/* The scale a resize uses per axis: the stored one, or out / in when the size was given. */
static double resize_scale(const tvi_op *op, int axis, int64_t in, int64_t out) {
  const int32_t given = op->ip[3 + axis];
  return given ? (double)out / (double)in : (double)op->fp[axis];
}

static void resize_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const op_job *j = arg;
  const tvi_op *op = j->op;
  const int64_t h = j->ins[0].d[2], w = j->ins[0].d[3], oh = j->os->d[2], ow = j->os->d[3];
  const float *ip = j->in[0] + task * h * w;
  float *o = j->out + task * oh * ow;
  const double sy = resize_scale(op, 0, h, oh), sx = resize_scale(op, 1, w, ow);
  const int coord = op->ip[1];
  for (int64_t y = 0; y < oh; y++) {
    const double fy = resize_coord(coord, y, h, oh, sy);
    if (op->ip[0] == TVI_RESIZE_NEAREST) {
      const int64_t iy = nearest_index(op->ip[2], fy, h);
      for (int64_t x = 0; x < ow; x++) {
        const int64_t ix = nearest_index(op->ip[2], resize_coord(coord, x, w, ow, sx), w);
        o[y * ow + x] = ip[iy * w + ix];
      }
      continue;
    }
    const double cy = fy < 0 ? 0 : (fy > (double)(h - 1) ? (double)(h - 1) : fy);
    const int64_t y0 = (int64_t)cy, y1 = y0 + 1 < h ? y0 + 1 : h - 1;
    const float wy = (float)(cy - (double)y0);
    for (int64_t x = 0; x < ow; x++) {
      double fx = resize_coord(coord, x, w, ow, sx);
      fx = fx < 0 ? 0 : (fx > (double)(w - 1) ? (double)(w - 1) : fx);
      const int64_t x0 = (int64_t)fx, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
      const float wx = (float)(fx - (double)x0);
      const float top = ip[y0 * w + x0] + (ip[y0 * w + x1] - ip[y0 * w + x0]) * wx;
      const float bot = ip[y1 * w + x0] + (ip[y1 * w + x1] - ip[y1 * w + x0]) * wx;
      o[y * ow + x] = top + (bot - top) * wy;
    }
  }
}

static void concat_run(const op_job *j) {
  const int axis = j->op->ip[0];
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; d++) outer *= j->os->d[d];
  for (int d = axis + 1; d < 4; d++) inner *= j->os->d[d];
  const int64_t orow = j->os->d[axis] * inner;
  for (int64_t o = 0; o < outer; o++) {
    int64_t off = 0;
    for (int i = 0; i < j->op->ninputs; i++) {
      const int64_t row = j->ins[i].d[axis] * inner;
      memcpy(j->out + o * orow + off, j->in[i] + o * row, (size_t)row * sizeof(float));
      off += row;
    }
  }
}

void tvi_op_run(tv_ctx *ctx, const tvi_op *op, const float *const *in, const tvi_shape *ins,
                float *out, const tvi_shape *os) {
  op_job j = {op, in, ins, out, os, 0};
  const int64_t total = numel(os);
  switch (op->type) {
  case TVI_OP_ACT:
    tvi_parallel_for(ctx, (total + ELEM_CHUNK - 1) / ELEM_CHUNK, act_task, &j);
    break;
  case TVI_OP_MAXPOOL:
  case TVI_OP_AVGPOOL: tvi_parallel_for(ctx, os->d[0] * os->d[1], pool_task, &j); break;
  case TVI_OP_GLOBAL_AVGPOOL: tvi_parallel_for(ctx, os->d[0] * os->d[1], gap_task, &j); break;
  case TVI_OP_DENSE:
    tvi_parallel_for(ctx, os->d[0] * ((op->ip[1] + 15) / 16), dense_task, &j);
    break;
  case TVI_OP_SOFTMAX: {
    int64_t outer = 1;
    for (int d = 0; d < op->ip[0]; d++) outer *= os->d[d];
    tvi_parallel_for(ctx, outer, softmax_task, &j);
    break;
  }
  case TVI_OP_ADD:
  case TVI_OP_MUL: tvi_parallel_for(ctx, os->d[0] * os->d[1] * os->d[2], binary_task, &j); break;
  case TVI_OP_CONCAT: concat_run(&j); break;
  case TVI_OP_RESIZE: tvi_parallel_for(ctx, os->d[0] * os->d[1], resize_task, &j); break;
  case TVI_OP_FLATTEN:
  case TVI_OP_RESHAPE: memcpy(out, in[0], (size_t)total * sizeof(float)); break;
  case TVI_OP_CONSTANT: memcpy(out, op->weight, (size_t)total * sizeof(float)); break;
  default: break;
  }
}
