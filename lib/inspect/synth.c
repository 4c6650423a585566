/* Synthetic tube surfaces with known defects: cylindrical shading, drawing marks, weld seam,
 * scratches, pits, dents, inclusions and cracks with their masks (tv_synth_*).
 * SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "inspect/inspect_internal.h"

#define SYNTH_MAX_DEFECTS 255
#define SYNTH_PI 3.14159265358979323846

struct tv_synth {
  double width, height, bits, seed, defects, kinds, seam, marks, noise, shading, contrast, margin;
  int32_t count;
  tv_synth_defect truth[SYNTH_MAX_DEFECTS];
};

/* What the renderer draws for one defect (the geometry behind its profile). */
typedef struct shape {
  int kind;
  double contrast;
  double x0, y0, x1, y1; /* box that holds every pixel the profile touches */
  double cx, cy;         /* centre */
  double a, b;           /* scratch: half-length, half-width; ellipses: radii across, along */
  double ux, uy;         /* scratch: unit direction */
  int npts;              /* crack and inclusion: points */
  double px[16], py[16]; /* polyline (crack) or blob centres (inclusion) */
  double pr[16];         /* blob radii (inclusion) */
} shape;

static const char *const kind_names[TV_SYNTH_KINDS_] = {"scratch", "pit", "dent", "inclusion",
                                                        "crack"};

const char *tv_synth_kind_name(int32_t kind) {
  return kind >= 0 && kind < TV_SYNTH_KINDS_ ? kind_names[kind] : "unknown";
}

/* splitmix64: deterministic on every platform. */
static uint64_t mix64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static double unif(uint64_t *s) { return (double)(mix64(s) >> 11) * (1.0 / 9007199254740992.0); }
static double range(uint64_t *s, double lo, double hi) { return lo + (hi - lo) * unif(s); }

tv_status tv_synth_create(tv_ctx *ctx, tv_synth **out) {
  tv_status st = TV_OK;
  tv_synth *s = NULL;
  if (out) *out = NULL;
  if (!out) TVI_FAIL(ctx, TV_ERR_NULL, "out is NULL");
  s = calloc(1, sizeof *s);
  if (!s) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  s->width = 1024, s->height = 1024, s->bits = 8, s->seed = 1, s->defects = 6, s->kinds = 31;
  s->seam = 0, s->marks = 0.5, s->noise = 0.01, s->shading = 0.6, s->contrast = 1, s->margin = 16;
  *out = s;
done:
  return st;
}

void tv_synth_destroy(tv_synth *synth) { free(synth); }

static double *synth_field(tv_synth *s, tv_synth_key key) {
  switch (key) {
  case TV_SYNTH_WIDTH: return &s->width;
  case TV_SYNTH_HEIGHT: return &s->height;
  case TV_SYNTH_BITS: return &s->bits;
  case TV_SYNTH_SEED: return &s->seed;
  case TV_SYNTH_DEFECTS: return &s->defects;
  case TV_SYNTH_KINDS: return &s->kinds;
  case TV_SYNTH_SEAM: return &s->seam;
  case TV_SYNTH_MARKS: return &s->marks;
  case TV_SYNTH_NOISE: return &s->noise;
  case TV_SYNTH_SHADING: return &s->shading;
  case TV_SYNTH_CONTRAST: return &s->contrast;
  case TV_SYNTH_MARGIN: return &s->margin;
  }
  return NULL;
}

tv_status tv_synth_set(tv_ctx *ctx, tv_synth *synth, tv_synth_key key, double v) {
  tv_status st = TV_OK;
  if (!synth) TVI_FAIL(ctx, TV_ERR_NULL, "synth is NULL");
  double *f = synth_field(synth, key);
  if (!f) TVI_FAIL(ctx, TV_ERR_ARG, "unknown key %d", (int)key);
  if (!isfinite(v)) TVI_FAIL(ctx, TV_ERR_ARG, "value is not finite");
  int ok = 1;
  switch (key) {
  case TV_SYNTH_WIDTH:
  case TV_SYNTH_HEIGHT: ok = v >= 1 && v <= 1048576 && v == floor(v); break;
  case TV_SYNTH_BITS: ok = v == 8 || (v >= 12 && v <= 16 && v == floor(v)); break;
  case TV_SYNTH_SEED: ok = v == floor(v) && fabs(v) < 9007199254740992.0; break;
  case TV_SYNTH_DEFECTS: ok = v >= 0 && v <= SYNTH_MAX_DEFECTS && v == floor(v); break;
  case TV_SYNTH_KINDS: ok = v >= 1 && v <= 31 && v == floor(v); break;
  case TV_SYNTH_SEAM: ok = v == 0 || v == 1; break;
  case TV_SYNTH_MARKS:
  case TV_SYNTH_SHADING: ok = v >= 0 && v <= 1; break;
  case TV_SYNTH_NOISE: ok = v >= 0 && v <= 0.5; break;
  case TV_SYNTH_CONTRAST: ok = v >= 0 && v <= 3; break;
  case TV_SYNTH_MARGIN: ok = v >= 0 && v <= 65536 && v == floor(v); break;
  }
  if (!ok) TVI_FAIL(ctx, TV_ERR_ARG, "value %g is out of range for key %d", v, (int)key);
  *f = v;
done:
  return st;
}

tv_status tv_synth_get(tv_ctx *ctx, const tv_synth *synth, tv_synth_key key, double *value) {
  tv_status st = TV_OK;
  if (value) *value = 0;
  if (!synth || !value) TVI_FAIL(ctx, TV_ERR_NULL, "synth or value is NULL");
  double *f = synth_field((tv_synth *)synth, key);
  if (!f) TVI_FAIL(ctx, TV_ERR_ARG, "unknown key %d", (int)key);
  *value = *f;
done:
  return st;
}

int32_t tv_synth_defect_count(const tv_synth *synth) { return synth ? synth->count : 0; }

const tv_synth_defect *tv_synth_defect_get(const tv_synth *synth, int32_t index) {
  if (!synth || index < 0 || index >= synth->count) return NULL;
  return &synth->truth[index];
}

/* ---- background ------------------------------------------------------------------------------ */

typedef struct bg_job {
  const tv_synth *s;
  tv_image *img;
  const float *col;    /* per column: shading x albedo x marks */
  const float *colvar; /* per column: amplitude of the slow variation of the marks along the axis */
  const float *colphase;
  double seam_x, seam_hw, fullscale;
  uint64_t seed;
} bg_job;

/* Weld seam: brighter bead with ripples across it and dark toe lines at its edges. */
static double seam_factor(const bg_job *j, double x, double y) {
  const double d = (x - j->seam_x) / j->seam_hw;
  if (fabs(d) > 1.6) return 1.0;
  double f = 1.0;
  if (fabs(d) < 1.0) {
    const double bead = sqrt(1.0 - d * d);
    f += 0.12 * bead + 0.05 * bead * sin(2.0 * SYNTH_PI * (y / 9.0 + 0.15 * d * d));
  }
  const double toe = (fabs(d) - 1.0) * j->seam_hw / 1.5;
  f -= 0.12 * exp(-toe * toe);
  return f;
}

static void bg_rows(void *arg, int64_t task, int worker) {
  (void)worker;
  const bg_job *j = arg;
  const int32_t w = j->img->width;
  const int32_t y0 = (int32_t)task * 64, y1 = y0 + 64 < j->img->height ? y0 + 64 : j->img->height;
  for (int32_t y = y0; y < y1; y++) {
    uint64_t rs = j->seed ^ ((uint64_t)y * 0x9e3779b97f4a7c15ull);
    void *row = tvi_row(j->img, y);
    for (int32_t x = 0; x < w; x++) {
      double v = j->col[x] * (1.0 + j->colvar[x] * sin(y * 0.004 + j->colphase[x]));
      if (j->s->seam != 0) v *= seam_factor(j, x, y);
      /* Sum of four uniforms: close to Gaussian, standard deviation 1. */
      const uint64_t r = mix64(&rs);
      const double g = ((double)(r & 0xffff) + (double)((r >> 16) & 0xffff) +
                        (double)((r >> 32) & 0xffff) + (double)(r >> 48)) /
                           65536.0 -
                       2.0;
      v += j->s->noise * g * 1.7320508;
      v = v * j->fullscale;
      if (v < 0) v = 0;
      if (v > j->fullscale) v = j->fullscale;
      if (j->img->type == TV_U8)
        ((uint8_t *)row)[x] = (uint8_t)(v + 0.5);
      else
        ((uint16_t *)row)[x] = (uint16_t)(v + 0.5);
    }
  }
}

/* ---- defects --------------------------------------------------------------------------------- */

static double seg_dist2(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const double ex = px - ax - t * dx, ey = py - ay - t * dy;
  return ex * ex + ey * ey;
}

/* The profile 0..1 of a defect at pixel centre (x, y). */
static double profile(const shape *d, double x, double y) {
  switch (d->kind) {
  case TV_SYNTH_SCRATCH: {
    const double rx = x - d->cx, ry = y - d->cy;
    const double along = rx * d->ux + ry * d->uy, across = -rx * d->uy + ry * d->ux;
    const double end = fabs(along) - d->a;
    const double fall = end > 0 ? exp(-end * end / 8.0) : 1.0;
    return exp(-across * across / (2.0 * d->b * d->b)) * fall;
  }
  case TV_SYNTH_PIT: {
    const double r = hypot(x - d->cx, y - d->cy);
    return 1.0 / (1.0 + exp((r - d->a) / 0.6));
  }
  case TV_SYNTH_DENT: {
    const double ex = (x - d->cx) / d->a, ey = (y - d->cy) / d->b;
    const double r = sqrt(ex * ex + ey * ey);
    const double base = 1.0 / (1.0 + exp((r - 1.0) * 8.0));
    return base * (0.75 + 0.25 * ex); /* lit from one side */
  }
  case TV_SYNTH_INCLUSION: {
    double p = 0;
    for (int i = 0; i < d->npts; i++) {
      const double dx = x - d->px[i], dy = y - d->py[i];
      p += exp(-(dx * dx + dy * dy) / (2.0 * d->pr[i] * d->pr[i]));
    }
    return p > 1 ? 1 : p;
  }
  case TV_SYNTH_CRACK: {
    double m = 1e30;
    for (int i = 0; i + 1 < d->npts; i++) {
      const double q = seg_dist2(x, y, d->px[i], d->py[i], d->px[i + 1], d->py[i + 1]);
      if (q < m) m = q;
    }
    return exp(-m / (2.0 * d->b * d->b));
  }
  }
  return 0;
}

/* Places a defect of `kind` centred at (cx, cy) with random shape; fills its box. */
static void make_shape(shape *d, int kind, double cx, double cy, uint64_t *r, double h,
                       double contrast) {
  memset(d, 0, sizeof *d);
  d->kind = kind, d->cx = cx, d->cy = cy;
  double ext_x = 0, ext_y = 0;
  switch (kind) {
  case TV_SYNTH_SCRATCH: {
    const double len = fmin(range(r, 40, 300), h * 0.6);
    const double ang = range(r, -8, 8) * SYNTH_PI / 180.0;
    d->a = len / 2, d->b = range(r, 0.9, 1.8);
    d->ux = sin(ang), d->uy = cos(ang);
    d->contrast = -range(r, 0.35, 0.6);
    ext_x = fabs(d->a * d->ux) + 4 * d->b + 6, ext_y = fabs(d->a * d->uy) + 4 * d->b + 6;
    break;
  }
  case TV_SYNTH_PIT:
    d->a = range(r, 2.5, 6);
    d->contrast = -range(r, 0.5, 0.7);
    ext_x = ext_y = d->a + 6;
    break;
  case TV_SYNTH_DENT:
    d->a = range(r, 15, 35), d->b = range(r, 20, 50);
    d->contrast = -range(r, 0.25, 0.35);
    ext_x = d->a * 1.5 + 2, ext_y = d->b * 1.5 + 2;
    break;
  case TV_SYNTH_INCLUSION: {
    d->npts = 3 + (int)(mix64(r) % 4);
    double y = cy - range(r, 6, 25);
    const double step = range(r, 4, 9);
    double mx = 0, my = 0;
    for (int i = 0; i < d->npts; i++) {
      d->px[i] = cx + range(r, -3, 3);
      d->py[i] = y;
      d->pr[i] = range(r, 1.8, 4.5);
      y += step;
      mx = fmax(mx, fabs(d->px[i] - cx) + 3.5 * d->pr[i]);
      my = fmax(my, fabs(d->py[i] - cy) + 3.5 * d->pr[i]);
    }
    d->contrast = (mix64(r) & 1) ? range(r, 0.3, 0.45) : -range(r, 0.4, 0.6);
    ext_x = mx + 2, ext_y = my + 2;
    break;
  }
  case TV_SYNTH_CRACK: {
    d->npts = 6 + (int)(mix64(r) % 8);
    double dir = range(r, 0, 2 * SYNTH_PI), x = 0, y = 0, sx = 0, sy = 0;
    double px[16], py[16];
    for (int i = 0; i < d->npts; i++) {
      px[i] = x, py[i] = y, sx += x, sy += y;
      const double step = range(r, 6, 12);
      dir += range(r, -0.6, 0.6);
      x += step * cos(dir), y += step * sin(dir);
    }
    sx /= d->npts, sy /= d->npts;
    double mx = 0, my = 0;
    for (int i = 0; i < d->npts; i++) {
      d->px[i] = cx + px[i] - sx, d->py[i] = cy + py[i] - sy;
      mx = fmax(mx, fabs(d->px[i] - cx)), my = fmax(my, fabs(d->py[i] - cy));
    }
    d->b = range(r, 0.8, 1.3);
    d->contrast = -range(r, 0.45, 0.65);
    ext_x = mx + 4 * d->b + 4, ext_y = my + 4 * d->b + 4;
    break;
  }
  }
  d->contrast *= contrast;
  d->x0 = cx - ext_x, d->x1 = cx + ext_x, d->y0 = cy - ext_y, d->y1 = cy + ext_y;
}

/* Applies a defect to the image and the mask, and measures its mask. */
static void draw(const shape *d, tv_image *img, tv_image *mask, double fullscale, int label,
                 tv_synth_defect *t) {
  const int32_t x0 = (int32_t)floor(d->x0) < 0 ? 0 : (int32_t)floor(d->x0);
  const int32_t y0 = (int32_t)floor(d->y0) < 0 ? 0 : (int32_t)floor(d->y0);
  const int32_t x1 = (int32_t)ceil(d->x1) >= img->width ? img->width - 1 : (int32_t)ceil(d->x1);
  const int32_t y1 = (int32_t)ceil(d->y1) >= img->height ? img->height - 1 : (int32_t)ceil(d->y1);
  int32_t bx0 = INT32_MAX, by0 = INT32_MAX, bx1 = -1, by1 = -1;
  int64_t area = 0;
  for (int32_t y = y0; y <= y1; y++) {
    void *row = tvi_row(img, y);
    uint8_t *mrow = mask ? tvi_row(mask, y) : NULL;
    for (int32_t x = x0; x <= x1; x++) {
      const double p = profile(d, x + 0.5, y + 0.5);
      if (p < 0.01) continue;
      const double f = 1.0 + d->contrast * p;
      if (img->type == TV_U8) {
        double v = ((uint8_t *)row)[x] * f;
        ((uint8_t *)row)[x] = (uint8_t)(v > fullscale ? fullscale : v + 0.5);
      } else {
        double v = ((uint16_t *)row)[x] * f;
        ((uint16_t *)row)[x] = (uint16_t)(v > fullscale ? fullscale : v + 0.5);
      }
      if (p >= 0.4) {
        if (mrow) mrow[x] = (uint8_t)label;
        area++;
        if (x < bx0) bx0 = x;
        if (x > bx1) bx1 = x;
        if (y < by0) by0 = y;
        if (y > by1) by1 = y;
      }
    }
  }
  memset(t, 0, sizeof *t);
  t->kind = d->kind, t->label = label;
  if (area > 0) t->x = bx0, t->y = by0, t->width = bx1 - bx0 + 1, t->height = by1 - by0 + 1;
  t->area_px = area;
  t->cx = d->cx, t->cy = d->cy;
  t->length_px = t->height, t->width_px = t->width;
  t->contrast = d->contrast;
}

tv_status tv_synth_render(tv_ctx *ctx, tv_synth *synth, tv_image **image, tv_image **mask) {
  tv_status st = TV_OK;
  tv_image *img = NULL, *msk = NULL;
  float *col = NULL;
  shape *shapes = NULL;
  if (image) *image = NULL;
  if (mask) *mask = NULL;
  if (!synth || !image) TVI_FAIL(ctx, TV_ERR_NULL, "synth or image is NULL");
  synth->count = 0;
  const int32_t w = (int32_t)synth->width, h = (int32_t)synth->height;
  const tv_pixel_type type = synth->bits == 8 ? TV_U8 : TV_U16;
  const double fullscale = ldexp(1.0, (int)synth->bits) - 1.0;
  TVI_TRY(tvi_image_alloc(ctx, __func__, w, h, 1, type, &img));
  if (mask) TVI_TRY(tv_image_create(ctx, w, h, 1, TV_U8, &msk));
  col = malloc((size_t)w * 3 * sizeof *col);
  const int32_t ndef = (int32_t)synth->defects;
  shapes = calloc((size_t)(ndef > 0 ? ndef : 1), sizeof *shapes);
  if (!col || !shapes) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");

  uint64_t r = (uint64_t)(int64_t)synth->seed * 0x2545f4914f6cdd1dull + 12345u;
  /* Per column: cylindrical shading with a specular band, albedo and drawing marks. */
  const double hl = range(&r, 0.35, 0.6) * w, hw = 0.07 * w + 1;
  double walk = 0;
  for (int32_t x = 0; x < w; x++) {
    const double phi = ((x + 0.5) / w - 0.5) * SYNTH_PI * 0.8;
    const double shade = 1.0 - synth->shading * (1.0 - cos(phi)) +
                         0.25 * synth->shading * exp(-((x - hl) / hw) * ((x - hl) / hw));
    walk = 0.85 * walk + 0.15 * range(&r, -1, 1);
    const double fine = range(&r, -1, 1);
    const double marks = synth->marks * (0.05 * walk + 0.02 * fine);
    col[x] = (float)(0.55 * shade * (1.0 + marks));
    col[w + x] = (float)(synth->marks * range(&r, 0, 0.02));
    col[2 * w + x] = (float)range(&r, 0, 2 * SYNTH_PI);
  }
  bg_job job = {synth, img, col, col + w, col + 2 * w, 0, 0, fullscale, mix64(&r)};
  if (synth->seam != 0) {
    job.seam_x = range(&r, 0.3, 0.7) * w;
    job.seam_hw = 0.015 * w + 4;
  }
  tvi_parallel_for(ctx, (h + 63) / 64, bg_rows, &job);

  /* Defects at random places that do not overlap each other (or the seam). */
  int kinds[TV_SYNTH_KINDS_], nk = 0;
  for (int k = 0; k < TV_SYNTH_KINDS_; k++)
    if ((int)synth->kinds & (1 << k)) kinds[nk++] = k;
  const double m = synth->margin;
  for (int32_t i = 0; i < ndef; i++) {
    int placed = 0;
    const int kind = kinds[mix64(&r) % (uint64_t)nk];
    for (int attempt = 0; attempt < 200 && !placed; attempt++) {
      shape *d = &shapes[i];
      make_shape(d, kind, range(&r, m, w - m), range(&r, m, h - m), &r, h, synth->contrast);
      if (d->x0 < m || d->y0 < m || d->x1 > w - 1 - m || d->y1 > h - 1 - m) continue;
      if (synth->seam != 0 && d->x1 > job.seam_x - 2 * job.seam_hw &&
          d->x0 < job.seam_x + 2 * job.seam_hw)
        continue;
      placed = 1;
      for (int32_t k = 0; k < i && placed; k++) {
        const shape *o = &shapes[k];
        if (d->x0 < o->x1 + 4 && o->x0 < d->x1 + 4 && d->y0 < o->y1 + 4 && o->y0 < d->y1 + 4)
          placed = 0;
      }
    }
    if (!placed)
      TVI_FAIL(ctx, TV_ERR_ARG, "%d defects do not fit on a %dx%d surface with margin %g",
               (int)ndef, (int)w, (int)h, m);
  }
  for (int32_t i = 0; i < ndef; i++)
    draw(&shapes[i], img, msk, fullscale, (int)i + 1, &synth->truth[i]);
  synth->count = ndef;
  *image = img, img = NULL;
  if (mask) *mask = msk, msk = NULL;
done:
  if (st != TV_OK && synth) synth->count = 0;
  tv_image_destroy(img);
  tv_image_destroy(msk);
  free(col);
  free(shapes);
  return st;
}

tv_status tv_synth_json(tv_ctx *ctx, const tv_synth *synth, char **out) {
  tv_status st = TV_OK;
  cJSON *root = NULL;
  if (out) *out = NULL;
  if (!synth || !out) TVI_FAIL(ctx, TV_ERR_NULL, "synth or out is NULL");
  root = cJSON_CreateObject();
  if (!root) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  cJSON_AddStringToObject(root, "schema", "tubevision-synth/1");
  cJSON *set = cJSON_AddObjectToObject(root, "settings");
  static const char *const keys[] = {"width", "height", "bits",  "seed",    "defects",  "kinds",
                                     "seam",  "marks",  "noise", "shading", "contrast", "margin"};
  for (int k = 0; k < 12; k++) {
    double v = 0;
    tv_synth_get(ctx, synth, (tv_synth_key)(k + 1), &v);
    cJSON_AddNumberToObject(set, keys[k], v);
  }
  cJSON *arr = cJSON_AddArrayToObject(root, "defects");
  for (int32_t i = 0; arr && i < synth->count; i++) {
    const tv_synth_defect *t = &synth->truth[i];
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    cJSON_AddItemToArray(arr, o);
    cJSON_AddStringToObject(o, "kind", tv_synth_kind_name(t->kind));
    cJSON_AddNumberToObject(o, "label", t->label);
    cJSON *b = cJSON_AddArrayToObject(o, "bbox_px");
    const double bb[4] = {t->x, t->y, t->width, t->height};
    for (int k = 0; b && k < 4; k++) cJSON_AddItemToArray(b, cJSON_CreateNumber(bb[k]));
    cJSON_AddNumberToObject(o, "area_px", (double)t->area_px);
    cJSON_AddNumberToObject(o, "cx", t->cx);
    cJSON_AddNumberToObject(o, "cy", t->cy);
    cJSON_AddNumberToObject(o, "length_px", t->length_px);
    cJSON_AddNumberToObject(o, "width_px", t->width_px);
    cJSON_AddNumberToObject(o, "contrast", t->contrast);
  }
  TVI_TRY(tvi_json_print(ctx, __func__, root, out));
done:
  cJSON_Delete(root);
  return st;
}
