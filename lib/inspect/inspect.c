/* The inspection pipeline: shading correction, tiled heatmap network, stitching, hysteresis,
 * components, classification, geometry and rules, over frames and streams of strips.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter/filter_internal.h"
#include "inspect/inspect_internal.h"

/* ---- how a stream is cut into bands and tiles ------------------------------------------------
 *
 * Along each direction, tiles of `tile` pixels start every step = tile - overlap pixels, the last
 * one moved back to end at the image's end (rounded down to the heatmap stride). Each tile owns
 * the middle of its overlaps, so every heatmap pixel comes from the tile where it is furthest from
 * an edge. Rows are processed in bands of `tile` rows at absolute row positions, so a surface fed
 * whole or as strips of any height sees exactly the same bands (and shading, which is estimated
 * per band), and gives the same heatmap.
 *
 * The stitched heatmap rows wait in a pending buffer. Whenever a heatmap row holds nothing above
 * the low threshold, no defect can cross it: the rows above are segmented (hysteresis, components)
 * and their defects reported, the rest stays open. A defect crossing a strip boundary is therefore
 * reported once, whole, as soon as an empty row follows it. */

typedef struct tvi_defect_acc {
  double peak, sxx, syy, n;
} tvi_defect_acc;

struct tv_inspection {
  const tv_inspector *insp;
  tv_session *heat_s, *cls_s;
  int keep_heatmap;
  /* stream */
  int started;       /* a surface has rows */
  int32_t width;     /* of the surface */
  int32_t type;      /* tv_pixel_type of the surface */
  int64_t frame;     /* surface index */
  double axial0;     /* axial position of row 0, mm */
  int64_t rows;      /* rows received */
  int64_t next_band; /* origin of the next regular band (image rows) */
  int64_t committed; /* image rows whose heatmap is stitched (a multiple of the stride, or all) */
  /* raw rows [raw_base, raw_base + raw_rows) */
  uint8_t *raw;
  int64_t raw_base, raw_rows, raw_cap;
  size_t row_bytes, raw_stride;
  /* tiles along x */
  int32_t nx;
  int32_t *tx, *own_x; /* tile origins (pixels); ownership boundaries (heatmap columns), nx + 1 */
  int32_t hw;          /* heatmap width */
  tv_image *band;      /* shading-corrected band, tile x width (Gaussian shading only) */
  float *in, *out;     /* network input and output of one band, one slot per tile */
  size_t in_cap, out_cap;
  /* shading profile of the band being run: per column (or row) sums and factors */
  uint32_t *psum;
  double *pmean, *psmooth;
  float *pfactor;
  int32_t pcap;
  int32_t setup_width, setup_type; /* of the per-width state above */
  /* one context and heatmap session per worker (tiles run in parallel, one per worker) */
  int32_t nworkers;
  tv_ctx **wctx;
  tv_session **wsess;
  /* pending heatmap rows [heat_base, heat_base + heat_rows) */
  float *heat, *row_max;
  int64_t heat_base, heat_rows, heat_cap, rmax_cap; /* caps: floats, rows */
  /* kept heatmap of a frame */
  float *keep;
  int64_t keep_rows, keep_cap;
  /* segmentation scratch */
  uint8_t *mask;
  int32_t *labels;
  size_t seg_cap;
  tv_component *comps;
  int32_t comp_cap;
  tvi_defect_acc *acc;
  /* classification */
  tv_image *crop;
  float *cls_out;
  /* grey conversion of colour input */
  tv_image *grey;
  /* rules over the surface */
  int64_t *class_counts;
  char **reasons;
  int32_t nreasons, more_reasons;
  int64_t defect_serial;
  /* the result being filled */
  tv_result *res;
  /* counters */
  int64_t ns[8], pixels, tiles_run;
};

enum { NS_SHADING = 0, NS_TILES, NS_NETWORK, NS_STITCH, NS_SEGMENT, NS_CLASSIFY };

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- inspector ------------------------------------------------------------------------------- */

static char *dup_str(const char *s) {
  const size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

tv_status tv_inspector_create(tv_ctx *ctx, const tv_model *heatmap, const tv_model *classifier,
                              const char *config_json, tv_inspector **out) {
  tv_status st = TV_OK;
  tv_inspector *in = NULL;
  if (out) *out = NULL;
  if (!heatmap || !out) TVI_FAIL(ctx, TV_ERR_NULL, "heatmap model or out is NULL");
  in = calloc(1, sizeof *in);
  if (!in) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  in->heat = heatmap, in->cls = classifier;
  int64_t v = 0;
  TVI_TRY(tv_model_get(ctx, heatmap, TV_MODEL_OUTPUT_KIND, &v));
  if (v != TV_MODEL_HEATMAP)
    TVI_FAIL(ctx, TV_ERR_ARG, "model of the wrong kind: '%s' gives %s, a heatmap model is needed",
             tv_model_name(heatmap), v == TV_MODEL_SCORES ? "class scores" : "another output");
  TVI_TRY(tv_model_get(ctx, heatmap, TV_MODEL_HEATMAP_STRIDE, &v));
  in->stride = (int32_t)v;
  TVI_TRY(tv_model_get(ctx, heatmap, TV_MODEL_CLASSES, &v));
  in->heat_classes = (int32_t)v;
  TVI_TRY(tv_model_get(ctx, heatmap, TV_MODEL_INPUT_CHANNELS, &v));
  in->heat_in_ch = (int32_t)v;
  if (in->heat_in_ch != 1 && in->heat_in_ch != 3)
    TVI_FAIL(ctx, TV_ERR_ARG, "heatmap model '%s' takes %d channels (1 or 3 needed)",
             tv_model_name(heatmap), (int)in->heat_in_ch);
  TVI_TRY(tv_model_normalization(ctx, heatmap, in->heat_mean, in->heat_std));
  if (classifier) {
    TVI_TRY(tv_model_get(ctx, classifier, TV_MODEL_OUTPUT_KIND, &v));
    if (v != TV_MODEL_SCORES)
      TVI_FAIL(ctx, TV_ERR_ARG,
               "model of the wrong kind: classifier '%s' gives a heatmap, a scores model is needed",
               tv_model_name(classifier));
    TVI_TRY(tv_model_get(ctx, classifier, TV_MODEL_CLASSES, &v));
    if (v < 1 || v > TVI_INSPECT_MAX_CLASSES)
      TVI_FAIL(ctx, TV_ERR_UNSUPPORTED, "classifier has %lld classes (at most %d)", (long long)v,
               TVI_INSPECT_MAX_CLASSES);
    in->nclasses = in->cls_classes = (int32_t)v;
    int64_t h = 0, w = 0, c = 0;
    TVI_TRY(tv_model_get(ctx, classifier, TV_MODEL_INPUT_HEIGHT, &h));
    TVI_TRY(tv_model_get(ctx, classifier, TV_MODEL_INPUT_WIDTH, &w));
    TVI_TRY(tv_model_get(ctx, classifier, TV_MODEL_INPUT_CHANNELS, &c));
    if (c != 1 && c != 3)
      TVI_FAIL(ctx, TV_ERR_ARG, "classifier '%s' takes %lld channels (1 or 3 needed)",
               tv_model_name(classifier), (long long)c);
    in->cls_in_ch = (int32_t)c, in->cls_h = h ? (int32_t)h : 64, in->cls_w = w ? (int32_t)w : 64;
    for (int32_t k = 0; k < in->nclasses; k++) {
      const char *n = tv_model_class_name(classifier, k);
      char fallback[32];
      if (!n || !*n) snprintf(fallback, sizeof fallback, "class%d", (int)k), n = fallback;
      if (!(in->class_names[k] = dup_str(n))) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
    }
  } else {
    in->nclasses = 1;
    if (!(in->class_names[0] = dup_str("defect"))) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  }
  tvi_config_defaults(&in->cfg);
  {
    /* The heatmap model's recommended thresholds replace the built-in ones; the configuration
     * overrides either. */
    float lo, hi;
    if (tv_model_detection_thresholds(heatmap, &lo, &hi)) /* as written: 0.48, not 0.4799999893 */
      in->cfg.low = round(lo * 1e6) / 1e6, in->cfg.high = round(hi * 1e6) / 1e6;
  }
  TVI_TRY(tvi_config_parse(ctx, __func__, config_json, &in->cfg, in->class_names, in->nclasses));
  const tvi_inspect_config *c = &in->cfg;
  const int32_t s = in->stride;
  if (s < 1 || c->tile % s != 0 || c->overlap % (2 * s) != 0)
    TVI_FAIL(
        ctx, TV_ERR_ARG,
        "tiling: tile %d must be a multiple of the heatmap stride %d and overlap %d of twice it",
        (int)c->tile, (int)s, (int)c->overlap);
  if (c->heat_channel < -1 || c->heat_channel >= in->heat_classes)
    TVI_FAIL(ctx, TV_ERR_ARG, "detection.heatmap_channel %d: the heatmap has %d channels (-1: max)",
             (int)c->heat_channel, (int)in->heat_classes);
  /* The network must take a tile. */
  {
    tv_session *probe = NULL;
    int64_t shape[4];
    st = tv_session_create(ctx, heatmap, &probe);
    if (st == TV_OK) st = tv_session_output_shape(ctx, probe, 1, c->tile, c->tile, shape);
    tv_session_destroy(probe);
    if (st != TV_OK) goto done;
    if (shape[2] != c->tile / s || shape[3] != c->tile / s)
      TVI_FAIL(ctx, TV_ERR_ARG, "heatmap model gives %lldx%lld for a %d-pixel tile, not %d/%d",
               (long long)shape[3], (long long)shape[2], (int)c->tile, (int)c->tile, (int)s);
  }
  *out = in, in = NULL;
done:
  tv_inspector_destroy(in);
  return st;
}

void tv_inspector_destroy(tv_inspector *insp) {
  if (!insp) return;
  for (int i = 0; i < TVI_INSPECT_MAX_CLASSES; i++) free(insp->class_names[i]);
  free(insp);
}

tv_status tv_inspector_config_json(tv_ctx *ctx, const tv_inspector *insp, char **out) {
  if (out) *out = NULL;
  if (!insp || !out) return TVI_ERR(ctx, TV_ERR_NULL, "insp or out is NULL");
  return tvi_config_json(ctx, __func__, &insp->cfg, insp->class_names, insp->nclasses, out);
}

int32_t tv_inspector_class_count(const tv_inspector *insp) { return insp ? insp->nclasses : 0; }

const char *tv_inspector_class_name(const tv_inspector *insp, int32_t index) {
  return insp && index >= 0 && index < insp->nclasses ? insp->class_names[index] : NULL;
}

/* ---- run state ------------------------------------------------------------------------------- */

static void clear_reasons(tv_inspection *r) {
  for (int32_t i = 0; i < r->nreasons; i++) free(r->reasons[i]);
  r->nreasons = 0, r->more_reasons = 0;
}

/* Forgets the surface in progress; the next rows start a new one at axial0. */
static void reset_surface(tv_inspection *r, double axial0) {
  r->started = 0, r->rows = 0, r->next_band = 0, r->committed = 0;
  r->raw_base = 0, r->raw_rows = 0;
  r->heat_base = 0, r->heat_rows = 0, r->keep_rows = 0;
  r->axial0 = axial0;
  if (r->class_counts) memset(r->class_counts, 0, sizeof(int64_t) * (size_t)r->insp->nclasses);
  clear_reasons(r);
}

tv_status tv_inspection_create(tv_ctx *ctx, const tv_inspector *insp, tv_inspection **out) {
  tv_status st = TV_OK;
  tv_inspection *r = NULL;
  if (out) *out = NULL;
  if (!insp || !out) TVI_FAIL(ctx, TV_ERR_NULL, "insp or out is NULL");
  r = calloc(1, sizeof *r);
  if (!r) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  r->insp = insp;
  r->class_counts = calloc((size_t)insp->nclasses, sizeof *r->class_counts);
  r->reasons = calloc(TVI_INSPECT_MAX_REASONS, sizeof *r->reasons);
  if (!r->class_counts || !r->reasons) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  TVI_TRY(tv_session_create(ctx, insp->heat, &r->heat_s));
  if (insp->cls) {
    TVI_TRY(tv_session_create(ctx, insp->cls, &r->cls_s));
    r->cls_out = malloc(sizeof(float) * (size_t)insp->cls_classes);
    if (!r->cls_out) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  }
  reset_surface(r, 0);
  *out = r, r = NULL;
done:
  tv_inspection_destroy(r);
  return st;
}

void tv_inspection_destroy(tv_inspection *r) {
  if (!r) return;
  tv_session_destroy(r->heat_s);
  tv_session_destroy(r->cls_s);
  free(r->raw);
  free(r->tx);
  free(r->own_x);
  tv_image_destroy(r->band);
  free(r->psum);
  free(r->pmean);
  free(r->psmooth);
  free(r->pfactor);
  for (int32_t w = 0; w < r->nworkers; w++) {
    tv_session_destroy(r->wsess[w]);
    tv_ctx_destroy(r->wctx[w]);
  }
  free(r->wsess);
  free(r->wctx);
  tvi_aligned_free(r->in);
  tvi_aligned_free(r->out);
  free(r->heat);
  free(r->row_max);
  free(r->keep);
  free(r->mask);
  free(r->labels);
  free(r->comps);
  free(r->acc);
  tv_image_destroy(r->crop);
  free(r->cls_out);
  tv_image_destroy(r->grey);
  free(r->class_counts);
  if (r->reasons) clear_reasons(r);
  free(r->reasons);
  tv_result_destroy(r->res);
  free(r);
}

tv_status tv_inspection_set(tv_ctx *ctx, tv_inspection *run, tv_inspection_key key, int64_t value) {
  if (!run) return TVI_ERR(ctx, TV_ERR_NULL, "run is NULL");
  if (key == TV_INSPECTION_KEEP_HEATMAP && (value == 0 || value == 1)) {
    run->keep_heatmap = (int)value;
    return TV_OK;
  }
  if (key == TV_INSPECTION_TIMES && value == 0) {
    memset(run->ns, 0, sizeof run->ns);
    run->pixels = 0, run->tiles_run = 0;
    return TV_OK;
  }
  return TVI_ERR(ctx, TV_ERR_ARG, "key %d with value %lld cannot be set", (int)key,
                 (long long)value);
}

tv_status tv_inspection_get(tv_ctx *ctx, const tv_inspection *run, tv_inspection_key key,
                            int64_t *value) {
  if (value) *value = 0;
  if (!run || !value) return TVI_ERR(ctx, TV_ERR_NULL, "run or value is NULL");
  switch (key) {
  case TV_INSPECTION_KEEP_HEATMAP: *value = run->keep_heatmap; return TV_OK;
  case TV_INSPECTION_TIMES: {
    int64_t t = 0;
    for (int i = 0; i < 8; i++) t += run->ns[i];
    *value = t;
    return TV_OK;
  }
  case TV_INSPECTION_NS_SHADING: *value = run->ns[NS_SHADING]; return TV_OK;
  case TV_INSPECTION_NS_TILES: *value = run->ns[NS_TILES]; return TV_OK;
  case TV_INSPECTION_NS_NETWORK: *value = run->ns[NS_NETWORK]; return TV_OK;
  case TV_INSPECTION_NS_STITCH: *value = run->ns[NS_STITCH]; return TV_OK;
  case TV_INSPECTION_NS_SEGMENT: *value = run->ns[NS_SEGMENT]; return TV_OK;
  case TV_INSPECTION_NS_CLASSIFY: *value = run->ns[NS_CLASSIFY]; return TV_OK;
  case TV_INSPECTION_PIXELS: *value = run->pixels; return TV_OK;
  case TV_INSPECTION_TILES_RUN: *value = run->tiles_run; return TV_OK;
  }
  return TVI_ERR(ctx, TV_ERR_ARG, "unknown key %d", (int)key);
}

/* ---- buffers ----------------------------------------------------------------------------------
 */

/* Grows *p to hold n elements of size es (keeps contents). */
static int grow(void **p, int64_t *cap, int64_t n, size_t es) {
  if (n <= *cap) return 1;
  int64_t c = *cap ? *cap : 16;
  while (c < n) c *= 2;
  void *q = realloc(*p, (size_t)c * es);
  if (!q) return 0;
  *p = q, *cap = c;
  return 1;
}

/* Tile origins along a length: every step, the last one ending at the end (rounded down to s). */
static int32_t tile_origins(int64_t len, int32_t tile, int32_t step, int32_t s, int32_t *o) {
  int32_t n = 0;
  int64_t x = 0;
  for (; x + tile < len; x += step) o[n++] = (int32_t)x;
  const int64_t last = (len - tile) / s * s;
  if (n == 0 || last > o[n - 1]) o[n++] = (int32_t)last;
  return n;
}

/* Prepares per-width state for a surface of `width` columns. */
static tv_status setup_width(tv_ctx *ctx, tv_inspection *r, int32_t width, int32_t type) {
  tv_status st = TV_OK;
  const tv_inspector *in = r->insp;
  const tvi_inspect_config *c = &in->cfg;
  const int32_t s = in->stride, t = c->tile, step = c->tile - c->overlap;
  if (r->tx && r->setup_width == width && r->setup_type == type) return TV_OK;
  r->setup_width = 0;
  tv_image_destroy(r->band), r->band = NULL;
  free(r->tx), free(r->own_x);
  const int32_t maxn = width / step + 2;
  r->tx = malloc(sizeof(int32_t) * (size_t)maxn);
  r->own_x = malloc(sizeof(int32_t) * (size_t)(maxn + 1));
  if (!r->tx || !r->own_x) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  r->nx = tile_origins(width, t, step, s, r->tx);
  r->hw = width / s;
  r->own_x[0] = 0;
  for (int32_t j = 1; j < r->nx; j++) {
    const int32_t prev_end = r->tx[j - 1] + t;
    int32_t b = (r->tx[j] + prev_end) / 2 / s * s;
    r->own_x[j] = b / s;
  }
  r->own_x[r->nx] = r->hw;
  if (c->shading == TV_SHADING_GAUSSIAN)
    TVI_TRY(tvi_image_alloc(ctx, __func__, width, t, 1, (tv_pixel_type)type, &r->band));
  const int32_t pn = width > t ? width : t;
  if (pn > r->pcap) {
    free(r->psum), free(r->pmean), free(r->psmooth), free(r->pfactor);
    r->psum = malloc(sizeof *r->psum * (size_t)pn);
    r->pmean = malloc(sizeof *r->pmean * (size_t)pn);
    r->psmooth = malloc(sizeof *r->psmooth * (size_t)pn);
    r->pfactor = malloc(sizeof *r->pfactor * (size_t)pn);
    r->pcap = r->psum && r->pmean && r->psmooth && r->pfactor ? pn : 0;
    if (!r->pcap) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for a %d-sample profile", (int)pn);
  }
  const size_t in_n = (size_t)r->nx * (size_t)in->heat_in_ch * (size_t)t * (size_t)t;
  const size_t out_n = (size_t)r->nx * (size_t)in->heat_classes * (size_t)(t / s) * (size_t)(t / s);
  tvi_aligned_free(r->in), tvi_aligned_free(r->out);
  r->in = tvi_aligned_alloc(in_n * sizeof(float));
  r->out = tvi_aligned_alloc(out_n * sizeof(float));
  r->in_cap = in_n, r->out_cap = out_n;
  if (!r->in || !r->out) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %zu tiles", (size_t)r->nx);
  r->setup_width = width, r->setup_type = type;
done:
  return st;
}

/* Makes one context (one thread, the caller's SIMD level, pixel limit and determinism) and one
 * heatmap session per worker of ctx, so that tiles run side by side, one per worker. */
static tv_status setup_workers(tv_ctx *ctx, tv_inspection *r, int32_t n) {
  tv_status st = TV_OK;
  if (n > r->nworkers) {
    tv_ctx **wc = realloc(r->wctx, sizeof *wc * (size_t)n);
    if (wc) r->wctx = wc;
    tv_session **ws = realloc(r->wsess, sizeof *ws * (size_t)n);
    if (ws) r->wsess = ws;
    if (!wc || !ws) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %d workers", (int)n);
    for (int32_t w = r->nworkers; w < n; w++) {
      r->wctx[w] = NULL, r->wsess[w] = NULL;
      if (tv_ctx_create(&r->wctx[w]) != TV_OK)
        TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for a worker context");
      r->nworkers = w + 1; /* destroyed with the run state from here on */
      TVI_TRY(tv_session_create(ctx, r->insp->heat, &r->wsess[w]));
    }
  }
  for (int32_t w = 0; w < n; w++) {
    tv_ctx *c = r->wctx[w];
    c->threads = 1, c->simd_cap = ctx->simd_cap, c->env_cap = ctx->env_cap;
    c->active = ctx->active, c->max_pixels = ctx->max_pixels;
    c->deterministic = ctx->deterministic;
  }
done:
  return st;
}

/* Appends rows to the raw store. */
static tv_status append_raw(tv_ctx *ctx, tv_inspection *r, const tv_image *img) {
  size_t need;
  if (tvi_mul_size((size_t)(r->raw_rows + img->height), r->raw_stride, &need))
    return TVI_ERR(ctx, TV_ERR_TOO_LARGE, "row store of %lld rows overflows",
                   (long long)(r->raw_rows + img->height));
  if (need > (size_t)r->raw_cap) { /* raw_cap counts bytes */
    size_t c = r->raw_cap ? (size_t)r->raw_cap : 65536;
    while (c < need) c *= 2;
    uint8_t *q = realloc(r->raw, c);
    if (!q) return TVI_ERR(ctx, TV_ERR_NOMEM, "out of memory for %zu bytes of rows", c);
    r->raw = q, r->raw_cap = (int64_t)c;
  }
  for (int32_t y = 0; y < img->height; y++)
    memcpy(r->raw + (size_t)(r->raw_rows + y) * r->raw_stride, tvi_row(img, y), r->row_bytes);
  r->raw_rows += img->height;
  r->rows += img->height;
  return TV_OK;
}

/* A tv_image describing raw rows [y0, y0 + n) (absolute rows; must be in the store). */
static tv_image raw_view(const tv_inspection *r, int64_t y0, int32_t n) {
  tv_image v;
  memset(&v, 0, sizeof v);
  v.data = r->raw + (size_t)(y0 - r->raw_base) * r->raw_stride;
  v.stride = (int64_t)r->raw_stride;
  v.width = r->width, v.height = n, v.channels = 1, v.type = r->type;
  return v;
}

/* Drops raw rows below `keep_from`. */
static void trim_raw(tv_inspection *r, int64_t keep_from) {
  const int64_t drop = keep_from - r->raw_base;
  if (drop <= 0) return;
  const int64_t d = drop > r->raw_rows ? r->raw_rows : drop;
  memmove(r->raw, r->raw + (size_t)d * r->raw_stride, (size_t)(r->raw_rows - d) * r->raw_stride);
  r->raw_rows -= d, r->raw_base += d;
}

/* ---- one band: shading, tiles, network, stitching ---------------------------------------------
 *
 * Shading (column and row profiles) is estimated per band in one pass of integer sums; the
 * correction is then fused into the conversion of each tile to the network's input, so no
 * corrected image is ever written. The result is exactly that of tv_shading_correct followed by
 * the model's normalisation: v = saturate(round(pixel * factor)), x = v * a + b. */

/* Rounds 0 <= v <= 65535 to the nearest integer, ties to even (as nearbyintf in the default
 * rounding mode), in a form compilers vectorise. */
static inline float round_small(float v) { return (v + 8388608.0f) - 8388608.0f; }

typedef struct band_job {
  tv_inspection *r;
  const tv_image *src; /* raw rows of the band, or the Gaussian-corrected band */
  const float *factor; /* per column (by_column) or per row; NULL: none */
  int by_column;
  float a[3], b[3]; /* x = pixel * a + b per channel */
  float hi;         /* full scale */
  int64_t ns_conv[TVI_MAX_THREADS], ns_net[TVI_MAX_THREADS];
  tv_status st[TVI_MAX_THREADS];
  int parallel_tiles; /* tiles run one per worker (else the caller runs the batch) */
} band_job;

/* Column sums of the band over a strip of 256 columns. */
static void colsum_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const band_job *jb = arg;
  const tv_image *src = jb->src;
  uint32_t *sum = jb->r->psum;
  const int32_t x0 = (int32_t)task * 256, x1 = x0 + 256 < src->width ? x0 + 256 : src->width;
  for (int32_t x = x0; x < x1; x++) sum[x] = 0;
  for (int32_t y = 0; y < src->height; y++) {
    if (src->type == TV_U8) {
      const uint8_t *p = tvi_row(src, y);
      for (int32_t x = x0; x < x1; x++) sum[x] += p[x];
    } else {
      const uint16_t *p = tvi_row(src, y);
      for (int32_t x = x0; x < x1; x++) sum[x] += p[x];
    }
  }
}

/* Row sums of the band. */
static void rowsum_task(void *arg, int64_t y, int worker) {
  (void)worker;
  const band_job *jb = arg;
  const tv_image *src = jb->src;
  uint64_t s64 = 0;
  if (src->type == TV_U8) {
    const uint8_t *p = tvi_row(src, y);
    for (int32_t x = 0; x < src->width; x++) s64 += p[x];
  } else {
    const uint16_t *p = tvi_row(src, y);
    for (int32_t x = 0; x < src->width; x++) s64 += p[x];
  }
  jb->r->pmean[y] = (double)s64; /* sums; turned into means by the caller */
}

/* The profile's factors, exactly as tv_shading_correct computes them. */
static void profile_factors(tv_inspection *r, int32_t n, double per, double npix, double target,
                            double param) {
  tvi_shading_profile_factors(r->pmean, r->psmooth, r->pfactor, n, per, npix, target, param);
}

/* Writes tile j's network input: shading factor, rounding and normalisation fused. */
static void convert_tile(const band_job *jb, int64_t j) {
  const tv_inspection *r = jb->r;
  const int32_t t = r->insp->cfg.tile, ch = r->insp->heat_in_ch, x0 = r->tx[j];
  const tv_image *src = jb->src;
  const float hi = jb->hi;
  for (int32_t c = 0; c < ch; c++) {
    const float a = jb->a[c], b = jb->b[c];
    float *dst = r->in + ((size_t)j * (size_t)ch + (size_t)c) * (size_t)t * (size_t)t;
    for (int32_t y = 0; y < t; y++) {
      float *d = dst + (size_t)y * (size_t)t;
      const void *row = tvi_row(src, y);
      const uint8_t *p8 = (const uint8_t *)row + x0;
      const uint16_t *p16 = (const uint16_t *)row + x0;
      if (!jb->factor) {
        if (src->type == TV_U8)
          for (int32_t x = 0; x < t; x++) d[x] = (float)p8[x] * a + b;
        else
          for (int32_t x = 0; x < t; x++) d[x] = (float)p16[x] * a + b;
      } else if (jb->by_column) {
        /* Factors are >= 0, so v >= 0. */
        const float *f = jb->factor + x0;
        if (src->type == TV_U8)
          for (int32_t x = 0; x < t; x++) {
            const float v = (float)p8[x] * f[x];
            d[x] = round_small(v < hi ? v : hi) * a + b;
          }
        else
          for (int32_t x = 0; x < t; x++) {
            const float v = (float)p16[x] * f[x];
            d[x] = round_small(v < hi ? v : hi) * a + b;
          }
      } else {
        const float f = jb->factor[y];
        if (src->type == TV_U8)
          for (int32_t x = 0; x < t; x++) {
            const float v = (float)p8[x] * f;
            d[x] = round_small(v < hi ? v : hi) * a + b;
          }
        else
          for (int32_t x = 0; x < t; x++) {
            const float v = (float)p16[x] * f;
            d[x] = round_small(v < hi ? v : hi) * a + b;
          }
      }
    }
  }
}

/* Converts tile j and, when tiles run one per worker, runs the network on it. */
static void tile_task(void *arg, int64_t j, int worker) {
  band_job *jb = arg;
  tv_inspection *r = jb->r;
  const int64_t t0 = now_ns();
  convert_tile(jb, j);
  const int64_t t1 = now_ns();
  jb->ns_conv[worker] += t1 - t0;
  if (!jb->parallel_tiles || jb->st[worker] != TV_OK) return;
  const tv_inspector *in = r->insp;
  const int32_t t = in->cfg.tile, th = t / in->stride;
  const size_t in_n = (size_t)in->heat_in_ch * (size_t)t * (size_t)t;
  const size_t out_n = (size_t)in->heat_classes * (size_t)th * (size_t)th;
  jb->st[worker] = tv_session_run(r->wctx[worker], r->wsess[worker], r->in + (size_t)j * in_n, 1, t,
                                  t, r->out + (size_t)j * out_n, out_n);
  jb->ns_net[worker] += now_ns() - t1;
}

typedef struct stitch_job {
  tv_inspection *r;
  int64_t origin_h; /* heatmap row of the band's first row */
  int64_t h0, h1;   /* absolute heatmap rows to write */
} stitch_job;

static void stitch_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const stitch_job *jb = arg;
  tv_inspection *r = jb->r;
  const tv_inspector *in = r->insp;
  const int32_t th = in->cfg.tile / in->stride, nc = in->heat_classes, ch = in->cfg.heat_channel;
  const int64_t hr = jb->h0 + task;
  const int32_t ty = (int32_t)(hr - jb->origin_h);
  float *dst = r->heat + (size_t)(hr - r->heat_base) * (size_t)r->hw;
  float rmax = 0;
  for (int32_t j = 0; j < r->nx; j++) {
    const int32_t tx0 = r->tx[j] / in->stride;
    const float *tile = r->out + (size_t)j * (size_t)nc * (size_t)th * (size_t)th;
    for (int32_t hx = r->own_x[j]; hx < r->own_x[j + 1]; hx++) {
      const size_t off = (size_t)ty * (size_t)th + (size_t)(hx - tx0);
      float v;
      if (ch >= 0)
        v = tile[(size_t)ch * (size_t)th * (size_t)th + off];
      else {
        v = tile[off];
        for (int32_t c = 1; c < nc; c++) {
          const float q = tile[(size_t)c * (size_t)th * (size_t)th + off];
          if (q > v) v = q;
        }
      }
      if (!(v == v)) v = 0; /* NaN */
      dst[hx] = v;
      if (v > rmax) rmax = v;
    }
  }
  r->row_max[hr - r->heat_base] = rmax;
}

/* Runs the band whose first row is `origin` and stitches image rows [own0, own1) of it. */
static tv_status run_band(tv_ctx *ctx, tv_inspection *r, int64_t origin, int64_t own0,
                          int64_t own1) {
  tv_status st = TV_OK;
  const tv_inspector *in = r->insp;
  const tvi_inspect_config *c = &in->cfg;
  const int32_t t = c->tile, s = in->stride;
  int64_t t0 = now_ns();
  tv_image src = raw_view(r, origin, t);
  const double full = r->type == TV_U8 ? 255.0 : 65535.0;
  band_job job, *jb = &job;
  memset(jb, 0, sizeof *jb);
  jb->r = r, jb->src = &src, jb->hi = (float)full;
  if (c->shading == TV_SHADING_COLUMN_PROFILE) {
    tvi_parallel_for(ctx, (r->width + 255) / 256, colsum_task, jb);
    for (int32_t x = 0; x < r->width; x++) r->pmean[x] = (double)r->psum[x];
    profile_factors(r, r->width, (double)t, (double)t * r->width, c->target_level * full,
                    c->shading_param);
    jb->factor = r->pfactor, jb->by_column = 1;
  } else if (c->shading == TV_SHADING_ROW_PROFILE) {
    tvi_parallel_for(ctx, t, rowsum_task, jb);
    profile_factors(r, t, (double)r->width, (double)t * r->width, c->target_level * full,
                    c->shading_param);
    jb->factor = r->pfactor, jb->by_column = 0;
  } else if (c->shading == TV_SHADING_GAUSSIAN) {
    TVI_TRY(tv_shading_correct(ctx, &src, r->band, TV_SHADING_GAUSSIAN, c->shading_param,
                               c->target_level * full));
    jb->src = r->band;
  }
  int64_t t1 = now_ns();
  r->ns[NS_SHADING] += t1 - t0;
  const float scale = r->type == TV_U8 ? 1.0f / 255.0f : 1.0f / 65535.0f;
  for (int k = 0; k < in->heat_in_ch; k++) {
    jb->a[k] = scale / in->heat_std[k];
    jb->b[k] = -in->heat_mean[k] / in->heat_std[k];
  }
  /* Tiles one per worker when there are enough of them to share; else the batch of the band's
   * tiles runs on the caller's context, which splits each layer across the threads. */
  const int workers = tvi_parallel_workers(ctx);
  jb->parallel_tiles = workers > 1 && r->nx >= 2 * workers;
  if (jb->parallel_tiles) TVI_TRY(setup_workers(ctx, r, workers));
  tvi_parallel_for(ctx, r->nx, tile_task, jb);
  int64_t t2 = now_ns();
  if (jb->parallel_tiles) {
    /* Worker times, scaled to the wall time of the parallel run. */
    double conv = 0, net = 0;
    for (int w = 0; w < workers; w++) {
      conv += (double)jb->ns_conv[w], net += (double)jb->ns_net[w];
      if (jb->st[w] != TV_OK && st == TV_OK)
        st = tvi_fail(ctx, jb->st[w], "band", "rows %lld..%lld, a tile: %s", (long long)origin,
                      (long long)(origin + t), tv_ctx_last_error(r->wctx[w]));
    }
    const double k = conv + net > 0 ? (double)(t2 - t1) / (conv + net) : 0;
    r->ns[NS_TILES] += (int64_t)(conv * k);
    r->ns[NS_NETWORK] += (int64_t)(net * k);
    if (st != TV_OK) goto done;
  } else {
    r->ns[NS_TILES] += t2 - t1;
    TVI_TRY(tv_session_run(ctx, r->heat_s, r->in, r->nx, t, t, r->out, r->out_cap));
    r->ns[NS_NETWORK] += now_ns() - t2;
  }
  r->tiles_run += r->nx;
  int64_t t3 = now_ns();
  /* Stitch: heatmap rows own0/s .. own1/s (the surface's last partial heatmap row is dropped). */
  const int64_t h0 = own0 / s, h1 = own1 / s;
  if (h1 > h0) {
    const int64_t end = r->heat_base + r->heat_rows;
    if (h0 != end)
      TVI_FAIL(ctx, TV_ERR_INTERNAL, "heatmap rows out of order (%lld, %lld)", (long long)h0,
               (long long)end);
    const int64_t need = r->heat_rows + (h1 - h0);
    if (!grow((void **)&r->heat, &r->heat_cap, need * r->hw, sizeof(float)) ||
        !grow((void **)&r->row_max, &r->rmax_cap, need, sizeof(float)))
      TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %lld heatmap rows", (long long)need);
    r->heat_rows = need;
    stitch_job sj = {r, origin / s, h0, h1};
    tvi_parallel_for(ctx, h1 - h0, stitch_task, &sj);
    if (r->keep_heatmap) {
      if (!grow((void **)&r->keep, &r->keep_cap, (r->keep_rows + h1 - h0) * r->hw, sizeof(float)))
        TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for the kept heatmap");
      memcpy(r->keep + (size_t)r->keep_rows * (size_t)r->hw,
             r->heat + (size_t)(h0 - r->heat_base) * (size_t)r->hw,
             sizeof(float) * (size_t)(h1 - h0) * (size_t)r->hw);
      r->keep_rows += h1 - h0;
    }
  }
  r->committed = own1;
  r->ns[NS_STITCH] += now_ns() - t3;
done:
  return st;
}

/* ---- geometry, rules ------------------------------------------------------------------------ */

static void add_reason(tv_inspection *r, const char *text) {
  if (r->nreasons >= TVI_INSPECT_MAX_REASONS) {
    r->more_reasons++;
    return;
  }
  char *d = dup_str(text);
  if (d) r->reasons[r->nreasons++] = d;
}

/* Millimetres per pixel around the circumference and the angle covered by the image. */
static void circ_scale(const tvi_inspect_config *c, double ncirc_px, double *mm_circ,
                       double *coverage) {
  const double circumference = 3.14159265358979323846 * c->diameter_mm;
  *mm_circ = c->mm_circ > 0 ? c->mm_circ : circumference * c->coverage_deg / 360.0 / ncirc_px;
  *coverage = c->coverage_deg > 0 ? c->coverage_deg : ncirc_px * *mm_circ / circumference * 360.0;
}

/* Fills geometry in mm and the angle from the pixel fields. */
static void measure(const tv_inspection *r, tv_defect *d, int64_t frame_rows) {
  const tvi_inspect_config *c = &r->insp->cfg;
  double mm_circ, coverage;
  if (c->axis_rows) {
    circ_scale(c, r->width, &mm_circ, &coverage);
    d->length_mm = d->height * c->mm_axial;
    d->width_mm = d->width * mm_circ;
    d->axial_mm = r->axial0 + d->cy * c->mm_axial;
    d->angle_deg = c->angle_offset_deg + d->cx / r->width * coverage;
  } else {
    circ_scale(c, (double)frame_rows, &mm_circ, &coverage);
    d->length_mm = d->width * c->mm_axial;
    d->width_mm = d->height * mm_circ;
    d->axial_mm = r->axial0 + d->cx * c->mm_axial;
    d->angle_deg = c->angle_offset_deg + d->cy / (double)frame_rows * coverage;
  }
  d->area_mm2 = (double)d->area_px * c->mm_axial * mm_circ;
  double a = fmod(d->angle_deg, 360.0);
  if (a < 0) a += 360.0;
  if (a >= 360.0) a = 0;
  d->angle_deg = a;
}

/* Checks one defect against its class's limits; returns whether it breaks one. */
static int judge_defect(tv_inspection *r, const tv_defect *d) {
  const tv_inspector *in = r->insp;
  const tvi_rule *rule = &in->cfg.rules[d->class_id];
  char buf[256];
  const char *name = in->class_names[d->class_id];
  int bad = 0;
  const struct {
    double v, lim;
    const char *what, *unit;
  } lims[3] = {{d->length_mm, rule->max_length_mm, "length", "mm"},
               {d->width_mm, rule->max_width_mm, "width", "mm"},
               {d->area_mm2, rule->max_area_mm2, "area", "mm2"}};
  for (int k = 0; k < 3; k++)
    if (lims[k].lim >= 0 && lims[k].v > lims[k].lim) {
      snprintf(buf, sizeof buf, "%s at %.1f mm, %.1f deg: %s %.2f %s > %.2f %s", name, d->axial_mm,
               d->angle_deg, lims[k].what, lims[k].v, lims[k].unit, lims[k].lim, lims[k].unit);
      add_reason(r, buf);
      bad = 1;
    }
  return bad;
}

/* ---- segmentation of the pending heatmap --------------------------------------------------- */

static int cmp_defect(const void *a, const void *b) {
  const tv_defect *p = a, *q = b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  return 0;
}

/* Classifies the defect from its crop of the raw rows. */
static tv_status classify(tv_ctx *ctx, tv_inspection *r, tv_defect *d) {
  tv_status st = TV_OK;
  const tv_inspector *in = r->insp;
  if (!in->cls) {
    d->class_id = 0, d->class_score = 1.0;
    d->flags |= TV_DEFECT_UNCLASSIFIED;
    return TV_OK;
  }
  const int32_t m = in->cfg.crop_margin;
  int64_t y0 = d->y - m, y1 = (int64_t)d->y + d->height + m;
  int32_t x0 = d->x - m, x1 = d->x + d->width + m;
  /* A square-ish crop at least the classifier's size when the image allows. */
  if (y0 < r->raw_base) y0 = r->raw_base;
  if (y1 > r->raw_base + r->raw_rows) y1 = r->raw_base + r->raw_rows;
  if (x0 < 0) x0 = 0;
  if (x1 > r->width) x1 = r->width;
  if (y1 <= y0 || x1 <= x0) TVI_FAIL(ctx, TV_ERR_INTERNAL, "empty crop");
  tv_image rows = raw_view(r, y0, (int32_t)(y1 - y0)), crop;
  crop = rows;
  crop.data = (uint8_t *)rows.data + (size_t)x0 * (size_t)tv_pixel_size((tv_pixel_type)r->type);
  crop.width = x1 - x0;
  if (!r->crop || r->crop->type != r->type) {
    tv_image_destroy(r->crop), r->crop = NULL;
    TVI_TRY(tv_image_create(ctx, in->cls_w, in->cls_h, 1, (tv_pixel_type)r->type, &r->crop));
  }
  TVI_TRY(tv_resize_bilinear(ctx, &crop, r->crop));
  const tv_image *imgs[1] = {r->crop};
  TVI_TRY(tv_session_run_images(ctx, r->cls_s, imgs, 1, r->cls_out, (size_t)in->cls_classes));
  /* Probabilities: softmax unless the model already gives them. */
  const int32_t n = in->cls_classes;
  double sum = 0;
  int probs = 1;
  for (int32_t k = 0; k < n; k++) {
    if (!(r->cls_out[k] >= 0 && r->cls_out[k] <= 1)) probs = 0;
    sum += r->cls_out[k];
  }
  if (fabs(sum - 1.0) > 1e-3) probs = 0;
  int32_t best = 0;
  for (int32_t k = 1; k < n; k++)
    if (r->cls_out[k] > r->cls_out[best]) best = k;
  double p = r->cls_out[best];
  if (!probs) {
    double z = 0;
    for (int32_t k = 0; k < n; k++) z += exp((double)r->cls_out[k] - r->cls_out[best]);
    p = 1.0 / z;
  }
  d->class_id = best, d->class_score = p;
done:
  return st;
}

/* Measures a component at pixel resolution: within its box grown by one heatmap cell, the heatmap
 * is upsampled bilinearly to pixels (cells of other components count as at most `level`) and
 * thresholded at `level` (max(low, detection.measure_level x the defect's peak): the heatmap is
 * wider than the defect, its half maximum follows the defect's edges better than `low`); box, area
 * and centroid come from that pixel mask. Rows [0, ylim] of the
 * pending heatmap are read (labels are valid below n). Returns 0 when no pixel passes. */
static int measure_pixels(const tv_inspection *r, const tv_component *cp, int64_t n, int64_t ylim,
                          double level, tv_defect *d) {
  const tv_inspector *in = r->insp;
  const int32_t s = in->stride, hw = r->hw;
  const float low = (float)level;
  const int32_t hx0 = cp->x > 0 ? cp->x - 1 : 0;
  const int32_t hx1 = cp->x + cp->width + 1 < hw ? cp->x + cp->width + 1 : hw;
  const int64_t hy0 = cp->y > 0 ? cp->y - 1 : 0;
  const int64_t hy1 = cp->y + cp->height + 1 < ylim + 1 ? cp->y + cp->height + 1 : ylim + 1;
  const int64_t base = r->heat_base * s; /* image row of pending heatmap row 0 */
  int32_t px1 = hx1 * s;
  if (px1 > r->width) px1 = r->width;
  int64_t py1 = hy1 * s;
  if (base + py1 > r->rows) py1 = r->rows - base;
  int64_t cnt = 0, minx = INT64_MAX, maxx = -1, miny = INT64_MAX, maxy = -1;
  double sx = 0, sy = 0;
  const float inv = 1.0f / (float)s;
#define CELL(yy, xx)                                                                               \
  ((yy) < n && r->labels[(size_t)(yy) * (size_t)hw + (size_t)(xx)] == cp->label                    \
       ? r->heat[(size_t)(yy) * (size_t)hw + (size_t)(xx)]                                         \
       : fminf(r->heat[(size_t)(yy) * (size_t)hw + (size_t)(xx)], low))
  for (int64_t py = hy0 * s; py < py1; py++) {
    float fy = ((float)py + 0.5f) * inv - 0.5f;
    if (fy < 0) fy = 0;
    if (fy > (float)ylim) fy = (float)ylim;
    const int64_t y0 = (int64_t)fy, y1 = y0 + 1 <= ylim ? y0 + 1 : y0;
    const float wy = fy - (float)y0;
    int64_t rowcnt = 0;
    for (int32_t px = hx0 * s; px < px1; px++) {
      float fx = ((float)px + 0.5f) * inv - 0.5f;
      if (fx < 0) fx = 0;
      if (fx > (float)(hw - 1)) fx = (float)(hw - 1);
      const int32_t x0 = (int32_t)fx, x1 = x0 + 1 < hw ? x0 + 1 : x0;
      const float wx = fx - (float)x0;
      const float top = CELL(y0, x0) + (CELL(y0, x1) - CELL(y0, x0)) * wx;
      const float bot = CELL(y1, x0) + (CELL(y1, x1) - CELL(y1, x0)) * wx;
      if (top + (bot - top) * wy > low) {
        rowcnt++, sx += px;
        if (px < minx) minx = px;
        if (px > maxx) maxx = px;
      }
    }
    if (rowcnt) {
      cnt += rowcnt, sy += (double)py * (double)rowcnt;
      if (py < miny) miny = py;
      maxy = py;
    }
  }
#undef CELL
  if (!cnt) return 0;
  d->x = (int32_t)minx, d->width = (int32_t)(maxx - minx + 1);
  d->y = (int32_t)(base + miny), d->height = (int32_t)(maxy - miny + 1);
  d->area_px = cnt;
  d->cx = sx / (double)cnt + 0.5, d->cy = (double)base + sy / (double)cnt + 0.5;
  return 1;
}

/* Segments pending heatmap rows [0, n) (relative), reports their defects and drops rows [0, drop).
 * split: components touching row n - 1 are cut (TV_DEFECT_SPLIT). */
static tv_status segment(tv_ctx *ctx, tv_inspection *r, int64_t n, int64_t drop, int split) {
  tv_status st = TV_OK;
  const tv_inspector *in = r->insp;
  const tvi_inspect_config *c = &in->cfg;
  const int32_t s = in->stride;
  const int64_t t0 = now_ns();
  int64_t tcls = 0;
  if (n > 0) {
    /* Rows in this range that hold a seed at all: skip the work when none does. */
    int any = 0;
    for (int64_t i = 0; i < n && !any; i++) any = r->row_max[i] > c->high;
    if (any) {
      const size_t px = (size_t)n * (size_t)r->hw;
      if (px > r->seg_cap) {
        free(r->mask), free(r->labels);
        r->mask = malloc(px), r->labels = malloc(px * sizeof(int32_t));
        r->seg_cap = r->mask && r->labels ? px : 0;
        if (!r->seg_cap) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %zu pixels", px);
      }
      tv_image heat = {r->heat, (int64_t)r->hw * 4, r->hw, (int32_t)n, 1, TV_F32, NULL};
      tv_image mask = {r->mask, r->hw, r->hw, (int32_t)n, 1, TV_U8, NULL};
      tv_image labels = {r->labels, (int64_t)r->hw * 4, r->hw, (int32_t)n, 1, TV_S32, NULL};
      TVI_TRY(tv_hysteresis(ctx, &heat, &mask, c->low, c->high, c->connectivity));
      int32_t count = 0;
      for (;;) {
        st = tv_components(ctx, &mask, &heat, c->connectivity, &labels, r->comps, r->comp_cap,
                           &count);
        if (st != TV_ERR_SIZE) break;
        free(r->comps), free(r->acc);
        r->comps = malloc(sizeof(tv_component) * (size_t)count);
        r->acc = malloc(sizeof(tvi_defect_acc) * (size_t)count);
        r->comp_cap = r->comps && r->acc ? count : 0;
        if (!r->comp_cap) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %d components", count);
      }
      if (st != TV_OK) goto done;
      /* Peak heat per component. */
      for (int32_t k = 0; k < count; k++) r->acc[k].peak = 0;
      for (int32_t k = 0; k < count; k++) {
        const tv_component *cp = &r->comps[k];
        for (int32_t y = cp->y; y < cp->y + cp->height; y++) {
          const int32_t *lr = r->labels + (size_t)y * (size_t)r->hw;
          const float *hr = r->heat + (size_t)y * (size_t)r->hw;
          for (int32_t x = cp->x; x < cp->x + cp->width; x++)
            if (lr[x] == cp->label && hr[x] > r->acc[k].peak) r->acc[k].peak = hr[x];
        }
      }
      const int32_t first = r->res->count;
      for (int32_t k = 0; k < count; k++) {
        const tv_component *cp = &r->comps[k];
        tv_defect d;
        memset(&d, 0, sizeof d);
        const double lv = fmax(c->low, c->measure_level * r->acc[k].peak);
        if (!measure_pixels(r, cp, n, n < r->heat_rows ? n : n - 1, lv, &d)) {
          /* Nothing above `low` at pixel resolution: the cells' box. */
          d.area_px = cp->area * s * s;
          d.x = cp->x * s, d.width = cp->width * s;
          const int64_t y = (r->heat_base + cp->y) * s;
          d.y = (int32_t)y, d.height = cp->height * s;
          if (d.x + d.width > r->width) d.width = r->width - d.x;
          d.cx = (cp->cx + 0.5) * s, d.cy = (r->heat_base + cp->cy + 0.5) * s;
        }
        if (d.area_px < c->min_area_px) continue;
        d.frame = r->frame;
        d.heat_score = r->acc[k].peak;
        d.score = d.heat_score;
        if (cp->x == 0 || cp->x + cp->width >= r->hw) d.flags |= TV_DEFECT_EDGE;
        if (split && cp->y + cp->height >= n) d.flags |= TV_DEFECT_SPLIT;
        const int64_t tc = now_ns();
        TVI_TRY(classify(ctx, r, &d));
        tcls += now_ns() - tc;
        if (in->cfg.rules[d.class_id].min_score >= 0 &&
            d.score < in->cfg.rules[d.class_id].min_score)
          continue;
        TVI_TRY(tvi_result_add(ctx, __func__, r->res, &d));
      }
      /* Raster order of the boxes; then measure and judge in that order. */
      if (r->res->count > first)
        qsort(r->res->defects + first, (size_t)(r->res->count - first), sizeof(tv_defect),
              cmp_defect);
      for (int32_t i = first; i < r->res->count; i++) {
        tv_defect *d = &r->res->defects[i];
        measure(r, d, r->rows);
        if (judge_defect(r, d)) d->flags |= TV_DEFECT_REJECTED;
        r->class_counts[d->class_id]++;
      }
    }
  }
  /* Drop the rows. */
  if (drop > 0) {
    memmove(r->heat, r->heat + (size_t)drop * (size_t)r->hw,
            sizeof(float) * (size_t)(r->heat_rows - drop) * (size_t)r->hw);
    memmove(r->row_max, r->row_max + drop, sizeof(float) * (size_t)(r->heat_rows - drop));
    r->heat_rows -= drop, r->heat_base += drop;
  }
done:
  r->ns[NS_CLASSIFY] += tcls;
  r->ns[NS_SEGMENT] += now_ns() - t0 - tcls;
  return st;
}

/* Reports every pending defect that is closed (an empty heatmap row follows it). */
static tv_status segment_closed(tv_ctx *ctx, tv_inspection *r) {
  const tvi_inspect_config *c = &r->insp->cfg;
  int64_t cut = -1;
  for (int64_t i = r->heat_rows - 1; i >= 0; i--)
    if (r->row_max[i] <= c->low) {
      cut = i;
      break;
    }
  if (cut >= 0) return segment(ctx, r, cut, cut + 1, 0);
  if (r->heat_rows * r->insp->stride > c->max_open_rows)
    return segment(ctx, r, r->heat_rows, r->heat_rows, 1);
  return TV_OK;
}

/* ---- feeding rows -----------------------------------------------------------------------------
 */

/* Runs every band the received rows allow, then reports closed defects and trims the row store. */
static tv_status advance(tv_ctx *ctx, tv_inspection *r) {
  tv_status st = TV_OK;
  const tvi_inspect_config *c = &r->insp->cfg;
  const int32_t t = c->tile, step = c->tile - c->overlap, m = c->overlap / 2;
  while (r->next_band + t <= r->rows) {
    const int64_t o = r->next_band;
    TVI_TRY(run_band(ctx, r, o, r->committed, o + t - m));
    r->next_band += step;
    TVI_TRY(segment_closed(ctx, r));
  }
  /* Keep the rows of the last band (the final band of the surface starts at or after it) and of
   * the open defects (their crops). */
  int64_t keep = r->next_band > 0 ? r->next_band - step : 0;
  const int64_t hs = r->heat_base * r->insp->stride - c->crop_margin;
  if (hs < keep) keep = hs;
  trim_raw(r, keep < 0 ? 0 : keep);
done:
  return st;
}

/* Checks an input image and brings it to 1 channel; *use is img or the grey copy. */
static tv_status take_image(tv_ctx *ctx, const char *func, tv_inspection *r, const tv_image *img,
                            const tv_image **use) {
  tv_status st = TV_OK;
  TVI_TRY(tvi_check_image(ctx, func, "image", img));
  if (img->type != TV_U8 && img->type != TV_U16)
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func, "pixel type %d: u8 or u16 images are inspected",
                (int)img->type);
  if (img->channels == 1) {
    *use = img;
    return TV_OK;
  }
  if (!r->grey || r->grey->width != img->width || r->grey->height != img->height ||
      r->grey->type != img->type) {
    tv_image_destroy(r->grey), r->grey = NULL;
    TVI_TRY(
        tvi_image_alloc(ctx, func, img->width, img->height, 1, (tv_pixel_type)img->type, &r->grey));
  }
  TVI_TRY(tv_image_to_grey(ctx, img, r->grey));
  *use = r->grey;
done:
  return st;
}

/* Starts the result of a call. */
static tv_status begin_result(tv_ctx *ctx, const char *func, tv_inspection *r) {
  tv_result_destroy(r->res), r->res = NULL;
  return tvi_result_new(ctx, func, r->insp->class_names, r->insp->nclasses, &r->res);
}

/* Completes the result: verdict, reasons and facts. `final` adds the count rules. */
static tv_status end_result(tv_ctx *ctx, const char *func, tv_inspection *r, int64_t first_row,
                            int64_t rows, int final, tv_result **out) {
  tv_status st = TV_OK;
  const tv_inspector *in = r->insp;
  const tvi_inspect_config *c = &in->cfg;
  tv_result *res = r->res;
  const int64_t along = c->axis_rows ? r->rows : r->width;
  const double metres = (double)along * c->mm_axial / 1000.0;
  char buf[256];
  /* Counts: over the surface so far, per metre, at least over one metre. */
  int32_t nbase = r->nreasons;
  for (int32_t k = 0; k < in->nclasses; k++) {
    const double lim = c->rules[k].max_count_per_m;
    if (lim < 0) continue;
    const double allowed = lim * (metres > 1.0 ? metres : 1.0);
    if ((double)r->class_counts[k] > allowed) {
      snprintf(buf, sizeof buf, "%s: %lld defects in %.3f m > %g per m", in->class_names[k],
               (long long)r->class_counts[k], metres, lim);
      TVI_TRY(tvi_result_reason(ctx, func, res, buf));
    }
  }
  for (int32_t i = 0; i < nbase; i++) TVI_TRY(tvi_result_reason(ctx, func, res, r->reasons[i]));
  if (r->more_reasons) {
    snprintf(buf, sizeof buf, "and %d more", (int)r->more_reasons);
    TVI_TRY(tvi_result_reason(ctx, func, res, buf));
  }
  res->verdict = res->nreasons ? TV_VERDICT_REJECT : TV_VERDICT_ACCEPT;
  for (int32_t k = 0; k < in->nclasses; k++) res->class_counts[k] = r->class_counts[k];
  res->frame = r->frame, res->width = r->width, res->rows = rows, res->first_row = first_row;
  res->final = final, res->surface_rows = r->rows, res->stride = in->stride;
  double cov;
  res->mm_axial = c->mm_axial;
  circ_scale(c, c->axis_rows ? r->width : (double)r->rows, &res->mm_circ, &cov);
  res->axial0 = r->axial0, res->surface_mm = (double)along * c->mm_axial;
  if (final && r->keep_heatmap && r->keep_rows > 0) {
    TVI_TRY(tv_image_create(ctx, r->hw, (int32_t)r->keep_rows, 1, TV_F32, &res->heatmap));
    for (int64_t y = 0; y < r->keep_rows; y++)
      memcpy(tvi_row(res->heatmap, y), r->keep + (size_t)y * (size_t)r->hw,
             sizeof(float) * (size_t)r->hw);
  }
  *out = res, r->res = NULL;
done:
  return st;
}

/* Ends the surface: the last band, every open defect. */
static tv_status finish_surface(tv_ctx *ctx, const char *func, tv_inspection *r) {
  tv_status st = TV_OK;
  const tvi_inspect_config *c = &r->insp->cfg;
  const int32_t t = c->tile, s = r->insp->stride;
  if (r->rows < t)
    TVI_FAIL_AS(ctx, TV_ERR_SIZE, func,
                "the surface has %lld rows, fewer than a tile (%d; see tiling.tile)",
                (long long)r->rows, (int)t);
  if (r->committed < r->rows) {
    const int64_t o = (r->rows - t) / s * s;
    TVI_TRY(run_band(ctx, r, o, r->committed, r->rows));
  }
  TVI_TRY(segment(ctx, r, r->heat_rows, r->heat_rows, 0));
done:
  return st;
}

/* Feeds one image of rows; common to frames and strips. */
/* Makes the context's message name the public function `func` that failed: internal steps
 * (bands, tiles on workers, segmentation) record their own names, which mean nothing to a caller,
 * so "segment: out of memory" becomes "tv_inspect_strip: segment: out of memory". */
static tv_status name_error(tv_ctx *ctx, const char *func, tv_status st) {
  if (!ctx || st == TV_OK) return st;
  const size_t n = strlen(func);
  if (strncmp(ctx->last_error, func, n) == 0 && ctx->last_error[n] == ':') return st;
  char inner[sizeof ctx->last_error];
  memcpy(inner, ctx->last_error, sizeof inner);
  inner[sizeof inner - 1] = '\0';
  return tvi_fail(ctx, st, func, "%s", inner);
}

static tv_status feed(tv_ctx *ctx, const char *func, tv_inspection *r, const tv_image *img) {
  tv_status st = TV_OK;
  const tvi_inspect_config *c = &r->insp->cfg;
  if (!r->started) {
    if (img->width < c->tile)
      TVI_FAIL_AS(ctx, TV_ERR_SIZE, func,
                  "image width %d is smaller than a tile (%d; see tiling.tile)", (int)img->width,
                  (int)c->tile);
    r->width = img->width, r->type = img->type;
    r->row_bytes = tvi_row_bytes(img);
    r->raw_stride = (r->row_bytes + 63) / 64 * 64;
    TVI_TRY(setup_width(ctx, r, img->width, img->type));
    r->started = 1;
  } else if (img->width != r->width) {
    TVI_FAIL_AS(ctx, TV_ERR_SIZE, func, "strip width %d differs from the surface's %d",
                (int)img->width, (int)r->width);
  } else if (img->type != r->type) {
    TVI_FAIL_AS(ctx, TV_ERR_TYPE, func, "strip pixel type differs from the surface's");
  }
  TVI_TRY(append_raw(ctx, r, img));
  r->pixels += (int64_t)img->width * img->height;
  TVI_TRY(advance(ctx, r));
done:
  return st;
}

tv_status tv_inspect_frame(tv_ctx *ctx, tv_inspection *run, const tv_image *image,
                           double axial_offset_mm, tv_result **result) {
  tv_status st = TV_OK;
  const tv_image *img = NULL;
  if (result) *result = NULL;
  if (!run || !image || !result) TVI_FAIL(ctx, TV_ERR_NULL, "run, image or result is NULL");
  if (!isfinite(axial_offset_mm)) TVI_FAIL(ctx, TV_ERR_ARG, "axial offset is not finite");
  TVI_TRY(take_image(ctx, __func__, run, image, &img));
  const tvi_inspect_config *c = &run->insp->cfg;
  if (img->width < c->tile || img->height < c->tile)
    TVI_FAIL(ctx, TV_ERR_SIZE, "image %dx%d is smaller than a tile (%dx%d; see tiling.tile)",
             (int)img->width, (int)img->height, (int)c->tile, (int)c->tile);
  if (run->started) run->frame++;
  reset_surface(run, axial_offset_mm);
  TVI_TRY(begin_result(ctx, __func__, run));
  TVI_TRY(feed(ctx, __func__, run, img));
  TVI_TRY(finish_surface(ctx, __func__, run));
  TVI_TRY(end_result(ctx, __func__, run, 0, img->height, 1, result));
  /* The next frame is a new surface. */
  run->started = 0;
  run->frame++;
done:
  if (st != TV_OK && run) {
    reset_surface(run, 0);
    tv_result_destroy(run->res), run->res = NULL;
  }
  return name_error(ctx, __func__, st);
}

tv_status tv_inspect_begin(tv_ctx *ctx, tv_inspection *run, double axial_offset_mm) {
  if (!run) return TVI_ERR(ctx, TV_ERR_NULL, "run is NULL");
  if (!isfinite(axial_offset_mm)) return TVI_ERR(ctx, TV_ERR_ARG, "axial offset is not finite");
  if (run->started) run->frame++;
  reset_surface(run, axial_offset_mm);
  return TV_OK;
}

tv_status tv_inspect_strip(tv_ctx *ctx, tv_inspection *run, const tv_image *strip,
                           tv_result **result) {
  tv_status st = TV_OK;
  const tv_image *img = NULL;
  if (result) *result = NULL;
  if (!run || !strip || !result) TVI_FAIL(ctx, TV_ERR_NULL, "run, strip or result is NULL");
  if (!run->insp->cfg.axis_rows)
    TVI_FAIL(ctx, TV_ERR_ARG, "strips need geometry.axis \"rows\" (rows run along the tube)");
  TVI_TRY(take_image(ctx, __func__, run, strip, &img));
  const int64_t first = run->rows;
  TVI_TRY(begin_result(ctx, __func__, run));
  TVI_TRY(feed(ctx, __func__, run, img));
  TVI_TRY(end_result(ctx, __func__, run, first, img->height, 0, result));
done:
  if (st != TV_OK && run) tv_result_destroy(run->res), run->res = NULL;
  return name_error(ctx, __func__, st);
}

tv_status tv_inspect_finish(tv_ctx *ctx, tv_inspection *run, tv_result **result) {
  tv_status st = TV_OK;
  if (result) *result = NULL;
  if (!run || !result) TVI_FAIL(ctx, TV_ERR_NULL, "run or result is NULL");
  TVI_TRY(begin_result(ctx, __func__, run));
  TVI_TRY(finish_surface(ctx, __func__, run));
  TVI_TRY(end_result(ctx, __func__, run, 0, run->rows, 1, result));
  {
    const double next = run->axial0 + (double)run->rows * run->insp->cfg.mm_axial;
    reset_surface(run, next);
    run->frame++;
  }
done:
  if (st != TV_OK && run) {
    tv_result_destroy(run->res), run->res = NULL;
    const double next = run->axial0 + (double)run->rows * run->insp->cfg.mm_axial;
    reset_surface(run, next);
    run->frame++;
  }
  return name_error(ctx, __func__, st);
}
