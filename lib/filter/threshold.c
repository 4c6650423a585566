/* Fixed and Otsu thresholds (tv_threshold, tv_threshold_otsu), as cv::threshold defines them.
 * SPDX-License-Identifier: Apache-2.0 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/thresh/thresh.h"

static const struct {
  tv_isa isa;
  const tvi_thresh_kernels *k;
  const char *name;
} tvi_thresh_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/thresh/thresh.inc"
#undef TV_KERNEL
};

/* What a row band does: the kernel, or OpenCV's shortcuts for a threshold outside the type's
 * range (fill with a constant, or copy). */
enum { TVI_DO_KERNEL, TVI_DO_FILL, TVI_DO_COPY };

typedef struct tvi_thresh_job {
  const tvi_thresh_kernels *k;
  const tv_image *src;
  tv_image *dst;
  size_t n; /* samples per row */
  int what, kind;
  int32_t it, imax; /* integer types: threshold and maxval (or the fill value) */
  float ft, fmax;   /* f32 */
} tvi_thresh_job;

static void tvi_fill_row(void *d, int type, size_t n, int32_t v) {
  switch (type) {
  case TV_U8: memset(d, v, n); break;
  case TV_U16:
    for (size_t i = 0; i < n; i++) ((uint16_t *)d)[i] = (uint16_t)v;
    break;
  default:
    for (size_t i = 0; i < n; i++) ((int16_t *)d)[i] = (int16_t)v;
    break;
  }
}

static void tvi_thresh_band(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_thresh_job *j = arg;
  const int type = j->src->type;
  for (int32_t y = y0; y < y1; y++) {
    const void *s = tvi_row(j->src, y);
    void *d = tvi_row(j->dst, y);
    if (j->what == TVI_DO_FILL) {
      tvi_fill_row(d, type, j->n, j->imax);
      continue;
    }
    if (j->what == TVI_DO_COPY) {
      if (s != d) memcpy(d, s, tvi_row_bytes(j->src));
      continue;
    }
    switch (type) {
    case TV_U8: j->k->thresh_u8(s, d, j->n, j->kind, (uint8_t)j->it, (uint8_t)j->imax); break;
    case TV_U16: j->k->thresh_u16(s, d, j->n, j->kind, (uint16_t)j->it, (uint16_t)j->imax); break;
    case TV_S16: j->k->thresh_s16(s, d, j->n, j->kind, (int16_t)j->it, (int16_t)j->imax); break;
    default: j->k->thresh_f32(s, d, j->n, j->kind, j->ft, j->fmax); break;
    }
  }
}

/* cvRound (half to even) of a finite double, clamped to [lo, hi]. */
static int32_t tvi_round_sat(double v, int32_t lo, int32_t hi) {
  if (v <= lo) return lo;
  if (v >= hi) return hi;
  return (int32_t)lrint(v);
}

/* Applies a threshold to checked images (cannot fail). */
static void tvi_threshold_run(tv_ctx *ctx, const tv_image *src, tv_image *dst, double thresh,
                              double maxval, int kind) {
  tvi_thresh_job job;
  memset(&job, 0, sizeof job);
  job.k = tvi_thresh_table[TVI_SELECT(ctx, tvi_thresh_table)].k;
  job.src = src;
  job.dst = dst;
  job.n = (size_t)src->width * (size_t)src->channels;
  job.kind = kind;
  job.what = TVI_DO_KERNEL;
  if (src->type == TV_F32) {
    job.ft = (float)thresh;
    job.fmax = (float)maxval;
  } else {
    int32_t lo = 0, hi = 255; /* the type's range */
    if (src->type == TV_U16) hi = 65535;
    if (src->type == TV_S16) {
      lo = -32768;
      hi = 32767;
    }
    /* floor(thresh) and round(maxval), clamped to a range wide enough to keep every decision
     * (OpenCV's cvFloor/cvRound on an int; far-out values behave as the nearest in range). */
    const double ft = floor(thresh);
    const int32_t it = ft < lo - 1.0 ? lo - 1 : ft > hi + 1.0 ? hi + 1 : (int32_t)ft;
    int32_t imax = kind == TVI_TH_TRUNC ? it : tvi_round_sat(maxval, lo - 1, hi + 1);
    imax = imax < lo ? lo : imax > hi ? hi : imax;
    job.it = it;
    job.imax = imax;
    if (it < lo || it >= hi) {
      /* OpenCV's shortcuts: every sample is on one side of the threshold. */
      const int below = it < lo; /* every sample > t */
      if (kind == TVI_TH_BINARY || kind == TVI_TH_BINARY_INV ||
          ((kind == TVI_TH_TRUNC || kind == TVI_TH_TOZERO_INV) && below) ||
          (kind == TVI_TH_TOZERO && !below)) {
        job.what = TVI_DO_FILL;
        job.imax = kind == TVI_TH_BINARY       ? (below ? imax : 0)
                   : kind == TVI_TH_BINARY_INV ? (below ? 0 : imax)
                                               : 0;
      } else {
        job.what = TVI_DO_COPY;
      }
    }
  }
  tvi_for_bands(ctx, src->height, 0, tvi_row_bytes(src), tvi_thresh_band, &job);
}

/* Checks src/dst of a threshold: same size, channels and type, an accepted type, dst either src
 * itself or apart from it. */
static tv_status tvi_thresh_check(tv_ctx *ctx, const char *func, const tv_image *src,
                                  const tv_image *dst, unsigned types, int kind) {
  tv_status st = tvi_check_pair(ctx, func, src, dst, 1, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, func, "src", src, types);
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(src, dst))
    return tvi_fail(ctx, TV_ERR_ARG, func, "dst overlaps src without being the same image");
  if (kind < TVI_TH_BINARY || kind > TVI_TH_TOZERO_INV)
    return tvi_fail(ctx, TV_ERR_ARG, func, "unknown threshold kind %d", kind);
  return TV_OK;
}

tv_status tv_threshold(tv_ctx *ctx, const tv_image *src, tv_image *dst, double thresh,
                       double maxval, tv_threshold_kind kind) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_thresh_check(ctx, __func__, src, dst, TVI_T_INT | TVI_T(TV_F32), (int)kind);
  if (st != TV_OK) return st;
  if (isnan(thresh) || isnan(maxval))
    return TVI_ERR(ctx, TV_ERR_ARG, "thresh and maxval must not be NaN");
  tvi_threshold_run(ctx, src, dst, thresh, maxval, (int)kind);
  return TV_OK;
}

/* ---- Otsu --------------------------------------------------------------------------------- */

/* Otsu's threshold from a histogram, with OpenCV's arithmetic step by step (getThreshVal_Otsu):
 * the same double operations in the same order give the same threshold. */
static double tvi_otsu_from_hist(const uint64_t *h, size_t nbins, double total) {
  double mu = 0, scale = 1. / total;
  for (size_t i = 0; i < nbins; i++) mu += (double)(int)i * (double)h[i];
  mu *= scale;
  double mu1 = 0, q1 = 0, max_sigma = 0, max_val = 0;
  for (size_t i = 0; i < nbins; i++) {
    const double p_i = (double)h[i] * scale;
    mu1 *= q1;
    q1 += p_i;
    const double q2 = 1. - q1;
    if ((q1 < q2 ? q1 : q2) < FLT_EPSILON || (q1 > q2 ? q1 : q2) > 1. - FLT_EPSILON) continue;
    mu1 = (mu1 + (double)(int)i * p_i) / q1;
    const double mu2 = (mu - q1 * mu1) / q2;
    const double sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2);
    if (sigma > max_sigma) {
      max_sigma = sigma;
      max_val = (double)i;
    }
  }
  return max_val;
}

tv_status tv_threshold_otsu(tv_ctx *ctx, const tv_image *src, tv_image *dst, double maxval,
                            tv_threshold_kind kind, double *thresh_out) {
  if (!ctx) return TV_ERR_NULL;
  if (thresh_out) *thresh_out = 0;
  tv_status st = TV_OK;
  uint64_t *total_hist = NULL;
  st = tvi_thresh_check(ctx, __func__, src, dst, TVI_T(TV_U8) | TVI_T(TV_U16), (int)kind);
  if (st != TV_OK) return st;
  if (src->channels != 1)
    TVI_FAIL(ctx, TV_ERR_TYPE, "src has %d channels (Otsu takes 1)", src->channels);
  if (isnan(maxval)) TVI_FAIL(ctx, TV_ERR_ARG, "maxval must not be NaN");
  const size_t nbins = src->type == TV_U8 ? 256 : 65536;
  total_hist = calloc(nbins, sizeof *total_hist);
  if (!total_hist) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate the histogram");
  /* tv_histogram's kernels (sub-histograms, neighbour pairs, threads): exact counts. */
  st = tv_histogram(ctx, src, total_hist, (int32_t)nbins);
  if (st != TV_OK) {
    char inner[TVI_ERR_CAP];
    snprintf(inner, sizeof inner, "%s", tv_ctx_last_error(ctx));
    TVI_FAIL(ctx, st, "%s", inner);
  }
  const double t = tvi_otsu_from_hist(total_hist, nbins, (double)src->width * (double)src->height);
  tvi_threshold_run(ctx, src, dst, t, maxval, (int)kind);
  if (thresh_out) *thresh_out = t;
done:
  free(total_hist);
  return st;
}
