/* Adaptive threshold against the local mean (tv_adaptive_threshold): running box sums, so the cost
 * does not depend on the block size; u8 as cv::adaptiveThreshold(ADAPTIVE_THRESH_MEAN_C).
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/boxsum/boxsum.h"
#include "kernels/thresh/thresh.h"

static const struct {
  tv_isa isa;
  const tvi_thresh_kernels *k;
  const char *name;
} tvi_adaptive_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/thresh/thresh.inc"
#undef TV_KERNEL
};

typedef struct tvi_adaptive_job {
  const tvi_thresh_kernels *k;
  const tvi_boxsum_kernels *bs; /* set for u8 blocks up to 257: 16-bit column sums */
  const tv_image *src;
  tv_image *dst;
  int32_t r; /* block / 2 */
  tvi_adaptive_params p;
  uint8_t *scratch;       /* per worker: stride bytes each */
  size_t stride, sums_at; /* bytes per worker; where the window sums start */
} tvi_adaptive_job;

/* Vertical sums: col[x] += row_add[x] - row_sub[x] (row_sub may be NULL). */
#define TVI_COL_UPDATE(T)                                                                          \
  static void tvi_col_update_##T(uint32_t *restrict col, const T *restrict add,                    \
                                 const T *restrict sub, int32_t w) {                               \
    if (sub)                                                                                       \
      for (int32_t x = 0; x < w; x++) col[x] += (uint32_t)add[x] - (uint32_t)sub[x];               \
    else                                                                                           \
      for (int32_t x = 0; x < w; x++) col[x] += add[x];                                            \
  }
TVI_COL_UPDATE(uint8_t)
TVI_COL_UPDATE(uint16_t)

/* Horizontal window sums of the padded vertical sums pad[-r .. w + r): four independent running
 * sums over four stretches of the row, so the additions do not wait on each other. */
#define TVI_ROW_SUMS(name, S)                                                                      \
  static void name(const uint32_t *pad, S *out, int32_t w, int32_t r) {                            \
    const int32_t q = (w + 3) / 4;                                                                 \
    int32_t x0[4], x1[4];                                                                          \
    S s[4];                                                                                        \
    for (int k = 0; k < 4; k++) {                                                                  \
      x0[k] = k * q < w ? k * q : w;                                                               \
      x1[k] = (k + 1) * q < w ? (k + 1) * q : w;                                                   \
      s[k] = 0;                                                                                    \
      if (x0[k] < x1[k])                                                                           \
        for (int32_t i = x0[k] - r; i <= x0[k] + r; i++) s[k] += pad[i];                           \
    }                                                                                              \
    for (int32_t i = 0; i < q; i++)                                                                \
      for (int k = 0; k < 4; k++) {                                                                \
        const int32_t x = x0[k] + i;                                                               \
        if (x < x1[k]) {                                                                           \
          out[x] = s[k];                                                                           \
          if (x + 1 < x1[k]) s[k] += (S)pad[x + r + 1] - (S)pad[x - r];                            \
        }                                                                                          \
      }                                                                                            \
  }
TVI_ROW_SUMS(tvi_row_sums_u32, uint32_t)
TVI_ROW_SUMS(tvi_row_sums_u64, uint64_t)

/* u8 with blocks up to 257: the column sums of a block of u8 rows fit 16 bits and the window
 * sums 31 bits; both running sums on vectors (the boxsum family). */
static void tvi_adaptive_band_u8(const tvi_adaptive_job *j, int32_t y0, int32_t y1, int worker) {
  const int32_t w = j->src->width, h = j->src->height, r = j->r;
  const tvi_boxsum_kernels *bs = j->bs;
  uint16_t *col = (uint16_t *)(void *)(j->scratch + (size_t)worker * j->stride) + r;
  uint32_t *sums = (uint32_t *)(void *)(j->scratch + (size_t)worker * j->stride + j->sums_at);
  memset(col - r, 0, (size_t)(w + 2 * r) * sizeof *col);
  for (int32_t k = y0 - r; k <= y0 + r; k++)
    bs->col_u8_u16(col, tvi_row(j->src, k < 0 ? 0 : k >= h ? h - 1 : k), NULL, (size_t)w);
  for (int32_t y = y0; y < y1; y++) {
    if (y > y0) {
      const int32_t ya = y + r < h ? y + r : h - 1, ys = y - r - 1 < 0 ? 0 : y - r - 1;
      if (ya != ys) bs->col_u8_u16(col, tvi_row(j->src, ya), tvi_row(j->src, ys), (size_t)w);
    }
    for (int32_t i = 1; i <= r; i++) { /* REPLICATE in x */
      col[-i] = col[0];
      col[w - 1 + i] = col[w - 1];
    }
    bs->hsum_u16_u32(col - r, sums, (size_t)w, 2 * r + 1);
    j->k->adaptive_u8(tvi_row(j->src, y), sums, tvi_row(j->dst, y), (size_t)w, &j->p);
  }
}

static void tvi_adaptive_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_adaptive_job *j = arg;
  if (j->bs) {
    tvi_adaptive_band_u8(j, y0, y1, worker);
    return;
  }
  const int32_t w = j->src->width, h = j->src->height, r = j->r;
  const int u8 = j->src->type == TV_U8;
  uint32_t *col = (uint32_t *)(void *)(j->scratch + (size_t)worker * j->stride) + r;
  void *sums = j->scratch + (size_t)worker * j->stride + j->sums_at;
  memset(col - r, 0, (size_t)(w + 2 * r) * sizeof *col);
  for (int32_t k = y0 - r; k <= y0 + r; k++) {
    const void *row = tvi_row(j->src, k < 0 ? 0 : k >= h ? h - 1 : k);
    if (u8)
      tvi_col_update_uint8_t(col, row, NULL, w);
    else
      tvi_col_update_uint16_t(col, row, NULL, w);
  }
  for (int32_t y = y0; y < y1; y++) {
    if (y > y0) {
      const int32_t ya = y + r < h ? y + r : h - 1, ys = y - r - 1 < 0 ? 0 : y - r - 1;
      if (ya != ys) {
        if (u8)
          tvi_col_update_uint8_t(col, tvi_row(j->src, ya), tvi_row(j->src, ys), w);
        else
          tvi_col_update_uint16_t(col, tvi_row(j->src, ya), tvi_row(j->src, ys), w);
      }
    }
    for (int32_t i = 1; i <= r; i++) { /* REPLICATE in x */
      col[-i] = col[0];
      col[w - 1 + i] = col[w - 1];
    }
    if (u8) {
      tvi_row_sums_u32(col, sums, w, r);
      j->k->adaptive_u8(tvi_row(j->src, y), sums, tvi_row(j->dst, y), (size_t)w, &j->p);
    } else {
      tvi_row_sums_u64(col, sums, w, r);
      j->k->adaptive_u16(tvi_row(j->src, y), sums, tvi_row(j->dst, y), (size_t)w, &j->p);
    }
  }
}

static void tvi_zero_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tv_image *dst = arg;
  for (int32_t y = y0; y < y1; y++) memset(tvi_row(dst, y), 0, tvi_row_bytes(dst));
}

tv_status tv_adaptive_threshold(tv_ctx *ctx, const tv_image *src, tv_image *dst, double maxval,
                                tv_threshold_kind kind, int32_t block, double c) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 1, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16));
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src has %d channels (1 expected)", src->channels);
  if (tvi_images_overlap(src, dst)) return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src");
  if (kind != TV_THRESH_BINARY && kind != TV_THRESH_BINARY_INV)
    return TVI_ERR(ctx, TV_ERR_ARG, "kind %d is not BINARY or BINARY_INV", (int)kind);
  if (block < 3 || block > 1023 || block % 2 == 0)
    return TVI_ERR(ctx, TV_ERR_ARG, "block %d is not odd in 3..1023", block);
  if (!isfinite(c)) return TVI_ERR(ctx, TV_ERR_ARG, "c must be finite");
  if (isnan(maxval)) return TVI_ERR(ctx, TV_ERR_ARG, "maxval must not be NaN");

  if (maxval < 0) { /* as OpenCV: everything 0 */
    tvi_for_bands(ctx, dst->height, 0, tvi_row_bytes(dst), tvi_zero_band, dst);
    return TV_OK;
  }
  const int u8 = src->type == TV_U8;
  const double top = u8 ? 255 : 65535;
  tvi_adaptive_job job;
  memset(&job, 0, sizeof job);
  job.k = tvi_adaptive_table[TVI_SELECT(ctx, tvi_adaptive_table)].k;
  job.src = src;
  job.dst = dst;
  job.r = block / 2;
  if (u8 && block <= 257) job.bs = tvi_boxsum_select(ctx);
  const int64_t area = (int64_t)block * block;
  job.p.area = (uint64_t)area;
  job.p.maxval = (uint32_t)(maxval >= top ? top : lrint(maxval));
  const double idelta = kind == TV_THRESH_BINARY ? ceil(c) : floor(c);
  job.p.idelta = (int32_t)(idelta < -(top + 1) ? -(top + 1) : idelta > top + 1 ? top + 1 : idelta);
  job.p.inv = kind == TV_THRESH_BINARY_INV;
  /* OpenCV's boxFilter mean for 8U, as its vector path computes it: float(s) * float(1 / area),
   * rounded (the exactly rounded s / area up to block 163; measured against OpenCV 4.6). */
  job.p.fscale = (float)(1.0 / (double)area);

  const int32_t w = src->width, h = src->height;
  const int workers = tvi_parallel_workers(ctx);
  /* Per worker: the padded vertical sums (w + 2r) and the row's window sums (u32 or u64). */
  job.sums_at = ((size_t)(w + 2 * job.r) * 4 + 63) / 64 * 64;
  job.stride = job.sums_at + ((size_t)w * (u8 ? 4 : 8) + 63) / 64 * 64;
  job.scratch = tvi_aligned_alloc(job.stride * (size_t)workers);
  if (!job.scratch)
    return TVI_ERR(ctx, TV_ERR_NOMEM, "cannot allocate %zu bytes of scratch",
                   job.stride * (size_t)workers);
  /* Bands long enough to amortise summing `block` rows at their start. */
  int32_t band = h;
  if (workers > 1) {
    const int32_t even = (int32_t)((h + 4 * workers - 1) / (4 * workers));
    band = even > 2 * block ? even : 2 * block;
  }
  tvi_for_bands(ctx, h, band, tvi_row_bytes(src), tvi_adaptive_band, &job);
  tvi_aligned_free(job.scratch);
  return TV_OK;
}
