/* Internal helpers shared by the filter operations: borders, row bands, argument checks.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_FILTER_INTERNAL_H
#define TVI_FILTER_INTERNAL_H

#include "core/dispatch.h"
#include "tubevision/filter.h"

/* The source index that stands for position p (which may lie outside [0, len)) under a border
 * mode, as OpenCV's borderInterpolate; -1 for TV_BORDER_CONSTANT outside the image. */
static inline int64_t tvi_border_index(int64_t p, int64_t len, tv_border border) {
  if (p >= 0 && p < len) return p;
  if (border == TV_BORDER_REPLICATE) return p < 0 ? 0 : len - 1;
  if (border == TV_BORDER_REFLECT101) {
    if (len == 1) return 0;
    do {
      if (p < 0)
        p = -p;
      else
        p = 2 * len - 2 - p;
    } while (p < 0 || p >= len);
    return p;
  }
  return -1;
}

/* Checks a border mode and, for CONSTANT, that the value is finite (NaN allowed when nan_ok). */
tv_status tvi_check_border(tv_ctx *ctx, const char *func, tv_border border, double value,
                           int nan_ok);

/* Runs fn(arg, y0, y1, worker) over row bands [y0, y1) covering [0, height), split across the
 * context's threads. band_rows <= 0 picks a band height so that a band's rows hold about
 * 64 KiB of `row_bytes` each and every thread gets several bands. */
typedef void (*tvi_band_fn)(void *arg, int32_t y0, int32_t y1, int worker);
void tvi_for_bands(tv_ctx *ctx, int32_t height, int32_t band_rows, size_t row_bytes, tvi_band_fn fn,
                   void *arg);

/* Checks that a and b (and dst) are valid images of identical size, channels and type; `types` is
 * a bit mask of accepted tv_pixel_type values (1 << TV_U8 | ...). */
tv_status tvi_check_same3(tv_ctx *ctx, const char *func, const tv_image *a, const tv_image *b,
                          const tv_image *dst, unsigned types);
/* Checks that img's type is in the `types` mask; `what` names it. */
tv_status tvi_check_type(tv_ctx *ctx, const char *func, const char *what, const tv_image *img,
                         unsigned types);
/* Whether dst overlaps src without being exactly the same image (an overlap no operation can do
 * in place). */
int tvi_bad_overlap(const tv_image *src, const tv_image *dst);

/* Gain factors of a column or row shading profile, as tv_shading_correct computes them: sums[n]
 * (each of `per` pixels, npix in all) become means in place, are box-smoothed over round(param)
 * samples into smooth[n] (scratch), and factor[i] = target / smoothed (target <= 0: the mean of
 * all pixels), 0 where the background is <= 0 or the factor does not fit a float. Shared with the
 * inspection pipeline's fused shading. */
void tvi_shading_profile_factors(double *sums, double *smooth, float *factor, int32_t n, double per,
                                 double npix, double target, double param);

#define TVI_T(t) (1u << (t))
#define TVI_T_INT (TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_S16))

#endif
