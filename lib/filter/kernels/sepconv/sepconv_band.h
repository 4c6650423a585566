/* The band engine of separable filters: row pass into a per-worker ring of filtered rows, column
 * pass from it, bands of rows across the context's threads, borders, in-place operation.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_SEPCONV_BAND_H
#define TVI_SEPCONV_BAND_H

#include "filter/filter_internal.h"

typedef struct tvi_sepconv_job tvi_sepconv_job;

/* Row pass: n samples of one row into out; in points at the first tap of sample 0 (tap j of
 * sample i is in[i + j * channels]). */
typedef void (*tvi_sepconv_row_fn)(const tvi_sepconv_job *job, const void *in, void *out, size_t n);
/* Column pass. rows[0..kh) are the row-filtered rows of the window of output row y (rows[0] the
 * top one). state: the worker's column state (box: running sums), reset per band by `init`. */
typedef void (*tvi_sepconv_col_fn)(const tvi_sepconv_job *job, const void *const *rows, void *dst,
                                   size_t n, void *state);
/* Starts a band: state from the first kh - 1 rows of the window (rows[0..kh-1)). May be NULL. */
typedef void (*tvi_sepconv_init_fn)(const tvi_sepconv_job *job, const void *const *rows, size_t n,
                                    void *state);

struct tvi_sepconv_job {
  const tv_image *src;
  tv_image *dst;
  int32_t kw, kh; /* window */
  int32_t ax, ay; /* taps left of / above the output pixel */
  tv_border border;
  double border_value; /* CONSTANT: the value outside, saturated to src's type */
  size_t buf_es;       /* bytes per sample of a row-filtered row */
  size_t state_bytes;  /* per worker column state */
  tvi_sepconv_row_fn row;
  tvi_sepconv_col_fn col;
  tvi_sepconv_init_fn init;
  const void *op; /* the operation's parameters (kernels, scales) */
};

/* Runs the filter over the whole image, in row bands across ctx's threads. Handles src == dst.
 * Returns TV_ERR_NOMEM (recorded under func) when scratch cannot be allocated; dst untouched. */
tv_status tvi_sepconv_run(tv_ctx *ctx, const char *func, const tvi_sepconv_job *job);

/* The sepconv kernels for ctx's active SIMD level. */
const struct tvi_sepconv_kernels *tvi_sepconv_select(const tv_ctx *ctx);

/* Bytes per sample of a pixel type. */
static inline size_t tvi_sepconv_es(int32_t type) {
  return (size_t)tv_pixel_size((tv_pixel_type)type);
}

#endif
