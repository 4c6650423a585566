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

/* One pass of erosion (op 0) or dilation (op 1) from src to dst, or (fused) both passes of open,
 * close, top-hat and black-hat: the first pass (the other op) makes the rows the second one reads
 * on demand, into a ring of kh rows that stays in L1/L2. With post != 0 the result v is combined
 * with aux's row before it is stored: post 1 dst = aux - v, post 2 dst = v - aux. */
typedef struct tvi_morph_job {
  const tvi_morph_kernels *k;
  const tvi_arith_kernels *ak; /* saturating subtraction for top-hat and black-hat */
  const tv_image *src, *aux;
  tv_image *dst;
  int ti, op, post, fused;
  int32_t kw, kh, ax, ay, band;
  tv_border border;
  size_t es, rb;
  uint8_t cval[2][4];         /* the border value of each op as one sample */
  uint8_t *crow[2];           /* a row of cval[op] (CONSTANT borders) */
  const int32_t *lidx, *ridx; /* source columns of the left and right pads, -1 for cval */
  uint8_t *scratch;           /* per worker: scratch_bytes each */
  size_t scratch_bytes;
  size_t off_ext, off_tmp, off_g, off_out, off_h, off_ring; /* byte offsets in a worker's scratch */
} tvi_morph_job;

static size_t tvi_round64(size_t n) { return (n + 63) & ~(size_t)63; }

/* The horizontal pass of op on the vertical result in ext + ax samples, into out (kw > 1). */
static void tvi_morph_hpass(const tvi_morph_job *j, uint8_t *ws, int op, void *out) {
  const size_t es = j->es, w = (size_t)j->src->width;
  uint8_t *ext = ws + j->off_ext;
  const int32_t nr = j->kw - 1 - j->ax;
  for (int32_t i = 0; i < j->ax; i++)
    memcpy(ext + (size_t)i * es,
           j->lidx[i] < 0 ? j->cval[op] : ext + ((size_t)j->ax + (size_t)j->lidx[i]) * es, es);
  uint8_t *right = ext + ((size_t)j->ax + w) * es;
  for (int32_t i = 0; i < nr; i++)
    memcpy(right + (size_t)i * es,
           j->ridx[i] < 0 ? j->cval[op] : ext + ((size_t)j->ax + (size_t)j->ridx[i]) * es, es);
  j->k->hred[j->ti][op](ext, out, w, j->kw, ws + j->off_tmp);
}

/* Stores output row y of the last pass: the vertical+horizontal result sits in res (dst's row
 * itself unless post is set); top-hat and black-hat subtract. */
static void tvi_morph_post(const tvi_morph_job *j, const void *res, int32_t y) {
  const size_t w = (size_t)j->src->width;
  /* top-hat: src - open(src); black-hat: close(src) - src */
  const void *a = j->post == 1 ? (const void *)tvi_row(j->aux, y) : res;
  const void *b = j->post == 1 ? res : (const void *)tvi_row(j->aux, y);
  void *d = tvi_row(j->dst, y);
  if (j->ti == 0)
    j->ak->sub_u8(a, b, d, w);
  else if (j->ti == 1)
    j->ak->sub_u16(a, b, d, w);
  else
    j->ak->sub_f32(a, b, d, w);
}

/* op over the kh rows (after the vertical pass) and then over kw columns, into out; ext-based. */
static void tvi_morph_rows(const tvi_morph_job *j, uint8_t *ws, int op, const void *const *rows,
                           void *out) {
  const size_t w = (size_t)j->src->width;
  if (j->kw == 1) {
    j->k->vred[j->ti][op](rows, j->kh, out, w);
    return;
  }
  j->k->vred[j->ti][op](rows, j->kh, ws + j->off_ext + (size_t)j->ax * j->es, w);
  tvi_morph_hpass(j, ws, op, out);
}

/* Both passes of a two-pass operation for output rows [y0, y1) (kh <= TVI_MORPH_VDIRECT).
 * Intermediate row m (the first pass, op !j->op) lives in ring slot m % kh: the rows one output
 * row reads map (by the border) into an interval of at most kh rows, so they never collide. */
static void tvi_morph_fused_band(void *arg, int32_t y0, int32_t y1, int worker) {
  const tvi_morph_job *j = arg;
  uint8_t *ws = j->scratch + (size_t)worker * j->scratch_bytes;
  uint8_t *ring = ws + j->off_ring;
  const int32_t kh = j->kh, h = j->src->height, op1 = !j->op;
  int32_t tag[TVI_MORPH_VDIRECT];
  const void *rows1[TVI_MORPH_VDIRECT], *rows2[TVI_MORPH_VDIRECT];
  for (int32_t i = 0; i < kh; i++) tag[i] = -1;
  for (int32_t y = y0; y < y1; y++) {
    for (int32_t i = 0; i < kh; i++) {
      const int64_t m = tvi_border_index((int64_t)y - j->ay + i, h, j->border);
      if (m < 0) {
        rows2[i] = j->crow[j->op];
        continue;
      }
      const int32_t slot = (int32_t)(m % kh);
      uint8_t *row = ring + (size_t)slot * j->rb;
      if (tag[slot] != m) {
        for (int32_t q = 0; q < kh; q++) {
          const int64_t sy = tvi_border_index(m - j->ay + q, h, j->border);
          rows1[q] = sy < 0 ? (const void *)j->crow[op1] : tvi_row(j->src, sy);
        }
        tvi_morph_rows(j, ws, op1, rows1, row);
        tag[slot] = (int32_t)m;
      }
      rows2[i] = row;
    }
    void *out = j->post ? ws + j->off_out : tvi_row(j->dst, y);
    tvi_morph_rows(j, ws, j->op, rows2, out);
    if (j->post) tvi_morph_post(j, out, y);
  }
}

/* Finishes output row y of a single pass from its vertical reduction, which sits in ext + ax
 * samples (or in dst's row when kw == 1 and no post). */
static void tvi_morph_finish(const tvi_morph_job *j, uint8_t *ws, int32_t y) {
  uint8_t *out = j->post ? ws + j->off_out : tvi_row(j->dst, y);
  if (j->kw == 1 && !j->post) return;
  if (j->kw > 1)
    tvi_morph_hpass(j, ws, j->op, out);
  else
    out = ws + j->off_ext; /* kw == 1: the vertical result itself */
  if (j->post) tvi_morph_post(j, out, y);
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
    ptr[i] = sy < 0 ? (const void *)j->crow[j->op] : tvi_row(j->src, sy);
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

/* Runs one pass (or, fused, both); job holds the call's fixed fields and scratch. */
static void tvi_morph_pass(tv_ctx *ctx, tvi_morph_job *j, const tv_image *src, tv_image *dst,
                           int op, int post) {
  j->src = src;
  j->dst = dst;
  j->op = op;
  j->post = post;
  tvi_for_bands(ctx, src->height, j->band, tvi_row_bytes(src),
                j->fused ? tvi_morph_fused_band : tvi_morph_band, j);
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
  const int two_pass = op != TV_MORPH_ERODE && op != TV_MORPH_DILATE;
  /* Two passes with a short window run fused per band (the intermediate rows in a ring of kh
   * rows); tall windows (van Herk / Gil-Werman over the band) go through an intermediate image. */
  const int fused = two_pass && kh <= TVI_MORPH_VDIRECT;
  /* Band height: rows of about 64 KiB, at least kh rows for van Herk / Gil-Werman (capped at
   * 2 MiB) so its per-band start-up cost stays small, at least 64 rows when fused (a band
   * recomputes kh - 1 intermediate rows), and several bands per worker. */
  int64_t band = (int64_t)(65536 / rb) > 1 ? (int64_t)(65536 / rb) : 1;
  if (kh > TVI_MORPH_VDIRECT) {
    int64_t want = kh, cap = (int64_t)((2u << 20) / rb);
    if (want > cap) want = cap;
    if (band < want) band = want;
  }
  if (fused && band < 64) band = 64;
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
  job.fused = fused;
  job.kw = kw;
  job.kh = kh;
  job.ax = kw / 2;
  job.ay = kh / 2;
  job.band = (int32_t)band;
  job.border = border;
  job.es = es;
  job.rb = rb;
  job.aux = src;
  /* Per-worker scratch: row pointers, the extended row, hred's scratch, the running g row, the
   * pre-subtraction row, for tall windows the band's h rows, when fused the ring of kh rows. */
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
  job.off_ring = off;
  if (fused) off += (size_t)kh * rb;
  job.scratch_bytes = off;

  const int in_place = tvi_images_overlap(src, dst);
  const int need_tmp = (two_pass && !fused) || in_place;
  tv_image tmp = *src;
  size_t total = 0, tmp_bytes = 0;
  int32_t *idx = NULL;
  uint8_t *crow = NULL, *tmpmem = NULL;
  if (tvi_mul_size(job.scratch_bytes, (size_t)workers, &total) != 0 ||
      (need_tmp && tvi_mul_size(rb, (size_t)h, &tmp_bytes) != 0))
    TVI_FAIL(ctx, TV_ERR_NOMEM, "scratch size overflows");
  job.scratch = tvi_aligned_alloc(total);
  crow = tvi_aligned_alloc(2 * rb);
  idx = tvi_aligned_alloc((size_t)kw * sizeof *idx);
  if (need_tmp) tmpmem = tvi_aligned_alloc(tmp_bytes);
  if (!job.scratch || !crow || !idx || (need_tmp && !tmpmem))
    TVI_FAIL(ctx, TV_ERR_NOMEM, "cannot allocate %zu bytes of scratch", total + tmp_bytes);
  for (int o = 0; o < 2; o++) {
    tvi_morph_value(src->type, o, border_value, job.cval[o]);
    job.crow[o] = crow + (size_t)o * rb;
    for (int32_t x = 0; x < w; x++) memcpy(job.crow[o] + (size_t)x * es, job.cval[o], es);
  }
  for (int32_t i = 0; i < job.ax; i++)
    idx[i] = (int32_t)tvi_border_index((int64_t)i - job.ax, w, border);
  for (int32_t i = 0; i < kw - 1 - job.ax; i++)
    idx[job.ax + i] = (int32_t)tvi_border_index((int64_t)w + i, w, border);
  job.lidx = idx;
  job.ridx = idx + job.ax;
  tmp.data = tmpmem;
  tmp.stride = (int64_t)rb;
  tmp.priv = NULL;

  const tv_image *in = src;
  if (in_place && (fused || !two_pass)) { /* bands read rows others write: work from a copy */
    for (int32_t y = 0; y < h; y++) memcpy(tvi_row(&tmp, y), tvi_row(src, y), (size_t)w * es);
    in = &tmp;
    job.aux = &tmp;
  }
  const int first = op == TV_MORPH_OPEN || op == TV_MORPH_TOPHAT ? 0 : 1;
  const int post = op == TV_MORPH_TOPHAT ? 1 : op == TV_MORPH_BLACKHAT ? 2 : 0;
  if (!two_pass) {
    tvi_morph_pass(ctx, &job, in, dst, op == TV_MORPH_DILATE, 0);
  } else if (fused) {
    tvi_morph_pass(ctx, &job, in, dst, !first, post);
  } else {
    /* in place too: the second pass reads tmp, and aux only at the row it writes */
    tvi_morph_pass(ctx, &job, src, &tmp, first, 0);
    tvi_morph_pass(ctx, &job, &tmp, dst, !first, post);
  }
done:
  tvi_aligned_free(job.scratch);
  tvi_aligned_free(crow);
  tvi_aligned_free(idx);
  tvi_aligned_free(tmpmem);
  return st;
}
