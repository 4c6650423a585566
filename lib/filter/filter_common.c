/* Shared filter helpers: border checks, row bands over the thread pool, argument checks.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "filter_internal.h"

tv_status tvi_check_border(tv_ctx *ctx, const char *func, tv_border border, double value,
                           int nan_ok) {
  if (border != TV_BORDER_REPLICATE && border != TV_BORDER_REFLECT101 &&
      border != TV_BORDER_CONSTANT)
    return tvi_fail(ctx, TV_ERR_ARG, func, "unknown border mode %d", (int)border);
  if (border == TV_BORDER_CONSTANT && !(nan_ok && isnan(value)) && !isfinite(value))
    return tvi_fail(ctx, TV_ERR_ARG, func, "border value must be finite");
  return TV_OK;
}

typedef struct tvi_band_job {
  tvi_band_fn fn;
  void *arg;
  int32_t height, band;
} tvi_band_job;

static void tvi_band_task(void *arg, int64_t task, int worker) {
  const tvi_band_job *job = arg;
  const int64_t y0 = task * job->band;
  const int64_t y1 = y0 + job->band < job->height ? y0 + job->band : job->height;
  job->fn(job->arg, (int32_t)y0, (int32_t)y1, worker);
}

void tvi_for_bands(tv_ctx *ctx, int32_t height, int32_t band_rows, size_t row_bytes, tvi_band_fn fn,
                   void *arg) {
  if (height <= 0) return;
  int64_t band = band_rows;
  if (band <= 0) {
    band = (int64_t)(65536 / (row_bytes ? row_bytes : 1));
    const int workers = tvi_parallel_workers(ctx);
    const int64_t most = (height + 4 * (int64_t)workers - 1) / (4 * (int64_t)workers);
    if (workers > 1 && band > most) band = most;
    if (band < 1) band = 1;
  }
  tvi_band_job job = {fn, arg, height, (int32_t)(band > height ? height : band)};
  tvi_parallel_for(ctx, (height + job.band - 1) / job.band, tvi_band_task, &job);
}

tv_status tvi_check_type(tv_ctx *ctx, const char *func, const char *what, const tv_image *img,
                         unsigned types) {
  if (img->type < 0 || img->type > 31 || !(types & TVI_T(img->type))) {
    static const char *names[] = {"?", "u8", "u16", "f32", "s16", "s32"};
    return tvi_fail(ctx, TV_ERR_TYPE, func,
                    "%s has pixel type %s, which this operation does not take", what,
                    img->type >= 1 && img->type <= 5 ? names[img->type] : "?");
  }
  return TV_OK;
}

tv_status tvi_check_same3(tv_ctx *ctx, const char *func, const tv_image *a, const tv_image *b,
                          const tv_image *dst, unsigned types) {
  tv_status st = tvi_check_image(ctx, func, "a", a);
  if (st == TV_OK) st = tvi_check_image(ctx, func, "b", b);
  if (st == TV_OK) st = tvi_check_image(ctx, func, "dst", dst);
  if (st != TV_OK) return st;
  if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
      a->width != dst->width || a->height != dst->height || a->channels != dst->channels)
    return tvi_fail(ctx, TV_ERR_SIZE, func, "a is %dx%dx%d, b %dx%dx%d, dst %dx%dx%d", a->width,
                    a->height, a->channels, b->width, b->height, b->channels, dst->width,
                    dst->height, dst->channels);
  if (a->type != b->type || a->type != dst->type)
    return tvi_fail(ctx, TV_ERR_TYPE, func, "a, b and dst must have one pixel type (%d, %d, %d)",
                    a->type, b->type, dst->type);
  st = tvi_check_type(ctx, func, "a", a, types);
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(a, dst) || tvi_bad_overlap(b, dst))
    return tvi_fail(ctx, TV_ERR_ARG, func, "dst overlaps an input without being the same image");
  return TV_OK;
}

int tvi_bad_overlap(const tv_image *src, const tv_image *dst) {
  return !tvi_same_image(src, dst) && tvi_images_overlap(src, dst);
}
