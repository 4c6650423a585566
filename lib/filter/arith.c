/* Element-wise arithmetic: absolute difference, saturating add and subtract, scaled multiply.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "filter_internal.h"
#include "kernels/arith/arith.h"

static const struct {
  tv_isa isa;
  const tvi_arith_kernels *k;
  const char *name;
} tvi_arith_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/arith/arith.inc"
#undef TV_KERNEL
};

const tvi_arith_kernels *tvi_arith_select(const tv_ctx *ctx) {
  return tvi_arith_table[TVI_SELECT(ctx, tvi_arith_table)].k;
}

enum { TVI_OP_ABSDIFF, TVI_OP_ADD, TVI_OP_SUB, TVI_OP_MUL };

typedef struct tvi_binary_job {
  const tvi_arith_kernels *k;
  const tv_image *a, *b;
  tv_image *dst;
  size_t n; /* samples per row */
  int op;
  double scale;
} tvi_binary_job;

/* One row of the operation on samples of type index t (u8, u16, s16, f32). */
static void tvi_binary_row(const tvi_binary_job *j, int t, const void *a, const void *b, void *d) {
  const tvi_arith_kernels *k = j->k;
  const size_t n = j->n;
  switch (j->op * 4 + t) {
  case TVI_OP_ABSDIFF * 4 + 0: k->absdiff_u8(a, b, d, n); break;
  case TVI_OP_ABSDIFF * 4 + 1: k->absdiff_u16(a, b, d, n); break;
  case TVI_OP_ABSDIFF * 4 + 2: k->absdiff_s16(a, b, d, n); break;
  case TVI_OP_ABSDIFF * 4 + 3: k->absdiff_f32(a, b, d, n); break;
  case TVI_OP_ADD * 4 + 0: k->add_u8(a, b, d, n); break;
  case TVI_OP_ADD * 4 + 1: k->add_u16(a, b, d, n); break;
  case TVI_OP_ADD * 4 + 2: k->add_s16(a, b, d, n); break;
  case TVI_OP_ADD * 4 + 3: k->add_f32(a, b, d, n); break;
  case TVI_OP_SUB * 4 + 0: k->sub_u8(a, b, d, n); break;
  case TVI_OP_SUB * 4 + 1: k->sub_u16(a, b, d, n); break;
  case TVI_OP_SUB * 4 + 2: k->sub_s16(a, b, d, n); break;
  case TVI_OP_SUB * 4 + 3: k->sub_f32(a, b, d, n); break;
  case TVI_OP_MUL * 4 + 0: k->mul_u8(a, b, d, n, j->scale); break;
  case TVI_OP_MUL * 4 + 1: k->mul_u16(a, b, d, n, j->scale); break;
  case TVI_OP_MUL * 4 + 2: k->mul_s16(a, b, d, n, j->scale); break;
  default: k->mul_f32(a, b, d, n, j->scale); break;
  }
}

static void tvi_binary_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_binary_job *j = arg;
  const int t = j->a->type == TV_U8 ? 0 : j->a->type == TV_U16 ? 1 : j->a->type == TV_S16 ? 2 : 3;
  for (int32_t y = y0; y < y1; y++)
    tvi_binary_row(j, t, tvi_row(j->a, y), tvi_row(j->b, y), tvi_row(j->dst, y));
}

static tv_status tvi_binary(tv_ctx *ctx, const char *func, const tv_image *a, const tv_image *b,
                            tv_image *dst, int op, double scale) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_same3(ctx, func, a, b, dst,
                                 TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_S16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  if (op == TVI_OP_MUL && !isfinite(scale))
    return tvi_fail(ctx, TV_ERR_ARG, func, "scale must be finite");
  tvi_binary_job job = {
      tvi_arith_select(ctx), a, b, dst, (size_t)a->width * (size_t)a->channels, op, scale};
  tvi_for_bands(ctx, a->height, 0, tvi_row_bytes(a), tvi_binary_band, &job);
  return TV_OK;
}

tv_status tv_absdiff(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst) {
  return tvi_binary(ctx, __func__, a, b, dst, TVI_OP_ABSDIFF, 1.0);
}

tv_status tv_add(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst) {
  return tvi_binary(ctx, __func__, a, b, dst, TVI_OP_ADD, 1.0);
}

tv_status tv_subtract(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst) {
  return tvi_binary(ctx, __func__, a, b, dst, TVI_OP_SUB, 1.0);
}

tv_status tv_multiply(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst,
                      double scale) {
  return tvi_binary(ctx, __func__, a, b, dst, TVI_OP_MUL, scale);
}
