/* Tests of the inspection pipeline: synthetic surfaces with known defects, geometry and rules,
 * streaming strips against whole frames, bad inputs, shared inspectors across threads, JSON and
 * overlay output, and the generator itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "tubevision/inspect.h"

static tv_model *heat_model, *cls_model;

static tv_model *load_model(const char *rel) {
  tv_ctx *ctx = tvt_ctx();
  char *p = tvt_source_path(rel);
  tv_model *m = NULL;
  tvt_assert_ok(ctx, tv_model_load(ctx, p, &m));
  free(p);
  tv_ctx_destroy(ctx);
  return m;
}

static void setup(void) {
  heat_model = load_model("tests/data/insp_heat.tvm");
  cls_model = load_model("tests/data/insp_cls.tvm");
}

static void teardown(void) {
  tv_model_free(heat_model);
  tv_model_free(cls_model);
}

/* Renders a surface. kinds: bit mask of tv_synth_kind. */
static tv_synth *render(tv_ctx *ctx, int w, int h, int bits, int seed, int ndef, int kinds,
                        tv_image **img) {
  tv_synth *s = NULL;
  tvt_assert_ok(ctx, tv_synth_create(ctx, &s));
  tvt_assert_ok(ctx, tv_synth_set(ctx, s, TV_SYNTH_WIDTH, w));
  tvt_assert_ok(ctx, tv_synth_set(ctx, s, TV_SYNTH_HEIGHT, h));
  tvt_assert_ok(ctx, tv_synth_set(ctx, s, TV_SYNTH_BITS, bits));
  tvt_assert_ok(ctx, tv_synth_set(ctx, s, TV_SYNTH_SEED, seed));
  tvt_assert_ok(ctx, tv_synth_set(ctx, s, TV_SYNTH_DEFECTS, ndef));
  tvt_assert_ok(ctx, tv_synth_set(ctx, s, TV_SYNTH_KINDS, kinds));
  tvt_assert_ok(ctx, tv_synth_render(ctx, s, img, NULL));
  return s;
}

/* An inspector on the test heatmap model. The built-in detection thresholds belong to the shipped
 * model (models/heatmap.md); the small test model's are 0.3 and 0.6, added to json unless it sets
 * them itself. */
static tv_inspector *inspector(tv_ctx *ctx, const tv_model *cls, const char *json) {
  cJSON *root = cJSON_Parse(json ? json : "{}");
  ck_assert_ptr_nonnull(root);
  cJSON *det = cJSON_GetObjectItem(root, "detection");
  if (!det) det = cJSON_AddObjectToObject(root, "detection");
  if (!cJSON_GetObjectItem(det, "low")) cJSON_AddNumberToObject(det, "low", 0.3);
  if (!cJSON_GetObjectItem(det, "high")) cJSON_AddNumberToObject(det, "high", 0.6);
  char *text = cJSON_PrintUnformatted(root);
  ck_assert_ptr_nonnull(text);
  tv_inspector *in = NULL;
  tvt_assert_ok(ctx, tv_inspector_create(ctx, heat_model, cls, text, &in));
  cJSON_free(text);
  cJSON_Delete(root);
  return in;
}

static tv_result *inspect(tv_ctx *ctx, tv_inspector *in, const tv_image *img, double offset) {
  tv_inspection *run = NULL;
  tv_result *res = NULL;
  tvt_assert_ok(ctx, tv_inspection_create(ctx, in, &run));
  tvt_assert_ok(ctx, tv_inspect_frame(ctx, run, img, offset, &res));
  tv_inspection_destroy(run);
  return res;
}

#define KINDS_THIN ((1 << TV_SYNTH_SCRATCH) | (1 << TV_SYNTH_PIT) | (1 << TV_SYNTH_CRACK))

/* ---- detection against the ground truth ------------------------------------------------------ */

/* Every scratch, pit and crack is found once; box edges within 6 px; no false detections. */
START_TEST(finds_known_defects) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tv_synth *s = render(ctx, 1024, 1024, 8, 11 + _i, 8, KINDS_THIN, &img);
  tv_inspector *in = inspector(ctx, cls_model, NULL);
  tv_result *res = inspect(ctx, in, img, 0);
  const int n = tv_result_count(res), ng = tv_synth_defect_count(s);
  int *hits = calloc((size_t)n, sizeof *hits);
  for (int g = 0; g < ng; g++) {
    const tv_synth_defect *t = tv_synth_defect_get(s, g);
    int found = 0;
    for (int i = 0; i < n; i++) {
      const tv_defect *d = tv_result_defect(res, i);
      if (d->x < t->x + t->width && t->x < d->x + d->width && d->y < t->y + t->height &&
          t->y < d->y + d->height) {
        found++, hits[i]++;
        ck_assert_msg(abs(d->x - t->x) <= 6 && abs(d->y - t->y) <= 6 &&
                          abs(d->x + d->width - t->x - t->width) <= 6 &&
                          abs(d->y + d->height - t->y - t->height) <= 6,
                      "seed %d: %s at %d,%d %dx%d found as %d,%d %dx%d", 11 + _i,
                      tv_synth_kind_name(t->kind), t->x, t->y, t->width, t->height, d->x, d->y,
                      d->width, d->height);
      }
    }
    /* A crack's jagged line may break where it is faint: at least one piece must be found. */
    ck_assert_msg(found == 1 || (t->kind == TV_SYNTH_CRACK && found >= 1),
                  "seed %d: %s at %d,%d %dx%d found %d times", 11 + _i, tv_synth_kind_name(t->kind),
                  t->x, t->y, t->width, t->height, found);
  }
  for (int i = 0; i < n; i++) {
    const tv_defect *d = tv_result_defect(res, i);
    ck_assert_msg(hits[i] == 1, "false detection at %d,%d %dx%d", d->x, d->y, d->width, d->height);
    ck_assert(d->class_id >= 0 && d->class_id < 5);
    ck_assert(d->score > 0.5 && d->score <= 1.0);
    ck_assert(d->class_score > 0 && d->class_score <= 1.0);
  }
  free(hits);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Lengths and widths are measured at pixel resolution, from the heatmap upsampled within each
 * defect's box: compared with the ground truth's mask boxes (tv-synth), the median error of
 * lengths is within one heatmap stride (widths: two); no error exceeds 5 strides (the small test
 * model's heatmap is wider than thin defects). Box, area, centroid and mm figures agree. */
static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

START_TEST(measures_at_pixel_resolution) {
  tv_ctx *ctx = tvt_ctx();
  int64_t stride = 0;
  tvt_assert_ok(ctx, tv_model_get(ctx, heat_model, TV_MODEL_HEATMAP_STRIDE, &stride));
  tv_inspector *in = inspector(ctx, NULL, NULL);
  int len_err[256], wid_err[256], n_err = 0;
  for (int seed = 71; seed < 74; seed++) {
    tv_image *img = NULL;
    tv_synth *s = render(ctx, 1024, 1024, 8, seed, 8, KINDS_THIN | (1 << TV_SYNTH_INCLUSION), &img);
    tv_result *res = inspect(ctx, in, img, 0);
    const int n = tv_result_count(res), ng = tv_synth_defect_count(s);
    for (int g = 0; g < ng; g++) {
      const tv_synth_defect *t = tv_synth_defect_get(s, g);
      const tv_defect *m = NULL;
      int found = 0;
      for (int i = 0; i < n; i++) {
        const tv_defect *d = tv_result_defect(res, i);
        if (d->x < t->x + t->width && t->x < d->x + d->width && d->y < t->y + t->height &&
            t->y < d->y + d->height)
          found++, m = d;
      }
      if (found != 1) continue; /* a faint crack found in pieces */
      ck_assert_int_le(m->area_px, (int64_t)m->width * m->height);
      ck_assert(m->cx >= m->x && m->cx <= m->x + m->width);
      ck_assert(m->cy >= m->y && m->cy <= m->y + m->height);
      ck_assert(fabs(m->length_mm - m->height * 0.1) < 1e-9);
      ck_assert(fabs(m->area_mm2 - (double)m->area_px * 0.01) < 1e-9);
      len_err[n_err] = abs(m->height - t->height), wid_err[n_err] = abs(m->width - t->width);
      ck_assert_msg(len_err[n_err] <= 5 * stride && wid_err[n_err] <= 5 * stride,
                    "seed %d: %s %d,%d %dx%d measured %d,%d %dx%d", seed,
                    tv_synth_kind_name(t->kind), t->x, t->y, t->width, t->height, m->x, m->y,
                    m->width, m->height);
      if (n_err < 255) n_err++;
    }
    tv_result_destroy(res);
    tv_synth_destroy(s);
    tv_image_destroy(img);
  }
  ck_assert_int_ge(n_err, 12);
  qsort(len_err, (size_t)n_err, sizeof(int), cmp_int);
  qsort(wid_err, (size_t)n_err, sizeof(int), cmp_int);
  ck_assert_int_le(len_err[n_err / 2], stride);
  ck_assert_int_le(wid_err[n_err / 2], 2 * stride);
  tv_inspector_destroy(in);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- geometry and rules ---------------------------------------------------------------------- */

static const char *geometry_cfg =
    "{\"geometry\": {\"mm_per_px_axial\": 0.05, \"mm_per_px_circumferential\": 0.2,"
    " \"outer_diameter_mm\": 80, \"angle_offset_deg\": 300, \"coverage_deg\": 120},"
    " \"rules\": {\"*\": {\"max_length_mm\": null, \"max_area_mm2\": null,"
    " \"max_count_per_m\": null, \"min_score\": 0.5}}}";

START_TEST(geometry_in_mm) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tv_synth *s = render(ctx, 768, 1024, 8, 21, 1, 1 << TV_SYNTH_SCRATCH, &img);
  tv_inspector *in = inspector(ctx, NULL, geometry_cfg);
  tv_result *res = inspect(ctx, in, img, 1000.0);
  ck_assert_int_eq(tv_result_count(res), 1);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_ACCEPT);
  const tv_defect *d = tv_result_defect(res, 0);
  const tv_synth_defect *t = tv_synth_defect_get(s, 0);
  ck_assert_str_eq(tv_result_class_name(res, d->class_id), "defect");
  ck_assert(d->flags & TV_DEFECT_UNCLASSIFIED);
  /* Length along the axis (rows) and width around (columns), from the box. */
  ck_assert_double_eq_tol(d->length_mm, d->height * 0.05, 1e-9);
  ck_assert_double_eq_tol(d->width_mm, d->width * 0.2, 1e-9);
  ck_assert_double_eq_tol(d->length_mm, t->height * 0.05, 6 * 0.05);
  ck_assert_double_eq_tol(d->area_mm2, (double)d->area_px * 0.05 * 0.2, 1e-9);
  ck_assert_double_eq_tol(d->axial_mm, 1000.0 + d->cy * 0.05, 1e-9);
  ck_assert_double_eq_tol(d->axial_mm, 1000.0 + t->cy * 0.05, 4 * 0.05);
  double a = 300.0 + d->cx / 768.0 * 120.0;
  if (a >= 360) a -= 360;
  ck_assert_double_eq_tol(d->angle_deg, a, 1e-9);
  ck_assert(d->angle_deg >= 0 && d->angle_deg < 360);
  tv_result_destroy(res);
  tv_inspector_destroy(in);

  /* Circumferential scale from the diameter and the coverage: pi * 80 * 120/360 / 768 mm/px. */
  in = inspector(ctx, NULL,
                 "{\"geometry\": {\"mm_per_px_circumferential\": 0, \"coverage_deg\": 120,"
                 " \"outer_diameter_mm\": 80, \"axis\": \"rows\"}}");
  res = inspect(ctx, in, img, 0);
  ck_assert_int_eq(tv_result_count(res), 1);
  d = tv_result_defect(res, 0);
  ck_assert_double_eq_tol(d->width_mm, d->width * 3.14159265358979 * 80 / 3 / 768, 1e-9);
  tv_result_destroy(res);
  tv_inspector_destroy(in);

  /* Axis along the columns: the transposed frame gives the swapped measures. */
  tv_image *tr = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, img->height, img->width, 1, TV_U8, &tr));
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      ((uint8_t *)tr->data)[(int64_t)x * tr->stride + y] =
          ((uint8_t *)img->data)[(int64_t)y * img->stride + x];
  in = inspector(ctx, NULL,
                 "{\"geometry\": {\"axis\": \"columns\", \"mm_per_px_axial\": 0.05,"
                 " \"mm_per_px_circumferential\": 0.2}, \"preprocess\": {\"shading\": \"row\"}}");
  res = inspect(ctx, in, tr, 0);
  ck_assert_int_eq(tv_result_count(res), 1);
  d = tv_result_defect(res, 0);
  ck_assert_double_eq_tol(d->length_mm, d->width * 0.05, 1e-9);
  ck_assert_double_eq_tol(d->length_mm, t->height * 0.05, 6 * 0.05);
  ck_assert_double_eq_tol(d->axial_mm, d->cx * 0.05, 1e-9);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  tv_image_destroy(tr);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(rules_give_verdicts) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tv_synth *s = render(ctx, 768, 1024, 8, 21, 1, 1 << TV_SYNTH_SCRATCH, &img);
  const double len = tv_synth_defect_get(s, 0)->height * 0.1; /* default 0.1 mm/px */
  char cfg[512];
  /* Length limit below the scratch: reject, with the reason. */
  snprintf(cfg, sizeof cfg,
           "{\"rules\": {\"*\": {\"max_length_mm\": %g, \"max_area_mm2\": null,"
           " \"max_count_per_m\": null}}}",
           len * 0.5);
  tv_inspector *in = inspector(ctx, NULL, cfg);
  tv_result *res = inspect(ctx, in, img, 0);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_REJECT);
  ck_assert_int_ge(tv_result_reason_count(res), 1);
  ck_assert_msg(strstr(tv_result_reason(res, 0), "length") != NULL, "reason: %s",
                tv_result_reason(res, 0));
  ck_assert(tv_result_defect(res, 0)->flags & TV_DEFECT_REJECTED);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  /* Above the scratch: accept. */
  snprintf(cfg, sizeof cfg,
           "{\"rules\": {\"*\": {\"max_length_mm\": %g, \"max_area_mm2\": null,"
           " \"max_count_per_m\": 5}}}",
           len * 2);
  in = inspector(ctx, NULL, cfg);
  res = inspect(ctx, in, img, 0);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_ACCEPT);
  ck_assert_int_eq(tv_result_reason_count(res), 0);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  /* Count: none allowed per metre. */
  in = inspector(ctx, NULL,
                 "{\"rules\": {\"*\": {\"max_count_per_m\": 0, \"max_length_mm\": null}}}");
  res = inspect(ctx, in, img, 0);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_REJECT);
  ck_assert_msg(strstr(tv_result_reason(res, 0), "defects in") != NULL, "reason: %s",
                tv_result_reason(res, 0));
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  /* min_score above every score: nothing reported. */
  in = inspector(ctx, NULL, "{\"rules\": {\"*\": {\"min_score\": 1}}}");
  res = inspect(ctx, in, img, 0);
  ck_assert_int_eq(tv_result_count(res), 0);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_ACCEPT);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  /* Per-class rules with the classifier's names. */
  in = inspector(
      ctx, cls_model,
      "{\"rules\": {\"*\": {\"max_length_mm\": null}, \"scratch\": {\"max_length_mm\": 0.1},"
      " \"pit\": {\"max_length_mm\": 0.1}, \"dent\": {\"max_length_mm\": 0.1},"
      " \"inclusion\": {\"max_length_mm\": 0.1}, \"crack\": {\"max_length_mm\": 0.1}}}");
  res = inspect(ctx, in, img, 0);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_REJECT);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- streaming ----------------------------------------------------------------------------- */

static int same_defect(const tv_defect *a, const tv_defect *b) {
  return a->class_id == b->class_id && a->x == b->x && a->y == b->y && a->width == b->width &&
         a->height == b->height && a->area_px == b->area_px && a->score == b->score &&
         a->length_mm == b->length_mm && a->axial_mm == b->axial_mm &&
         a->angle_deg == b->angle_deg && a->flags == b->flags;
}

START_TEST(strips_equal_whole) {
  static const int heights[] = {700, 256, 97, 1000, 3000};
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tv_synth *s = render(ctx, 640, 3000, 16, 31, 14, KINDS_THIN | (1 << TV_SYNTH_INCLUSION), &img);
  tv_inspector *in = inspector(ctx, cls_model, NULL);
  tv_result *whole = inspect(ctx, in, img, 250.0);
  ck_assert_int_ge(tv_result_count(whole), 10);
  tv_inspection *run = NULL;
  tvt_assert_ok(ctx, tv_inspection_create(ctx, in, &run));
  for (size_t k = 0; k < sizeof heights / sizeof heights[0]; k++) {
    tvt_assert_ok(ctx, tv_inspect_begin(ctx, run, 250.0));
    tv_defect got[256];
    int n = 0;
    for (int y = 0; y < img->height; y += heights[k]) {
      const int h = y + heights[k] <= img->height ? heights[k] : img->height - y;
      tv_image *strip = NULL;
      tv_result *res = NULL;
      tvt_assert_ok(ctx, tv_image_view(ctx, img, 0, y, img->width, h, &strip));
      tvt_assert_ok(ctx, tv_inspect_strip(ctx, run, strip, &res));
      for (int i = 0; i < tv_result_count(res) && n < 256; i++)
        got[n++] = *tv_result_defect(res, i);
      int64_t v = -1;
      tvt_assert_ok(ctx, tv_result_get(ctx, res, TV_RESULT_FIRST_ROW, &v));
      ck_assert_int_eq(v, y);
      tv_result_destroy(res);
      tv_image_destroy(strip);
    }
    tv_result *res = NULL;
    tvt_assert_ok(ctx, tv_inspect_finish(ctx, run, &res));
    for (int i = 0; i < tv_result_count(res) && n < 256; i++) got[n++] = *tv_result_defect(res, i);
    ck_assert_int_eq(tv_result_verdict(res), tv_result_verdict(whole));
    ck_assert_int_eq(tv_result_reason_count(res), tv_result_reason_count(whole));
    tv_result_destroy(res);
    ck_assert_msg(n == tv_result_count(whole), "strips of %d: %d defects, whole: %d", heights[k], n,
                  tv_result_count(whole));
    for (int i = 0; i < n; i++) {
      const tv_defect *w = tv_result_defect(whole, i);
      ck_assert_msg(same_defect(&got[i], w),
                    "strips of %d: defect %d differs: %d,%d %dx%d vs %d,%d %dx%d", heights[k], i,
                    got[i].x, got[i].y, got[i].width, got[i].height, w->x, w->y, w->width,
                    w->height);
    }
  }
  tv_inspection_destroy(run);
  tv_result_destroy(whole);
  tv_inspector_destroy(in);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------------- */

START_TEST(bad_inputs) {
  tv_ctx *ctx = tvt_ctx();
  tv_inspector *in = NULL;
  /* Models of the wrong kind. */
  tvt_assert_status(ctx, tv_inspector_create(ctx, cls_model, NULL, NULL, &in), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "wrong kind");
  ck_assert_ptr_null(in);
  tvt_assert_status(ctx, tv_inspector_create(ctx, heat_model, heat_model, NULL, &in), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "wrong kind");
  tvt_assert_status(ctx, tv_inspector_create(ctx, NULL, NULL, NULL, &in), TV_ERR_NULL);
  /* Configurations. */
  static const struct {
    const char *json;
    tv_status st;
    const char *msg;
  } cfgs[] = {
      {"{\"geometry\": {\"mm_per_px_axial\": 0}}", TV_ERR_ARG, "mm_per_px_axial"},
      {"{\"geometry\": {\"outer_diameter_mm\": -5}}", TV_ERR_ARG, "outer_diameter_mm"},
      {"{\"geometry\": {\"coverage_deg\": 400}}", TV_ERR_ARG, "coverage_deg"},
      {"{\"geometry\": {\"mm_per_px_circumferential\": 0, \"coverage_deg\": 0}}", TV_ERR_ARG,
       "coverage_deg"},
      {"{\"geometry\": {\"axis\": \"diagonal\"}}", TV_ERR_ARG, "axis"},
      {"{\"rules\": {\"scratch\": {\"max_length_mm\": 3}}}", TV_ERR_ARG, "unknown class 'scratch'"},
      {"{\"rules\": {\"*\": {\"max_lenght_mm\": 3}}}", TV_ERR_ARG, "unknown key"},
      {"{\"tiling\": {\"tile\": 255}}", TV_ERR_ARG, "stride"},
      {"{\"tiling\": {\"tile\": 256, \"overlap\": 200}}", TV_ERR_ARG, "overlap"},
      {"{\"detection\": {\"low\": 0.8, \"high\": 0.5}}", TV_ERR_ARG, "low"},
      {"{\"detection\": {\"heatmap_channel\": 3}}", TV_ERR_ARG, "heatmap_channel"},
      {"{\"detection\": {\"measure_level\": 1.5}}", TV_ERR_ARG, "measure_level must be in [0, 1]"},
      {"{\"detection\": {\"measure_level\": \"half\"}}", TV_ERR_ARG, "measure_level"},
      {"{\"geometry\": 5}", TV_ERR_ARG, "object"},
      {"{\"schema\": \"tubevision-inspect-config/9\"}", TV_ERR_UNSUPPORTED, "schema"},
      {"{\"geometry\": {\"mm_per_px_axial\": \"0.1\"}}", TV_ERR_ARG, "number"},
      {"[1, 2]", TV_ERR_ARG, "object"},
      {"{\"geometry\": {", TV_ERR_FORMAT, "JSON"},
  };
  for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
    tvt_assert_status(ctx, tv_inspector_create(ctx, heat_model, NULL, cfgs[i].json, &in),
                      cfgs[i].st);
    tvt_assert_error_has(ctx, cfgs[i].msg);
    ck_assert_ptr_null(in);
  }
  /* Images. */
  in = inspector(ctx, NULL, NULL);
  tv_inspection *run = NULL;
  tv_result *res = NULL;
  tvt_assert_ok(ctx, tv_inspection_create(ctx, in, &run));
  tv_image *small = NULL, *f32 = NULL, *ok = NULL, *other = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 200, 300, 1, TV_U8, &small));
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, small, 0, &res), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "smaller than a tile");
  ck_assert_ptr_null(res);
  tvt_assert_ok(ctx, tv_image_create(ctx, 300, 300, 1, TV_F32, &f32));
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, f32, 0, &res), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "u8 or u16");
  tv_image empty = *small;
  empty.width = 0;
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, &empty, 0, &res), TV_ERR_ARG);
  empty = *small;
  empty.data = NULL;
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, &empty, 0, &res), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "no pixel data");
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, NULL, 0, &res), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, small, 0, NULL), TV_ERR_NULL);
  tvt_assert_ok(ctx, tv_image_create(ctx, 300, 300, 1, TV_U8, &ok));
  tvt_assert_ok(ctx, tv_image_fill(ctx, ok, 128));
  tvt_assert_status(ctx, tv_inspect_frame(ctx, run, ok, NAN, &res), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "offset");
  /* Strips: width change, type change, a surface shorter than a tile. */
  tvt_assert_ok(ctx, tv_inspect_begin(ctx, run, 0));
  tvt_assert_ok(ctx, tv_inspect_strip(ctx, run, ok, &res));
  tv_result_destroy(res);
  tvt_assert_ok(ctx, tv_image_create(ctx, 301, 10, 1, TV_U8, &other));
  tvt_assert_status(ctx, tv_inspect_strip(ctx, run, other, &res), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "width");
  tv_image_destroy(other);
  tvt_assert_ok(ctx, tv_image_create(ctx, 300, 10, 1, TV_U16, &other));
  tvt_assert_status(ctx, tv_inspect_strip(ctx, run, other, &res), TV_ERR_TYPE);
  tvt_assert_ok(ctx, tv_inspect_finish(ctx, run, &res));
  tv_result_destroy(res);
  tv_image *row = NULL;
  tvt_assert_ok(ctx, tv_image_view(ctx, ok, 0, 0, 300, 100, &row));
  tvt_assert_ok(ctx, tv_inspect_strip(ctx, run, row, &res));
  tv_result_destroy(res);
  tvt_assert_status(ctx, tv_inspect_finish(ctx, run, &res), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "fewer than a tile");
  /* A network failure on a worker thread (tiles run one per worker): status and message. */
  {
    tv_image *wide = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 1280, 300, 1, TV_U8, &wide));
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 2));
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 60000));
    tvt_assert_status(ctx, tv_inspect_frame(ctx, run, wide, 0, &res), TV_ERR_TOO_LARGE);
    tvt_assert_error_has(ctx, "tile");
    /* The message names the public function the caller called, then where it failed. */
    ck_assert_msg(
        strncmp(tv_ctx_last_error(ctx), "tv_inspect_frame: band: rows 0..256, a tile: ", 45) == 0,
        "message: %s", tv_ctx_last_error(ctx));
    ck_assert_ptr_null(res);
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, (int64_t)1 << 28));
    tvt_assert_ok(ctx, tv_inspect_frame(ctx, run, wide, 0, &res));
    tv_result_destroy(res);
    tv_image_destroy(wide);
  }
  /* The run still works afterwards. */
  tvt_assert_ok(ctx, tv_inspect_frame(ctx, run, ok, 0, &res));
  ck_assert_int_eq(tv_result_count(res), 0);
  ck_assert_int_eq(tv_result_verdict(res), TV_VERDICT_ACCEPT);
  /* Result and option accessors. */
  ck_assert_ptr_null(tv_result_defect(res, 0));
  ck_assert_ptr_null(tv_result_defect(NULL, 0));
  ck_assert_int_eq(tv_result_verdict(NULL), TV_VERDICT_REJECT);
  int64_t v;
  tvt_assert_status(ctx, tv_result_get(ctx, res, (tv_result_key)99, &v), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_inspection_set(ctx, run, TV_INSPECTION_PIXELS, 5), TV_ERR_ARG);
  tv_image_destroy(other);
  tvt_assert_status(ctx, tv_result_overlay(ctx, res, f32, NULL, &other), TV_ERR_TYPE);
  ck_assert_ptr_null(other);
  tv_result_destroy(res);
  tv_image_destroy(row);
  tv_image_destroy(small);
  tv_image_destroy(f32);
  tv_image_destroy(ok);
  tv_image_destroy(other);
  tv_inspection_destroy(run);
  tv_inspector_destroy(in);
  tv_inspector_destroy(NULL);
  tv_inspection_destroy(NULL);
  tv_result_destroy(NULL);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- threads ------------------------------------------------------------------------------- */

typedef struct worker {
  const tv_inspector *in;
  const tv_image *img;
  tv_defect defects[64];
  int n, ok;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  tv_ctx *ctx = NULL;
  tv_inspection *run = NULL;
  if (tv_ctx_create(&ctx) != TV_OK) return NULL;
  tv_ctx_set(ctx, TV_CTX_THREADS, 1);
  if (tv_inspection_create(ctx, w->in, &run) == TV_OK) {
    w->ok = 1;
    for (int rep = 0; rep < 3 && w->ok; rep++) {
      tv_result *res = NULL;
      if (tv_inspect_frame(ctx, run, w->img, 0, &res) != TV_OK) {
        w->ok = 0;
        break;
      }
      const int n = tv_result_count(res);
      if (rep > 0 && n != w->n) w->ok = 0;
      for (int i = 0; i < n && i < 64 && w->ok; i++) {
        if (rep > 0 && !same_defect(&w->defects[i], tv_result_defect(res, i))) w->ok = 0;
        w->defects[i] = *tv_result_defect(res, i);
      }
      w->n = n;
      tv_result_destroy(res);
    }
  }
  tv_inspection_destroy(run);
  tv_ctx_destroy(ctx);
  return NULL;
}

START_TEST(threads_share_inspector) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1));
  tv_image *img = NULL;
  tv_synth *s = render(ctx, 800, 600, 8, 41, 6, KINDS_THIN, &img);
  tv_inspector *in = inspector(ctx, cls_model, NULL);
  tv_result *ref = inspect(ctx, in, img, 0);
  ck_assert_int_ge(tv_result_count(ref), 4);
  worker w[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].in = in, w[i].img = img;
    ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
  }
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 4; i++) {
    ck_assert_msg(w[i].ok, "thread %d failed or was not repeatable", i);
    ck_assert_int_eq(w[i].n, tv_result_count(ref));
    for (int k = 0; k < w[i].n; k++)
      ck_assert_msg(same_defect(&w[i].defects[k], tv_result_defect(ref, k)),
                    "thread %d defect %d differs", i, k);
  }
  tv_result_destroy(ref);
  tv_inspector_destroy(in);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- JSON and overlay ------------------------------------------------------------------------ */

START_TEST(json_round_trip) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL;
  tv_synth *s = render(ctx, 640, 640, 8, 51, 5, KINDS_THIN, &img);
  tv_inspector *in = inspector(ctx, cls_model, "{\"rules\": {\"*\": {\"max_length_mm\": 1}}}");
  tv_result *res = inspect(ctx, in, img, 12.5);
  tvt_assert_ok(ctx, tv_result_set_source(ctx, res, "cam \"1\"/frame.png"));
  char *text = NULL;
  tvt_assert_ok(ctx, tv_result_json(ctx, res, &text));
  cJSON *root = cJSON_Parse(text);
  ck_assert_ptr_nonnull(root);
  ck_assert_str_eq(cJSON_GetObjectItem(root, "schema")->valuestring, "tubevision-inspect/1");
  ck_assert_str_eq(cJSON_GetObjectItem(root, "source")->valuestring, "cam \"1\"/frame.png");
  ck_assert_str_eq(cJSON_GetObjectItem(root, "verdict")->valuestring,
                   tv_result_verdict(res) == TV_VERDICT_ACCEPT ? "accept" : "reject");
  const cJSON *defs = cJSON_GetObjectItem(root, "defects");
  ck_assert_int_eq(cJSON_GetArraySize(defs), tv_result_count(res));
  ck_assert_int_ge(tv_result_count(res), 1);
  ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "reasons")),
                   tv_result_reason_count(res));
  for (int i = 0; i < tv_result_count(res); i++) {
    const tv_defect *d = tv_result_defect(res, i);
    const cJSON *o = cJSON_GetArrayItem(defs, i);
    ck_assert_str_eq(cJSON_GetObjectItem(o, "class")->valuestring,
                     tv_result_class_name(res, d->class_id));
    const cJSON *bb = cJSON_GetObjectItem(o, "bbox_px");
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 0)->valueint, d->x);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 1)->valueint, d->y);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 2)->valueint, d->width);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 3)->valueint, d->height);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(o, "axial_mm")->valuedouble, d->axial_mm, 1e-4);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(o, "angle_deg")->valuedouble, d->angle_deg, 1e-4);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(o, "length_mm")->valuedouble, d->length_mm, 1e-4);
  }
  cJSON_Delete(root);
  tv_free(text);
  /* The configuration in effect is JSON the inspector accepts again, unchanged. */
  tvt_assert_ok(ctx, tv_inspector_config_json(ctx, in, &text));
  tv_inspector *in2 = inspector(ctx, cls_model, text);
  char *text2 = NULL;
  tvt_assert_ok(ctx, tv_inspector_config_json(ctx, in2, &text2));
  ck_assert_str_eq(text, text2);
  tv_free(text);
  tv_free(text2);
  tv_inspector_destroy(in2);
  tv_result_destroy(res);
  tv_inspector_destroy(in);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* The shipped models/config/default.json equals the built-in defaults. */
START_TEST(default_config_file) {
  tv_ctx *ctx = tvt_ctx();
  char *path = tvt_source_path("models/config/default.json");
  size_t size = 0;
  uint8_t *file = tvt_read_file(path, &size);
  ck_assert_ptr_nonnull(file);
  char *json = calloc(size + 1, 1);
  memcpy(json, file, size);
  tv_inspector *a = NULL, *b = NULL;
  tvt_assert_ok(ctx, tv_inspector_create(ctx, heat_model, NULL, json, &a));
  tvt_assert_ok(ctx, tv_inspector_create(ctx, heat_model, NULL, NULL, &b));
  char *ta = NULL, *tb = NULL;
  tvt_assert_ok(ctx, tv_inspector_config_json(ctx, a, &ta));
  tvt_assert_ok(ctx, tv_inspector_config_json(ctx, b, &tb));
  ck_assert_str_eq(ta, tb);
  tv_free(ta);
  tv_free(tb);
  tv_inspector_destroy(a);
  tv_inspector_destroy(b);
  free(json);
  free(file);
  free(path);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(overlay_png) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL, *ov = NULL, *back = NULL;
  tv_synth *s = render(ctx, 512, 512, 16, 61, 3, KINDS_THIN, &img);
  tv_inspector *in = inspector(ctx, cls_model, NULL);
  tv_inspection *run = NULL;
  tv_result *res = NULL;
  tvt_assert_ok(ctx, tv_inspection_create(ctx, in, &run));
  tvt_assert_ok(ctx, tv_inspection_set(ctx, run, TV_INSPECTION_KEEP_HEATMAP, 1));
  tvt_assert_ok(ctx, tv_inspect_frame(ctx, run, img, 0, &res));
  const tv_image *hm = tv_result_heatmap(res);
  ck_assert_ptr_nonnull(hm);
  ck_assert_int_eq(hm->width, 256);
  ck_assert_int_eq(hm->height, 256);
  ck_assert_int_ge(tv_result_count(res), 1);
  tvt_assert_ok(ctx, tv_result_overlay(ctx, res, img, NULL, &ov));
  ck_assert_int_eq(ov->channels, 3);
  ck_assert_int_eq(ov->type, TV_U8);
  char path[] = "/tmp/tv_overlay_XXXXXX.png";
  const int fd = mkstemps(path, 4);
  ck_assert_int_ge(fd, 0);
  close(fd);
  tvt_assert_ok(ctx, tv_image_write(ctx, ov, path, TV_FORMAT_PNG, 0));
  tvt_assert_ok(ctx, tv_image_read(ctx, path, &back));
  unlink(path);
  ck_assert(tvt_images_equal(ov, back));
  /* The box's top-left corner is drawn in the class colour, not grey. */
  const tv_defect *d = tv_result_defect(res, 0);
  const uint8_t *px =
      (const uint8_t *)back->data + (int64_t)(d->y - 2) * back->stride + 3 * (d->x - 2);
  ck_assert_msg(px[0] != px[1] || px[1] != px[2], "box corner is grey");
  tv_image_destroy(back);
  tv_image_destroy(ov);
  tv_result_destroy(res);
  tv_inspection_destroy(run);
  tv_inspector_destroy(in);
  tv_synth_destroy(s);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- the generator ------------------------------------------------------------------------- */

START_TEST(synth_is_deterministic) {
  tv_ctx *a = tvt_ctx(), *b = tvt_ctx();
  tvt_assert_ok(a, tv_ctx_set(a, TV_CTX_THREADS, 1));
  tvt_assert_ok(b, tv_ctx_set(b, TV_CTX_THREADS, 3));
  tv_image *ia = NULL, *ib = NULL, *ma = NULL;
  tv_synth *sa = render(a, 333, 517, 12, 7, 5, 31, &ia);
  tv_synth *sb = render(b, 333, 517, 12, 7, 5, 31, &ib);
  ck_assert(tvt_images_equal(ia, ib));
  ck_assert_int_eq(ia->type, TV_U16);
  ck_assert_int_eq(tv_synth_defect_count(sa), 5);
  double mn[4], mx[4];
  tvt_assert_ok(a, tv_min_max(a, ia, mn, mx));
  ck_assert(mx[0] <= 4095);
  /* The mask labels each defect's pixels, and its box and area match the ground truth. */
  tv_image_destroy(ia);
  tvt_assert_ok(a, tv_synth_set(a, sa, TV_SYNTH_SEAM, 1));
  tvt_assert_ok(a, tv_synth_render(a, sa, &ia, &ma));
  for (int i = 0; i < tv_synth_defect_count(sa); i++) {
    const tv_synth_defect *t = tv_synth_defect_get(sa, i);
    int64_t area = 0;
    for (int y = 0; y < ma->height; y++)
      for (int x = 0; x < ma->width; x++)
        if (((uint8_t *)ma->data)[(int64_t)y * ma->stride + x] == t->label) {
          area++;
          ck_assert(x >= t->x && x < t->x + t->width && y >= t->y && y < t->y + t->height);
        }
    ck_assert_int_eq(area, t->area_px);
    ck_assert_int_gt(area, 0);
  }
  char *json = NULL;
  tvt_assert_ok(a, tv_synth_json(a, sa, &json));
  cJSON *root = cJSON_Parse(json);
  ck_assert_ptr_nonnull(root);
  ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "defects")), 5);
  cJSON_Delete(root);
  tv_free(json);
  /* Bad settings and defects that do not fit. */
  tvt_assert_status(a, tv_synth_set(a, sa, TV_SYNTH_BITS, 10), TV_ERR_ARG);
  tvt_assert_status(a, tv_synth_set(a, sa, TV_SYNTH_WIDTH, 0), TV_ERR_ARG);
  tvt_assert_status(a, tv_synth_set(a, sa, (tv_synth_key)77, 1), TV_ERR_ARG);
  tvt_assert_ok(a, tv_synth_set(a, sa, TV_SYNTH_WIDTH, 64));
  tvt_assert_ok(a, tv_synth_set(a, sa, TV_SYNTH_HEIGHT, 64));
  tvt_assert_ok(a, tv_synth_set(a, sa, TV_SYNTH_DEFECTS, 200));
  tv_image *none = NULL;
  tvt_assert_status(a, tv_synth_render(a, sa, &none, NULL), TV_ERR_ARG);
  tvt_assert_error_has(a, "do not fit");
  ck_assert_ptr_null(none);
  ck_assert_int_eq(tv_synth_defect_count(sa), 0);
  tv_image_destroy(ia);
  tv_image_destroy(ib);
  tv_image_destroy(ma);
  tv_synth_destroy(sa);
  tv_synth_destroy(sb);
  tv_ctx_destroy(a);
  tv_ctx_destroy(b);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("inspect");
  TCase *tc = tcase_create("inspect");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, finds_known_defects, 0, 3);
  tcase_add_test(tc, measures_at_pixel_resolution);
  tcase_add_test(tc, geometry_in_mm);
  tcase_add_test(tc, rules_give_verdicts);
  tcase_add_test(tc, strips_equal_whole);
  tcase_add_test(tc, bad_inputs);
  tcase_add_test(tc, threads_share_inspector);
  tcase_add_test(tc, json_round_trip);
  tcase_add_test(tc, default_config_file);
  tcase_add_test(tc, overlay_png);
  tcase_add_test(tc, synth_is_deterministic);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(suite()); }
