/* Statistics: per-channel minimum and maximum, mean and standard deviation, histograms.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/stats/stats.h"

static const struct {
  tv_isa isa;
  const tvi_stats_kernels *k;
  const char *name;
} tvi_stats_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/stats/stats.inc"
#undef TV_KERNEL
};

/* Band height for reductions: fixed by the row size only, so partial results (one per band,
 * combined in band order) do not depend on the thread count. */
static int32_t tvi_stats_band_rows(const tv_image *img) {
  const size_t row = tvi_row_bytes(img);
  const size_t rows = 65536 / (row ? row : 1);
  return rows < 1 ? 1 : rows > 1024 ? 1024 : (int32_t)rows;
}

/* One band's partial results. */
typedef struct tvi_stats_part {
  int32_t imn[4], imx[4];
  float fmn[4], fmx[4];
  int64_t isum[4];
  uint64_t isq[4];
  double dsum[4], dsq[4];
} tvi_stats_part;

typedef struct tvi_stats_job {
  const tvi_stats_kernels *k;
  const tv_image *src;
  tvi_stats_part *parts;
  int32_t band;
  int sums; /* 0: min/max, 1: sums */
} tvi_stats_job;

static void tvi_stats_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_stats_job *j = arg;
  const tv_image *img = j->src;
  tvi_stats_part *pt = &j->parts[y0 / j->band];
  const int c = img->channels;
  const size_t w = (size_t)img->width;
  for (int k = 0; k < 4; k++) {
    pt->imn[k] = INT32_MAX, pt->imx[k] = INT32_MIN;
    pt->fmn[k] = INFINITY, pt->fmx[k] = -INFINITY;
    pt->isum[k] = 0, pt->isq[k] = 0, pt->dsum[k] = 0, pt->dsq[k] = 0;
  }
  for (int32_t y = y0; y < y1; y++) {
    const void *row = tvi_row(img, y);
    if (!j->sums) {
      switch (img->type) {
      case TV_U8: j->k->minmax_u8(row, w, c, pt->imn, pt->imx); break;
      case TV_U16: j->k->minmax_u16(row, w, c, pt->imn, pt->imx); break;
      case TV_S16: j->k->minmax_s16(row, w, c, pt->imn, pt->imx); break;
      case TV_F32: j->k->minmax_f32(row, w, c, pt->fmn, pt->fmx); break;
      default: /* s32 */
        for (size_t i = 0; i < w * (size_t)c; i++) {
          const int32_t v = ((const int32_t *)row)[i];
          if (v < pt->imn[i % (size_t)c]) pt->imn[i % (size_t)c] = v;
          if (v > pt->imx[i % (size_t)c]) pt->imx[i % (size_t)c] = v;
        }
      }
    } else {
      switch (img->type) {
      case TV_U8: j->k->sum_u8(row, w, c, pt->isum, pt->isq); break;
      case TV_U16: j->k->sum_u16(row, w, c, pt->isum, pt->isq); break;
      case TV_S16: j->k->sum_s16(row, w, c, pt->isum, pt->isq); break;
      case TV_F32: j->k->sum_f32(row, w, c, pt->dsum, pt->dsq); break;
      default: /* s32: sums exact in 64 bits, squares in double */
        for (size_t i = 0; i < w * (size_t)c; i++) {
          const int32_t v = ((const int32_t *)row)[i];
          pt->isum[i % (size_t)c] += v;
          pt->dsq[i % (size_t)c] += (double)v * (double)v;
        }
      }
    }
  }
}

/* Runs the reduction over bands; *parts (nbands entries) is malloc'd for the caller. */
static tv_status tvi_stats_run(tv_ctx *ctx, const char *func, const tv_image *src, int sums,
                               tvi_stats_part **parts, int64_t *nbands) {
  const int32_t band = tvi_stats_band_rows(src);
  *nbands = (src->height + band - 1) / band;
  *parts = malloc((size_t)*nbands * sizeof **parts);
  if (!*parts)
    return tvi_fail(ctx, TV_ERR_NOMEM, func, "cannot allocate %lld band results",
                    (long long)*nbands);
  tvi_stats_job job = {tvi_stats_table[TVI_SELECT(ctx, tvi_stats_table)].k, src, *parts, band,
                       sums};
  tvi_for_bands(ctx, src->height, band, tvi_row_bytes(src), tvi_stats_band, &job);
  return TV_OK;
}

tv_status tv_min_max(tv_ctx *ctx, const tv_image *src, double min[4], double max[4]) {
  if (!ctx) return TV_ERR_NULL;
  if (!min || !max) return TVI_ERR(ctx, TV_ERR_NULL, "%s is NULL", !min ? "min" : "max");
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st != TV_OK) return st;
  tvi_stats_part *parts = NULL;
  int64_t nb = 0;
  st = tvi_stats_run(ctx, __func__, src, 0, &parts, &nb);
  if (st != TV_OK) return st;
  for (int k = 0; k < 4; k++) min[k] = max[k] = 0.0;
  for (int k = 0; k < src->channels; k++) {
    if (src->type == TV_F32) {
      float lo = INFINITY, hi = -INFINITY;
      for (int64_t b = 0; b < nb; b++) {
        if (parts[b].fmn[k] < lo) lo = parts[b].fmn[k];
        if (parts[b].fmx[k] > hi) hi = parts[b].fmx[k];
      }
      /* A channel of NaN only has no minimum or maximum. */
      min[k] = lo > hi ? NAN : lo;
      max[k] = lo > hi ? NAN : hi;
    } else {
      int32_t lo = INT32_MAX, hi = INT32_MIN;
      for (int64_t b = 0; b < nb; b++) {
        if (parts[b].imn[k] < lo) lo = parts[b].imn[k];
        if (parts[b].imx[k] > hi) hi = parts[b].imx[k];
      }
      min[k] = lo;
      max[k] = hi;
    }
  }
  free(parts);
  return TV_OK;
}

tv_status tv_mean_stddev(tv_ctx *ctx, const tv_image *src, double mean[4], double stddev[4]) {
  if (!ctx) return TV_ERR_NULL;
  if (!mean || !stddev) return TVI_ERR(ctx, TV_ERR_NULL, "%s is NULL", !mean ? "mean" : "stddev");
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st != TV_OK) return st;
  tvi_stats_part *parts = NULL;
  int64_t nb = 0;
  st = tvi_stats_run(ctx, __func__, src, 1, &parts, &nb);
  if (st != TV_OK) return st;
  for (int k = 0; k < 4; k++) mean[k] = stddev[k] = 0.0;
  const double inv = 1.0 / ((double)src->width * (double)src->height);
  for (int k = 0; k < src->channels; k++) {
    double s, q;
    if (src->type == TV_F32) {
      s = 0, q = 0;
      for (int64_t b = 0; b < nb; b++) s += parts[b].dsum[k], q += parts[b].dsq[k];
    } else if (src->type == TV_S32) {
      int64_t is = 0;
      q = 0;
      for (int64_t b = 0; b < nb; b++) is += parts[b].isum[k], q += parts[b].dsq[k];
      s = (double)is;
    } else {
      int64_t is = 0;
      uint64_t iq = 0;
      for (int64_t b = 0; b < nb; b++) is += parts[b].isum[k], iq += parts[b].isq[k];
      s = (double)is, q = (double)iq;
    }
    /* As cv::meanStdDev: variance = E[x^2] - E[x]^2, clipped at 0. */
    const double m = s * inv, var = q * inv - m * m;
    mean[k] = m;
    stddev[k] = sqrt(var > 0 ? var : 0.0);
  }
  free(parts);
  return TV_OK;
}

typedef struct tvi_hist_job {
  const tvi_stats_kernels *k;
  const tv_image *src;
  uint64_t *hists;  /* per worker, nbins each */
  uint32_t *subs;   /* per worker, sub_len: the u8 accumulators, kept across the worker's bands */
  uint64_t *counts; /* per worker: samples in its accumulators since they were last folded */
  size_t sub_len;   /* TVI_HIST_SUB_LEN, plus TVI_HIST_PAIRS with the pair table */
  int32_t nbins, shift;
} tvi_hist_job;

enum { TVI_HIST_SUB_LEN = TVI_HIST_SUBS * 256 };

/* u8 images of at least this many samples per worker also count pairs of neighbours (stats.h):
 * the table's 256 KiB are cleared and folded once per call. */
#define TVI_HIST_PAIRS_MIN ((int64_t)1 << 20)

/* Adds a worker's u8 accumulators to its 64-bit histogram and clears them. */
static void tvi_hist_fold(const tvi_hist_job *j, int worker) {
  uint32_t *sub = j->subs + (size_t)worker * j->sub_len;
  tvi_hist_u8_fold(j->hists + (size_t)worker * (size_t)j->nbins, sub,
                   j->sub_len > TVI_HIST_SUB_LEN ? sub + TVI_HIST_SUB_LEN : NULL);
}

static void tvi_hist_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_hist_job *j = arg;
  uint64_t *h = j->hists + (size_t)worker * (size_t)j->nbins;
  const size_t w = (size_t)j->src->width;
  if (j->src->type == TV_U8) {
    uint32_t *sub = j->subs + (size_t)worker * j->sub_len;
    uint32_t *pairs = j->sub_len > TVI_HIST_SUB_LEN ? sub + TVI_HIST_SUB_LEN : NULL;
    uint64_t *pending = &j->counts[worker]; /* each counter in sub is at most *pending */
    for (int32_t y = y0; y < y1; y++) {
      if (*pending + w > UINT32_MAX) {
        tvi_hist_fold(j, worker);
        *pending = 0;
      }
      j->k->hist_u8(tvi_row(j->src, y), w, sub, pairs);
      *pending += w;
    }
    return;
  }
  for (int32_t y = y0; y < y1; y++) {
    const uint16_t *p = tvi_row(j->src, y);
    for (size_t i = 0; i < w; i++) h[p[i] >> j->shift]++;
  }
}

tv_status tv_histogram(tv_ctx *ctx, const tv_image *src, uint64_t *hist, int32_t nbins) {
  if (!ctx) return TV_ERR_NULL;
  if (!hist) return TVI_ERR(ctx, TV_ERR_NULL, "hist is NULL");
  tv_status st = tvi_check_image(ctx, __func__, "src", src);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16));
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src has %d channels (1 expected)", src->channels);
  int32_t shift = 0;
  if (src->type == TV_U8) {
    if (nbins != 256)
      return TVI_ERR(ctx, TV_ERR_ARG, "nbins %d for a u8 image (256 expected)", nbins);
  } else {
    int32_t bits = 0;
    while (bits < 17 && (1 << bits) < nbins) bits++;
    if (nbins < 256 || nbins > 65536 || (1 << bits) != nbins)
      return TVI_ERR(ctx, TV_ERR_ARG,
                     "nbins %d for a u16 image (a power of two from 256 to 65536 expected)", nbins);
    shift = 16 - bits;
  }
  const int workers = tvi_parallel_workers(ctx);
  const int64_t samples = (int64_t)src->width * src->height;
  const size_t sub_len =
      TVI_HIST_SUB_LEN + (samples >= TVI_HIST_PAIRS_MIN * workers ? TVI_HIST_PAIRS : 0);
  uint64_t *hists = calloc((size_t)workers * (size_t)nbins, sizeof *hists);
  uint32_t *subs = src->type == TV_U8 ? calloc((size_t)workers * sub_len, sizeof *subs) : NULL;
  uint64_t *counts = calloc((size_t)workers, sizeof *counts);
  if (!hists || !counts || (src->type == TV_U8 && !subs)) {
    free(hists);
    free(subs);
    free(counts);
    return TVI_ERR(ctx, TV_ERR_NOMEM, "cannot allocate %d histograms of %d bins", workers, nbins);
  }
  tvi_hist_job job = {tvi_stats_table[TVI_SELECT(ctx, tvi_stats_table)].k,
                      src,
                      hists,
                      subs,
                      counts,
                      sub_len,
                      nbins,
                      shift};
  tvi_for_bands(ctx, src->height, 0, tvi_row_bytes(src), tvi_hist_band, &job);
  if (subs)
    for (int wk = 0; wk < workers; wk++) tvi_hist_fold(&job, wk);
  for (int32_t b = 0; b < nbins; b++) {
    uint64_t t = 0;
    for (int wk = 0; wk < workers; wk++) t += hists[(size_t)wk * (size_t)nbins + (size_t)b];
    hist[b] = t;
  }
  free(hists);
  free(subs);
  free(counts);
  return TV_OK;
}
