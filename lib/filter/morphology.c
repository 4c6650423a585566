/* Morphology with a rectangular structuring element: erode, dilate, open, close, top-hat,
 * black-hat, separable into a vertical and a horizontal pass per row band.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "filter_internal.h"
#include "kernels/arith/arith.h"
#include "kernels/morph/morph.h"

static const struct {
  tv_isa isa;
  const tvi_morph_kernels *k;
  const char *name;
} tvi_morph_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "kernels/morph/morph.inc"
#undef TV_KERNEL
};

/* Vertical windows up to this height are reduced directly (kh - 1 vector operations per
 * sample); taller ones with van Herk / Gil-Werman over the band (about 3, whatever kh). */
#define TVI_MORPH_VDIRECT 6
#define TVI_MORPH_KMAX 4095

/* One pass of erosion (op 0) or dilation (op 1) from src to dst. With post != 0 the result v is
 * combined with aux's row before it is stored: post 1 dst = aux - v, post 2 dst = v - aux. */
typedef struct tvi_morph_job {
  const tvi_morph_kernels *k;
  const tvi_arith_kernels *ak; /* saturating subtraction for top-hat and black-hat */
  const tv_image *src, *aux;
  tv_image *dst;
  int ti, op, post;
  int32_t kw, kh, ax, ay, band;
  tv_border border;
  size_t es;
  const uint8_t *cval;        /* the border value as one sample */
  uint8_t *crow;              /* a row of cval (CONSTANT borders) */
  const int32_t *lidx, *ridx; /* source columns of the left and right pads, -1 for cval */
  uint8_t *scratch;           /* per worker: scratch_bytes each */
  size_t scratch_bytes;
  size_t off_ext, off_tmp, off_g, off_out, off_h; /* byte offsets inside a worker's scratch */
} tvi_morph_job;

static size_t tvi_round64(size_t n) { return (n + 63) & ~(size_t)63; }

/* Finishes output row y from its vertical reduction, which sits in ext + ax samples. */
static void tvi_morph_finish(const tvi_morph_job *j, uint8_t *ws, int32_t y) {
  const size_t es = j->es, w = (size_t)j->src->width;
  uint8_t *ext = ws + j->off_ext, *out = j->post ? ws + j->off_out : tvi_row(j->dst, y);
  if (j->kw == 1 && !j->post) return;
  if (j->kw > 1) {
    const int32_t nr = j->kw - 1 - j->ax;
    for (int32_t i = 0; i < j->ax; i++)
      memcpy(ext + (size_t)i * es,
             j->lidx[i] < 0 ? j->cval : ext + ((size_t)j->ax + (size_t)j->lidx[i]) * es, es);
    uint8_t *right = ext + ((size_t)j->ax + w) * es;
    for (int32_t i = 0; i < nr; i++)
      memcpy(right + (size_t)i * es,
             j->ridx[i] < 0 ? j->cval : ext + ((size_t)j->ax + (size_t)j->ridx[i]) * es, es);
    j->k->hred[j->ti][j->op](ext, out, w, j->kw, ws + j->off_tmp);
  } else {
    out = ext; /* kw == 1: the vertical result itself */
  }
  if (j->post) {
    /* top-hat: src - open(src); black-hat: close(src) - src */
    const void *a = j->post == 1 ? (const void *)tvi_row(j->aux, y) : out;
    const void *b = j->post == 1 ? (const void *)out : tvi_row(j->aux, y);
    void *d = tvi_row(j->dst, y);
    if (j->ti == 0)
      j->ak->sub_u8(a, b, d, w);
    else if (j->ti == 1)
      j->ak->sub_u16(a, b, d, w);
    else
      j->ak->sub_f32(a, b, d, w);
  }
}

static void tvi_morph_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_morph_job *j = arg;
  uint8_t *ws = j->scratch + (size_t)worker * j->scratch_bytes;
  const void **ptr = (const void **)(void *)ws; /* ptr[q - y0]: extended row q - ay */
  const int32_t kh = j->kh, h = j->src->height, nq = y1 - y0 + kh - 1;
  const size_t w = (size_t)j->src->width;
  void (*vred)(const void *const *, int, void *, size_t) = j->k->vred[j->ti][j->op];
  for (int32_t i = 0; i < nq; i++) {
    const int64_t sy = tvi_border_index((int64_t)y0 + i - j->ay, h, j->border);
    ptr[i] = sy < 0 ? (const void *)j->crow : tvi_row(j->src, sy);
  }
  uint8_t *ext = ws + j->off_ext + (size_t)j->ax * j->es;
  const int direct = j->kw == 1 && !j->post; /* the vertical pass writes dst itself */
#define TVI_TARGET(y) (direct ? (void *)tvi_row(j->dst, (y)) : (void *)ext)
  if (kh <= TVI_MORPH_VDIRECT) {
    for (int32_t y = y0; y < y1; y++) {
      vred(ptr + (y - y0), kh, TVI_TARGET(y), w);
      tvi_morph_finish(j, ws, y);
    }
    return;
  }
  /* van Herk / Gil-Werman over rows q = y + i (window of output y: q in [y, y + kh)), blocks of
   * kh rows at multiples of kh. hb[q - y0] = op over rows q .. end of q's block, for q in
   * [y0, y1); g = op over rows from the block start to q, running forward. */
  uint8_t *hb = ws + j->off_h, *g = ws + j->off_g;
  const size_t rb = tvi_round64(w * j->es);
#define TVI_PTR(q) ptr[(q)-y0]
#define TVI_H(q) (hb + (size_t)((q)-y0) * rb)
  {
    const int32_t qe = y1 - 1, be = qe / kh * kh + kh - 1;
    vred(&TVI_PTR(qe), be - qe + 1, TVI_H(qe), w);
    for (int32_t q = qe - 1; q >= y0; q--) {
      if (q % kh == kh - 1) {
        vred(&TVI_PTR(q), 1, TVI_H(q), w);
      } else {
        const void *two[2] = {TVI_PTR(q), TVI_H(q + 1)};
        vred(two, 2, TVI_H(q), w);
      }
    }
  }
  int32_t q = y0 + kh - 1;
  vred(&TVI_PTR(q / kh * kh), q - q / kh * kh + 1, g, w);
  for (int32_t y = y0; y < y1; y++, q++) {
    if (y > y0) {
      if (q % kh == 0) {
        vred(&TVI_PTR(q), 1, g, w);
      } else {
        const void *two[2] = {g, TVI_PTR(q)};
        vred(two, 2, g, w);
      }
    }
    const void *two[2] = {TVI_H(y), g};
    vred(two, 2, TVI_TARGET(y), w);
    tvi_morph_finish(j, ws, y);
  }
#undef TVI_TARGET
#undef TVI_PTR
#undef TVI_H
}

/* The border value of one pass as a sample of the image's type: NaN means the operation's
 * neutral value; otherwise rounded (half to even) and saturated as OpenCV's saturate_cast. */
static void tvi_morph_value(int32_t type, int op, double v, uint8_t *out) {
  if (type == TV_F32) {
    const float f = isnan(v) ? (op == 0 ? INFINITY : -INFINITY) : (float)v;
    memcpy(out, &f, sizeof f);
    return;
  }
  const double hi = type == TV_U8 ? 255.0 : 65535.0;
  double r = isnan(v) ? (op == 0 ? hi : 0.0) : nearbyint(v);
  r = r < 0 ? 0 : r > hi ? hi : r;
  if (type == TV_U8) {
    out[0] = (uint8_t)r;
  } else {
    const uint16_t u = (uint16_t)r;
    memcpy(out, &u, sizeof u);
  }
}

/* Runs one pass; job holds the call's fixed fields and scratch. */
static void tvi_morph_pass(tv_ctx *ctx, tvi_morph_job *j, const tv_image *src, tv_image *dst,
                           int op, int post, double border_value) {
  uint8_t cval[4];
  tvi_morph_value(src->type, op, border_value, cval);
  for (int32_t x = 0; x < src->width; x++) memcpy(j->crow + (size_t)x * j->es, cval, j->es);
  j->src = src;
  j->dst = dst;
  j->op = op;
  j->post = post;
  j->cval = cval;
  tvi_for_bands(ctx, src->height, j->band, tvi_row_bytes(src), tvi_morph_band, j);
}

tv_status tv_morphology(tv_ctx *ctx, const tv_image *src, tv_image *dst, tv_morph_op op, int32_t kw,
                        int32_t kh, tv_border border, double border_value) {
  if (!ctx) return TV_ERR_NULL;
  tv_status st = tvi_check_pair(ctx, __func__, src, dst, 1, 1);
  if (st != TV_OK) return st;
  st = tvi_check_type(ctx, __func__, "src", src, TVI_T(TV_U8) | TVI_T(TV_U16) | TVI_T(TV_F32));
  if (st != TV_OK) return st;
  if (src->channels != 1)
    return TVI_ERR(ctx, TV_ERR_TYPE, "src has %d channels; morphology takes 1", src->channels);
  if ((int)op < TV_MORPH_ERODE || (int)op > TV_MORPH_BLACKHAT)
    return TVI_ERR(ctx, TV_ERR_ARG, "unknown operation %d", (int)op);
  if (kw < 1 || kh < 1 || kw > TVI_MORPH_KMAX || kh > TVI_MORPH_KMAX)
    return TVI_ERR(ctx, TV_ERR_ARG, "kernel %dx%d is outside 1..%d", kw, kh, TVI_MORPH_KMAX);
  st = tvi_check_border(ctx, __func__, border, border_value, 1);
  if (st != TV_OK) return st;
  if (tvi_bad_overlap(src, dst))
    return TVI_ERR(ctx, TV_ERR_ARG, "dst overlaps src without being the same image");

  const int32_t w = src->width, h = src->height;
  const size_t es = (size_t)tv_pixel_size((tv_pixel_type)src->type);
  const int workers = tvi_parallel_workers(ctx);
  const size_t rb = tvi_round64((size_t)w * es);
  /* Band height: rows of about 64 KiB, at least kh rows for van Herk / Gil-Werman (capped at
   * 2 MiB) so its per-band start-up cost stays small, and several bands per worker. */
  int64_t band = (int64_t)(65536 / rb) > 1 ? (int64_t)(65536 / rb) : 1;
  if (kh > TVI_MORPH_VDIRECT) {
    int64_t want = kh, cap = (int64_t)((2u << 20) / rb);
    if (want > cap) want = cap;
    if (band < want) band = want;
  }
  if (workers > 1) {
    const int64_t most = (h + 2 * (int64_t)workers - 1) / (2 * (int64_t)workers);
    if (band > most) band = most;
  }
  if (band < 1) band = 1;
  if (band > h) band = h;

  tvi_morph_job job;
  memset(&job, 0, sizeof job);
  job.k = tvi_morph_table[TVI_SELECT(ctx, tvi_morph_table)].k;
  job.ak = tvi_arith_select(ctx);
  job.ti = src->type == TV_U8 ? 0 : src->type == TV_U16 ? 1 : 2;
  job.kw = kw;
  job.kh = kh;
  job.ax = kw / 2;
  job.ay = kh / 2;
  job.band = (int32_t)band;
  job.border = border;
  job.es = es;
  job.aux = src;
  /* Per-worker scratch: row pointers, the extended row, hred's scratch, the running g row, the
   * pre-subtraction row and (for tall windows) the band's h rows. */
  const size_t extb = tvi_round64(((size_t)w + (size_t)kw) * es);
  size_t off = tvi_round64(((size_t)band + (size_t)kh) * sizeof(void *));
  job.off_ext = off;
  off += extb;
  job.off_tmp = off;
  off += 2 * extb;
  job.off_g = off;
  off += rb;
  job.off_out = off;
  off += rb;
  job.off_h = off;
  if (kh > TVI_MORPH_VDIRECT) off += (size_t)band * rb;
  job.scratch_bytes = off;

  const int two_pass = op != TV_MORPH_ERODE && op != TV_MORPH_DILATE;
  const int in_place = tvi_images_overlap(src, dst);
  tv_image tmp = *src;
  size_t total = 0, tmp_bytes = 0;
  int32_t *idx = NULL;
  uint8_t *crow = NULL, *tmpmem = NULL;
  if (tvi_mul_size(job.scratch_bytes, (size_t)workers, &total) != 0 ||
      ((two_pass || in_place) && tvi_mul_size(rb, (size_t)h, &tmp_bytes) != 0))
    TVI_FAIL(ctx, TV_ERR_NOMEM, "scratch size overflows");
  job.scratch = tvi_aligned_alloc(total);
  crow = tvi_aligned_alloc(rb);
  idx = tvi_aligned_alloc((size_t)kw * sizeof *idx);
  if (two_pass || in_place) tmpmem = tvi_aligned_alloc(tmp_bytes);
  if (!job.scratch || !crow || !idx || ((two_pass || in_place) && !tmpmem))
    TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %zu bytes of scratch", total + tmp_bytes);
  job.crow = crow;
  for (int32_t i = 0; i < job.ax; i++)
    idx[i] = (int32_t)tvi_border_index((int64_t)i - job.ax, w, border);
  for (int32_t i = 0; i < kw - 1 - job.ax; i++)
    idx[job.ax + i] = (int32_t)tvi_border_index((int64_t)w + i, w, border);
  job.lidx = idx;
  job.ridx = idx + job.ax;
  tmp.data = tmpmem;
  tmp.stride = (int64_t)rb;
  tmp.priv = NULL;

  switch (op) {
  case TV_MORPH_ERODE:
  case TV_MORPH_DILATE:
    if (in_place) { /* the bands read rows that others write: work from a copy */
      for (int32_t y = 0; y < h; y++) memcpy(tvi_row(&tmp, y), tvi_row(src, y), (size_t)w * es);
      tvi_morph_pass(ctx, &job, &tmp, dst, op == TV_MORPH_DILATE, 0, border_value);
    } else {
      tvi_morph_pass(ctx, &job, src, dst, op == TV_MORPH_DILATE, 0, border_value);
    }
    break;
  case TV_MORPH_OPEN:
  case TV_MORPH_TOPHAT:
    tvi_morph_pass(ctx, &job, src, &tmp, 0, 0, border_value);
    tvi_morph_pass(ctx, &job, &tmp, dst, 1, op == TV_MORPH_TOPHAT ? 1 : 0, border_value);
    break;
  default: /* CLOSE, BLACKHAT */
    tvi_morph_pass(ctx, &job, src, &tmp, 1, 0, border_value);
    tvi_morph_pass(ctx, &job, &tmp, dst, 0, op == TV_MORPH_BLACKHAT ? 2 : 0, border_value);
    break;
  }
done:
  tvi_aligned_free(job.scratch);
  tvi_aligned_free(crow);
  tvi_aligned_free(idx);
  tvi_aligned_free(tmpmem);
  return st;
}
