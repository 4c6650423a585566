/* Inspection results: the defect list and verdict, JSON (cJSON) and the overlay picture.
 * SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect_internal.h"

#define RESULT_SCHEMA "tubevision-inspect/1"

tv_status tvi_result_new(tv_ctx *ctx, const char *func, char *const *class_names, int32_t nclasses,
                         tv_result **out) {
  tv_result *r = calloc(1, sizeof *r);
  *out = NULL;
  if (!r) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  r->class_names = calloc((size_t)nclasses, sizeof(char *));
  r->class_counts = calloc((size_t)nclasses, sizeof(int64_t));
  r->nclasses = nclasses;
  int ok = r->class_names && r->class_counts;
  for (int32_t k = 0; ok && k < nclasses; k++) {
    const size_t n = strlen(class_names[k]) + 1;
    r->class_names[k] = malloc(n);
    if (r->class_names[k])
      memcpy(r->class_names[k], class_names[k], n);
    else
      ok = 0;
  }
  if (!ok) {
    tv_result_destroy(r);
    return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  }
  *out = r;
  return TV_OK;
}

tv_status tvi_result_add(tv_ctx *ctx, const char *func, tv_result *r, const tv_defect *d) {
  if (r->count == r->cap) {
    const int32_t c = r->cap ? r->cap * 2 : 16;
    tv_defect *q = realloc(r->defects, sizeof(tv_defect) * (size_t)c);
    if (!q) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
    r->defects = q, r->cap = c;
  }
  r->defects[r->count++] = *d;
  return TV_OK;
}

tv_status tvi_result_reason(tv_ctx *ctx, const char *func, tv_result *r, const char *text) {
  char **q = realloc(r->reasons, sizeof(char *) * (size_t)(r->nreasons + 1));
  if (!q) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  r->reasons = q;
  const size_t n = strlen(text) + 1;
  if (!(q[r->nreasons] = malloc(n))) return tvi_fail(ctx, TV_ERR_NOMEM, func, "out of memory");
  memcpy(q[r->nreasons++], text, n);
  return TV_OK;
}

void tv_result_destroy(tv_result *r) {
  if (!r) return;
  free(r->defects);
  for (int32_t i = 0; i < r->nreasons; i++) free(r->reasons[i]);
  free(r->reasons);
  if (r->class_names)
    for (int32_t k = 0; k < r->nclasses; k++) free(r->class_names[k]);
  free(r->class_names);
  free(r->class_counts);
  tv_image_destroy(r->heatmap);
  free(r->source);
  free(r);
}

int32_t tv_result_count(const tv_result *r) { return r ? r->count : 0; }

const tv_defect *tv_result_defect(const tv_result *r, int32_t i) {
  return r && i >= 0 && i < r->count ? &r->defects[i] : NULL;
}

tv_verdict tv_result_verdict(const tv_result *r) { return r ? r->verdict : TV_VERDICT_REJECT; }

int32_t tv_result_reason_count(const tv_result *r) { return r ? r->nreasons : 0; }

const char *tv_result_reason(const tv_result *r, int32_t i) {
  return r && i >= 0 && i < r->nreasons ? r->reasons[i] : NULL;
}

const char *tv_result_class_name(const tv_result *r, int32_t id) {
  return r && id >= 0 && id < r->nclasses ? r->class_names[id] : NULL;
}

const tv_image *tv_result_heatmap(const tv_result *r) { return r ? r->heatmap : NULL; }

tv_status tv_result_get(tv_ctx *ctx, const tv_result *r, tv_result_key key, int64_t *value) {
  if (value) *value = 0;
  if (!r || !value) return TVI_ERR(ctx, TV_ERR_NULL, "result or value is NULL");
  switch (key) {
  case TV_RESULT_FRAME: *value = r->frame; return TV_OK;
  case TV_RESULT_WIDTH: *value = r->width; return TV_OK;
  case TV_RESULT_ROWS: *value = r->rows; return TV_OK;
  case TV_RESULT_FIRST_ROW: *value = r->first_row; return TV_OK;
  case TV_RESULT_FINAL: *value = r->final; return TV_OK;
  case TV_RESULT_SURFACE_ROWS: *value = r->surface_rows; return TV_OK;
  }
  return TVI_ERR(ctx, TV_ERR_ARG, "unknown key %d", (int)key);
}

tv_status tv_result_set_source(tv_ctx *ctx, tv_result *r, const char *source) {
  if (!r || !source) return TVI_ERR(ctx, TV_ERR_NULL, "result or source is NULL");
  const size_t n = strlen(source) + 1;
  char *d = malloc(n);
  if (!d) return TVI_ERR(ctx, TV_ERR_NOMEM, "out of memory");
  memcpy(d, source, n);
  free(r->source);
  r->source = d;
  return TV_OK;
}

/* ---- JSON -------------------------------------------------------------------------------------
 */

static cJSON *num_array(const double *v, int n) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
  return a;
}

/* Rounds to `digits` decimals so the text stays readable. */
static double rnd(double v, int digits) {
  const double f = pow(10.0, digits);
  return round(v * f) / f;
}

tv_status tv_result_json(tv_ctx *ctx, const tv_result *r, char **out) {
  tv_status st = TV_OK;
  cJSON *root = NULL;
  if (out) *out = NULL;
  if (!r || !out) TVI_FAIL(ctx, TV_ERR_NULL, "result or out is NULL");
  root = cJSON_CreateObject();
  if (!root) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  cJSON_AddStringToObject(root, "schema", RESULT_SCHEMA);
  if (r->source) cJSON_AddStringToObject(root, "source", r->source);
  cJSON_AddNumberToObject(root, "frame", (double)r->frame);
  cJSON_AddBoolToObject(root, "final", r->final != 0);
  cJSON *img = cJSON_AddObjectToObject(root, "image");
  cJSON_AddNumberToObject(img, "width", (double)r->width);
  cJSON_AddNumberToObject(img, "rows", (double)r->rows);
  cJSON_AddNumberToObject(img, "first_row", (double)r->first_row);
  cJSON *surf = cJSON_AddObjectToObject(root, "surface");
  cJSON_AddNumberToObject(surf, "rows", (double)r->surface_rows);
  cJSON_AddNumberToObject(surf, "axial_offset_mm", r->axial0);
  cJSON_AddNumberToObject(surf, "length_mm", rnd(r->surface_mm, 4));
  cJSON_AddNumberToObject(surf, "mm_per_px_axial", r->mm_axial);
  cJSON_AddNumberToObject(surf, "mm_per_px_circumferential", rnd(r->mm_circ, 9));
  cJSON_AddStringToObject(root, "verdict", r->verdict == TV_VERDICT_ACCEPT ? "accept" : "reject");
  cJSON *reasons = cJSON_AddArrayToObject(root, "reasons");
  for (int32_t i = 0; reasons && i < r->nreasons; i++)
    cJSON_AddItemToArray(reasons, cJSON_CreateString(r->reasons[i]));
  cJSON *classes = cJSON_AddArrayToObject(root, "classes");
  cJSON *counts = cJSON_AddObjectToObject(root, "counts");
  for (int32_t k = 0; classes && counts && k < r->nclasses; k++) {
    cJSON_AddItemToArray(classes, cJSON_CreateString(r->class_names[k]));
    cJSON_AddNumberToObject(counts, r->class_names[k], (double)r->class_counts[k]);
  }
  cJSON *defs = cJSON_AddArrayToObject(root, "defects");
  for (int32_t i = 0; defs && i < r->count; i++) {
    const tv_defect *d = &r->defects[i];
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    cJSON_AddItemToArray(defs, o);
    cJSON_AddStringToObject(o, "class", r->class_names[d->class_id]);
    cJSON_AddNumberToObject(o, "class_id", d->class_id);
    cJSON_AddNumberToObject(o, "score", rnd(d->score, 4));
    cJSON_AddNumberToObject(o, "heat_score", rnd(d->heat_score, 4));
    cJSON_AddNumberToObject(o, "class_score", rnd(d->class_score, 4));
    const double bb[4] = {d->x, d->y, d->width, d->height};
    cJSON_AddItemToObject(o, "bbox_px", num_array(bb, 4));
    cJSON_AddNumberToObject(o, "area_px", (double)d->area_px);
    const double c[2] = {rnd(d->cx, 2), rnd(d->cy, 2)};
    cJSON_AddItemToObject(o, "centroid_px", num_array(c, 2));
    cJSON_AddNumberToObject(o, "length_mm", rnd(d->length_mm, 4));
    cJSON_AddNumberToObject(o, "width_mm", rnd(d->width_mm, 4));
    cJSON_AddNumberToObject(o, "area_mm2", rnd(d->area_mm2, 4));
    cJSON_AddNumberToObject(o, "axial_mm", rnd(d->axial_mm, 4));
    cJSON_AddNumberToObject(o, "angle_deg", rnd(d->angle_deg, 4));
    cJSON_AddNumberToObject(o, "frame", (double)d->frame);
    cJSON *fl = cJSON_AddArrayToObject(o, "flags");
    static const char *const names[] = {"edge", "split", "rejected", "unclassified"};
    for (int b = 0; fl && b < 4; b++)
      if (d->flags & (1 << b)) cJSON_AddItemToArray(fl, cJSON_CreateString(names[b]));
  }
  TVI_TRY(tvi_json_print(ctx, __func__, root, out));
done:
  cJSON_Delete(root);
  return st;
}

/* ---- overlay ----------------------------------------------------------------------------------
 */

/* A 5x7 bitmap font: rows top to bottom, bit 4 the leftmost column. */
static const struct {
  char c;
  uint8_t rows[7];
} font[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}},
    {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    {'#', {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A}},
    {' ', {0, 0, 0, 0, 0, 0, 0}},
    {'?', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}},
};

static const uint8_t *glyph(char c) {
  if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
  const size_t n = sizeof font / sizeof font[0];
  for (size_t i = 0; i < n; i++)
    if (font[i].c == c) return font[i].rows;
  return font[n - 1].rows;
}

typedef struct canvas {
  uint8_t *p;
  int64_t stride;
  int32_t w, h;
} canvas;

static void put(const canvas *cv, int32_t x, int32_t y, const uint8_t rgb[3]) {
  if (x < 0 || y < 0 || x >= cv->w || y >= cv->h) return;
  uint8_t *q = cv->p + y * cv->stride + 3 * (int64_t)x;
  q[0] = rgb[0], q[1] = rgb[1], q[2] = rgb[2];
}

static void rect(const canvas *cv, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t th,
                 const uint8_t rgb[3]) {
  for (int32_t t = 0; t < th; t++) {
    for (int32_t x = x0 - t; x <= x1 + t; x++) put(cv, x, y0 - t, rgb), put(cv, x, y1 + t, rgb);
    for (int32_t y = y0 - t; y <= y1 + t; y++) put(cv, x0 - t, y, rgb), put(cv, x1 + t, y, rgb);
  }
}

/* Text with a dark backing box, scaled by `sc`. */
static void text(const canvas *cv, int32_t x, int32_t y, const char *s, int32_t sc,
                 const uint8_t rgb[3]) {
  static const uint8_t black[3] = {0, 0, 0};
  const int32_t n = (int32_t)strlen(s);
  for (int32_t yy = y - sc; yy < y + 8 * sc; yy++)
    for (int32_t xx = x - sc; xx < x + 6 * sc * n; xx++) put(cv, xx, yy, black);
  for (int32_t i = 0; i < n; i++) {
    const uint8_t *g = glyph(s[i]);
    for (int32_t gy = 0; gy < 7; gy++)
      for (int32_t gx = 0; gx < 5; gx++)
        if (g[gy] & (0x10 >> gx))
          for (int32_t a = 0; a < sc; a++)
            for (int32_t b = 0; b < sc; b++)
              put(cv, x + (6 * i + gx) * sc + b, y + gy * sc + a, rgb);
  }
}

static const uint8_t palette[8][3] = {{255, 64, 64},  {64, 160, 255}, {255, 200, 0},
                                      {80, 220, 80},  {255, 80, 255}, {0, 230, 230},
                                      {255, 140, 40}, {200, 200, 255}};

tv_status tv_result_overlay(tv_ctx *ctx, const tv_result *r, const tv_image *image,
                            const tv_image *heatmap, tv_image **out) {
  tv_status st = TV_OK;
  tv_image *rgb = NULL;
  if (out) *out = NULL;
  if (!r || !image || !out) TVI_FAIL(ctx, TV_ERR_NULL, "result, image or out is NULL");
  TVI_TRY(tvi_check_image(ctx, __func__, "image", image));
  if (image->type != TV_U8 && image->type != TV_U16)
    TVI_FAIL(ctx, TV_ERR_TYPE, "image must be u8 or u16");
  if (!heatmap) heatmap = r->heatmap;
  if (heatmap) {
    TVI_TRY(tvi_check_image(ctx, __func__, "heatmap", heatmap));
    if (heatmap->type != TV_F32 || heatmap->channels != 1)
      TVI_FAIL(ctx, TV_ERR_TYPE, "heatmap must be 1-channel f32");
  }
  const int32_t w = image->width, h = image->height, ch = image->channels;
  TVI_TRY(tv_image_create(ctx, w, h, 3, TV_U8, &rgb));
  double lo = 0, hi = 255;
  if (image->type == TV_U16) {
    double mn[4], mx[4];
    TVI_TRY(tv_min_max(ctx, image, mn, mx));
    lo = mn[0], hi = mx[0];
    for (int c = 1; c < (ch == 4 ? 3 : ch); c++) lo = fmin(lo, mn[c]), hi = fmax(hi, mx[c]);
    if (hi <= lo) hi = lo + 1;
  }
  const double k = 255.0 / (hi - lo);
  for (int32_t y = 0; y < h; y++) {
    const void *src = tvi_row(image, y);
    uint8_t *dst = tvi_row(rgb, y);
    const float *hrow = NULL;
    if (heatmap) {
      int64_t hy = (int64_t)y * heatmap->height / h;
      hrow = tvi_row(heatmap, hy);
    }
    for (int32_t x = 0; x < w; x++) {
      double v[3];
      for (int c = 0; c < 3; c++) {
        const int sc = ch == 1 ? 0 : c;
        const double s = image->type == TV_U8 ? ((const uint8_t *)src)[x * ch + sc]
                                              : ((const uint16_t *)src)[x * ch + sc];
        v[c] = (s - lo) * k;
      }
      if (hrow) {
        double t = hrow[(int64_t)x * heatmap->width / w];
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        v[0] = v[0] + (255.0 - v[0]) * 0.7 * t;
        v[1] *= 1.0 - 0.6 * t;
        v[2] *= 1.0 - 0.6 * t;
      }
      for (int c = 0; c < 3; c++)
        dst[3 * x + c] = (uint8_t)(v[c] < 0 ? 0 : v[c] > 255 ? 255 : v[c] + 0.5);
    }
  }
  const canvas cv = {rgb->data, rgb->stride, w, h};
  const int32_t sc = w >= 1600 ? 2 : 1, th = w >= 1600 ? 3 : 2;
  for (int32_t i = 0; i < r->count; i++) {
    const tv_defect *d = &r->defects[i];
    const uint8_t *col = palette[d->class_id % 8];
    const int32_t y0 = (int32_t)(d->y - r->first_row);
    rect(&cv, d->x - 2, y0 - 2, d->x + d->width + 1, y0 + d->height + 1, th, col);
    char label[96];
    snprintf(label, sizeof label, "%s %.2f", r->class_names[d->class_id], d->score);
    const int32_t ty = y0 - 2 - th - 8 * sc >= 0 ? y0 - 2 - th - 8 * sc : y0 + d->height + th + 3;
    text(&cv, d->x - 2, ty, label, sc, col);
  }
  *out = rgb, rgb = NULL;
done:
  tv_image_destroy(rgb);
  return st;
}
