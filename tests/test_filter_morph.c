/* Tests of the morph family: every SIMD variant against the scalar reference, and tv_morphology
 * against a brute-force definition for every operation, border, type, SIMD cap and thread count.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/morph/morph.h"
#include "filter/filter_internal.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_morph_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/morph/morph.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXW = 200 };
static const size_t esz[3] = {1, 2, 4};

static void fill_bytes(uint8_t *p, size_t n, int ti, uint64_t seed) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(tvt_rand(&seed) >> 56);
  if (ti == 2) /* finite floats */
    for (size_t i = 3; i < n; i += 4) p[i] &= 0xbf;
}

START_TEST(variants_match_scalar) {
  static const int ks[] = {1, 2, 3, 5, 8, 9, 16, 17, 31, 100, 300};
  int tested = 0;
  const size_t cap = (MAXW + 400) * 4 + 64;
  uint8_t *rows = malloc(6 * cap), *d1 = malloc(cap * 3 + GUARD), *d2 = malloc(cap * 3 + GUARD);
  ck_assert(rows && d1 && d2);
  const int quick = tvt_quick();
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("morph: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (quick && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    const tvi_morph_kernels *k = table[v].k, *ref = &tvi_morph_scalar;
    for (int ti = 0; ti < 3; ti++) {
      const size_t es = esz[ti];
      fill_bytes(rows, 6 * cap, ti, (uint64_t)ti + 7);
      for (size_t w = 0; w <= MAXW; w = quick ? tvt_quick_next(w) : w + (w < 70 ? 1 : 7))
        for (size_t off = 0; off < 3; off++) {
          const void *rp[5];
          for (int r = 0; r < 5; r++) rp[r] = rows + (size_t)r * cap + off * es;
          for (int op = 0; op < 2; op++) {
            for (int n = 1; n <= 5; n++) {
              memset(d1, 0xa5, cap + GUARD);
              memset(d2, 0xa5, cap + GUARD);
              ref->vred[ti][op](rp, n, d1 + off * es, w);
              k->vred[ti][op](rp, n, d2 + off * es, w);
              ck_assert_msg(memcmp(d1, d2, cap + GUARD) == 0, "%s vred t%d op%d n=%d w=%zu",
                            table[v].name, ti, op, n, w);
            }
            for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
              memset(d1, 0xa5, cap + GUARD);
              memset(d2, 0xa5, cap + GUARD);
              ref->hred[ti][op](rp[0], d1 + off * es, w, ks[ki], d1 + cap);
              k->hred[ti][op](rp[0], d2 + off * es, w, ks[ki], d2 + cap);
              ck_assert_msg(memcmp(d1, d2, (w + off) * es) == 0 &&
                                memcmp(d1 + (w + off) * es, d2 + (w + off) * es, GUARD) == 0,
                            "%s hred t%d op%d k=%d w=%zu", table[v].name, ti, op, ks[ki], w);
            }
          }
        }
    }
    tested++;
  }
  free(rows);
  free(d1);
  free(d2);
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

static double get(const tv_image *img, int64_t x, int64_t y) {
  const uint8_t *row = (const uint8_t *)img->data + y * img->stride;
  switch (img->type) {
  case TV_U8: return row[x];
  case TV_U16: return ((const uint16_t *)(const void *)row)[x];
  default: return ((const float *)(const void *)row)[x];
  }
}

static void put(tv_image *img, int64_t x, int64_t y, double v) {
  uint8_t *row = (uint8_t *)img->data + y * img->stride;
  switch (img->type) {
  case TV_U8: row[x] = (uint8_t)v; break;
  case TV_U16: ((uint16_t *)(void *)row)[x] = (uint16_t)v; break;
  default: ((float *)(void *)row)[x] = (float)v; break;
  }
}

/* Erosion (op 0) or dilation (op 1) as OpenCV defines it: the extreme of the bordered image over
 * the rectangle, taken row by row and then down the columns (exact for min and max). */
static void ref_pass(const tv_image *s, tv_image *d, int op, int kw, int kh, tv_border border,
                     double bv) {
  const double hi = s->type == TV_U8 ? 255 : s->type == TV_U16 ? 65535 : INFINITY;
  const double lo = s->type == TV_F32 ? -INFINITY : 0;
  double c = isnan(bv) ? (op == 0 ? hi : lo) : s->type == TV_F32 ? (float)bv : nearbyint(bv);
  if (c > hi) c = hi;
  if (c < lo) c = lo;
  const int64_t W = s->width, H = s->height;
  double *rowred = malloc((size_t)(W * H) * sizeof *rowred);
  ck_assert(rowred);
  for (int64_t y = 0; y < H; y++)
    for (int64_t x = 0; x < W; x++) {
      double m = op == 0 ? INFINITY : -INFINITY;
      for (int64_t i = 0; i < kw; i++) {
        const int64_t sx = tvi_border_index(x - kw / 2 + i, W, border);
        const double v = sx < 0 ? c : get(s, sx, y);
        m = op == 0 ? (v < m ? v : m) : (v > m ? v : m);
      }
      rowred[y * W + x] = m;
    }
  for (int64_t y = 0; y < H; y++)
    for (int64_t x = 0; x < W; x++) {
      double m = op == 0 ? INFINITY : -INFINITY;
      for (int64_t j = 0; j < kh; j++) {
        const int64_t sy = tvi_border_index(y - kh / 2 + j, H, border);
        const double v = sy < 0 ? c : rowred[sy * W + x];
        m = op == 0 ? (v < m ? v : m) : (v > m ? v : m);
      }
      put(d, x, y, m);
    }
  free(rowred);
}

static void ref_morph(tv_ctx *ctx, const tv_image *s, tv_image *d, tv_morph_op op, int kw, int kh,
                      tv_border border, double bv) {
  tv_image *t = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, s->width, s->height, 1, (tv_pixel_type)s->type, &t));
  switch (op) {
  case TV_MORPH_ERODE: ref_pass(s, d, 0, kw, kh, border, bv); break;
  case TV_MORPH_DILATE: ref_pass(s, d, 1, kw, kh, border, bv); break;
  case TV_MORPH_OPEN:
  case TV_MORPH_TOPHAT:
    ref_pass(s, t, 0, kw, kh, border, bv);
    ref_pass(t, d, 1, kw, kh, border, bv);
    break;
  default:
    ref_pass(s, t, 1, kw, kh, border, bv);
    ref_pass(t, d, 0, kw, kh, border, bv);
    break;
  }
  if (op == TV_MORPH_TOPHAT || op == TV_MORPH_BLACKHAT)
    for (int64_t y = 0; y < s->height; y++)
      for (int64_t x = 0; x < s->width; x++) {
        double v =
            op == TV_MORPH_TOPHAT ? get(s, x, y) - get(d, x, y) : get(d, x, y) - get(s, x, y);
        if (s->type == TV_F32)
          v = op == TV_MORPH_TOPHAT ? (double)((float)get(s, x, y) - (float)get(d, x, y))
                                    : (double)((float)get(d, x, y) - (float)get(s, x, y));
        else if (v < 0)
          v = 0;
        put(d, x, y, v);
      }
  tv_image_destroy(t);
}

/* Every operation, border and type on odd sizes (views, so strides are odd too), against the
 * brute force, at every SIMD cap and with 1, 2 and 3 threads. */
static void check_public(int type_index, int big) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};
  static const int small_k[][2] = {{1, 1}, {3, 3}, {5, 5}, {2, 4}, {7, 1}, {1, 9}, {4, 3}};
  static const int big_k[][2] = {{31, 31}, {40, 13}, {9, 60}, {200, 3}, {3, 200}, {4095, 7}};
  const int(*ks)[2] = big ? big_k : small_k;
  /* quick mode leaves out 4095x7 (its brute force is slow); 200x3 is wider than the image too */
  const int nk = big ? (tvt_quick() ? 5 : 6) : 7;
  static const tv_border borders[] = {TV_BORDER_REPLICATE, TV_BORDER_REFLECT101, TV_BORDER_CONSTANT,
                                      TV_BORDER_CONSTANT};
  const double bvals[] = {0, 0, NAN, 77.4};
  tv_ctx *ctx = tvt_ctx();
  const tv_pixel_type t = types[type_index];
  const int quick = tvt_quick();
  const int32_t W = big ? 47 : 61, H = big ? 71 : 37;
  tv_image *S = NULL, *s = NULL, *want = NULL, *got = NULL, *got2 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, W + 3, H + 2, 1, t, &S));
  tvt_fill_random(S, 11 + (uint64_t)type_index);
  if (t == TV_U8) /* some flat areas, so that open and close change something */
    for (int32_t y = 0; y < H; y += 3) memset(tvi_row(S, y), 128, (size_t)W / 2);
  tvt_assert_ok(ctx, tv_image_view(ctx, S, 1, 1, W, H, &s));
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &want));
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &got));
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &got2));
  for (int ki = 0; ki < nk; ki++)
    for (int b = 0; b < 4; b++)
      for (int op = TV_MORPH_ERODE; op <= TV_MORPH_BLACKHAT; op++) {
        if (big && op >= TV_MORPH_TOPHAT) continue;
        ref_morph(ctx, s, want, (tv_morph_op)op, ks[ki][0], ks[ki][1], borders[b], bvals[b]);
        for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          for (int thr = 1; thr <= 3; thr += quick ? 2 : 1) {
            tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, thr));
            tvt_assert_ok(ctx, tv_morphology(ctx, s, got, (tv_morph_op)op, ks[ki][0], ks[ki][1],
                                             borders[b], bvals[b]));
            ck_assert_msg(tvt_images_equal(got, want),
                          "type %d op %d k %dx%d border %d cap %d thr %d", t, op, ks[ki][0],
                          ks[ki][1], b, cap, thr);
          }
        }
        /* In place, on a copy. */
        tvt_assert_ok(ctx, tv_image_copy(ctx, s, got2));
        tvt_assert_ok(ctx, tv_morphology(ctx, got2, got2, (tv_morph_op)op, ks[ki][0], ks[ki][1],
                                         borders[b], bvals[b]));
        ck_assert_msg(tvt_images_equal(got2, want), "in place: type %d op %d k %dx%d border %d", t,
                      op, ks[ki][0], ks[ki][1], b);
      }
  tv_image_destroy(s);
  tv_image_destroy(S);
  tv_image_destroy(want);
  tv_image_destroy(got);
  tv_image_destroy(got2);
  tv_ctx_destroy(ctx);
}

START_TEST(public_small) { check_public(_i, 0); }
END_TEST
START_TEST(public_big) { check_public(_i, 1); }
END_TEST

/* Two-pass operations with short windows run fused per band (the first pass into a ring of kh
 * rows): tall images so that every worker takes several bands, at the window heights around the
 * fused / two-image switch, every border, in place too. _i: type index. */
START_TEST(public_fused_tall) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};
  static const int ks[][2] = {{3, 3}, {5, 5}, {2, 4}, {3, 6}, {4, 7}, {1, 2}, {9, 1}};
  static const tv_border borders[] = {TV_BORDER_REPLICATE, TV_BORDER_REFLECT101, TV_BORDER_CONSTANT,
                                      TV_BORDER_CONSTANT};
  const double bvals[] = {0, 0, NAN, 30.6};
  const tv_pixel_type t = types[_i];
  const int32_t W = 53, H = 301;
  tv_ctx *ctx = tvt_ctx();
  tv_image *s = NULL, *want = NULL, *got = NULL, *got2 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &s));
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &want));
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &got));
  tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &got2));
  tvt_fill_random(s, 23 + (uint64_t)_i);
  for (int ki = 0; ki < 7; ki++)
    for (int b = 0; b < 4; b++)
      for (int op = TV_MORPH_OPEN; op <= TV_MORPH_BLACKHAT; op++) {
        ref_morph(ctx, s, want, (tv_morph_op)op, ks[ki][0], ks[ki][1], borders[b], bvals[b]);
        for (int thr = 1; thr <= 3; thr += tvt_quick() ? 2 : 1) {
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, thr));
          tvt_assert_ok(ctx, tv_morphology(ctx, s, got, (tv_morph_op)op, ks[ki][0], ks[ki][1],
                                           borders[b], bvals[b]));
          ck_assert_msg(tvt_images_equal(got, want), "type %d op %d k %dx%d border %d thr %d", t,
                        op, ks[ki][0], ks[ki][1], b, thr);
          tvt_assert_ok(ctx, tv_image_copy(ctx, s, got2));
          tvt_assert_ok(ctx, tv_morphology(ctx, got2, got2, (tv_morph_op)op, ks[ki][0], ks[ki][1],
                                           borders[b], bvals[b]));
          ck_assert_msg(tvt_images_equal(got2, want),
                        "in place: type %d op %d k %dx%d border %d thr %d", t, op, ks[ki][0],
                        ks[ki][1], b, thr);
        }
      }
  tv_image_destroy(s);
  tv_image_destroy(want);
  tv_image_destroy(got);
  tv_image_destroy(got2);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Images smaller than the kernel, one pixel wide or high. */
START_TEST(public_tiny) {
  tv_ctx *ctx = tvt_ctx();
  static const int32_t sizes[][2] = {{1, 1}, {1, 7}, {9, 1}, {2, 3}};
  for (int si = 0; si < 4; si++)
    for (int b = 0; b < 3; b++) {
      tv_image *s = NULL, *want = NULL, *got = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, sizes[si][0], sizes[si][1], 1, TV_U8, &s));
      tvt_assert_ok(ctx, tv_image_create(ctx, sizes[si][0], sizes[si][1], 1, TV_U8, &want));
      tvt_assert_ok(ctx, tv_image_create(ctx, sizes[si][0], sizes[si][1], 1, TV_U8, &got));
      tvt_fill_random(s, 5);
      for (int op = 0; op <= 5; op++) {
        ref_morph(ctx, s, want, (tv_morph_op)op, 6, 11, (tv_border)b, NAN);
        tvt_assert_ok(ctx, tv_morphology(ctx, s, got, (tv_morph_op)op, 6, 11, (tv_border)b, NAN));
        ck_assert_msg(tvt_images_equal(got, want), "size %d op %d border %d", si, op, b);
      }
      tv_image_destroy(s);
      tv_image_destroy(want);
      tv_image_destroy(got);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL, *d = NULL, *v = NULL, *w = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &c));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &d));
  ck_assert_int_eq(tv_morphology(NULL, a, a, TV_MORPH_ERODE, 3, 3, TV_BORDER_REPLICATE, 0),
                   TV_ERR_NULL);
  tvt_assert_status(ctx, tv_morphology(ctx, NULL, a, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_morphology: src is NULL");
  tvt_assert_status(ctx, tv_morphology(ctx, a, NULL, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_morphology: dst is NULL");
  tvt_assert_status(ctx, tv_morphology(ctx, a, b, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_morphology: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_morphology(ctx, a, c, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_morphology: src pixel type");
  tvt_assert_status(ctx, tv_morphology(ctx, d, d, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_morphology: src has 3 channels; morphology takes 1");
  tv_image_destroy(c);
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S16, &c));
  tvt_assert_status(ctx, tv_morphology(ctx, c, c, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_morphology: src has pixel type s16");
  tvt_assert_status(ctx, tv_morphology(ctx, a, a, (tv_morph_op)6, 3, 3, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_morphology: unknown operation 6");
  tvt_assert_status(ctx, tv_morphology(ctx, a, a, (tv_morph_op)-1, 3, 3, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "unknown operation -1");
  tvt_assert_status(ctx, tv_morphology(ctx, a, a, TV_MORPH_ERODE, 0, 3, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_morphology: kernel 0x3 is outside 1..4095");
  tvt_assert_status(ctx, tv_morphology(ctx, a, a, TV_MORPH_ERODE, 3, 4096, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "kernel 3x4096 is outside 1..4095");
  tvt_assert_status(ctx, tv_morphology(ctx, a, a, TV_MORPH_ERODE, 3, 3, (tv_border)3, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_morphology: unknown border mode 3");
  tvt_assert_status(ctx,
                    tv_morphology(ctx, a, a, TV_MORPH_ERODE, 3, 3, TV_BORDER_CONSTANT, INFINITY),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_morphology: border value must be finite");
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &w));
  tvt_assert_status(ctx, tv_morphology(ctx, v, w, TV_MORPH_OPEN, 3, 3, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_morphology: dst overlaps src without being the same image");
  /* dst untouched on failure */
  memset(tvi_row(b, 0), 42, 10);
  tvt_assert_status(ctx, tv_morphology(ctx, a, b, TV_MORPH_ERODE, 3, 3, 0, 0), TV_ERR_SIZE);
  ck_assert_int_eq(((uint8_t *)b->data)[0], 42);
  tv_image_destroy(v);
  tv_image_destroy(w);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_image_destroy(d);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *morph_suite(void) {
  Suite *s = suite_create("filter_morph");
  TCase *tc = tcase_create("morph");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_loop_test(tc, public_small, 0, 3);
  tcase_add_loop_test(tc, public_big, 0, 3);
  tcase_add_loop_test(tc, public_fused_tall, 0, 3);
  tcase_add_test(tc, public_tiny);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(morph_suite()); }
