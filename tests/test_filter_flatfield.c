/* Tests of flat-field and shading correction: the flatfield kernels against the scalar reference,
 * tv_flatfield_* against a double-precision reference, tv_shading_correct on synthetic shading.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/flatfield/flatfield.h"
#include "filter/filter_internal.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_flatfield_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/flatfield/flatfield.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXN = 150 };
static const size_t esize[3] = {1, 2, 4};

START_TEST(variants_match_scalar) {
  const size_t cap = MAXN * 4 + 64;
  uint8_t *raw = malloc(cap), *dark = malloc(cap), *d1 = malloc(cap + GUARD),
          *d2 = malloc(cap + GUARD);
  float *gain = malloc(cap);
  ck_assert(raw && dark && d1 && d2 && gain);
  int tested = 0;
  const int quick = tvt_quick();
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("flatfield: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (quick && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    for (int rt = 0; rt < 3; rt++) {
      uint64_t seed = 99 + (uint64_t)rt;
      for (size_t i = 0; i < cap; i++) {
        raw[i] = (uint8_t)tvt_rand(&seed);
        dark[i] = (uint8_t)(tvt_rand(&seed) & 0x3f);
      }
      if (rt == 2)
        for (size_t i = 0; i < cap / 4; i++) {
          ((float *)(void *)raw)[i] = (float)(tvt_rand(&seed) % 70000) - 1000.0f;
          ((float *)(void *)dark)[i] = (float)(tvt_rand(&seed) % 100);
        }
      for (size_t i = 0; i < cap / 4; i++) /* 0 (dead) .. ~4, some large to saturate */
        gain[i] = i % 13 == 0 ? 0.0f : (float)(tvt_rand(&seed) % 4000) / 997.0f;
      if (rt == 2) ((float *)(void *)raw)[5] = NAN;
      for (int dt = 0; dt < 3; dt++)
        for (size_t n = 0; n <= MAXN; n = quick ? tvt_quick_next(n) : n + 1)
          for (size_t off = 0; off < 3; off++) {
            memset(d1, 0xa5, cap + GUARD);
            memset(d2, 0xa5, cap + GUARD);
            const size_t ro = off * esize[rt], doff = off * esize[dt];
            tvi_flatfield_scalar.apply[rt][dt](raw + ro, dark + ro, gain + off, d1 + doff, n);
            table[v].k->apply[rt][dt](raw + ro, dark + ro, gain + off, d2 + doff, n);
            if (dt == 2) {           /* NaN stays NaN in f32: compare as bits except NaN payloads */
              size_t bad = SIZE_MAX; /* the first mismatch */
              for (size_t i = 0; i < cap + GUARD && bad == SIZE_MAX; i += 4) {
                float x, y;
                memcpy(&x, d1 + i, 4);
                memcpy(&y, d2 + i, 4);
                if (!((isnan(x) && isnan(y)) || memcmp(d1 + i, d2 + i, 4) == 0)) bad = i;
              }
              ck_assert_msg(bad == SIZE_MAX, "%s raw %d dst %d n=%zu off=%zu: byte %zu differs",
                            table[v].name, rt, dt, n, off, bad);
            } else {
              ck_assert_msg(memcmp(d1, d2, cap + GUARD) == 0, "%s raw %d dst %d n=%zu off=%zu",
                            table[v].name, rt, dt, n, off);
            }
          }
    }
    tested++;
  }
  ck_assert_int_ge(tested, 1);
  free(raw);
  free(dark);
  free(d1);
  free(d2);
  free(gain);
}
END_TEST

static double get(const tv_image *img, int32_t x, int32_t y) {
  const uint8_t *row = (const uint8_t *)img->data + (int64_t)y * img->stride;
  switch (img->type) {
  case TV_U8: return row[x];
  case TV_U16: return ((const uint16_t *)(const void *)row)[x];
  default: return ((const float *)(const void *)row)[x];
  }
}
static void set(tv_image *img, int32_t x, int32_t y, double v) {
  uint8_t *row = (uint8_t *)img->data + (int64_t)y * img->stride;
  switch (img->type) {
  case TV_U8: row[x] = (uint8_t)v; break;
  case TV_U16: ((uint16_t *)(void *)row)[x] = (uint16_t)v; break;
  default: ((float *)(void *)row)[x] = (float)v; break;
  }
}

static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};

/* Against the double reference (raw - dark) * target / (white - dark): integer outputs equal the
 * f32 reference of flatfield.h exactly and are within 1 of the double value (0.5 plus the f32
 * rounding of gain and product, 2^-23 relative); f32 outputs within 4e-7 relative of
 * |raw - dark| * gain plus the rounding of the f32 subtraction (6e-8 * (|raw| + |dark|) * gain).
 * Dead pixels give 0. Identical at every SIMD cap and thread count; in place allowed. */
START_TEST(flatfield_public) {
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 3; t++) {
    const int32_t w = 131, h = 37;
    tv_image *dark = NULL, *white = NULL, *raw = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, types[t], &dark));
    tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, types[t], &white));
    tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, types[t], &raw));
    uint64_t seed = 5 + (uint64_t)t;
    const double top = types[t] == TV_U8 ? 255 : types[t] == TV_U16 ? 65535 : 5000;
    for (int32_t y = 0; y < h; y++)
      for (int32_t x = 0; x < w; x++) {
        const double dk = (double)(tvt_rand(&seed) % 20);
        double wh = dk + 0.4 * top + (double)(tvt_rand(&seed) % (uint64_t)(0.5 * top));
        if ((x * 7 + y) % 53 == 0) wh = dk - 1 < 0 ? 0 : dk - 1; /* dead */
        if ((x + y) % 61 == 0) wh = dk;                          /* dead */
        set(dark, x, y, dk);
        set(white, x, y, wh);
        set(raw, x, y, (double)(tvt_rand(&seed) % (uint64_t)top));
      }
    for (int tg = 0; tg < 2; tg++) {
      const double target = tg ? 0.7 * top : 0.0;
      tv_flatfield *ff = NULL;
      tvt_assert_ok(ctx, tv_flatfield_create(ctx, dark, white, target, &ff));
      double tmean = target;
      if (tmean <= 0) {
        double s = 0;
        for (int32_t y = 0; y < h; y++)
          for (int32_t x = 0; x < w; x++) s += get(white, x, y) - get(dark, x, y);
        tmean = s / ((double)w * h);
      }
      for (int dt = 0; dt < 3; dt++) {
        tv_image *ref = NULL, *d = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, types[dt], &ref));
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, types[dt], &d));
        tv_ctx_set(ctx, TV_CTX_THREADS, 1);
        tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR);
        tvt_assert_ok(ctx, tv_flatfield_apply(ctx, ff, raw, ref));
        const double dmax = types[dt] == TV_U8 ? 255 : 65535;
        int bx = -1, by = -1; /* the first mismatch */
        double bgot = 0, bwant = 0;
        const char *bwhat = "";
        for (int32_t y = 0; y < h; y++)
          for (int32_t x = 0; x < w; x++) {
            const double diff = get(white, x, y) - get(dark, x, y);
            const double g = diff > 0 ? tmean / diff : 0;
            const double exact = (get(raw, x, y) - get(dark, x, y)) * g;
            const double got = get(ref, x, y);
            const char *what = NULL;
            double want = exact;
            if (types[dt] == TV_F32) {
              const double tol =
                  4e-7 * fabs(exact) + 6e-8 * (fabs(get(raw, x, y)) + fabs(get(dark, x, y))) * g;
              if (!(fabs(got - exact) <= tol)) what = "f32 beyond the tolerance";
            } else {
              const float gf = (float)g;
              const float vf = ((float)get(raw, x, y) - (float)get(dark, x, y)) * gf;
              float wantf = vf > 0 ? vf : 0;
              wantf = nearbyintf(wantf < dmax ? wantf : (float)dmax);
              want = wantf;
              const double clamped = exact < 0 ? 0 : exact > dmax ? dmax : exact;
              if (got != want)
                what = "not the f32 reference";
              else if (!(fabs(got - clamped) <= 1.0))
                what = "more than 1 from the clamped exact value", want = clamped;
            }
            if (g == 0 && got != 0) what = "dead pixel not 0", want = 0;
            if (what && bx < 0) bx = x, by = y, bgot = got, bwant = want, bwhat = what;
          }
        ck_assert_msg(bx < 0, "type %d->%d at %d,%d: %.9g vs %.9g (%s)", types[t], types[dt], bx,
                      by, bgot, bwant, bwhat);
        for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          for (int thr = 1; thr <= 3; thr += tvt_quick() ? 2 : 1) {
            tv_ctx_set(ctx, TV_CTX_THREADS, thr);
            tvt_assert_ok(ctx, tv_image_fill(ctx, d, 1));
            tvt_assert_ok(ctx, tv_flatfield_apply(ctx, ff, raw, d));
            ck_assert_msg(tvt_images_equal(ref, d), "cap %d threads %d", cap, thr);
          }
        }
        if (dt == t) { /* in place */
          tv_image *copy = NULL;
          tvt_assert_ok(ctx, tv_image_clone(ctx, raw, &copy));
          tvt_assert_ok(ctx, tv_flatfield_apply(ctx, ff, copy, copy));
          ck_assert(tvt_images_equal(ref, copy));
          tv_image_destroy(copy);
        }
        tv_image_destroy(ref);
        tv_image_destroy(d);
      }
      tv_flatfield_destroy(ff);
    }
    tv_image_destroy(dark);
    tv_image_destroy(white);
    tv_image_destroy(raw);
  }
  tv_flatfield_destroy(NULL);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(flatfield_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL, *rgb = NULL, *s32 = NULL, *v = NULL;
  tv_flatfield *ff = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 9, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 1, TV_U16, &c));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 3, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 1, TV_S32, &s32));
  ck_assert_int_eq(tv_flatfield_create(NULL, a, a, 1, &ff), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_flatfield_create(ctx, a, a, 1, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_flatfield_create: out is NULL");
  tvt_assert_status(ctx, tv_flatfield_create(ctx, NULL, a, 1, &ff), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_flatfield_create: dark is NULL");
  ck_assert_ptr_null(ff);
  tvt_assert_status(ctx, tv_flatfield_create(ctx, a, b, 1, &ff), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_flatfield_create: dark is 16x8 but white 16x9");
  tvt_assert_status(ctx, tv_flatfield_create(ctx, a, c, 1, &ff), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "one pixel type");
  tvt_assert_status(ctx, tv_flatfield_create(ctx, rgb, rgb, 1, &ff), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "must have 1 channel");
  tvt_assert_status(ctx, tv_flatfield_create(ctx, s32, s32, 1, &ff), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "dark has pixel type s32");
  tvt_assert_status(ctx, tv_flatfield_create(ctx, a, a, NAN, &ff), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_flatfield_create: target nan is not finite");
  tvt_assert_status(ctx, tv_flatfield_create(ctx, a, a, 0, &ff), TV_ERR_ARG); /* white == dark */
  tvt_assert_error_has(ctx, "white is not brighter than dark on average");
  ck_assert_ptr_null(ff);
  tvt_assert_ok(ctx, tv_flatfield_create(ctx, a, a, 100, &ff)); /* all dead, but valid */
  ck_assert_int_eq(tv_flatfield_apply(NULL, ff, a, a), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, NULL, a, a), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_flatfield_apply: ff is NULL");
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, ff, NULL, a), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_flatfield_apply: raw is NULL");
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, ff, a, b), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "the calibration is 16x8");
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, ff, c, c), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "raw has pixel type 2 but the calibration 1");
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, ff, a, rgb), TV_ERR_TYPE);
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, ff, a, s32), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "dst has pixel type s32");
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 15, 8, &v));
  tv_image shifted = *a; /* a 16x8 description starting one byte into a */
  shifted.data = (uint8_t *)a->data + 1;
  tvt_assert_status(ctx, tv_flatfield_apply(ctx, ff, a, &shifted), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_flatfield_apply: dst overlaps raw");
  tv_flatfield_destroy(ff);
  tv_image_destroy(v);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_image_destroy(rgb);
  tv_image_destroy(s32);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Synthetic: dst must be flat where src = texture * shading. Texture: 1 +- 5 % noise; the residual
 * shading (mean of dst over columns / rows / blocks divided by the target) must stay within the
 * stated tolerance: 1 % for the profiles, 3 % for the Gaussian (20 % shading amplitude). */
static void shading_case(tv_ctx *ctx, tv_shading_method m, tv_pixel_type st, tv_pixel_type dtp) {
  const int32_t w = 240, h = 160;
  tv_image *src = NULL, *dst = NULL, *d2 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, st, &src));
  tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, dtp, &dst));
  tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, dtp, &d2));
  uint64_t seed = 42;
  const double base = st == TV_U8 ? 150 : 20000;
  for (int32_t y = 0; y < h; y++)
    for (int32_t x = 0; x < w; x++) {
      const double tex = 1.0 + 0.05 * ((double)(tvt_rand(&seed) % 2001) / 1000.0 - 1.0);
      double sh;
      if (m == TV_SHADING_COLUMN_PROFILE)
        sh = 0.6 + 0.4 * sin(3.14159265 * (x + 0.5) / w);
      else if (m == TV_SHADING_ROW_PROFILE)
        sh = 0.7 + 0.3 * cos(3.14159265 * y / h);
      else
        sh = (0.9 + 0.1 * cos(6.2831853 * x / w)) * (0.9 + 0.1 * sin(3.14159265 * y / h));
      set(src, x, y, floor(base * tex * sh + 0.5));
    }
  const double target = dtp == TV_U8 ? 128 : 1000;
  const double param = m == TV_SHADING_GAUSSIAN ? 12.0 : 0.0;
  tvt_assert_ok(ctx, tv_shading_correct(ctx, src, dst, m, param, target));
  if (m == TV_SHADING_GAUSSIAN) {
    for (int32_t by = 0; by < h; by += 20)
      for (int32_t bx = 0; bx < w; bx += 20) {
        double s = 0;
        for (int32_t y = by; y < by + 20; y++)
          for (int32_t x = bx; x < bx + 20; x++) s += get(dst, x, y);
        const double r = s / 400.0 / target;
        ck_assert_msg(fabs(r - 1.0) < 0.03, "gaussian block %d,%d: %g", bx, by, r);
      }
  } else {
    const int col = m == TV_SHADING_COLUMN_PROFILE;
    for (int32_t i = 0; i < (col ? w : h); i++) {
      double s = 0;
      for (int32_t k = 0; k < (col ? h : w); k++) s += col ? get(dst, i, k) : get(dst, k, i);
      const double r = s / (col ? h : w) / target;
      ck_assert_msg(fabs(r - 1.0) < 0.01, "profile %d at %d: %g", (int)m, i, r);
    }
  }
  /* target_mean <= 0 keeps the source mean (within the same tolerance). */
  tvt_assert_ok(ctx, tv_shading_correct(ctx, src, d2, m, param, 0));
  double s1 = 0, s2 = 0;
  for (int32_t y = 0; y < h; y++)
    for (int32_t x = 0; x < w; x++) s1 += get(src, x, y), s2 += get(d2, x, y);
  if (dtp != TV_U8 || st == TV_U8)
    ck_assert_msg(fabs(s2 / s1 - 1.0) < 0.03, "mean kept: %g", s2 / s1);
  /* identical for any thread count */
  for (int thr = 1; thr <= 3; thr++) {
    tv_ctx_set(ctx, TV_CTX_THREADS, thr);
    tv_image *d3 = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, dtp, &d3));
    tvt_assert_ok(ctx, tv_shading_correct(ctx, src, d3, m, param, target));
    ck_assert(tvt_images_equal(d3, dst));
    tv_image_destroy(d3);
  }
  tv_image_destroy(src);
  tv_image_destroy(dst);
  tv_image_destroy(d2);
}

START_TEST(shading_synthetic) {
  tv_ctx *ctx = tvt_ctx();
  for (int m = 0; m < 3; m++)
    for (int s = 0; s < 3; s++)
      for (int d = 0; d < 3; d++) shading_case(ctx, (tv_shading_method)m, types[s], types[d]);
  /* A zero background gives 0, not a division by zero. */
  tv_image *z = NULL, *o = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 10, 1, TV_F32, &z));
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 10, 1, TV_F32, &o));
  for (int m = 0; m < 3; m++) {
    tvt_assert_ok(ctx, tv_shading_correct(ctx, z, o, (tv_shading_method)m, 3.0, 100));
    for (int32_t y = 0; y < 10; y++)
      for (int32_t x = 0; x < 20; x++) ck_assert(get(o, x, y) == 0);
  }
  tv_image_destroy(z);
  tv_image_destroy(o);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(shading_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *rgb = NULL, *s32 = NULL, *v = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 9, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 3, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 1, TV_S32, &s32));
  ck_assert_int_eq(tv_shading_correct(NULL, a, a, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_shading_correct(ctx, NULL, a, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_shading_correct: src is NULL");
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, b, 0, 0, 0), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_shading_correct: src is 16x8x1 but dst is 16x9x1");
  tvt_assert_status(ctx, tv_shading_correct(ctx, rgb, rgb, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "src has 3 channels");
  tvt_assert_status(ctx, tv_shading_correct(ctx, s32, a, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "src has pixel type s32");
  tvt_assert_ok(ctx, tv_image_create(ctx, 16, 8, 1, TV_U16, &v));
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, v, (tv_shading_method)7, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_shading_correct: unknown method 7");
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, v, TV_SHADING_GAUSSIAN, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "param 0 is out of range (sigma > 0)");
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, v, TV_SHADING_ROW_PROFILE, -1, 0), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, v, TV_SHADING_ROW_PROFILE, NAN, 0), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, v, TV_SHADING_ROW_PROFILE, 0, INFINITY),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "target_mean inf is not finite");
  tvt_assert_status(ctx, tv_shading_correct(ctx, a, a, TV_SHADING_ROW_PROFILE, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_shading_correct: dst overlaps src");
  tv_image_destroy(v);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(rgb);
  tv_image_destroy(s32);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *flatfield_suite(void) {
  Suite *s = suite_create("filter_flatfield");
  TCase *tc = tcase_create("flatfield");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, flatfield_public);
  tcase_add_test(tc, flatfield_bad_input);
  tcase_add_test(tc, shading_synthetic);
  tcase_add_test(tc, shading_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(flatfield_suite()); }
