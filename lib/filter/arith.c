/* Element-wise arithmetic: absolute difference (and the operations that join the arith family).
 * SPDX-License-Identifier: Apache-2.0 */
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

typedef struct tvi_binary_job {
  const tvi_arith_kernels *k;
  const tv_image *a, *b;
  tv_image *dst;
  size_t n; /* samples per row */
} tvi_binary_job;

static void tvi_absdiff_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_binary_job *j = arg;
  for (int32_t y = y0; y < y1; y++) {
    const void *a = tvi_row(j->a, y), *b = tvi_row(j->b, y);
    void *d = tvi_row(j->dst, y);
    switch (j->a->type) {
    case TV_U8: j->k->absdiff_u8(a, b, d, j->n); break;
    case TV_U16: j->k->absdiff_u16(a, b, d, j->n); break;
    case TV_S16: j->k->absdiff_s16(a, b, d, j->n); break;
    default: j->k->absdiff_f32(a, b, d, j->n); break;
    }
  }
}

tv_status tv_absdiff(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_same3(ctx, __func__, a, b, dst,
                                 TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_S16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  tvi_binary_job job = {tvi_arith_table[TVI_SELECT(ctx, tvi_arith_table)].k, a, b, dst,
                        (size_t)a->width * (size_t)a->channels};
  tvi_for_bands(ctx, a->height, 0, tvi_row_bytes(a), tvi_absdiff_band, &job);
  return TV_OK;
}
