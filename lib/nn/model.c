/* Model files: loading (mmap or a copy), full validation, the checksum, shape inference, queries.
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn/nn_internal.h"

/* ---- CRC-32 --------------------------------------------------------------------------------- */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t tvi_crc32(uint32_t crc, const void *data, size_t size) {
  pthread_once(&crc_once, crc_init);
  const uint8_t *p = data;
  crc = ~crc;
  while (size >= 8) { /* slicing by 8 */
    const uint32_t a =
        crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    crc = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^ crc_table[5][(a >> 16) & 0xff] ^
          crc_table[4][a >> 24] ^ crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
          crc_table[0][p[7]];
    p += 8;
    size -= 8;
  }
  while (size--) crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* ---- little-endian reading with bounds ---------------------------------------------------- */
typedef struct reader {
  const uint8_t *p;
  size_t size, pos;
} reader;

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static float lef32(const uint8_t *p) {
  const uint32_t u = le32(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static int rd_u32(reader *r, uint32_t *v) {
  if (r->size - r->pos < 4) return -1;
  *v = le32(r->p + r->pos);
  r->pos += 4;
  return 0;
}
static int rd_f32(reader *r, float *v) {
  if (r->size - r->pos < 4) return -1;
  *v = lef32(r->p + r->pos);
  r->pos += 4;
  return 0;
}

static const char *const op_names[TVI_OP_COUNT_] = {
    "?",   "conv", "dense",  "activation", "maxpool", "avgpool",  "global_avgpool", "softmax",
    "add", "mul",  "concat", "resize",     "flatten", "constant", "reshape"};

/* Reads a length-prefixed string (1..TVI_MODEL_MAX_STRING bytes, no NUL) into a new string. */
static tv_status rd_string(tv_ctx *ctx, const char *func, reader *r, const char *what,
                           int allow_empty, char **out) {
  uint32_t len;
  if (rd_u32(r, &len) != 0)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "metadata ends inside the %s", what);
  if (len > TVI_MODEL_MAX_STRING || (len == 0 && !allow_empty))
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "%s length %u outside %d..%d", what, len,
                    allow_empty ? 0 : 1, TVI_MODEL_MAX_STRING);
  if (r->size - r->pos < len)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "metadata ends inside the %s", what);
  if (memchr(r->p + r->pos, 0, len) != NULL)
    return tvi_fail(ctx, TV_ERR_CORRUPT, func, "%s contains a NUL byte", what);
  char *s = malloc((size_t)len + 1);
  if (!s) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  memcpy(s, r->p + r->pos, len);
  s[len] = '\0';
  r->pos += len;
  *out = s;
  return TV_OK;
}

static int in_range(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

/* Checks one op's parameters (everything that does not depend on the input size). */
static tv_status check_op(tv_ctx *ctx, const char *func, int i, tvi_op *op) {
  tv_status st = TV_OK;
  const int32_t *q = op->ip;
  const char *nm = op_names[op->type];
  int used_ip = 0, used_fp = 0, min_in = 1, max_in = 1, need_w = 0, allow_b = 0;
  switch (op->type) {
  case TVI_OP_CONV: {
    used_ip = 14, used_fp = 2, need_w = 1, allow_b = 1;
    if (!in_range(q[0], 1, TVI_MODEL_MAX_CHANNELS) || !in_range(q[1], 1, TVI_MODEL_MAX_CHANNELS))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (conv): channels %d -> %d outside 1..%d", i,
                  q[0], q[1], TVI_MODEL_MAX_CHANNELS);
    if (!in_range(q[2], 1, TVI_MODEL_MAX_KERNEL) || !in_range(q[3], 1, TVI_MODEL_MAX_KERNEL))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (conv): kernel %dx%d outside 1..%d", i, q[2],
                  q[3], TVI_MODEL_MAX_KERNEL);
    if (!in_range(q[4], 1, TVI_MODEL_MAX_STRIDE) || !in_range(q[5], 1, TVI_MODEL_MAX_STRIDE))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (conv): stride %dx%d outside 1..%d", i, q[4],
                  q[5], TVI_MODEL_MAX_STRIDE);
    if (!in_range(q[10], 1, TVI_MODEL_MAX_DILATION) || !in_range(q[11], 1, TVI_MODEL_MAX_DILATION))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (conv): dilation %dx%d outside 1..%d", i, q[10],
                  q[11], TVI_MODEL_MAX_DILATION);
    for (int k = 6; k < 10; k++)
      if (!in_range(q[k], 0, (int64_t)(k % 2 == 0 ? q[10] * (q[2] - 1) : q[11] * (q[3] - 1))))
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                    "op %d (conv): padding %d outside 0..dilation*(kernel-1)", i, q[k]);
    if (q[12] < 1 || q[0] % q[12] != 0 || q[1] % q[12] != 0)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                  "op %d (conv): groups %d do not divide channels %d -> %d", i, q[12], q[0], q[1]);
    if (!in_range(q[13], TVI_ACT_NONE, TVI_ACT_CLIP))
      TVI_FAIL_AS(ctx, TV_ERR_UNSUPPORTED, func, "op %d (conv): unknown activation %d", i, q[13]);
    tvi_conv_params *p = &op->conv;
    p->cin = q[0], p->cout = q[1], p->kh = q[2], p->kw = q[3], p->stride_h = q[4];
    p->stride_w = q[5], p->pad_t = q[6], p->pad_l = q[7], p->pad_b = q[8], p->pad_r = q[9];
    p->dil_h = q[10], p->dil_w = q[11], p->groups = q[12], p->act = q[13];
    p->act_a = op->fp[0], p->act_b = op->fp[1];
    break;
  }
  case TVI_OP_DENSE:
    used_ip = 3, used_fp = 2, need_w = 1, allow_b = 1;
    if (!in_range(q[0], 1, TVI_MODEL_MAX_FEATURES) || !in_range(q[1], 1, TVI_MODEL_MAX_FEATURES))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (dense): features %d -> %d outside 1..%lld", i,
                  q[0], q[1], (long long)TVI_MODEL_MAX_FEATURES);
    if (!in_range(q[2], TVI_ACT_NONE, TVI_ACT_CLIP))
      TVI_FAIL_AS(ctx, TV_ERR_UNSUPPORTED, func, "op %d (dense): unknown activation %d", i, q[2]);
    break;
  case TVI_OP_ACT:
    used_ip = 1, used_fp = 2;
    if (!in_range(q[0], TVI_ACT_RELU, TVI_ACT_CLIP))
      TVI_FAIL_AS(ctx, TV_ERR_UNSUPPORTED, func, "op %d (activation): unknown activation %d", i,
                  q[0]);
    break;
  case TVI_OP_MAXPOOL:
  case TVI_OP_AVGPOOL:
    used_ip = op->type == TVI_OP_AVGPOOL ? 12 : 11;
    if (!in_range(q[0], 1, TVI_MODEL_MAX_POOL) || !in_range(q[1], 1, TVI_MODEL_MAX_POOL))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): window %dx%d outside 1..%d", i, nm, q[0],
                  q[1], TVI_MODEL_MAX_POOL);
    if (!in_range(q[2], 1, TVI_MODEL_MAX_POOL) || !in_range(q[3], 1, TVI_MODEL_MAX_POOL))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): stride %dx%d outside 1..%d", i, nm, q[2],
                  q[3], TVI_MODEL_MAX_POOL);
    if (!in_range(q[8], 1, TVI_MODEL_MAX_DILATION) || !in_range(q[9], 1, TVI_MODEL_MAX_DILATION))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): dilation %dx%d outside 1..%d", i, nm,
                  q[8], q[9], TVI_MODEL_MAX_DILATION);
    for (int k = 4; k < 8; k++) /* padding below the window, so no window lies wholly outside */
      if (!in_range(q[k], 0, (int64_t)(k % 2 == 0 ? q[8] * (q[0] - 1) : q[9] * (q[1] - 1))))
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                    "op %d (%s): padding %d outside 0..dilation*(window-1)", i, nm, q[k]);
    if (!in_range(q[10], 0, 1) || (op->type == TVI_OP_AVGPOOL && !in_range(q[11], 0, 1)))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): flags must be 0 or 1", i, nm);
    break;
  case TVI_OP_GLOBAL_AVGPOOL:
  case TVI_OP_FLATTEN: break;
  case TVI_OP_SOFTMAX:
    used_ip = 2;
    if (!in_range(q[0], 1, 3) || !in_range(q[1], q[0] + 1, 4))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (softmax): axes [%d, %d) not inside [1, 4)", i,
                  q[0], q[1]);
    break;
  case TVI_OP_ADD:
  case TVI_OP_MUL: min_in = max_in = 2; break;
  case TVI_OP_CONCAT:
    used_ip = 1, max_in = TVI_MODEL_MAX_INPUTS;
    if (!in_range(q[0], 1, 3))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (concat): axis %d outside 1..3", i, q[0]);
    break;
  case TVI_OP_RESIZE:
    used_ip = 5, used_fp = 2;
    if (!in_range(q[0], 0, 1) || !in_range(q[1], 0, 4) || !in_range(q[2], 0, 3))
      TVI_FAIL_AS(ctx, TV_ERR_UNSUPPORTED, func, "op %d (resize): mode %d/%d/%d unknown", i, q[0],
                  q[1], q[2]);
    if (!in_range(q[3], 0, 65536) || !in_range(q[4], 0, 65536))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (resize): size %dx%d outside 0..65536", i, q[3],
                  q[4]);
    for (int k = 0; k < 2; k++)
      if (!(op->fp[k] >= 1.0f / 64 && op->fp[k] <= 64.0f))
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (resize): scale %g outside 1/64..64", i,
                    (double)op->fp[k]);
    break;
  case TVI_OP_RESHAPE:
    used_ip = 3;
    for (int k = 0; k < 3; k++)
      if (!in_range(q[k], 1, TVI_MODEL_MAX_FEATURES))
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (reshape): dimension %d outside 1..%lld", i,
                    q[k], (long long)TVI_MODEL_MAX_FEATURES);
    break;
  case TVI_OP_CONSTANT:
    used_ip = 4, min_in = max_in = 0, need_w = 1;
    for (int k = 0; k < 4; k++)
      if (!in_range(q[k], 1, TVI_MODEL_MAX_FEATURES))
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (constant): dimension %d outside 1..%lld", i,
                    q[k], (long long)TVI_MODEL_MAX_FEATURES);
    break;
  default: break;
  }
  if (op->ninputs < min_in || op->ninputs > max_in)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): %d inputs, want %d..%d", i, nm, op->ninputs,
                min_in, max_in);
  for (int k = used_ip; k < 15; k++)
    if (q[k] != 0)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): unused parameter %d is %d, not 0", i, nm,
                  k, q[k]);
  for (int k = 0; k < 4; k++) {
    if (k >= used_fp && op->fp[k] != 0.0f)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): unused float parameter %d is not 0", i,
                  nm, k);
    if (!isfinite(op->fp[k]))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): float parameter %d is not finite", i, nm,
                  k);
  }
  if (need_w && !op->weight)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): no weight tensor", i, nm);
  if (!need_w && op->weight)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): has a weight tensor it cannot use", i, nm);
  if (!allow_b && op->bias)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): has a bias tensor it cannot use", i, nm);
  uint64_t wc = 0, bc = 0;
  if (op->type == TVI_OP_CONV) {
    wc = (uint64_t)q[1] * (uint64_t)(q[0] / q[12]) * (uint64_t)q[2] * (uint64_t)q[3];
    bc = (uint64_t)q[1];
  } else if (op->type == TVI_OP_DENSE) {
    wc = (uint64_t)q[0] * (uint64_t)q[1];
    bc = (uint64_t)q[1];
  } else if (op->type == TVI_OP_CONSTANT) {
    wc = (uint64_t)q[0] * (uint64_t)q[1]; /* each factor < 2^24: no overflow in steps */
    wc = wc > ((uint64_t)1 << 40) ? UINT64_MAX : wc * (uint64_t)q[2];
    wc = wc > ((uint64_t)1 << 40) ? UINT64_MAX : wc * (uint64_t)q[3];
  }
  if (need_w && op->weight_count != wc)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): weight tensor has %llu floats, want %llu",
                i, nm, (unsigned long long)op->weight_count, (unsigned long long)wc);
  if (op->bias && op->bias_count != bc)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): bias tensor has %llu floats, want %llu", i,
                nm, (unsigned long long)op->bias_count, (unsigned long long)bc);
done:
  return st;
}

static tv_status check_dims(tv_ctx *ctx, const char *func, int i, const char *nm, tvi_shape *s) {
  int64_t total = 1;
  for (int k = 0; k < 4; k++) {
    if (s->d[k] < 1)
      return tvi_fail(ctx, TV_ERR_ARG, func, "op %d (%s): input too small (output %lldx%lld)", i,
                      nm, (long long)s->d[2], (long long)s->d[3]);
    if (s->d[k] > ((int64_t)1 << 31) || total > (((int64_t)1 << 31) - 1) / s->d[k])
      return tvi_fail(ctx, TV_ERR_TOO_LARGE, func, "op %d (%s): output over 2^31 floats", i, nm);
    total *= s->d[k];
  }
  return TV_OK;
}

static int64_t pool_out(int64_t in, int k, int s, int p0, int p1, int d, int ceil_mode) {
  const int64_t span = in + p0 + p1 - (int64_t)d * (k - 1) - 1;
  if (span < 0) return 0;
  int64_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (o - 1) * s >= in + p0) o--; /* the last window must start inside */
  return o;
}

tv_status tvi_model_infer(tv_ctx *ctx, const char *func, const tv_model *model, int64_t n,
                          int64_t h, int64_t w, tvi_shape *shapes, int64_t *flops) {
  tv_status st = TV_OK;
  double fl = 0; /* may pass 2^63 for hostile files: saturated below */
  shapes[0] = (tvi_shape){{n, model->channels, h, w}};
  TVI_TRY(check_dims(ctx, func, -1, "input", &shapes[0]));
  for (int i = 0; i < model->nops; i++) {
    const tvi_op *op = &model->ops[i];
    const int32_t *q = op->ip;
    const char *nm = op_names[op->type];
    const tvi_shape *a = op->ninputs > 0 ? &shapes[op->inputs[0]] : NULL;
    tvi_shape *o = &shapes[op->output];
    switch (op->type) {
    case TVI_OP_CONV:
      if (a->d[1] != q[0])
        TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "op %d (conv): input has %lld channels, want %d", i,
                    (long long)a->d[1], q[0]);
      *o = (tvi_shape){{a->d[0], q[1], pool_out(a->d[2], q[2], q[4], q[6], q[8], q[10], 0),
                        pool_out(a->d[3], q[3], q[5], q[7], q[9], q[11], 0)}};
      TVI_TRY(check_dims(ctx, func, i, nm, o));
      fl += 2.0 * (double)(o->d[0] * o->d[1] * o->d[2] * o->d[3]) * (q[0] / q[12]) * q[2] * q[3];
      break;
    case TVI_OP_DENSE:
      if (a->d[1] * a->d[2] * a->d[3] != q[0])
        TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "op %d (dense): input has %lld features, want %d", i,
                    (long long)(a->d[1] * a->d[2] * a->d[3]), q[0]);
      *o = (tvi_shape){{a->d[0], q[1], 1, 1}};
      fl += 2.0 * (double)a->d[0] * q[0] * q[1];
      break;
    case TVI_OP_MAXPOOL:
    case TVI_OP_AVGPOOL:
      *o = (tvi_shape){{a->d[0], a->d[1], pool_out(a->d[2], q[0], q[2], q[4], q[6], q[8], q[10]),
                        pool_out(a->d[3], q[1], q[3], q[5], q[7], q[9], q[10])}};
      TVI_TRY(check_dims(ctx, func, i, nm, o));
      break;
    case TVI_OP_GLOBAL_AVGPOOL: *o = (tvi_shape){{a->d[0], a->d[1], 1, 1}}; break;
    case TVI_OP_FLATTEN: *o = (tvi_shape){{a->d[0], a->d[1] * a->d[2] * a->d[3], 1, 1}}; break;
    case TVI_OP_ACT:
    case TVI_OP_SOFTMAX: *o = *a; break;
    case TVI_OP_ADD:
    case TVI_OP_MUL: {
      const tvi_shape *b = &shapes[op->inputs[1]];
      for (int k = 0; k < 4; k++) {
        if (a->d[k] != b->d[k] && a->d[k] != 1 && b->d[k] != 1)
          TVI_FAIL_AS(ctx, TV_ERR_ARG, func,
                      "op %d (%s): shapes %lldx%lldx%lldx%lld and %lldx%lldx%lldx%lld do not "
                      "broadcast",
                      i, nm, (long long)a->d[0], (long long)a->d[1], (long long)a->d[2],
                      (long long)a->d[3], (long long)b->d[0], (long long)b->d[1],
                      (long long)b->d[2], (long long)b->d[3]);
        o->d[k] = a->d[k] > b->d[k] ? a->d[k] : b->d[k];
      }
      break;
    }
    case TVI_OP_CONCAT: {
      *o = *a;
      for (int k = 1; k < op->ninputs; k++) {
        const tvi_shape *b = &shapes[op->inputs[k]];
        for (int d = 0; d < 4; d++)
          if (d != q[0] && b->d[d] != a->d[d])
            TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "op %d (concat): input %d differs in dimension %d",
                        i, k, d);
        o->d[q[0]] += b->d[q[0]];
      }
      TVI_TRY(check_dims(ctx, func, i, nm, o));
      break;
    }
    case TVI_OP_RESIZE:
      *o = (tvi_shape){{a->d[0], a->d[1], q[3] ? q[3] : (int64_t)floor((double)a->d[2] * op->fp[0]),
                        q[4] ? q[4] : (int64_t)floor((double)a->d[3] * op->fp[1])}};
      TVI_TRY(check_dims(ctx, func, i, nm, o));
      break;
    case TVI_OP_CONSTANT: *o = (tvi_shape){{q[0], q[1], q[2], q[3]}}; break;
    case TVI_OP_RESHAPE:
      if ((double)(a->d[1] * a->d[2] * a->d[3]) != (double)q[0] * q[1] * q[2])
        TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "op %d (reshape): %lld values per input, want %.0f", i,
                    (long long)(a->d[1] * a->d[2] * a->d[3]), (double)q[0] * q[1] * q[2]);
      *o = (tvi_shape){{a->d[0], q[0], q[1], q[2]}};
      break;
    default: TVI_FAIL_AS(ctx, TV_ERR_INTERNAL, func, "op %d: unknown type", i);
    }
    TVI_TRY(check_dims(ctx, func, i, nm, o));
  }
  if (flops) *flops = fl < 9.2e18 ? (int64_t)fl : INT64_MAX;
done:
  return st;
}

/* ---- parsing -------------------------------------------------------------------------------- */
static void model_release(tv_model *m) {
  if (m->ops)
    for (int i = 0; i < m->nops; i++) tvi_conv_free(m->ops[i].plan);
  free(m->ops);
  if (m->class_names)
    for (int i = 0; i < m->nclasses; i++) free(m->class_names[i]);
  free(m->class_names);
  free(m->name);
  if (m->map) munmap(m->map, m->size);
  tvi_aligned_free(m->owned);
}

tv_status tvi_model_parse(tv_ctx *ctx, const char *func, tv_model *m) {
  tv_status st = TV_OK;
  const uint8_t *d = m->data;
  const size_t size = m->size;
  tvi_shape *shapes = NULL;
  uint64_t ntensors = 0;
  if (size < 8 || memcmp(d, TVI_MODEL_MAGIC, 8) != 0)
    TVI_FAIL_AS(ctx, TV_ERR_FORMAT, func, "not a tubevision model (bad magic)");
  if (size < TVI_MODEL_HEADER_SIZE)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "truncated: %zu bytes, header needs %d", size,
                TVI_MODEL_HEADER_SIZE);
  m->version = le32(d + 8);
  if (m->version == 0) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "format version 0 is invalid");
  if (m->version > TVI_MODEL_VERSION)
    TVI_FAIL_AS(ctx, TV_ERR_UNSUPPORTED, func, "format version %u is newer than %d",
                (unsigned)m->version, TVI_MODEL_VERSION);
  const uint64_t fsize = le64(d + 16);
  if (fsize != size)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "file has %zu bytes, header says %llu (truncated?)",
                size, (unsigned long long)fsize);
  const uint32_t want_crc = le32(d + 12), crc = tvi_crc32(0, d + 16, size - 16);
  if (crc != want_crc)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "checksum mismatch (CRC-32 %08x, header says %08x)",
                (unsigned)crc, (unsigned)want_crc);
  for (int k = 88; k < TVI_MODEL_HEADER_SIZE; k++)
    if (d[k] != 0) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "reserved header byte %d is not 0", k);
  /* Sections: metadata, graph, tensor table, data; in order, inside the file. */
  static const char *const sec_names[4] = {"metadata", "graph", "tensor table", "data"};
  uint64_t off[4], len[4], prev_end = TVI_MODEL_HEADER_SIZE;
  for (int s = 0; s < 4; s++) {
    off[s] = le64(d + 24 + 16 * s);
    len[s] = le64(d + 32 + 16 * s);
    if (s == 3 && off[s] % 64 != 0)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "data section offset %llu is not 64-byte aligned",
                  (unsigned long long)off[3]);
    if (off[s] < prev_end || off[s] > size || len[s] > size - off[s])
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                  "%s section (offset %llu, %llu bytes) outside the file or overlapping",
                  sec_names[s], (unsigned long long)off[s], (unsigned long long)len[s]);
    prev_end = off[s] + len[s];
  }

  /* Metadata. */
  reader r = {d + off[0], (size_t)len[0], 0};
  uint32_t u[6];
  for (int k = 0; k < 6; k++)
    if (rd_u32(&r, &u[k]) != 0) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "metadata truncated");
  for (int k = 0; k < 8; k++)
    if (rd_f32(&r, k < 4 ? &m->mean[k] : &m->std[k - 4]) != 0)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "metadata truncated");
  if (!in_range(u[0], 1, TVI_MODEL_MAX_CHANNELS))
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "input channels %u outside 1..%d", u[0],
                TVI_MODEL_MAX_CHANNELS);
  if (u[1] > 65536 || u[2] > 65536 || (u[1] == 0) != (u[2] == 0))
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "input size %ux%u invalid (0x0 = any, else 1..65536)",
                u[2], u[1]);
  if (u[3] != TV_MODEL_SCORES && u[3] != TV_MODEL_HEATMAP)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "output kind %u unknown", u[3]);
  if (!in_range(u[4], 1, TVI_MODEL_MAX_CLASSES))
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "%u classes outside 1..%d", u[4], TVI_MODEL_MAX_CLASSES);
  if (u[3] == TV_MODEL_SCORES ? u[5] != 0 : !in_range(u[5], 1, 1024))
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "heatmap stride %u invalid for this output kind", u[5]);
  m->channels = (int32_t)u[0], m->height = (int32_t)u[1], m->width = (int32_t)u[2];
  m->output_kind = (int32_t)u[3], m->heatmap_stride = (int32_t)u[5];
  for (int k = 0; k < 4; k++)
    if (!isfinite(m->mean[k]) || !isfinite(m->std[k]) || m->std[k] == 0.0f ||
        !isfinite(1.0f / m->std[k]))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                  "normalisation of channel %d (mean %g, std %g) invalid", k, (double)m->mean[k],
                  (double)m->std[k]);
  TVI_TRY(rd_string(ctx, func, &r, "model name", 0, &m->name));
  m->class_names = calloc(u[4], sizeof(char *));
  if (!m->class_names) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "out of memory");
  m->nclasses = (int32_t)u[4];
  for (int k = 0; k < m->nclasses; k++)
    TVI_TRY(rd_string(ctx, func, &r, "class name", 1, &m->class_names[k]));
  if (m->version >= 2) { /* tagged entries (FORMAT.md, "Metadata entries") */
    uint32_t nent = 0;
    if (rd_u32(&r, &nent) != 0) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "metadata truncated");
    if (nent > TVI_MODEL_MAX_ENTRIES)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "%u metadata entries, more than %d", nent,
                  TVI_MODEL_MAX_ENTRIES);
    for (uint32_t e = 0; e < nent; e++) {
      uint32_t tag = 0, esize = 0;
      if (rd_u32(&r, &tag) != 0 || rd_u32(&r, &esize) != 0 || esize > r.size - r.pos)
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "metadata entry %u truncated", e);
      reader er = {r.p + r.pos, esize, 0};
      r.pos += esize;
      if (tag == TVI_META_DETECTION) {
        float lo = 0, hi = 0;
        if (m->has_detection)
          TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "metadata entry %u: detection given twice", e);
        if (esize != 8 || rd_f32(&er, &lo) != 0 || rd_f32(&er, &hi) != 0)
          TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                      "metadata entry %u: detection thresholds need 8 bytes, not %u", e, esize);
        if (!(lo >= 0.0f && lo < 1.0f && hi >= lo && hi <= 1.0f))
          TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                      "metadata entry %u: detection thresholds low %g, high %g outside "
                      "0 <= low < 1, low <= high <= 1",
                      e, (double)lo, (double)hi);
        m->has_detection = 1, m->det_low = lo, m->det_high = hi;
      }
      /* Other tags are later additions this reader does not know: skipped. */
    }
  }
  if (r.pos != r.size)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "%zu unused bytes after the metadata", r.size - r.pos);

  /* Tensor table. */
  const uint8_t *tt = d + off[2];
  if (len[2] < 8) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "tensor table truncated");
  ntensors = le32(tt);
  if (ntensors > TVI_MODEL_MAX_TENSORS || le32(tt + 4) != 0 || len[2] != 8 + 16 * ntensors)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "tensor table of %llu bytes does not hold %llu tensors",
                (unsigned long long)len[2], (unsigned long long)ntensors);
  for (uint64_t t = 0; t < ntensors; t++) {
    const uint64_t to = le64(tt + 8 + 16 * t), tn = le64(tt + 16 + 16 * t);
    if (to % 64 != 0 || to > len[3] || tn > (len[3] - to) / 4)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                  "tensor %llu (offset %llu, %llu floats) unaligned or outside the data section",
                  (unsigned long long)t, (unsigned long long)to, (unsigned long long)tn);
  }

  /* Graph. */
  const uint8_t *g = d + off[1];
  if (len[1] < 8) TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "graph section truncated");
  const uint32_t nops = le32(g), outv = le32(g + 4);
  if (!in_range(nops, 1, TVI_MODEL_MAX_OPS))
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "%u operators outside 1..%d", nops, TVI_MODEL_MAX_OPS);
  if (len[1] != 8 + (uint64_t)TVI_MODEL_OP_SIZE * nops)
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "graph section of %llu bytes does not hold %u operators",
                (unsigned long long)len[1], nops);
  if (!in_range(outv, 1, nops))
    TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "output value %u outside 1..%u", outv, nops);
  m->ops = calloc(nops, sizeof(tvi_op));
  if (!m->ops) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "out of memory");
  m->nops = (int32_t)nops, m->nvalues = (int32_t)nops + 1, m->output_value = (int32_t)outv;
  for (int i = 0; i < m->nops; i++) {
    const uint8_t *rec = g + 8 + (size_t)TVI_MODEL_OP_SIZE * i;
    tvi_op *op = &m->ops[i];
    const uint32_t type = le32(rec), nin = le32(rec + 4);
    if (type == 0 || type >= TVI_OP_COUNT_)
      TVI_FAIL_AS(ctx, TV_ERR_UNSUPPORTED, func, "op %d: unknown operator type %u", i, type);
    op->type = (int32_t)type;
    op->output = i + 1;
    if (nin > TVI_MODEL_MAX_INPUTS)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): %u inputs, at most %d", i, op_names[type],
                  nin, TVI_MODEL_MAX_INPUTS);
    op->ninputs = (int32_t)nin;
    for (int k = 0; k < TVI_MODEL_MAX_INPUTS; k++) {
      const uint32_t v = le32(rec + 8 + 4 * k);
      if (k < op->ninputs ? v > (uint32_t)i : v != 0)
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func,
                    "op %d (%s): input %d refers to value %u, not an earlier one", i,
                    op_names[type], k, v);
      op->inputs[k] = (int32_t)v;
    }
    for (int k = 0; k < 2; k++) {
      const uint32_t t = le32(rec + 40 + 4 * k);
      if (t == TVI_NO_TENSOR) continue;
      if (t >= ntensors)
        TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): tensor %u of %llu does not exist", i,
                    op_names[type], t, (unsigned long long)ntensors);
      const float *p = (const float *)(const void *)(d + off[3] + le64(tt + 8 + 16 * t));
      const uint64_t cnt = le64(tt + 16 + 16 * t);
      if (k == 0)
        op->weight = p, op->weight_count = cnt;
      else
        op->bias = p, op->bias_count = cnt;
    }
    for (int k = 0; k < 15; k++) op->ip[k] = (int32_t)le32(rec + 48 + 4 * k);
    for (int k = 0; k < 4; k++) op->fp[k] = lef32(rec + 108 + 4 * k);
    if (le32(rec + 124) != 0)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "op %d (%s): reserved field is not 0", i,
                  op_names[type]);
    TVI_TRY(check_op(ctx, func, i, op));
    if (op->type == TVI_OP_CONV)
      m->parameters += (int64_t)op->weight_count + (int64_t)op->bias_count;
    if (op->type == TVI_OP_DENSE)
      m->parameters += (int64_t)op->weight_count + (int64_t)op->bias_count;
  }
  /* Shapes for the declared input size: the model must take it and give its classes. */
  if (m->height > 0) {
    shapes = malloc(sizeof(tvi_shape) * (size_t)m->nvalues);
    if (!shapes) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "out of memory");
    /* The batch size: 1, or the batch of constants made for a fixed batch. */
    int64_t batch = 1;
    for (int i = 0; i < m->nops; i++)
      if (m->ops[i].type == TVI_OP_CONSTANT && m->ops[i].ip[0] > batch) batch = m->ops[i].ip[0];
    st = tvi_model_infer(ctx, func, m, batch, m->height, m->width, shapes, &m->flops);
    if (batch > 1) m->flops /= batch;
    if (st != TV_OK) {
      char msg[TVI_ERR_CAP];
      const char *e = tv_ctx_last_error(ctx);
      if (strncmp(e, func, strlen(func)) == 0 && e[strlen(func)] == ':') e += strlen(func) + 2;
      snprintf(msg, sizeof msg, "%s", e);
      TVI_FAIL_AS(ctx, st == TV_ERR_TOO_LARGE ? st : TV_ERR_CORRUPT, func,
                  "the declared input size %dx%d fails: %s", m->width, m->height, msg);
    }
    const tvi_shape *o = &shapes[m->output_value];
    if (o->d[1] != m->nclasses)
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "output has %lld channels but %d classes",
                  (long long)o->d[1], m->nclasses);
    if (m->output_kind == TV_MODEL_SCORES && (o->d[2] != 1 || o->d[3] != 1))
      TVI_FAIL_AS(ctx, TV_ERR_CORRUPT, func, "a scores output is %lldx%lld, not 1x1",
                  (long long)o->d[2], (long long)o->d[3]);
  }
  /* Pack convolution weights. */
  tvi_blas_init();
  for (int i = 0; i < m->nops; i++) {
    tvi_op *op = &m->ops[i];
    if (op->type != TVI_OP_CONV) continue;
    if (tvi_conv_prepare(ctx, &op->conv, op->weight, op->bias, &op->plan) != TV_OK) {
      char msg[TVI_ERR_CAP];
      snprintf(msg, sizeof msg, "%s", tv_ctx_last_error(ctx));
      TVI_FAIL_AS(ctx, tv_ctx_last_status(ctx), func, "op %d (conv): %s", i, msg);
    }
  }
done:
  free(shapes);
  return st;
}

static tv_status finish_load(tv_ctx *ctx, const char *func, tv_model *m, tv_model **out) {
  const tv_status st = tvi_model_parse(ctx, func, m);
  if (st != TV_OK) {
    model_release(m);
    free(m);
    return st;
  }
  *out = m;
  return TV_OK;
}

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  uint8_t b;
  memcpy(&b, &one, 1);
  return b == 1;
}

tv_status tv_model_load_memory(tv_ctx *ctx, const void *data, size_t size, tv_model **out) {
  tv_status st = TV_OK;
  tv_model *m = NULL;
  if (out) *out = NULL;
  if (!data || !out) TVI_FAIL(ctx, TV_ERR_NULL, "data or out is NULL");
  if (!host_is_little_endian())
    TVI_FAIL(ctx, TV_ERR_UNSUPPORTED, "models need a little-endian machine");
  m = calloc(1, sizeof *m);
  if (!m) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  m->owned = tvi_aligned_alloc(size);
  if (!m->owned) {
    free(m);
    TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %zu bytes", size);
  }
  if (size) memcpy(m->owned, data, size);
  m->data = m->owned, m->size = size;
  st = finish_load(ctx, __func__, m, out);
done:
  return st;
}

tv_status tv_model_load(tv_ctx *ctx, const char *path, tv_model **out) {
  tv_status st = TV_OK;
  int fd = -1;
  tv_model *m = NULL;
  if (out) *out = NULL;
  if (!path || !out) TVI_FAIL(ctx, TV_ERR_NULL, "path or out is NULL");
  if (!host_is_little_endian())
    TVI_FAIL(ctx, TV_ERR_UNSUPPORTED, "models need a little-endian machine");
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) TVI_FAIL(ctx, TV_ERR_IO, "cannot open %s: %s", path, strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0) TVI_FAIL(ctx, TV_ERR_IO, "cannot stat %s: %s", path, strerror(errno));
  if (!S_ISREG(sb.st_mode)) TVI_FAIL(ctx, TV_ERR_IO, "%s is not a regular file", path);
  if (sb.st_size < TVI_MODEL_HEADER_SIZE) {
    uint8_t head[TVI_MODEL_HEADER_SIZE];
    const ssize_t got = read(fd, head, sizeof head);
    if (got < 8 || memcmp(head, TVI_MODEL_MAGIC, 8) != 0)
      TVI_FAIL(ctx, TV_ERR_FORMAT, "%s: not a tubevision model (bad magic)", path);
    TVI_FAIL(ctx, TV_ERR_CORRUPT, "%s: truncated: %lld bytes, header needs %d", path,
             (long long)sb.st_size, TVI_MODEL_HEADER_SIZE);
  }
  if ((uint64_t)sb.st_size > (uint64_t)SIZE_MAX / 2)
    TVI_FAIL(ctx, TV_ERR_TOO_LARGE, "%s is too large", path);
  m = calloc(1, sizeof *m);
  if (!m) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  m->size = (size_t)sb.st_size;
  m->map = mmap(NULL, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m->map == MAP_FAILED) {
    m->map = NULL;
    free(m);
    TVI_FAIL(ctx, TV_ERR_IO, "cannot map %s: %s", path, strerror(errno));
  }
  m->data = m->map;
  st = finish_load(ctx, __func__, m, out);
done:
  if (fd >= 0) close(fd);
  return st;
}

void tv_model_free(tv_model *model) {
  if (!model) return;
  model_release(model);
  free(model);
}

tv_status tv_model_get(tv_ctx *ctx, const tv_model *model, tv_model_key key, int64_t *value) {
  tv_status st = TV_OK;
  if (value) *value = 0;
  if (!model || !value) TVI_FAIL(ctx, TV_ERR_NULL, "model or value is NULL");
  switch (key) {
  case TV_MODEL_FORMAT_VERSION: *value = model->version; break;
  case TV_MODEL_INPUT_CHANNELS: *value = model->channels; break;
  case TV_MODEL_INPUT_HEIGHT: *value = model->height; break;
  case TV_MODEL_INPUT_WIDTH: *value = model->width; break;
  case TV_MODEL_OUTPUT_KIND: *value = model->output_kind; break;
  case TV_MODEL_CLASSES: *value = model->nclasses; break;
  case TV_MODEL_HEATMAP_STRIDE: *value = model->heatmap_stride; break;
  case TV_MODEL_OPERATORS: *value = model->nops; break;
  case TV_MODEL_PARAMETERS: *value = model->parameters; break;
  case TV_MODEL_FLOPS: *value = model->flops; break;
  default: TVI_FAIL(ctx, TV_ERR_ARG, "unknown key %d", (int)key);
  }
done:
  return st;
}

int tv_model_detection_thresholds(const tv_model *model, float *low, float *high) {
  if (!model || !model->has_detection) return 0;
  if (low) *low = model->det_low;
  if (high) *high = model->det_high;
  return 1;
}

const char *tv_model_name(const tv_model *model) { return model ? model->name : NULL; }

const char *tv_model_class_name(const tv_model *model, int32_t index) {
  if (!model || index < 0 || index >= model->nclasses) return NULL;
  return model->class_names[index];
}

tv_status tv_model_normalization(tv_ctx *ctx, const tv_model *model, float mean[4], float std[4]) {
  tv_status st = TV_OK;
  if (!model || !mean || !std) TVI_FAIL(ctx, TV_ERR_NULL, "model, mean or std is NULL");
  for (int k = 0; k < 4; k++) {
    mean[k] = k < model->channels ? model->mean[k] : 0.0f;
    std[k] = k < model->channels ? model->std[k] : 1.0f;
  }
done:
  return st;
}
