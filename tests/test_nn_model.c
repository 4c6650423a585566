/* Tests of models and sessions: the committed PyTorch-referenced models, every bad input of the
 * public nn API, hostile files (every byte flipped, every truncation), the planner's allocation
 * count and deterministic mode.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_nn_build.h"
#include "testutil.h"

/* Agreement with PyTorch: |got - want| <= ATOL + RTOL * |want|. The engine sums in other orders
 * than oneDNN (blocked, FMA), so float rounding differs by a few ulp per layer. */
#define ATOL 1e-5
#define RTOL 1e-4

static float *read_floats(const char *rel, size_t *count) {
  char *path = tvt_source_path(rel);
  size_t size = 0;
  uint8_t *b = tvt_read_file(path, &size);
  ck_assert_msg(b != NULL, "cannot read %s", path);
  free(path);
  *count = size / 4;
  return (float *)(void *)b;
}

static tv_model *load_rel(tv_ctx *ctx, const char *rel) {
  char *path = tvt_source_path(rel);
  tv_model *m = NULL;
  tvt_assert_ok(ctx, tv_model_load(ctx, path, &m));
  free(path);
  return m;
}

static void assert_close(const float *got, const float *want, size_t n, const char *what) {
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(fabs((double)got[i] - want[i]) <= ATOL + RTOL * fabs((double)want[i]),
                  "%s[%zu]: got %.9g want %.9g", what, i, (double)got[i], (double)want[i]);
}

/* Runs a committed model on its committed input and compares with PyTorch's output. */
static void check_reference(const char *name, int32_t h, int32_t w, int threads) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
  char rel[256];
  snprintf(rel, sizeof rel, "models/testdata/%s.tvm", name);
  tv_model *m = load_rel(ctx, rel);
  size_t nin, nwant;
  snprintf(rel, sizeof rel, "models/testdata/%s.in.f32", name);
  float *in = read_floats(rel, &nin);
  snprintf(rel, sizeof rel, "models/testdata/%s.out.f32", name);
  float *want = read_floats(rel, &nwant);
  tv_session *s = NULL;
  tvt_assert_ok(ctx, tv_session_create(ctx, m, &s));
  int64_t shape[4];
  tvt_assert_ok(ctx, tv_session_output_shape(ctx, s, 2, h, w, shape));
  ck_assert_int_eq(shape[0] * shape[1] * shape[2] * shape[3], (int64_t)nwant);
  float *out = malloc(nwant * sizeof(float));
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 2, h, w, out, nwant));
  assert_close(out, want, nwant, name);
  /* Batch of one gives the first half. */
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 1, h, w, out, nwant));
  assert_close(out, want, nwant / 2, name);
  free(out);
  free(in);
  free(want);
  tv_session_destroy(s);
  tv_model_free(m);
  tv_ctx_destroy(ctx);
}

START_TEST(reference_classifier) { check_reference("tiny_cls", 32, 32, 1 + _i); }
END_TEST

START_TEST(reference_heatmap) { check_reference("tiny_heat", 24, 32, 1 + _i); }
END_TEST

START_TEST(model_facts) {
  tv_ctx *ctx = tvt_ctx();
  tv_model *m = load_rel(ctx, "models/testdata/tiny_cls.tvm");
  int64_t v;
  const struct {
    tv_model_key key;
    int64_t want;
  } facts[] = {{TV_MODEL_FORMAT_VERSION, 1},
               {TV_MODEL_INPUT_CHANNELS, 1},
               {TV_MODEL_INPUT_HEIGHT, 32},
               {TV_MODEL_INPUT_WIDTH, 32},
               {TV_MODEL_OUTPUT_KIND, TV_MODEL_SCORES},
               {TV_MODEL_CLASSES, 5},
               {TV_MODEL_HEATMAP_STRIDE, 0}};
  for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
    tvt_assert_ok(ctx, tv_model_get(ctx, m, facts[i].key, &v));
    ck_assert_int_eq(v, facts[i].want);
  }
  tvt_assert_ok(ctx, tv_model_get(ctx, m, TV_MODEL_OPERATORS, &v));
  ck_assert_int_gt(v, 10);
  tvt_assert_ok(ctx, tv_model_get(ctx, m, TV_MODEL_PARAMETERS, &v));
  ck_assert_int_gt(v, 1000);
  tvt_assert_ok(ctx, tv_model_get(ctx, m, TV_MODEL_FLOPS, &v));
  ck_assert_int_gt(v, 100000);
  ck_assert_str_eq(tv_model_name(m), "tiny_cls");
  ck_assert_str_eq(tv_model_class_name(m, 1), "scratch");
  ck_assert_ptr_null(tv_model_class_name(m, 5));
  ck_assert_ptr_null(tv_model_class_name(m, -1));
  ck_assert_ptr_null(tv_model_class_name(NULL, 0));
  ck_assert_ptr_null(tv_model_name(NULL));
  float mean[4], std[4];
  tvt_assert_ok(ctx, tv_model_normalization(ctx, m, mean, std));
  ck_assert_float_eq_tol(mean[0], 0.45f, 1e-7f);
  ck_assert_float_eq_tol(std[0], 0.25f, 1e-7f);
  ck_assert_float_eq(mean[1], 0.0f);
  ck_assert_float_eq(std[1], 1.0f);
  /* Bad arguments. */
  tvt_assert_status(ctx, tv_model_get(ctx, m, (tv_model_key)99, &v), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_model_get: unknown key 99");
  ck_assert_int_eq(v, 0);
  tvt_assert_status(ctx, tv_model_get(ctx, NULL, TV_MODEL_CLASSES, &v), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_model_get: model or value is NULL");
  tvt_assert_status(ctx, tv_model_get(ctx, m, TV_MODEL_CLASSES, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_model_normalization(ctx, m, NULL, std), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_model_normalization: model, mean or std is NULL");
  tv_model *m2 = NULL;
  tvt_assert_status(ctx, tv_model_load(ctx, NULL, &m2), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_model_load: path or out is NULL");
  tvt_assert_status(ctx, tv_model_load(ctx, "/nonexistent/x.tvm", &m2), TV_ERR_IO);
  tvt_assert_error_has(ctx, "tv_model_load: cannot open /nonexistent/x.tvm");
  ck_assert_ptr_null(m2);
  tvt_assert_status(ctx, tv_model_load(ctx, "/tmp", &m2), TV_ERR_IO);
  tvt_assert_error_has(ctx, "is not a regular file");
  tvt_assert_status(ctx, tv_model_load_memory(ctx, NULL, 10, &m2), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_model_load_memory: data or out is NULL");
  tvt_assert_status(ctx, tv_model_load_memory(ctx, "abc", 3, &m2), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "tv_model_load_memory: not a tubevision model (bad magic)");
  tvt_assert_status(ctx, tv_model_load_memory(ctx, TVI_MODEL_MAGIC, 8, &m2), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "truncated: 8 bytes");
  char *tiny = tvt_source_path("models/testdata/tiny_cls.pgm");
  tvt_assert_status(ctx, tv_model_load(ctx, tiny, &m2), TV_ERR_FORMAT);
  tvt_assert_error_has(ctx, "not a tubevision model");
  free(tiny);
  tv_model_free(NULL);
  tv_model_free(m);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(session_errors) {
  tv_ctx *ctx = tvt_ctx();
  tv_model *m = load_rel(ctx, "models/testdata/tiny_cls.tvm");
  tv_session *s = NULL;
  tvt_assert_status(ctx, tv_session_create(ctx, NULL, &s), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_session_create: model or out is NULL");
  tvt_assert_status(ctx, tv_session_create(ctx, m, NULL), TV_ERR_NULL);
  tvt_assert_ok(ctx, tv_session_create(ctx, m, &s));
  float in[2 * 32 * 32] = {0}, out[10];
  int64_t shape[4];
  tvt_assert_status(ctx, tv_session_output_shape(ctx, s, 0, 32, 32, shape), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_output_shape: batch size 0 < 1");
  ck_assert_int_eq(shape[0], 0);
  tvt_assert_status(ctx, tv_session_output_shape(ctx, s, 1, 31, 32, shape), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_output_shape: input size 32x31, the model takes 32x32");
  tvt_assert_status(ctx, tv_session_output_shape(ctx, NULL, 1, 32, 32, shape), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_session_output_shape(ctx, s, 1, 32, 32, NULL), TV_ERR_NULL);
  tvt_assert_ok(ctx, tv_session_output_shape(ctx, s, 2, 32, 32, shape));
  ck_assert(shape[0] == 2 && shape[1] == 5 && shape[2] == 1 && shape[3] == 1);
  tvt_assert_status(ctx, tv_session_run(ctx, s, NULL, 1, 32, 32, out, 10), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_session_run: session, input or output is NULL");
  tvt_assert_status(ctx, tv_session_run(ctx, s, in, -1, 32, 32, out, 10), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_run: batch size -1 < 1");
  tvt_assert_status(ctx, tv_session_run(ctx, s, in, 1, 0, 32, out, 10), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_run: input size 32x0 invalid");
  for (int i = 0; i < 10; i++) out[i] = -7.0f;
  tvt_assert_status(ctx, tv_session_run(ctx, s, in, 2, 32, 32, out, 9), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_session_run: output capacity 9 floats, need 10");
  for (int i = 0; i < 10; i++) ck_assert_float_eq(out[i], -7.0f); /* nothing written */
  tvt_assert_status(ctx, tv_session_run(ctx, s, in, 2, 32, 32, in + 100, 10), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_run: input and output overlap");
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 1000));
  tvt_assert_status(ctx, tv_session_run(ctx, s, in, 1, 32, 32, out, 10), TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "over the pixel limit 1000");
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 1 << 20));
  /* Images. */
  tv_image *img = NULL, *rgb = NULL, *s16 = NULL, *small = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 32, 32, 1, TV_U8, &img));
  tvt_assert_ok(ctx, tv_image_create(ctx, 32, 32, 4, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 32, 32, 1, TV_S16, &s16));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 32, 1, TV_U8, &small));
  const tv_image *good[2] = {img, rgb}, *withnull[2] = {img, NULL}, *typed[1] = {s16},
                 *mixed[2] = {img, small}, *sm[1] = {small};
  tvt_assert_ok(ctx, tv_session_run_images(ctx, s, good, 2, out, 10));
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, NULL, 1, out, 10), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_session_run_images: session, images or output is NULL");
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, good, 0, out, 10), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_run_images: batch size 0 < 1");
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, withnull, 2, out, 10), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_session_run_images: images[1] is NULL");
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, typed, 1, out, 10), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_session_run_images: images[0]: pixel type 4, want u8, u16 or f32");
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, mixed, 2, out, 10), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_session_run_images: images[1] is 16x32, images[0] 32x32");
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, sm, 1, out, 10), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_run_images: input size 16x32, the model takes 32x32");
  tvt_assert_status(ctx, tv_session_run_images(ctx, s, good, 2, out, 5), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_session_run_images: output capacity 5 floats, need 10");
  tv_image_destroy(img);
  tv_image_destroy(rgb);
  tv_image_destroy(s16);
  tv_image_destroy(small);
  tv_session_destroy(NULL);
  tv_session_destroy(s);
  tv_model_free(m);
  tv_ctx_destroy(ctx);
}
END_TEST

/* tv_session_run_images on an 8-bit grey picture (and the same picture as u16, f32 and RGB)
 * matches PyTorch on the picture normalised as the model says. */
START_TEST(images_match_reference) {
  tv_ctx *ctx = tvt_ctx();
  tv_model *m = load_rel(ctx, "models/testdata/tiny_cls.tvm");
  tv_session *s = NULL;
  tvt_assert_ok(ctx, tv_session_create(ctx, m, &s));
  char *path = tvt_source_path("models/testdata/tiny_cls.pgm");
  tv_image *u8 = NULL, *u16 = NULL, *f32 = NULL, *rgb = NULL;
  tvt_assert_ok(ctx, tv_image_read(ctx, path, &u8));
  free(path);
  tvt_assert_ok(ctx, tv_image_create(ctx, 32, 32, 1, TV_U16, &u16));
  tvt_assert_ok(ctx, tv_image_convert(ctx, u8, u16, 257.0, 0.0));
  tvt_assert_ok(ctx, tv_image_create(ctx, 32, 32, 1, TV_F32, &f32));
  tvt_assert_ok(ctx, tv_image_convert(ctx, u8, f32, 1.0 / 255.0, 0.0));
  tvt_assert_ok(ctx, tv_image_create(ctx, 32, 32, 3, TV_U8, &rgb));
  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++)
      for (int c = 0; c < 3; c++)
        ((uint8_t *)rgb->data)[y * rgb->stride + 3 * x + c] =
            ((const uint8_t *)u8->data)[y * u8->stride + x];
  size_t nwant;
  float *want = read_floats("models/testdata/tiny_cls.pgm.out.f32", &nwant);
  ck_assert_int_eq(nwant, 5);
  const tv_image *const imgs[4] = {u8, u16, f32, rgb};
  float out[20];
  tvt_assert_ok(ctx, tv_session_run_images(ctx, s, imgs, 4, out, 20));
  for (int i = 0; i < 4; i++) assert_close(out + 5 * i, want, 5, "image");
  free(want);
  tv_image_destroy(u8);
  tv_image_destroy(u16);
  tv_image_destroy(f32);
  tv_image_destroy(rgb);
  tv_session_destroy(s);
  tv_model_free(m);
  tv_ctx_destroy(ctx);
}
END_TEST

/* After the first run of a shape, runs allocate nothing; the planner shares memory. */
START_TEST(steady_state_allocates_nothing) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 2));
  tv_model *m = load_rel(ctx, "models/testdata/tiny_heat.tvm");
  tv_session *s = NULL;
  tvt_assert_ok(ctx, tv_session_create(ctx, m, &s));
  static float in[4 * 64 * 64], out[4 * 16 * 16];
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 2, 24, 32, out, 4 * 16 * 16));
  const int64_t after_first = tvi_session_allocations(s);
  for (int i = 0; i < 20; i++)
    tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 2, 24, 32, out, 4 * 16 * 16));
  ck_assert_int_eq(tvi_session_allocations(s), after_first);
  /* tiny_heat takes any size: a new shape plans again, then is steady as well. */
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 4, 64, 64, out, 4 * 16 * 16));
  const int64_t second = tvi_session_allocations(s);
  ck_assert_int_gt(second, after_first);
  for (int i = 0; i < 5; i++)
    tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 4, 64, 64, out, 4 * 16 * 16));
  ck_assert_int_eq(tvi_session_allocations(s), second);
  size_t planned, unshared;
  tvi_session_memory(s, &planned, &unshared);
  ck_assert_uint_gt(planned, 0);
  ck_assert_uint_lt(planned, unshared);
  tv_session_destroy(s);
  tv_model_free(m);

  m = load_rel(ctx, "models/testdata/tiny_cls.tvm");
  tvt_assert_ok(ctx, tv_session_create(ctx, m, &s));
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 1, 32, 32, out, 5));
  tvi_session_memory(s, &planned, &unshared);
  ck_assert_uint_lt(planned, unshared / 2);
  tv_session_destroy(s);
  tv_model_free(m);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Deterministic mode: bit-identical for 1, 2 and 3 threads and run to run. */
START_TEST(deterministic_any_thread_count) {
  const char *names[2] = {"models/testdata/tiny_cls.tvm", "models/testdata/tiny_heat.tvm"};
  const int32_t sizes[2][2] = {{32, 32}, {72, 96}};
  for (int k = 0; k < 2; k++) {
    tv_ctx *ctx = tvt_ctx();
    tv_model *m = load_rel(ctx, names[k]);
    const int32_t h = sizes[k][0], w = sizes[k][1];
    float *in = malloc(sizeof(float) * 3 * h * w);
    uint64_t seed = 99;
    for (int i = 0; i < 3 * h * w; i++) in[i] = (float)(tvt_rand(&seed) % 2001) / 1000.0f - 1.0f;
    float ref[3 * 18 * 24], got[3 * 18 * 24];
    size_t nout = 0;
    for (int threads = 1; threads <= 3; threads++)
      for (int rep = 0; rep < 2; rep++) {
        tv_session *s = NULL;
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 1));
        tvt_assert_ok(ctx, tv_session_create(ctx, m, &s));
        int64_t shape[4];
        tvt_assert_ok(ctx, tv_session_output_shape(ctx, s, 3, h, w, shape));
        nout = (size_t)(shape[0] * shape[1] * shape[2] * shape[3]);
        ck_assert_uint_le(nout, sizeof ref / sizeof ref[0]);
        tvt_assert_ok(ctx,
                      tv_session_run(ctx, s, in, 3, h, w, threads == 1 && !rep ? ref : got, nout));
        if (threads > 1 || rep)
          ck_assert_msg(memcmp(ref, got, nout * sizeof(float)) == 0, "%s: %d threads differ from 1",
                        names[k], threads);
        tv_session_destroy(s);
      }
    free(in);
    tv_model_free(m);
    tv_ctx_destroy(ctx);
  }
}
END_TEST

/* ---- hostile files ------------------------------------------------------------------------ */

/* Loads bytes; if they load, runs the model once at its declared size (or 8x8). Never crashes. */
static tv_status try_model(tv_ctx *ctx, const uint8_t *b, size_t size) {
  tv_model *m = NULL;
  tv_status st = tv_model_load_memory(ctx, b, size, &m);
  if (st != TV_OK) {
    ck_assert_ptr_null(m);
    ck_assert_msg(strncmp(tv_ctx_last_error(ctx), "tv_model_load_memory: ", 22) == 0,
                  "message \"%s\"", tv_ctx_last_error(ctx));
    return st;
  }
  int64_t h = 0, w = 0, c = 0;
  tv_model_get(ctx, m, TV_MODEL_INPUT_HEIGHT, &h);
  tv_model_get(ctx, m, TV_MODEL_INPUT_WIDTH, &w);
  tv_model_get(ctx, m, TV_MODEL_INPUT_CHANNELS, &c);
  if (h == 0) h = w = 8;
  tv_session *s = NULL;
  int64_t shape[4];
  if (h * w * c <= 1 << 16 && tv_session_create(ctx, m, &s) == TV_OK &&
      tv_session_output_shape(ctx, s, 1, (int32_t)h, (int32_t)w, shape) == TV_OK) {
    const int64_t nout = shape[0] * shape[1] * shape[2] * shape[3];
    float *in = calloc((size_t)(c * h * w), sizeof(float));
    float *out = malloc((size_t)nout * sizeof(float));
    if (in && out && nout < (1 << 22))
      tv_session_run(ctx, s, in, 1, (int32_t)h, (int32_t)w, out, (size_t)nout);
    free(in);
    free(out);
  }
  tv_session_destroy(s);
  tv_model_free(m);
  return TV_OK;
}

START_TEST(every_byte_flipped) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1));
  char *path = tvt_source_path("models/testdata/tiny_heat.tvm");
  size_t size;
  uint8_t *orig = tvt_read_file(path, &size);
  free(path);
  ck_assert_ptr_nonnull(orig);
  uint8_t *b = malloc(size);
  int loaded = 0, caught_by_crc = 0;
  for (size_t i = 0; i < size; i++) {
    memcpy(b, orig, size);
    b[i] ^= (uint8_t)(i % 3 == 0 ? 0xff : 1u << (i % 8));
    /* As damaged on disk: the checksum (or magic/version/size check) catches it. */
    tv_status st = try_model(ctx, b, size);
    ck_assert_msg(st != TV_OK, "flipping byte %zu went unnoticed", i);
    caught_by_crc += strstr(tv_ctx_last_error(ctx), "checksum") != NULL;
    /* As crafted by an attacker, with a valid checksum: must not crash. */
    tvb_fix_crc(b, size);
    loaded += try_model(ctx, b, size) == TV_OK;
  }
  printf("byte flips: %zu bytes, %d caught by the checksum, %d loaded with a fixed checksum\n",
         size, caught_by_crc, loaded);
  ck_assert_int_gt(caught_by_crc, (int)size / 2);
  free(b);
  free(orig);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(every_truncation) {
  tv_ctx *ctx = tvt_ctx();
  char *path = tvt_source_path("models/testdata/tiny_cls.tvm");
  size_t size;
  uint8_t *orig = tvt_read_file(path, &size);
  free(path);
  for (size_t n = 0; n < size; n++) {
    uint8_t *b = malloc(n ? n : 1); /* exact size, so ASan sees any overread */
    memcpy(b, orig, n);
    tv_status st = try_model(ctx, b, n);
    ck_assert_msg(st == TV_ERR_CORRUPT || st == TV_ERR_FORMAT, "truncated to %zu: %s", n,
                  tv_status_str(st));
    free(b);
  }
  free(orig);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- crafted bad models: each check has its status and message ---------------------------- */
static float w9[9 * 64], bias4[64];

/* A valid 1 -> 4 conv 3x3 model of 16x16 input giving a 4-class heatmap. */
static void base_model(tvb_model *m) {
  tvb_init(m, 1, 16, 16);
  m->kind = TV_MODEL_HEATMAP, m->stride = 1, m->nclasses = 4;
  m->classes[0] = "a", m->classes[1] = "b", m->classes[2] = "c", m->classes[3] = "d";
  const uint32_t in0 = 0;
  const int32_t ip[14] = {1, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, TVI_ACT_RELU};
  const uint32_t w = tvb_tensor(m, w9, 36), b = tvb_tensor(m, bias4, 4);
  tvb_op_add(m, TVI_OP_CONV, 1, &in0, ip, 14, 0, 0, w, b);
}

typedef void (*mutate_fn)(tvb_model *m);
static void mut_none(tvb_model *m) { (void)m; }
static void mut_kernel(tvb_model *m) { m->ops[0].ip[2] = 9; }
static void mut_stride(tvb_model *m) { m->ops[0].ip[4] = 0; }
static void mut_dilation(tvb_model *m) { m->ops[0].ip[11] = 99; }
static void mut_pad(tvb_model *m) { m->ops[0].ip[6] = 3; }
static void mut_groups(tvb_model *m) { m->ops[0].ip[12] = 3; }
static void mut_act(tvb_model *m) { m->ops[0].ip[13] = 42; }
static void mut_channels(tvb_model *m) { m->ops[0].ip[0] = 0; }
static void mut_wcount(tvb_model *m) { m->counts[0] = 35; }
static void mut_bcount(tvb_model *m) { m->counts[1] = 5; }
static void mut_noweight(tvb_model *m) { m->ops[0].weight = TVI_NO_TENSOR; }
static void mut_badtensor(tvb_model *m) { m->ops[0].weight = 7; }
static void mut_input_ref(tvb_model *m) { m->ops[0].inputs[0] = 1; }
static void mut_ninputs(tvb_model *m) { m->ops[0].ninputs = 9; }
static void mut_optype(tvb_model *m) { m->ops[0].type = 77; }
static void mut_unused(tvb_model *m) { m->ops[0].ip[14] = 1; }
static void mut_fp_nan(tvb_model *m) { m->ops[0].fp[0] = NAN; }
static void mut_output(tvb_model *m) { m->output = 5; }
static void mut_classes(tvb_model *m) { m->nclasses = 3; }
static void mut_kind(tvb_model *m) { m->kind = 9; }
static void mut_stride0(tvb_model *m) { m->stride = 0; }
static void mut_std(tvb_model *m) { m->std[2] = 0.0f; }
static void mut_inchannels(tvb_model *m) { m->channels = 2; }
static void mut_size(tvb_model *m) { m->height = 0; }
static void mut_scores(tvb_model *m) { m->kind = TV_MODEL_SCORES, m->stride = 0; }
static void mut_small(tvb_model *m) {
  m->height = 1, m->width = 1, m->ops[0].ip[6] = 0;
  m->ops[0].ip[8] = 0;
}
static void mut_noops(tvb_model *m) { m->nops = 0, m->output = 1; }
/* Format version 2 metadata entries. */
static void mut_v2_empty(tvb_model *m) { m->v2 = 1; }
static void mut_det(tvb_model *m) { tvb_detection(m, 0.3f, 0.6f); }
static void mut_det_order(tvb_model *m) { tvb_detection(m, 0.75f, 0.5f); }
static void mut_det_nan(tvb_model *m) { tvb_detection(m, NAN, 0.5f); }
static void mut_det_one(tvb_model *m) { tvb_detection(m, 0.5f, 1.5f); }
static void mut_det_size(tvb_model *m) { tvb_detection(m, 0.3f, 0.6f), m->entries[0].size = 4; }
static void mut_det_twice(tvb_model *m) {
  tvb_detection(m, 0.3f, 0.6f), tvb_detection(m, 0.3f, 0.6f);
}
static void mut_unknown_tag(tvb_model *m) {
  tvb_detection(m, 0.3f, 0.6f);
  m->entries[1].tag = 99, m->entries[1].size = 3, m->nentries = 2; /* skipped by this reader */
}

static const struct {
  mutate_fn fn;
  tv_status st;
  const char *msg;
} mutations[] = {
    {mut_none, TV_OK, ""},
    {mut_kernel, TV_ERR_CORRUPT, "op 0 (conv): kernel 9x3 outside 1..7"},
    {mut_stride, TV_ERR_CORRUPT, "op 0 (conv): stride 0x1 outside 1..16"},
    {mut_dilation, TV_ERR_CORRUPT, "op 0 (conv): dilation 1x99 outside 1..16"},
    {mut_pad, TV_ERR_CORRUPT, "op 0 (conv): padding 3 outside 0..dilation*(kernel-1)"},
    {mut_groups, TV_ERR_CORRUPT, "op 0 (conv): groups 3 do not divide channels 1 -> 4"},
    {mut_act, TV_ERR_UNSUPPORTED, "op 0 (conv): unknown activation 42"},
    {mut_channels, TV_ERR_CORRUPT, "op 0 (conv): channels 0 -> 4 outside 1..65536"},
    {mut_wcount, TV_ERR_CORRUPT, "op 0 (conv): weight tensor has 35 floats, want 36"},
    {mut_bcount, TV_ERR_CORRUPT, "op 0 (conv): bias tensor has 5 floats, want 4"},
    {mut_noweight, TV_ERR_CORRUPT, "op 0 (conv): no weight tensor"},
    {mut_badtensor, TV_ERR_CORRUPT, "op 0 (conv): tensor 7 of 2 does not exist"},
    {mut_input_ref, TV_ERR_CORRUPT, "op 0 (conv): input 0 refers to value 1, not an earlier one"},
    {mut_ninputs, TV_ERR_CORRUPT, "op 0 (conv): 9 inputs, at most 8"},
    {mut_optype, TV_ERR_UNSUPPORTED, "op 0: unknown operator type 77"},
    {mut_unused, TV_ERR_CORRUPT, "op 0 (conv): unused parameter 14 is 1, not 0"},
    {mut_fp_nan, TV_ERR_CORRUPT, "op 0 (conv): float parameter 0 is not finite"},
    {mut_output, TV_ERR_CORRUPT, "output value 5 outside 1..1"},
    {mut_classes, TV_ERR_CORRUPT, "output has 4 channels but 3 classes"},
    {mut_kind, TV_ERR_CORRUPT, "output kind 9 unknown"},
    {mut_stride0, TV_ERR_CORRUPT, "heatmap stride 0 invalid for this output kind"},
    {mut_std, TV_ERR_CORRUPT, "normalisation of channel 2 (mean 0, std 0) invalid"},
    {mut_inchannels, TV_ERR_CORRUPT, "op 0 (conv): input has 2 channels, want 1"},
    {mut_size, TV_ERR_CORRUPT, "input size 16x0 invalid"},
    {mut_scores, TV_ERR_CORRUPT, "a scores output is 16x16, not 1x1"},
    {mut_small, TV_ERR_CORRUPT, "op 0 (conv): input too small"},
    {mut_noops, TV_ERR_CORRUPT, "0 operators outside 1..4096"},
    {mut_v2_empty, TV_OK, ""},
    {mut_det, TV_OK, ""},
    {mut_unknown_tag, TV_OK, ""},
    {mut_det_order, TV_ERR_CORRUPT,
     "metadata entry 0: detection thresholds low 0.75, high 0.5 outside 0 <= low < 1"},
    {mut_det_nan, TV_ERR_CORRUPT, "metadata entry 0: detection thresholds low nan"},
    {mut_det_one, TV_ERR_CORRUPT, "metadata entry 0: detection thresholds low 0.5, high 1.5"},
    {mut_det_size, TV_ERR_CORRUPT, "metadata entry 0: detection thresholds need 8 bytes, not 4"},
    {mut_det_twice, TV_ERR_CORRUPT, "metadata entry 1: detection given twice"},
};

START_TEST(crafted_models) {
  tv_ctx *ctx = tvt_ctx();
  for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
    tvb_model m;
    base_model(&m);
    mutations[i].fn(&m);
    size_t size;
    uint8_t *b = tvb_bytes(&m, &size);
    tv_model *model = NULL;
    tvt_assert_status(ctx, tv_model_load_memory(ctx, b, size, &model), mutations[i].st);
    if (mutations[i].st != TV_OK) {
      ck_assert_ptr_null(model);
      tvt_assert_error_has(ctx, "tv_model_load_memory: ");
      tvt_assert_error_has(ctx, mutations[i].msg);
    }
    tv_model_free(model);
    free(b);
  }
  /* Header-level damage, checksum fixed each time. */
  tvb_model m;
  base_model(&m);
  size_t size;
  uint8_t *b = tvb_bytes(&m, &size);
  const struct {
    size_t at;
    uint8_t value;
    tv_status st;
    const char *msg;
  } pokes[] = {
      {8, 3, TV_ERR_UNSUPPORTED, "format version 3 is newer than 2"},
      {8, 0, TV_ERR_CORRUPT, "format version 0 is invalid"},
      {16, 1, TV_ERR_CORRUPT, "header says"},
      {24, 0, TV_ERR_CORRUPT, "metadata section (offset 0,"},
      {47, 0x80, TV_ERR_CORRUPT, "graph section (offset"},
      {72, 65, TV_ERR_CORRUPT, "data section offset"},
      {100, 1, TV_ERR_CORRUPT, "reserved header byte 100 is not 0"},
  };
  for (size_t i = 0; i < sizeof pokes / sizeof pokes[0]; i++) {
    uint8_t *c = malloc(size);
    memcpy(c, b, size);
    c[pokes[i].at] = pokes[i].value;
    tvb_fix_crc(c, size);
    tv_model *model = NULL;
    tvt_assert_status(ctx, tv_model_load_memory(ctx, c, size, &model), pokes[i].st);
    tvt_assert_error_has(ctx, pokes[i].msg);
    free(c);
  }
  b[size - 1] ^= 1; /* no fix: the checksum catches it */
  tv_model *model = NULL;
  tvt_assert_status(ctx, tv_model_load_memory(ctx, b, size, &model), TV_ERR_CORRUPT);
  tvt_assert_error_has(ctx, "checksum mismatch");
  free(b);
  /* Version 2 entry counts and sizes that do not fit the metadata section (checksum fixed). */
  base_model(&m);
  tvb_detection(&m, 0.3f, 0.6f);
  b = tvb_bytes(&m, &size);
  const size_t meta_end = 128 + (size_t)tvb_get64(b + 32);
  const struct {
    size_t at; /* from the end of the metadata */
    uint32_t value;
    const char *msg;
  } entry_pokes[] = {
      {20, 65, "65 metadata entries, more than 64"},   /* the count */
      {20, 2, "metadata entry 1 truncated"},           /* one entry more than there is */
      {12, 9, "metadata entry 0 truncated"},           /* entry size past the section */
      {12, 0xFFFFFFFFu, "metadata entry 0 truncated"}, /* no wrap-around */
  };
  for (size_t i = 0; i < sizeof entry_pokes / sizeof entry_pokes[0]; i++) {
    uint8_t *c = malloc(size);
    memcpy(c, b, size);
    tvb_put32(c + meta_end - entry_pokes[i].at, entry_pokes[i].value);
    tvb_fix_crc(c, size);
    tvt_assert_status(ctx, tv_model_load_memory(ctx, c, size, &model), TV_ERR_CORRUPT);
    tvt_assert_error_has(ctx, entry_pokes[i].msg);
    ck_assert_ptr_null(model);
    free(c);
  }
  /* The accessor: a version 2 model's thresholds; none in version 1 (or NULL). */
  tvt_assert_ok(ctx, tv_model_load_memory(ctx, b, size, &model));
  int64_t version = 0;
  tvt_assert_ok(ctx, tv_model_get(ctx, model, TV_MODEL_FORMAT_VERSION, &version));
  ck_assert_int_eq(version, 2);
  float lo = -1, hi = -1;
  ck_assert_int_eq(tv_model_detection_thresholds(model, &lo, &hi), 1);
  ck_assert_float_eq(lo, 0.3f);
  ck_assert_float_eq(hi, 0.6f);
  ck_assert_int_eq(tv_model_detection_thresholds(model, NULL, NULL), 1);
  tv_model_free(model);
  free(b);
  base_model(&m);
  b = tvb_bytes(&m, &size);
  tvt_assert_ok(ctx, tv_model_load_memory(ctx, b, size, &model));
  lo = hi = -1;
  ck_assert_int_eq(tv_model_detection_thresholds(model, &lo, &hi), 0);
  ck_assert_float_eq(lo, -1.0f); /* untouched */
  ck_assert_int_eq(tv_model_detection_thresholds(NULL, &lo, &hi), 0);
  tv_model_free(model);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("nn_model");
  TCase *tc = tcase_create("model");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, reference_classifier, 0, 2);
  tcase_add_loop_test(tc, reference_heatmap, 0, 2);
  tcase_add_test(tc, model_facts);
  tcase_add_test(tc, session_errors);
  tcase_add_test(tc, images_match_reference);
  tcase_add_test(tc, steady_state_allocates_nothing);
  tcase_add_test(tc, deterministic_any_thread_count);
  tcase_add_test(tc, crafted_models);
  tcase_add_test(tc, every_byte_flipped);
  tcase_add_test(tc, every_truncation);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(suite()); }
