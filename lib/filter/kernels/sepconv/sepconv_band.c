/* The band engine of separable filters: see sepconv_band.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sepconv_band.h"
#include "sepconv.h"

static const struct {
  tv_isa isa;
  const tvi_sepconv_kernels *k;
  const char *name;
} tvi_sepconv_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "sepconv.inc"
#undef TV_KERNEL
};

const tvi_sepconv_kernels *tvi_sepconv_select(const tv_ctx *ctx) {
  return tvi_sepconv_table[TVI_SELECT(ctx, tvi_sepconv_table)].k;
}

#define TVI_SEPCONV_ALIGN(x) (((x) + 63) & ~(size_t)63)

typedef struct tvi_sepconv_run_state {
  const tvi_sepconv_job *job;
  const uint8_t *const *rowtab; /* in place: the saved copy of row a, or NULL for the image's */
  uint8_t *scratch;
  size_t per_worker;
  size_t ring_row, ext_bytes, const_ext_bytes; /* byte sizes of the pieces */
  uint8_t const_px[32];                        /* the border value as one src pixel */
} tvi_sepconv_run_state;

static const uint8_t *tvi_sepconv_src_row(const tvi_sepconv_run_state *rs, int64_t a) {
  if (rs->rowtab && rs->rowtab[a]) return rs->rowtab[a];
  return tvi_row(rs->job->src, a);
}

/* Fills ext with the pixels of virtual columns [x0, x0 + count) of a source row. */
static void tvi_sepconv_fill_ext(const tvi_sepconv_run_state *rs, const uint8_t *row, int64_t x0,
                                 int64_t count, uint8_t *ext) {
  const tvi_sepconv_job *j = rs->job;
  const size_t px = (size_t)j->src->channels * tvi_sepconv_es(j->src->type);
  const int64_t w = j->src->width;
  if (px == 1) { /* u8 grey, the common case: no call per pixel */
    for (int64_t i = 0; i < count; i++) {
      const int64_t b = tvi_border_index(x0 + i, w, j->border);
      ext[i] = b < 0 ? rs->const_px[0] : row[b];
    }
    return;
  }
  for (int64_t i = 0; i < count; i++) {
    const int64_t b = tvi_border_index(x0 + i, w, j->border);
    memcpy(ext + (size_t)i * px, b < 0 ? rs->const_px : row + (size_t)b * px, px);
  }
}

/* Row-filters the source row `row` (or a constant row when row is NULL) into out. */
static void tvi_sepconv_row(const tvi_sepconv_run_state *rs, const uint8_t *row, uint8_t *ext,
                            uint8_t *out) {
  const tvi_sepconv_job *j = rs->job;
  const int64_t w = j->src->width, cn = j->src->channels;
  const size_t px = (size_t)cn * tvi_sepconv_es(j->src->type), opx = (size_t)cn * j->buf_es;
  if (!row) { /* every pixel is the border value */
    for (int64_t i = 0; i < w + j->kw - 1; i++) memcpy(ext + (size_t)i * px, rs->const_px, px);
    j->row(j, ext, out, (size_t)(w * cn));
    return;
  }
  const int64_t right = j->kw - 1 - j->ax;
  const int64_t nl = w < j->ax ? w : j->ax;
  const int64_t nr = w - nl < right ? w - nl : right;
  const int64_t mid = w - nl - nr;
  if (nl > 0) {
    tvi_sepconv_fill_ext(rs, row, -j->ax, nl + j->kw - 1, ext);
    j->row(j, ext, out, (size_t)(nl * cn));
  }
  if (mid > 0)
    j->row(j, row + (size_t)(nl - j->ax) * px, out + (size_t)nl * opx, (size_t)(mid * cn));
  if (nr > 0) {
    tvi_sepconv_fill_ext(rs, row, w - nr - j->ax, nr + j->kw - 1, ext);
    j->row(j, ext, out + (size_t)(nl + mid) * opx, (size_t)(nr * cn));
  }
}

static void tvi_sepconv_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_sepconv_run_state *rs = arg;
  const tvi_sepconv_job *j = rs->job;
  const int32_t kh = j->kh, h = j->src->height;
  const size_t n = (size_t)j->src->width * (size_t)j->src->channels;
  uint8_t *base = rs->scratch + (size_t)worker * rs->per_worker;
  const void **rows = (const void **)(void *)base;
  uint8_t **slots = (uint8_t **)(void *)(base + TVI_SEPCONV_ALIGN(sizeof(void *) * (size_t)kh));
  uint8_t *p = base + 2 * TVI_SEPCONV_ALIGN(sizeof(void *) * (size_t)kh);
  uint8_t *ring = p;
  p += rs->ring_row * (size_t)kh;
  uint8_t *ext = p;
  p += rs->ext_bytes;
  uint8_t *const_out = p; /* the row-filtered constant row (CONSTANT border only) */
  p += rs->ring_row;
  void *state = p;
  int have_const = 0;

  /* Row-filters virtual row v into its ring slot (or points the slot at the constant row). */
#define TVI_SEPCONV_FILL(v)                                                                        \
  do {                                                                                             \
    const int64_t a_ = tvi_border_index((v), h, j->border);                                        \
    const int32_t s_ = (int32_t)(((v) - (y0 - j->ay)) % kh);                                       \
    if (a_ < 0) {                                                                                  \
      if (!have_const) {                                                                           \
        tvi_sepconv_row(rs, NULL, ext, const_out);                                                 \
        have_const = 1;                                                                            \
      }                                                                                            \
      slots[s_] = const_out;                                                                       \
    } else {                                                                                       \
      slots[s_] = ring + (size_t)s_ * rs->ring_row;                                                \
      tvi_sepconv_row(rs, tvi_sepconv_src_row(rs, a_), ext, slots[s_]);                            \
    }                                                                                              \
  } while (0)

  for (int64_t v = (int64_t)y0 - j->ay; v < (int64_t)y0 - j->ay + kh - 1; v++) TVI_SEPCONV_FILL(v);
  if (j->init) {
    for (int32_t k = 0; k < kh - 1; k++) rows[k] = slots[k];
    j->init(j, rows, n, state);
  }
  for (int32_t y = y0; y < y1; y++) {
    const int64_t v = (int64_t)y - j->ay + kh - 1;
    TVI_SEPCONV_FILL(v);
    for (int32_t k = 0; k < kh; k++) rows[k] = slots[(y - y0 + k) % kh];
    j->col(j, rows, tvi_row(j->dst, y), n, state);
  }
#undef TVI_SEPCONV_FILL
}

/* The border value as one pixel of the source type (rounded half to even and saturated). */
static void tvi_sepconv_const_px(const tvi_sepconv_job *j, uint8_t *px) {
  const double v = j->border == TV_BORDER_CONSTANT ? j->border_value : 0.0;
  for (int c = 0; c < j->src->channels; c++) {
    switch (j->src->type) {
    case TV_U8: {
      const double r = nearbyint(v < 0 ? 0 : v > 255 ? 255 : v);
      px[c] = (uint8_t)r;
      break;
    }
    case TV_U16: {
      const uint16_t r = (uint16_t)nearbyint(v < 0 ? 0 : v > 65535 ? 65535 : v);
      memcpy(px + 2 * c, &r, 2);
      break;
    }
    default: {
      const float r = (float)v;
      memcpy(px + 4 * c, &r, 4);
      break;
    }
    }
  }
}

tv_status tvi_sepconv_run(tv_ctx *ctx, const char *func, const tvi_sepconv_job *j) {
  tv_status st = TV_OK;
  tvi_sepconv_run_state rs;
  memset(&rs, 0, sizeof rs);
  rs.job = j;
  tvi_sepconv_const_px(j, rs.const_px);
  const int32_t h = j->src->height, w = j->src->width, cn = j->src->channels;
  const size_t px = (size_t)cn * tvi_sepconv_es(j->src->type);
  const int workers = tvi_parallel_workers(ctx);
  uint8_t *saved = NULL;
  const uint8_t **rowtab = NULL;

  /* Bands: one per worker's share of the image, at least 2 * kh rows (each band row-filters
   * kh - 1 rows more than it outputs). */
  int64_t band = h;
  if (workers > 1) {
    band = (h + 4 * (int64_t)workers - 1) / (4 * (int64_t)workers);
    if (band < 2 * (int64_t)j->kh) band = 2 * (int64_t)j->kh;
    if (band < 16) band = 16;
    if (band > h) band = h;
  }

  /* In place: rows that a band reads outside its own rows (a neighbour writes them) and rows the
   * border mirrors are saved first, and every band reads those from the copy. */
  if (tvi_same_image(j->src, j->dst)) {
    rowtab = calloc((size_t)h, sizeof *rowtab);
    if (!rowtab) TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %d row pointers", h);
    size_t count = 0;
    for (int64_t y0 = 0; y0 < h; y0 += band) {
      const int64_t y1 = y0 + band < h ? y0 + band : h;
      for (int64_t v = y0 - j->ay; v < y1 + j->kh - 1 - j->ay; v++) {
        if (v >= y0 && v < y1) continue;
        const int64_t a = tvi_border_index(v, h, j->border);
        if (a >= 0 && !rowtab[a]) {
          rowtab[a] = (const uint8_t *)1; /* marked */
          count++;
        }
      }
    }
    const size_t rb = (size_t)w * px;
    if (count) {
      saved = tvi_aligned_alloc(count * rb);
      if (!saved)
        TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu rows to filter in place", count);
      size_t k = 0;
      for (int32_t a = 0; a < h; a++)
        if (rowtab[a]) {
          memcpy(saved + k * rb, tvi_row(j->src, a), rb);
          rowtab[a] = saved + k * rb;
          k++;
        }
    }
    rs.rowtab = rowtab;
  }

  rs.ring_row = TVI_SEPCONV_ALIGN((size_t)w * (size_t)cn * j->buf_es);
  {
    const int64_t ext_px = (int64_t)w + j->kw - 1;
    rs.ext_bytes = TVI_SEPCONV_ALIGN((size_t)ext_px * px);
  }
  rs.per_worker = 2 * TVI_SEPCONV_ALIGN(sizeof(void *) * (size_t)j->kh) +
                  rs.ring_row * ((size_t)j->kh + 1) + rs.ext_bytes +
                  TVI_SEPCONV_ALIGN(j->state_bytes);
  rs.scratch = tvi_aligned_alloc(rs.per_worker * (size_t)workers);
  if (!rs.scratch)
    TVI_FAIL_AS(ctx, TV_ERR_NOMEM, func, "cannot allocate %zu bytes of scratch rows",
                rs.per_worker * (size_t)workers);
  tvi_for_bands(ctx, h, (int32_t)band, 0, tvi_sepconv_band, &rs);

done:
  tvi_aligned_free(rs.scratch);
  tvi_aligned_free(saved);
  free(rowtab);
  return st;
}
