/* Hysteresis threshold (tv_hysteresis): seeds above `high` grow through pixels above `low`.
 * One classifying pass in row bands, one flood fill from the seeds with an explicit stack (each
 * pixel pushed at most once: linear time), one pass mapping the states to 0/255.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"

enum { TVI_H_OFF = 0, TVI_H_WEAK = 1, TVI_H_SEED = 2, TVI_H_ON = 255 };

typedef struct tvi_hyst_job {
  const tv_image *src;
  tv_image *dst;
  double low, high;
  int32_t ilow, ihigh; /* integer sources: x > low <=> x > ilow */
  uint8_t *row_has_seed;
} tvi_hyst_job;

static void tvi_hyst_classify(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_hyst_job *j = arg;
  const int32_t w = j->src->width;
  for (int32_t y = y0; y < y1; y++) {
    uint8_t *d = tvi_row(j->dst, y);
    unsigned seeds = 0;
    if (j->src->type == TV_U8) {
      const uint8_t *s = tvi_row(j->src, y);
      for (int32_t x = 0; x < w; x++) {
        const uint8_t v = (uint8_t)((s[x] > j->ilow) + (s[x] > j->ihigh));
        d[x] = v;
        seeds |= v;
      }
    } else if (j->src->type == TV_U16) {
      const uint16_t *s = tvi_row(j->src, y);
      for (int32_t x = 0; x < w; x++) {
        const uint8_t v = (uint8_t)((s[x] > j->ilow) + (s[x] > j->ihigh));
        d[x] = v;
        seeds |= v;
      }
    } else {
      const float *s = tvi_row(j->src, y);
      for (int32_t x = 0; x < w; x++) {
        const uint8_t v = (uint8_t)((s[x] > j->low) + (s[x] > j->high));
        d[x] = v;
        seeds |= v;
      }
    }
    j->row_has_seed[y] = (uint8_t)(seeds & TVI_H_SEED);
  }
}

static void tvi_hyst_finish(void *arg, int32_t y0, int32_t y1, int worker) {
  (void)worker;
  const tvi_hyst_job *j = arg;
  const int32_t w = j->dst->width;
  for (int32_t y = y0; y < y1; y++) {
    uint8_t *d = tvi_row(j->dst, y);
    for (int32_t x = 0; x < w; x++) d[x] = d[x] == TVI_H_ON ? 255 : 0;
  }
}

/* floor(t) clamped to [-1, top]: for an integer x in [0, top], x > t <=> x > floor(t). */
static int32_t tvi_int_level(double t, double top) {
  const double f = floor(t);
  return f < -1 ? -1 : f > top ? (int32_t)top : (int32_t)f;
}

tv_status tv_hysteresis(tv_ctx *ctx, const tv_image *src, tv_image *dst, double low, double high,
                        int32_t connectivity) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 0, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "dst", dst, TVI_T(TV_U8));
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src has %d channels (1 expected)", src->channels);
  if (tvi_images_overlap(src, dst)) return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src");
  if (connectivity != 4 && connectivity != 8)
    return TVI_ERR(ctx, TV_ERR_ARG, "connectivity %d is not 4 or 8", connectivity);
  if (isnan(low) || isnan(high) || low > high)
    return TVI_ERR(ctx, TV_ERR_ARG, "need low <= high (got %g, %g)", low, high);

  const int32_t w = src->width, h = src->height;
  uint32_t *stack = NULL;
  size_t top = 0, cap = 0;
  tvi_hyst_job job = {src, dst, low, high, 0, 0, malloc((size_t)h)};
  if (!job.row_has_seed) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %d row flags", h);
  const double tmax = src->type == TV_U8 ? 255 : 65535;
  job.ilow = tvi_int_level(low, tmax);
  job.ihigh = tvi_int_level(high, tmax);
  tvi_for_bands(ctx, h, 0, (size_t)w * 2, tvi_hyst_classify, &job);

  static const int dx[8] = {1, -1, 0, 0, 1, -1, 1, -1}, dy[8] = {0, 0, 1, -1, 1, 1, -1, -1};
  for (int32_t y = 0; y < h; y++) {
    if (!job.row_has_seed[y]) continue;
    uint8_t *row = tvi_row(dst, y);
    for (int32_t x = 0; x < w; x++) {
      if (row[x] != TVI_H_SEED) continue;
      row[x] = TVI_H_ON;
      /* Push (x, y); pop and visit its neighbours, marking each before pushing it. */
      if (top + 2 > cap) {
        const size_t nc = cap ? cap * 2 : 4096;
        uint32_t *ns = realloc(stack, nc * sizeof *ns);
        if (!ns) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot grow the fill stack to %zu entries", nc);
        stack = ns;
        cap = nc;
      }
      stack[top++] = (uint32_t)x;
      stack[top++] = (uint32_t)y;
      while (top) {
        const int32_t py = (int32_t)stack[--top], px = (int32_t)stack[--top];
        for (int k = 0; k < connectivity; k++) {
          const int32_t qx = px + dx[k], qy = py + dy[k];
          if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
          uint8_t *q = (uint8_t *)tvi_row(dst, qy) + qx;
          if (*q != TVI_H_WEAK && *q != TVI_H_SEED) continue;
          *q = TVI_H_ON;
          if (top + 2 > cap) {
            const size_t nc = cap * 2;
            uint32_t *ns = realloc(stack, nc * sizeof *ns);
            if (!ns) TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot grow the fill stack to %zu entries", nc);
            stack = ns;
            cap = nc;
          }
          stack[top++] = (uint32_t)qx;
          stack[top++] = (uint32_t)qy;
        }
      }
    }
  }
  tvi_for_bands(ctx, h, 0, (size_t)w, tvi_hyst_finish, &job);
done:
  free(stack);
  free(job.row_has_seed);
  return st;
}
