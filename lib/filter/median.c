/* Median filter: selection networks of vector min/max for 3x3, 5x5 and 7x7, histograms above.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "filter_internal.h"
#include "kernels/median/median.h"

static const struct {
  tv_isa isa;
  const tvi_median_kernels *k;
  const char *name;
} tvi_median_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/median/median.inc"
#undef TV_KERNEL
};

typedef struct tvi_median_job {
  const tvi_median_kernels *k;
  const tv_image *src;
  tv_image *dst;
  int32_t ksize, ti;
  size_t es, rowb; /* sample size; bytes of one sorted row (w + ksize - 1 samples, rounded) */
  uint8_t *scratch;
  size_t scratch_bytes;
} tvi_median_job;

static size_t tvi_median_round64(size_t n) { return (n + 63) & ~(size_t)63; }

/* 3x3: two output rows per step from four source rows (REPLICATE), straight from the image; an
 * odd last row of the band writes its partner into scratch. */
static void tvi_median_3_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_median_job *j = arg;
  uint8_t *ws = j->scratch + (size_t)worker * j->scratch_bytes;
  const int32_t h = j->src->height;
  for (int32_t y = y0; y < y1; y += 2) {
    const void *rows[4];
    for (int32_t i = 0; i < 4; i++) {
      int32_t sy = y - 1 + i;
      sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
      rows[i] = tvi_row(j->src, sy);
    }
    void *d1 = y + 1 < y1 ? tvi_row(j->dst, y + 1) : (void *)ws;
    j->k->med3[j->ti](rows, tvi_row(j->dst, y), d1, (size_t)j->src->width);
  }
}

/* 5x5 and 7x7: per output row, the n source rows (REPLICATE) sorted column by column into n
 * rows with r = n / 2 replicated samples on each side, then the selection network. */
static void tvi_median_net_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_median_job *j = arg;
  uint8_t *ws = j->scratch + (size_t)worker * j->scratch_bytes;
  const int32_t n = j->ksize, r = n / 2, h = j->src->height, w = j->src->width;
  const int si = n == 5 ? 0 : 1;
  const size_t es = j->es;
  const void *rows[7];
  void *out[7];
  const void *sorted[7];
  for (int32_t i = 0; i < n; i++) {
    out[i] = ws + (size_t)i * j->rowb + (size_t)r * es;
    sorted[i] = ws + (size_t)i * j->rowb;
  }
  for (int32_t y = y0; y < y1; y++) {
    for (int32_t i = 0; i < n; i++) {
      int32_t sy = y - r + i;
      sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
      rows[i] = tvi_row(j->src, sy);
    }
    j->k->colsort[j->ti][si](rows, out, (size_t)w);
    for (int32_t i = 0; i < n; i++) {
      uint8_t *s = ws + (size_t)i * j->rowb;
      for (int32_t c = 0; c < r; c++) {
        memcpy(s + (size_t)c * es, s + (size_t)r * es, es);
        memcpy(s + ((size_t)r + (size_t)w + (size_t)c) * es, s + ((size_t)r + (size_t)w - 1) * es,
               es);
      }
    }
    j->k->row[j->ti][si](sorted, tvi_row(j->dst, y), (size_t)w);
  }
}

static void tvi_median_hist_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_median_job *j = arg;
  j->k->hist[j->ti](j->src->data, j->src->stride, j->dst->data, j->dst->stride, j->src->width,
                    j->src->height, y0, y1, j->ksize,
                    j->scratch + (size_t)worker * j->scratch_bytes);
}

tv_status tv_median(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t ksize) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 1, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16));
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src has %d channels; the median takes 1", src->channels);
  if (ksize < 3 || ksize > 255 || ksize % 2 == 0)
    return TVI_ERR(ctx, TV_ERR_ARG, "ksize %d is not odd in 3..255", ksize);
  if (tvi_images_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src (the median does not work in place)");

  const int32_t w = src->width, h = src->height;
  const int workers = tvi_parallel_workers(ctx);
  tvi_median_job job;
  memset(&job, 0, sizeof job);
  job.k = tvi_median_table[TVI_SELECT(ctx, tvi_median_table)].k;
  job.src = src;
  job.dst = dst;
  job.ksize = ksize;
  job.ti = src->type == TV_U8 ? 0 : 1;
  job.es = (size_t)tv_pixel_size((tv_pixel_type)src->type);
  int32_t band = 0;
  if (ksize == 3) {
    job.scratch_bytes = tvi_median_round64((size_t)w * job.es);
  } else if (ksize <= 7) {
    job.rowb = tvi_median_round64(((size_t)w + (size_t)ksize) * job.es);
    job.scratch_bytes = job.rowb * (size_t)ksize;
  } else {
    job.scratch_bytes = tvi_median_round64(tvi_median_hist_scratch(job.ti, w, ksize));
    /* Starting a band costs ksize rows of column histogram updates: make bands taller. */
    int64_t b = ksize > 64 ? ksize : 64;
    const int64_t most = (h + 2 * (int64_t)workers - 1) / (2 * (int64_t)workers);
    if (workers > 1 && b > most) b = most;
    band = (int32_t)(b < 1 ? 1 : b > h ? h : b);
  }
  size_t total = 0;
  if (tvi_mul_size(job.scratch_bytes, (size_t)workers, &total) != 0)
    return TVI_ERR(ctx, TV_ERR_NOMEM, "scratch size overflows");
  job.scratch = tvi_aligned_alloc(total);
  if (!job.scratch)
    return TVI_ERR(ctx, TV_ERR_NOMEM, "cannot allocate %zu bytes of scratch", total);
  if (ksize == 3)
    tvi_for_bands(ctx, h, 0, tvi_row_bytes(src), tvi_median_3_band, &job);
  else if (ksize <= 7)
    tvi_for_bands(ctx, h, 0, tvi_row_bytes(src), tvi_median_net_band, &job);
  else
    tvi_for_bands(ctx, h, band, tvi_row_bytes(src), tvi_median_hist_band, &job);
  tvi_aligned_free(job.scratch);
  return TV_OK;
}
