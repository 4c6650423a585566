/* Tests of tv_image: create, wrap, views, clone, copy, convert, RGB to grey, fill, bad input.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const tv_pixel_type types[5] = {TV_U8, TV_U16, TV_F32, TV_S16, TV_S32};
static const int32_t chans[3] = {1, 3, 4};

START_TEST(create_layout) {
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 5; t++)
    for (int c = 0; c < 3; c++)
      for (int32_t w = 1; w < 70; w += 13) {
        tv_image *img = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, w, 3, chans[c], types[t], &img));
        ck_assert_int_eq(img->width, w);
        ck_assert_int_eq(img->height, 3);
        ck_assert_int_eq(img->channels, chans[c]);
        ck_assert_int_eq(img->type, types[t]);
        ck_assert_int_eq(img->stride % 64, 0);
        ck_assert_int_eq((uintptr_t)img->data % 64, 0);
        ck_assert_int_ge(img->stride, (int64_t)w * chans[c] * tv_pixel_size(types[t]));
        for (int32_t y = 0; y < 3; y++) { /* zero-filled */
          const uint8_t *row = (const uint8_t *)img->data + y * img->stride;
          for (int64_t i = 0; i < img->stride; i++) ck_assert_int_eq(row[i], 0);
        }
        tv_image_destroy(img);
      }
  ck_assert_int_eq(tv_pixel_size(TV_U8), 1);
  ck_assert_int_eq(tv_pixel_size(TV_U16), 2);
  ck_assert_int_eq(tv_pixel_size(TV_F32), 4);
  ck_assert_int_eq(tv_pixel_size(TV_S16), 2);
  ck_assert_int_eq(tv_pixel_size(TV_S32), 4);
  ck_assert_int_eq(tv_pixel_size((tv_pixel_type)9), 0);
  tv_image_destroy(NULL);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(create_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = (tv_image *)(uintptr_t)1;
  tvt_assert_status(ctx, tv_image_create(ctx, 0, 5, 1, TV_U8, &img), TV_ERR_ARG);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_image_create: image size 0x5 is invalid");
  tvt_assert_status(ctx, tv_image_create(ctx, 5, -3, 1, TV_U8, &img), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_create(ctx, 5, 5, 2, TV_U8, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "2 channels (1, 3 or 4 expected)");
  tvt_assert_status(ctx, tv_image_create(ctx, 5, 5, 1, (tv_pixel_type)0, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "unknown pixel type 0");
  tvt_assert_status(ctx, tv_image_create(ctx, 5, 5, 1, TV_U8, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_image_create: out is NULL");
  /* Absurd sizes are refused by the pixel limit before anything is allocated. */
  tvt_assert_status(ctx, tv_image_create(ctx, INT32_MAX, INT32_MAX, 4, TV_F32, &img),
                    TV_ERR_TOO_LARGE);
  tvt_assert_error_has(ctx, "exceeds the context's limit of 268435456 pixels");
  ck_assert_ptr_null(img);
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_MAX_PIXELS, 100));
  tvt_assert_status(ctx, tv_image_create(ctx, 11, 10, 1, TV_U8, &img), TV_ERR_TOO_LARGE);
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &img));
  tv_image_destroy(img);
  /* A NULL context still gets a status (and no message). */
  ck_assert_int_eq(tv_image_create(NULL, 0, 0, 1, TV_U8, &img), TV_ERR_ARG);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(wrap_copies_nothing) {
  tv_ctx *ctx = tvt_ctx();
  uint16_t buf[7 * 10] = {0};
  for (int i = 0; i < 70; i++) buf[i] = (uint16_t)(i * 1000);
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_wrap(ctx, buf, 5, 7, 1, TV_U16, 20, &img));
  ck_assert_ptr_eq(img->data, buf);
  ck_assert_int_eq(img->stride, 20);
  ((uint16_t *)img->data)[11] = 4242;
  ck_assert_int_eq(buf[11], 4242);
  tv_image_destroy(img); /* does not free buf (stack memory: ASan would catch it) */
  buf[0] = 1;

  tvt_assert_status(ctx, tv_image_wrap(ctx, NULL, 5, 7, 1, TV_U16, 20, &img), TV_ERR_NULL);
  ck_assert_ptr_null(img);
  tvt_assert_error_has(ctx, "tv_image_wrap: data is NULL");
  tvt_assert_status(ctx, tv_image_wrap(ctx, buf, 5, 7, 1, TV_U16, 8, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "stride 8 is below its row size 10");
  tvt_assert_status(ctx, tv_image_wrap(ctx, buf, 5, 7, 1, TV_U16, 21, &img), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "not aligned");
  tvt_assert_status(ctx, tv_image_wrap(ctx, (uint8_t *)buf + 1, 5, 7, 1, TV_U16, 20, &img),
                    TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_wrap(ctx, buf, 5, 7, 3, TV_U16, 20, &img), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_wrap(ctx, buf, 5, 7, 1, TV_U16, 20, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_wrap(ctx, buf, 5, INT32_MAX, 1, TV_U16, (int64_t)1 << 60, &img),
                    TV_ERR_TOO_LARGE);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(views_share_and_outlive) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *img = NULL, *view = NULL, *inner = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 31, 17, 3, TV_U8, &img));
  tvt_fill_random(img, 1);
  tvt_assert_ok(ctx, tv_image_view(ctx, img, 5, 4, 20, 10, &view));
  ck_assert_int_eq(view->width, 20);
  ck_assert_int_eq(view->height, 10);
  ck_assert_int_eq(view->stride, img->stride);
  ck_assert_ptr_eq(view->data, (uint8_t *)img->data + 4 * img->stride + 5 * 3);
  tvt_assert_ok(ctx, tv_image_view(ctx, view, 1, 1, 3, 2, &inner));
  ((uint8_t *)inner->data)[0] = 77;
  ck_assert_int_eq(((uint8_t *)img->data)[5 * img->stride + 6 * 3], 77);
  tv_image_destroy(img); /* the views keep the pixels alive */
  tv_image_destroy(view);
  ck_assert_int_eq(((uint8_t *)inner->data)[0], 77);
  tv_image_destroy(inner);

  tvt_assert_ok(ctx, tv_image_create(ctx, 8, 8, 1, TV_U8, &img));
  tvt_assert_status(ctx, tv_image_view(ctx, img, 4, 4, 5, 1, &view), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "region (4, 4) 5x1 is not inside the 8x8 image");
  ck_assert_ptr_null(view);
  tvt_assert_status(ctx, tv_image_view(ctx, img, -1, 0, 2, 2, &view), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_view(ctx, img, 0, 0, 0, 2, &view), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_view(ctx, img, INT32_MAX, 0, INT32_MAX, 2, &view), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_view(ctx, NULL, 0, 0, 1, 1, &view), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_image_view: src is NULL");
  tvt_assert_status(ctx, tv_image_view(ctx, img, 0, 0, 1, 1, NULL), TV_ERR_NULL);
  tv_image_destroy(img);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(clone_and_copy) {
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 5; t++) {
    tv_image *a = NULL, *b = NULL, *c = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 37, 300, 3, types[t], &a));
    tvt_fill_random(a, 2 + (uint64_t)t);
    tvt_assert_ok(ctx, tv_image_clone(ctx, a, &b));
    ck_assert(tvt_images_equal(a, b));
    ck_assert_ptr_ne(a->data, b->data);
    tvt_assert_ok(ctx, tv_image_create(ctx, 37, 300, 3, types[t], &c));
    tvt_assert_ok(ctx, tv_image_copy(ctx, a, c));
    ck_assert(tvt_images_equal(a, c));
    tvt_assert_ok(ctx, tv_image_copy(ctx, a, a)); /* same image: nothing to do */
    tv_image_destroy(a);
    tv_image_destroy(b);
    tv_image_destroy(c);
  }
  tv_image *a = NULL, *b = NULL, *v = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 9, 1, TV_U8, &b));
  tvt_assert_status(ctx, tv_image_copy(ctx, a, b), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_image_copy: src is 10x10x1 but dst is 10x9x1");
  tv_image_destroy(b);
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &b));
  tvt_assert_status(ctx, tv_image_copy(ctx, a, b), TV_ERR_TYPE);
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tv_image *v2 = NULL;
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &v2));
  tvt_assert_status(ctx, tv_image_copy(ctx, v, v2), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "overlap");
  tvt_assert_status(ctx, tv_image_copy(ctx, NULL, b), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_image_clone(ctx, a, NULL), TV_ERR_NULL);
  tv_image_destroy(v);
  v = NULL;
  tv_image bad = *a;
  bad.data = NULL;
  tvt_assert_status(ctx, tv_image_clone(ctx, &bad, &v), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "src has no pixel data");
  ck_assert_ptr_null(v);
  tv_image_destroy(v2);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Scalar reference for conversion, written independently of the library's. */
static double tvt_ref_convert(double v, int type) {
  if (type == TV_F32) return (float)v;
  const double hi = type == TV_U8    ? 255.0
                    : type == TV_U16 ? 65535.0
                    : type == TV_S16 ? 32767.0
                                     : 2147483647.0;
  const double lo = type == TV_S16 ? -32768.0 : type == TV_S32 ? -2147483648.0 : 0.0;
  if (v != v) return 0.0;
  if (v <= lo) return lo;
  if (v >= hi) return hi;
  double r = floor(v + 0.5);
  if (r - v == 0.5 && fmod(r, 2.0) != 0.0) r -= 1.0; /* half to even */
  return r;
}

static double tvt_get(const tv_image *img, int32_t x, int32_t y, int c) {
  const uint8_t *row = (const uint8_t *)img->data + (int64_t)y * img->stride;
  const size_t i = (size_t)x * (size_t)img->channels + (size_t)c;
  if (img->type == TV_U8) return row[i];
  if (img->type == TV_U16) return ((const uint16_t *)(const void *)row)[i];
  if (img->type == TV_S16) return ((const int16_t *)(const void *)row)[i];
  if (img->type == TV_S32) return ((const int32_t *)(const void *)row)[i];
  return ((const float *)(const void *)row)[i];
}

START_TEST(convert_all_types) {
  tv_ctx *ctx = tvt_ctx();
  const double params[][2] = {{1.0, 0.0},    {0.5, 0.0},   {257.0, 0.0}, {1.0 / 257.0, 0.0},
                              {-1.0, 255.0}, {2.5, -3.25}, {0.0, 0.5},   {0.0, 1.5}};
  for (int st = 0; st < 5; st++)
    for (int dt = 0; dt < 5; dt++)
      for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
        tv_image *src = NULL, *dst = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, 23, 41, 3, types[st], &src));
        tvt_assert_ok(ctx, tv_image_create(ctx, 23, 41, 3, types[dt], &dst));
        tvt_fill_random(src, 10 + p);
        tvt_assert_ok(ctx, tv_image_convert(ctx, src, dst, params[p][0], params[p][1]));
        for (int32_t y = 0; y < 41; y++)
          for (int32_t x = 0; x < 23; x++)
            for (int c = 0; c < 3; c++) {
              const double want =
                  tvt_ref_convert(tvt_get(src, x, y, c) * params[p][0] + params[p][1], types[dt]);
              const double got = tvt_get(dst, x, y, c);
              ck_assert_msg(got == want, "%d->%d (%g,%g) at %d,%d: got %g want %g", types[st],
                            types[dt], params[p][0], params[p][1], x, y, got, want);
            }
        tv_image_destroy(src);
        tv_image_destroy(dst);
      }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(convert_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_F32, &b));
  tvt_assert_status(ctx, tv_image_convert(ctx, a, b, 1.0, 0.0), TV_ERR_SIZE);
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &c));
  tvt_assert_status(ctx, tv_image_convert(ctx, a, c, NAN, 0.0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_image_convert: scale and offset must be finite");
  tvt_assert_status(ctx, tv_image_convert(ctx, a, c, 1.0, INFINITY), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_image_convert(ctx, a, NULL, 1.0, 0.0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "dst is NULL");
  /* In place with the same type is allowed. */
  tv_image_fill(ctx, a, 100);
  tvt_assert_ok(ctx, tv_image_convert(ctx, a, a, 2.0, 1.0));
  ck_assert_int_eq(((uint8_t *)a->data)[0], 201);
  /* NaN samples convert to 0. */
  tv_image_fill(ctx, c, NAN);
  tvt_assert_ok(ctx, tv_image_convert(ctx, c, a, 1.0, 0.0));
  ck_assert_int_eq(((uint8_t *)a->data)[0], 0);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(grey_is_bt601_fixed_point) {
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 3; t++)
    for (int ci = 1; ci < 3; ci++) {
      tv_image *src = NULL, *dst = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 33, 29, chans[ci], types[t], &src));
      tvt_assert_ok(ctx, tv_image_create(ctx, 33, 29, 1, types[t], &dst));
      tvt_fill_random(src, 99);
      tvt_assert_ok(ctx, tv_image_to_grey(ctx, src, dst));
      for (int32_t y = 0; y < 29; y++)
        for (int32_t x = 0; x < 33; x++) {
          const double r = tvt_get(src, x, y, 0), g = tvt_get(src, x, y, 1),
                       b = tvt_get(src, x, y, 2);
          double want;
          if (types[t] == TV_F32)
            want = (float)((float)r * 0.299f + (float)g * 0.587f + (float)b * 0.114f);
          else
            want = (double)(((uint32_t)r * 9798u + (uint32_t)g * 19235u + (uint32_t)b * 3735u +
                             16384u) >>
                            15);
          ck_assert_msg(fabs(tvt_get(dst, x, y, 0) - want) <= (types[t] == TV_F32 ? 1e-3 : 0),
                        "type %d at %d,%d: got %g want %g", types[t], x, y, tvt_get(dst, x, y, 0),
                        want);
        }
      tv_image_destroy(src);
      tv_image_destroy(dst);
    }
  /* White stays white, black stays black. */
  tv_image *src = NULL, *dst = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 3, TV_U8, &src));
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 1, TV_U8, &dst));
  tv_image_fill(ctx, src, 255);
  tvt_assert_ok(ctx, tv_image_to_grey(ctx, src, dst));
  ck_assert_int_eq(((uint8_t *)dst->data)[0], 255);
  tvt_assert_status(ctx, tv_image_to_grey(ctx, src, src), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "dst has 3 channels (1 expected)");
  tv_image *d16 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4, 4, 1, TV_U16, &d16));
  tvt_assert_status(ctx, tv_image_to_grey(ctx, src, d16), TV_ERR_TYPE);
  tv_image_destroy(d16);
  tv_image_destroy(src);
  tv_image_destroy(dst);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(fill_saturates) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 5, 2, 1, TV_U16, &a));
  tvt_assert_ok(ctx, tv_image_fill(ctx, a, 70000.0));
  ck_assert_int_eq(((uint16_t *)a->data)[4], 65535);
  tvt_assert_ok(ctx, tv_image_fill(ctx, a, -5.0));
  ck_assert_int_eq(((uint16_t *)a->data)[4], 0);
  tvt_assert_ok(ctx, tv_image_fill(ctx, a, 2.5));
  ck_assert_int_eq(((uint16_t *)a->data)[4], 2);
  tv_image *s = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 3, 1, 1, TV_S16, &s));
  tvt_assert_ok(ctx, tv_image_fill(ctx, s, -40000.0));
  ck_assert_int_eq(((int16_t *)s->data)[2], -32768);
  tvt_assert_ok(ctx, tv_image_fill(ctx, s, -3.5));
  ck_assert_int_eq(((int16_t *)s->data)[2], -4);
  tv_image_destroy(s);
  tvt_assert_status(ctx, tv_image_fill(ctx, NULL, 1.0), TV_ERR_NULL);
  tv_image_destroy(a);
  tv_ctx_destroy(ctx);
}
END_TEST

/* The same results whatever the thread count (large enough images to be split). */
START_TEST(threads_do_not_change_results) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *src = NULL, *ref = NULL, *out = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 777, 3, TV_U16, &src));
  tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 777, 3, TV_U8, &ref));
  tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 777, 3, TV_U8, &out));
  tvt_fill_random(src, 5);
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1));
  tvt_assert_ok(ctx, tv_image_convert(ctx, src, ref, 1.0 / 257.0, 0.0));
  for (int th = 2; th <= 5; th++) {
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, th));
    tvt_assert_ok(ctx, tv_image_fill(ctx, out, 0));
    tvt_assert_ok(ctx, tv_image_convert(ctx, src, out, 1.0 / 257.0, 0.0));
    ck_assert(tvt_images_equal(ref, out));
  }
  tv_image_destroy(src);
  tv_image_destroy(ref);
  tv_image_destroy(out);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *image_suite(void) {
  Suite *s = suite_create("image");
  TCase *tc = tcase_create("image");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, create_layout);
  tcase_add_test(tc, create_bad_input);
  tcase_add_test(tc, wrap_copies_nothing);
  tcase_add_test(tc, views_share_and_outlive);
  tcase_add_test(tc, clone_and_copy);
  tcase_add_test(tc, convert_all_types);
  tcase_add_test(tc, convert_bad_input);
  tcase_add_test(tc, grey_is_bt601_fixed_point);
  tcase_add_test(tc, fill_saturates);
  tcase_add_test(tc, threads_do_not_change_results);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(image_suite()); }
