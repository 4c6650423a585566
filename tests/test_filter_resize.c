/* Tests of the resize family: every SIMD variant against the scalar reference, tv_resize_area and
 * tv_resize_bilinear against independent references, at every SIMD cap and thread count.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/resize/resize.h"
#include "filter/filter_internal.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_resize_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/resize/resize.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXN = 200 };

static void fill_bytes(uint8_t *p, size_t n, uint64_t seed, size_t es) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)tvt_rand(&seed);
  if (es == 4) /* finite floats of moderate size */
    for (size_t i = 0; i + 4 <= n; i += 4) {
      const float f = (float)((int32_t)(tvt_rand(&seed) >> 40) % 100000) / 7.0f;
      memcpy(p + i, &f, 4);
    }
}

/* Every area2 kernel of variant v against the scalar one: lengths 0..MAXN, 1/3/4 channels,
 * misaligned by whole samples, guard bytes after the output. */
static void check_area2(int v, int type) {
  const size_t es = type == 0 ? 1 : type == 1 ? 2 : 4;
  const size_t cap = (2 * MAXN + 8) * es + 64;
  uint8_t *a = malloc(cap), *b = malloc(cap), *d1 = malloc(cap + GUARD), *d2 = malloc(cap + GUARD);
  ck_assert(a && b && d1 && d2);
  fill_bytes(a, cap, 1, es);
  fill_bytes(b, cap, 2, es);
  const int quick = tvt_quick();
  for (int cn = 1; cn <= 4; cn++) {
    if (cn == 2) continue;
    for (size_t n = 0; n <= MAXN; n += (size_t)cn * (quick && n >= 40 ? 5 : 1))
      for (size_t off = 0; off < 3; off++) {
        const size_t o = off * es;
        memset(d1, 0xa5, cap + GUARD);
        memset(d2, 0xa5, cap + GUARD);
        if (type == 0) {
          tvi_resize_scalar.area2_u8(a + o, b + o, d1 + o, n, cn);
          table[v].k->area2_u8(a + o, b + o, d2 + o, n, cn);
        } else if (type == 1) {
          tvi_resize_scalar.area2_u16((void *)(a + o), (void *)(b + o), (void *)(d1 + o), n, cn);
          table[v].k->area2_u16((void *)(a + o), (void *)(b + o), (void *)(d2 + o), n, cn);
        } else {
          tvi_resize_scalar.area2_f32((void *)(a + o), (void *)(b + o), (void *)(d1 + o), n, cn);
          table[v].k->area2_f32((void *)(a + o), (void *)(b + o), (void *)(d2 + o), n, cn);
        }
        ck_assert_msg(memcmp(d1, d2, cap + GUARD) == 0, "%s area2 type %d differs at n=%zu cn=%d",
                      table[v].name, type, n, cn);
      }
  }
  free(a);
  free(b);
  free(d1);
  free(d2);
}

static void check_vlin(int v) {
  const size_t cap = MAXN * 4 + 64;
  uint8_t *a = malloc(cap), *b = malloc(cap), *d1 = malloc(cap + GUARD), *d2 = malloc(cap + GUARD);
  ck_assert(a && b && d1 && d2);
  uint64_t seed = 7;
  int16_t *ha = (int16_t *)(void *)a, *hb = (int16_t *)(void *)b;
  for (size_t i = 0; i < cap / 2; i++) { /* horizontal sums >> 4: 0 .. 32640 */
    ha[i] = (int16_t)(tvt_rand(&seed) % 32641);
    hb[i] = (int16_t)(tvt_rand(&seed) % 32641);
  }
  const int quick = tvt_quick();
  for (int t = 0; t < 3; t++) {
    const int16_t ib0 = (int16_t)(t == 0 ? 2048 : t == 1 ? 1023 : 17), ib1 = (int16_t)(2048 - ib0);
    for (size_t n = 0; n <= MAXN; n = quick ? tvt_quick_next(n) : n + 1)
      for (size_t off = 0; off < 3; off++) {
        memset(d1, 0xa5, cap + GUARD);
        memset(d2, 0xa5, cap + GUARD);
        tvi_resize_scalar.vlin_u8(ha + off, hb + off, ib0, ib1, d1 + off, n);
        table[v].k->vlin_u8(ha + off, hb + off, ib0, ib1, d2 + off, n);
        ck_assert_msg(memcmp(d1, d2, cap + GUARD) == 0, "%s vlin_u8 n=%zu", table[v].name, n);
      }
  }
  fill_bytes(a, cap, 3, 4);
  fill_bytes(b, cap, 4, 4);
  float *fa = (float *)(void *)a, *fb = (float *)(void *)b;
  for (size_t i = 0; i < cap / 4; i++) { /* u16 rows: 0 .. 65535, some beyond to saturate */
    fa[i] = fabsf(fa[i]) * 5.0f;
    if (i % 9 == 0) fb[i] = -fb[i];
  }
  const float fb0 = 0.3125f, fb1 = 0.6875f;
  for (size_t n = 0; n <= MAXN / 2; n = quick ? tvt_quick_next(n) : n + 1)
    for (size_t off = 0; off < 3; off++) {
      memset(d1, 0xa5, cap + GUARD);
      memset(d2, 0xa5, cap + GUARD);
      tvi_resize_scalar.vlin_u16(fa + off, fb + off, fb0, fb1, (void *)(d1 + 2 * off), n);
      table[v].k->vlin_u16(fa + off, fb + off, fb0, fb1, (void *)(d2 + 2 * off), n);
      ck_assert_msg(memcmp(d1, d2, cap + GUARD) == 0, "%s vlin_u16 n=%zu", table[v].name, n);
      memset(d1, 0xa5, cap + GUARD);
      memset(d2, 0xa5, cap + GUARD);
      tvi_resize_scalar.vlin_f32(fa + off, fb + off, fb0, fb1, (void *)(d1 + 4 * off), n);
      table[v].k->vlin_f32(fa + off, fb + off, fb0, fb1, (void *)(d2 + 4 * off), n);
      ck_assert_msg(memcmp(d1, d2, cap + GUARD) == 0, "%s vlin_f32 n=%zu", table[v].name, n);
    }
  free(a);
  free(b);
  free(d1);
  free(d2);
}

/* The horizontal pass: random non-decreasing taps up to the last pixel of a source row allocated
 * to its exact size (so ASan sees any read past it), channels 1, 3, 4, every length. */
static void check_hlin(int v) {
  uint64_t seed = 11;
  const int quick = tvt_quick();
  for (int cn = 1; cn <= 4; cn++) {
    if (cn == 2) continue;
    for (size_t n = 0; n <= MAXN; n += (n < 40 ? 1 : quick ? 13 : 7)) {
      const size_t sw = 2 + (size_t)(tvt_rand(&seed) % (2 * MAXN)), lim = sw * (size_t)cn;
      uint8_t *s8 = malloc(lim), *d1 = malloc(4 * n + GUARD), *d2 = malloc(4 * n + GUARD);
      uint16_t *s16 = malloc(lim * 2);
      float *sf = malloc(lim * 4), *fa = malloc(2 * n * sizeof *fa + 4);
      int32_t *xo = malloc(n * sizeof *xo + 4);
      int16_t *ia = malloc(2 * n * sizeof *ia + 4);
      ck_assert(s8 && d1 && d2 && s16 && sf && fa && xo && ia);
      for (size_t i = 0; i < lim; i++) {
        s8[i] = (uint8_t)tvt_rand(&seed);
        s16[i] = (uint16_t)tvt_rand(&seed);
        sf[i] = (float)((int32_t)(tvt_rand(&seed) >> 40) % 100000) / 7.0f;
      }
      /* Pixels rise from a random start to the last one that has a right neighbour. */
      size_t px = (size_t)(tvt_rand(&seed) % (sw - 1));
      for (size_t i = 0; i < n; i++) {
        const int c = (int)(i % (size_t)cn);
        if (c == 0 && i > 0 && px + 2 < sw) px += (size_t)(tvt_rand(&seed) % 3);
        if (px + 2 > sw) px = sw - 2;
        if (i + (size_t)cn >= n && c == 0) px = sw - 2; /* the last pixel reaches the end */
        xo[i] = (int32_t)(px * (size_t)cn) + c;
        const int32_t w = (int32_t)(tvt_rand(&seed) % 2049);
        ia[2 * i] = (int16_t)(2048 - w);
        ia[2 * i + 1] = (int16_t)w;
        fa[2 * i] = (float)(2048 - w) / 2048.0f;
        fa[2 * i + 1] = (float)w / 2048.0f;
      }
      memset(d1, 0xa5, 4 * n + GUARD);
      memset(d2, 0xa5, 4 * n + GUARD);
      tvi_resize_scalar.hlin_u8(s8, xo, ia, (int16_t *)(void *)d1, n, cn, lim);
      table[v].k->hlin_u8(s8, xo, ia, (int16_t *)(void *)d2, n, cn, lim);
      ck_assert_msg(memcmp(d1, d2, 4 * n + GUARD) == 0, "%s hlin_u8 n=%zu cn=%d", table[v].name, n,
                    cn);
      memset(d1, 0xa5, 4 * n + GUARD);
      memset(d2, 0xa5, 4 * n + GUARD);
      tvi_resize_scalar.hlin_u16(s16, xo, fa, (float *)(void *)d1, n, cn, lim);
      table[v].k->hlin_u16(s16, xo, fa, (float *)(void *)d2, n, cn, lim);
      ck_assert_msg(memcmp(d1, d2, 4 * n + GUARD) == 0, "%s hlin_u16 n=%zu cn=%d", table[v].name, n,
                    cn);
      memset(d1, 0xa5, 4 * n + GUARD);
      memset(d2, 0xa5, 4 * n + GUARD);
      tvi_resize_scalar.hlin_f32(sf, xo, fa, (float *)(void *)d1, n, cn, lim);
      table[v].k->hlin_f32(sf, xo, fa, (float *)(void *)d2, n, cn, lim);
      ck_assert_msg(memcmp(d1, d2, 4 * n + GUARD) == 0, "%s hlin_f32 n=%zu cn=%d", table[v].name, n,
                    cn);
      free(s8);
      free(d1);
      free(d2);
      free(s16);
      free(sf);
      free(fa);
      free(xo);
      free(ia);
    }
  }
}

START_TEST(variants_match_scalar) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("resize: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (tvt_quick() && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    for (int t = 0; t < 3; t++) check_area2(v, t);
    check_vlin(v);
    check_hlin(v);
    tested++;
  }
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

static double get(const tv_image *img, int32_t x, int32_t y, int c) {
  const uint8_t *row = (const uint8_t *)img->data + (int64_t)y * img->stride;
  const size_t i = (size_t)x * (size_t)img->channels + (size_t)c;
  switch (img->type) {
  case TV_U8: return row[i];
  case TV_U16: return ((const uint16_t *)(const void *)row)[i];
  default: return ((const float *)(const void *)row)[i];
  }
}

/* The area mean by definition: 2x2 integer (s + 2) >> 2; other integer factors
 * rint((float)sum * (1.f / area)); f32 within 1e-5 relative of the double mean. */
static void check_area_ref(const tv_image *s, const tv_image *d, int fx, int fy) {
  int bx = -1, by = -1, bc = -1; /* the first mismatch */
  double bgot = 0, bwant = 0;
  for (int32_t y = 0; y < d->height; y++)
    for (int32_t x = 0; x < d->width; x++)
      for (int c = 0; c < s->channels; c++) {
        double sum = 0;
        for (int j = 0; j < fy; j++)
          for (int i = 0; i < fx; i++) sum += get(s, x * fx + i, y * fy + j, c);
        const double got = get(d, x, y, c);
        double want;
        int ok;
        if (s->type == TV_F32) {
          want = sum / (fx * fy);
          ok = fabs(got - want) <= 1e-5 * (fabs(want) + 1000.0);
        } else {
          if (fx == 2 && fy == 2)
            want = (double)(((int64_t)sum + 2) >> 2);
          else
            want = nearbyintf((float)sum * (1.0f / (float)(fx * fy)));
          ok = got == want;
        }
        if (!ok && bx < 0) bx = x, by = y, bc = c, bgot = got, bwant = want;
      }
  ck_assert_msg(bx < 0, "type %d f %d,%d at %d,%d,%d: %g != %g", s->type, fx, fy, bx, by, bc, bgot,
                bwant);
}

static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};

/* tv_resize_area at every SIMD cap and 1..3 threads on views with odd sizes and strides. */
START_TEST(area_public) {
  static const int factors[][2] = {{2, 2}, {1, 1}, {3, 3}, {2, 3}, {4, 1}, {5, 4}};
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 3; t++)
    for (int cn = 1; cn <= 4; cn++) {
      if (cn == 2) continue;
      tv_image *S = NULL, *s = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 141, 77, cn, types[t], &S));
      tvt_fill_random(S, (uint64_t)(t * 10 + cn));
      tvt_assert_ok(ctx, tv_image_view(ctx, S, 3, 2, 133, 73, &s));
      for (size_t f = 0; f < sizeof factors / sizeof factors[0]; f++) {
        const int fx = factors[f][0], fy = factors[f][1];
        tv_image *ref = NULL, *d = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, 133 / fx, 73 / fy, cn, types[t], &ref));
        tvt_assert_ok(ctx, tv_image_create(ctx, 133 / fx, 73 / fy, cn, types[t], &d));
        tv_ctx_set(ctx, TV_CTX_THREADS, 1);
        tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR);
        tvt_assert_ok(ctx, tv_resize_area(ctx, s, ref, fx, fy));
        check_area_ref(s, ref, fx, fy);
        for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          for (int thr = 1; thr <= 3; thr += tvt_quick() ? 2 : 1) {
            tv_ctx_set(ctx, TV_CTX_THREADS, thr);
            tvt_assert_ok(ctx, tv_image_fill(ctx, d, 7));
            tvt_assert_ok(ctx, tv_resize_area(ctx, s, d, fx, fy));
            ck_assert_msg(tvt_images_equal(ref, d), "type %d cn %d f %d,%d cap %d threads %d",
                          types[t], cn, fx, fy, cap, thr);
          }
        }
        tv_image_destroy(ref);
        tv_image_destroy(d);
      }
      tv_image_destroy(s);
      tv_image_destroy(S);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Bilinear against a double-precision reference with OpenCV's geometry: u8 within 1 (11-bit
 * weights), u16 within 1, f32 within 1e-4 relative; identical at every cap and thread count. */
START_TEST(bilinear_public) {
  static const int sizes[][2] = {{97, 41}, {50, 31}, {200, 90}, {64, 37}, {1, 5}, {133, 1}};
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 3; t++)
    for (int cn = 1; cn <= 4; cn++) {
      if (cn == 2) continue;
      tv_image *S = NULL, *s = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 103, 63, cn, types[t], &S));
      tvt_fill_random(S, (uint64_t)(t * 10 + cn + 100));
      tvt_assert_ok(ctx, tv_image_view(ctx, S, 1, 1, 101, 61, &s));
      for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        const int dw = sizes[z][0], dh = sizes[z][1];
        tv_image *ref = NULL, *d = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, dw, dh, cn, types[t], &ref));
        tvt_assert_ok(ctx, tv_image_create(ctx, dw, dh, cn, types[t], &d));
        tv_ctx_set(ctx, TV_CTX_THREADS, 1);
        tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR);
        tvt_assert_ok(ctx, tv_resize_bilinear(ctx, s, ref));
        const int area2 = dw * 2 == 101 && dh * 2 == 61; /* never here: odd source */
        ck_assert(!area2);
        int bx = -1, by = -1; /* the first mismatch */
        double bgot = 0, bwant = 0;
        for (int32_t y = 0; y < dh; y++) {
          double fy = (y + 0.5) * 61.0 / dh - 0.5;
          int y0 = (int)floor(fy);
          double wy = fy - y0;
          if (y0 < 0) y0 = 0, wy = 0;
          if (y0 >= 60) y0 = 60, wy = 0;
          for (int32_t x = 0; x < dw; x++) {
            double fx = (x + 0.5) * 101.0 / dw - 0.5;
            int x0 = (int)floor(fx);
            double wx = fx - x0;
            if (x0 < 0) x0 = 0, wx = 0;
            if (x0 >= 100) x0 = 100, wx = 0;
            for (int c = 0; c < cn; c++) {
              const int x1 = x0 + (wx > 0), y1 = y0 + (wy > 0);
              const double want =
                  (1 - wy) * ((1 - wx) * get(s, x0, y0, c) + wx * get(s, x1, y0, c)) +
                  wy * ((1 - wx) * get(s, x0, y1, c) + wx * get(s, x1, y1, c));
              const double got = get(ref, x, y, c);
              const double tol = types[t] == TV_F32 ? 1e-4 * (fabs(want) + 1000.0) : 1.0;
              if (!(fabs(got - want) <= tol) && bx < 0) bx = x, by = y, bgot = got, bwant = want;
            }
          }
        }
        ck_assert_msg(bx < 0, "type %d cn %d %dx%d at %d,%d: %g vs %g", types[t], cn, dw, dh, bx,
                      by, bgot, bwant);
        for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          for (int thr = 1; thr <= 3; thr += tvt_quick() ? 2 : 1) {
            tv_ctx_set(ctx, TV_CTX_THREADS, thr);
            tvt_assert_ok(ctx, tv_image_fill(ctx, d, 3));
            tvt_assert_ok(ctx, tv_resize_bilinear(ctx, s, d));
            ck_assert_msg(tvt_images_equal(ref, d), "type %d cn %d %dx%d cap %d threads %d",
                          types[t], cn, dw, dh, cap, thr);
          }
        }
        tv_image_destroy(ref);
        tv_image_destroy(d);
      }
      tv_image_destroy(s);
      tv_image_destroy(S);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(resize_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL, *s32 = NULL, *v = NULL, *w = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 5, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 5, 1, TV_U16, &c));
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 10, 1, TV_S32, &s32));
  ck_assert_int_eq(tv_resize_area(NULL, a, b, 2, 2), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_resize_area(ctx, NULL, b, 2, 2), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_resize_area: src is NULL");
  tvt_assert_status(ctx, tv_resize_area(ctx, a, NULL, 2, 2), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_resize_area: dst is NULL");
  tvt_assert_status(ctx, tv_resize_area(ctx, a, b, 0, 2), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_resize_area: factors 0 x 2");
  tvt_assert_status(ctx, tv_resize_area(ctx, a, b, 21, 1), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_resize_area(ctx, a, b, 3, 2), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_resize_area: dst is 10x5x1 but src 20x10x1 / (3, 2) needs 6x5x1");
  tvt_assert_status(ctx, tv_resize_area(ctx, a, c, 2, 2), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_resize_area: src and dst must have one pixel type");
  tvt_assert_status(ctx, tv_resize_area(ctx, s32, s32, 1, 1), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_resize_area: src has pixel type s32");
  /* dst a view inside src */
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 10, 5, &v));
  tvt_assert_status(ctx, tv_resize_area(ctx, a, v, 2, 2), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_resize_area: dst overlaps src");
  ck_assert_int_eq(tv_resize_bilinear(NULL, a, b), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_resize_bilinear(ctx, NULL, b), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_resize_bilinear: src is NULL");
  tvt_assert_status(ctx, tv_resize_bilinear(ctx, a, c), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_resize_bilinear: src and dst must have one pixel type");
  tvt_assert_status(ctx, tv_resize_bilinear(ctx, a, v), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_resize_bilinear: dst overlaps src");
  tvt_assert_status(ctx, tv_resize_bilinear(ctx, s32, s32), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_resize_bilinear: src has pixel type s32");
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 5, 3, TV_U8, &w));
  tvt_assert_status(ctx, tv_resize_bilinear(ctx, a, w), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_resize_bilinear: src has 1 channels but dst 3");
  /* dst untouched on failure */
  tvt_assert_ok(ctx, tv_image_fill(ctx, w, 9));
  tvt_assert_status(ctx, tv_resize_area(ctx, a, w, 2, 2), TV_ERR_SIZE);
  ck_assert(get(w, 0, 0, 0) == 9);
  tv_image_destroy(v);
  tv_image_destroy(w);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_image_destroy(s32);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *resize_suite(void) {
  Suite *s = suite_create("filter_resize");
  TCase *tc = tcase_create("resize");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, area_public);
  tcase_add_test(tc, bilinear_public);
  tcase_add_test(tc, resize_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(resize_suite()); }
