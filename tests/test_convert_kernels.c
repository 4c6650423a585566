/* Tests of the convert kernel family: every SIMD variant against the scalar reference, and the
 * public conversions at every SIMD cap against the generic conversion.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "core/kernels/convert/convert.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_convert_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "core/kernels/convert/convert.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXN = 300 };

typedef void (*conv_fn)(const void *, void *, size_t, double, double);
typedef void (*grey_fn)(const void *, void *, size_t, int);

/* Fills a buffer with samples of size es: integers random; floats a mix of halves, huge values,
 * negative values, infinities and NaN. */
static void fill(uint8_t *p, size_t bytes, size_t es, uint64_t seed) {
  for (size_t i = 0; i < bytes; i++) p[i] = (uint8_t)tvt_rand(&seed);
  if (es != 4) return;
  float *f = (float *)(void *)p;
  for (size_t i = 0; i < bytes / 4; i++) {
    const uint64_t r = tvt_rand(&seed) % 8;
    if (r == 0) f[i] = (float)(tvt_rand(&seed) % 600) * 0.5f - 20.0f; /* halves */
    if (r == 1) f[i] = NAN;
    if (r == 2) f[i] = (tvt_rand(&seed) & 1) ? INFINITY : -INFINITY;
    if (r >= 3) f[i] = (float)((double)(tvt_rand(&seed) % 200000) / 2.0 - 20000.0);
  }
}

static void check_conv(int v, size_t off_fn, size_t ies, size_t oes, double scale, double offset) {
  const conv_fn fn = *(const conv_fn *)(const void *)((const char *)table[v].k + off_fn);
  const conv_fn ref = *(const conv_fn *)(const void *)((const char *)&tvi_convert_scalar + off_fn);
  uint8_t *s = malloc(MAXN * ies + 64), *d1 = malloc(MAXN * oes + 64 + GUARD),
          *d2 = malloc(MAXN * oes + 64 + GUARD);
  ck_assert(s && d1 && d2);
  fill(s, MAXN * ies + 64, ies, 77 + off_fn);
  for (size_t n = 0; n <= MAXN; n++)
    for (size_t o = 0; o < 4; o++) {
      memset(d1, 0xa5, MAXN * oes + 64 + GUARD);
      memset(d2, 0xa5, MAXN * oes + 64 + GUARD);
      ref(s + o * ies, d1 + o * oes, n, scale, offset);
      fn(s + o * ies, d2 + o * oes, n, scale, offset);
      ck_assert_msg(memcmp(d1, d2, MAXN * oes + 64 + GUARD) == 0,
                    "%s kernel at %zu differs from scalar at n=%zu offset=%zu (%g, %g)",
                    table[v].name, off_fn, n, o, scale, offset);
    }
  free(s);
  free(d1);
  free(d2);
}

static void check_grey(int v, size_t off_fn, size_t es, int c) {
  const grey_fn fn = *(const grey_fn *)(const void *)((const char *)table[v].k + off_fn);
  const grey_fn ref = *(const grey_fn *)(const void *)((const char *)&tvi_convert_scalar + off_fn);
  const size_t in = MAXN * (size_t)c * es + 64;
  uint8_t *s = malloc(in), *d1 = malloc(MAXN * es + 64 + GUARD),
          *d2 = malloc(MAXN * es + 64 + GUARD);
  ck_assert(s && d1 && d2);
  fill(s, in, es, 99);
  if (es == 1) memset(s, 255, 4 * (size_t)c); /* white stays white */
  for (size_t n = 0; n <= MAXN; n++)
    for (size_t o = 0; o < 4; o++) {
      memset(d1, 0xa5, MAXN * es + 64 + GUARD);
      memset(d2, 0xa5, MAXN * es + 64 + GUARD);
      /* The source ends o samples before the end of the allocation. */
      const uint8_t *src = s + in - (n * (size_t)c * es) - o * es;
      ref(src, d1 + o * es, n, c);
      fn(src, d2 + o * es, n, c);
      ck_assert_msg(memcmp(d1, d2, MAXN * es + 64 + GUARD) == 0,
                    "%s grey (es %zu, c %d) differs from scalar at n=%zu offset=%zu", table[v].name,
                    es, c, n, o);
    }
  free(s);
  free(d1);
  free(d2);
}

START_TEST(variants_match_scalar) {
  static const double params[][2] = {
      {1.0, 0.0}, {1.0 / 257.0, 0.0}, {257.0, 0.0}, {0.5, 0.0},       {-1.0, 255.0}, {2.5, -3.25},
      {0.0, 0.5}, {0.0, 1.5},         {1e-3, 0.5},  {1.0 / 255, 0.0}, {1e30, -1e30}, {3.0, 1e300}};
#define K(name) offsetof(tvi_convert_kernels, name)
  static const struct {
    size_t off, ies, oes;
  } convs[] = {{K(u8_f32), 1, 4},  {K(u16_f32), 2, 4}, {K(f32_u8), 4, 1},
               {K(f32_u16), 4, 2}, {K(u8_u16), 1, 2},  {K(u16_u8), 2, 1}};
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("convert: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    for (size_t k = 0; k < sizeof convs / sizeof convs[0]; k++)
      for (size_t p = 0; p < sizeof params / sizeof params[0]; p++)
        check_conv(v, convs[k].off, convs[k].ies, convs[k].oes, params[p][0], params[p][1]);
    for (int c = 3; c <= 4; c++) {
      check_grey(v, K(grey_u8), 1, c);
      check_grey(v, K(grey_u16), 2, c);
    }
    tested++;
  }
#undef K
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* The f32 shortcut of the vector kernels (see tvi_convert_f32_plan) against the double reference:
 * every u16 at the scale 1/257 and others, and f32 samples placed on and next to the rounding
 * boundaries of many scales and offsets. */
START_TEST(fast_path_exact) {
  enum { N = 65536 };
  uint16_t *u = malloc(N * sizeof *u);
  float *f = malloc(N * sizeof *f);
  uint8_t *a8 = malloc(N), *b8 = malloc(N);
  uint16_t *a16 = malloc(N * sizeof *a16), *b16 = malloc(N * sizeof *b16);
  ck_assert(u && f && a8 && b8 && a16 && b16);
  for (int i = 0; i < N; i++) u[i] = (uint16_t)i;
  static const double params[][2] = {{1.0 / 257.0, 0.0},
                                     {1.0 / 256.0, 0.0},
                                     {1.0 / 255.0, 0.5},
                                     {0.25, 0.0},
                                     {1.0, 0.0},
                                     {1.0 / 3.0, 0.0},
                                     {0.1, -0.05},
                                     {3.0, 0.5},
                                     {-1.0 / 257, 255},
                                     {1.5, 0.25},
                                     {0.003921568627451, 0.0},
                                     {2.0, -0.5},
                                     {1e-7, 0.49999997},
                                     {7.0 / 13.0, 1.0 / 7.0}};
  uint64_t seed = 99;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) continue;
    for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
      const double sc = params[p][0], of = params[p][1];
      tvi_convert_scalar.u16_u8(u, a8, N, sc, of);
      table[v].k->u16_u8(u, b8, N, sc, of);
      ck_assert_msg(memcmp(a8, b8, N) == 0, "%s u16_u8 every u16 (%g, %g)", table[v].name, sc, of);
      /* f32 samples v with v * scale + offset at, just below and just above k + 1/2 */
      for (int i = 0; i < N; i++) {
        const double k = (double)(tvt_rand(&seed) % 70000) - 1000.0 + 0.5;
        const double x = sc != 0 ? (k - of) / sc : k;
        const int w = (int)(tvt_rand(&seed) % 5) - 2;
        f[i] = nextafterf((float)x, w < 0 ? -INFINITY : INFINITY);
        if (w == 0) f[i] = (float)x;
        if (i % 7 == 0) f[i] = (float)((double)(tvt_rand(&seed) % 2000000) / 64.0 - 1000.0);
      }
      tvi_convert_scalar.f32_u8(f, a8, N, sc, of);
      table[v].k->f32_u8(f, b8, N, sc, of);
      ck_assert_msg(memcmp(a8, b8, N) == 0, "%s f32_u8 near halves (%g, %g)", table[v].name, sc,
                    of);
      tvi_convert_scalar.f32_u16(f, a16, N, sc, of);
      table[v].k->f32_u16(f, b16, N, sc, of);
      ck_assert_msg(memcmp(a16, b16, N * sizeof *a16) == 0, "%s f32_u16 near halves (%g, %g)",
                    table[v].name, sc, of);
    }
  }
  free(u);
  free(f);
  free(a8);
  free(b8);
  free(a16);
  free(b16);
}
END_TEST

/* The public functions at every SIMD cap give what the scalar level gives, on views. */
START_TEST(public_every_cap) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};
  tv_ctx *ctx = tvt_ctx();
  for (int st = 0; st < 3; st++)
    for (int dt = 0; dt < 3; dt++) {
      tv_image *S = NULL, *s = NULL, *ref = NULL, *out = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 203, 31, 3, types[st], &S));
      tvt_fill_random(S, 5 + (uint64_t)st);
      tvt_assert_ok(ctx, tv_image_view(ctx, S, 3, 1, 199, 29, &s));
      tvt_assert_ok(ctx, tv_image_create(ctx, 199, 29, 3, types[dt], &ref));
      tvt_assert_ok(ctx, tv_image_create(ctx, 199, 29, 3, types[dt], &out));
      tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR));
      tvt_assert_ok(ctx, tv_image_convert(ctx, s, ref, 1.0 / 257.0, 0.5));
      for (int cap = TV_ISA_SSE4; cap <= TV_ISA_NEON; cap++) {
        if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
        tvt_assert_ok(ctx, tv_image_convert(ctx, s, out, 1.0 / 257.0, 0.5));
        ck_assert_msg(tvt_images_equal(ref, out), "convert %d->%d differs at cap %d", types[st],
                      types[dt], cap);
      }
      if (st == dt && st != 2) {
        tv_image *g1 = NULL, *g2 = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, 199, 29, 1, types[st], &g1));
        tvt_assert_ok(ctx, tv_image_create(ctx, 199, 29, 1, types[st], &g2));
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR));
        tvt_assert_ok(ctx, tv_image_to_grey(ctx, s, g1));
        for (int cap = TV_ISA_SSE4; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          tvt_assert_ok(ctx, tv_image_to_grey(ctx, s, g2));
          ck_assert_msg(tvt_images_equal(g1, g2), "grey type %d differs at cap %d", types[st], cap);
        }
        tv_image_destroy(g1);
        tv_image_destroy(g2);
      }
      tv_image_destroy(s);
      tv_image_destroy(S);
      tv_image_destroy(ref);
      tv_image_destroy(out);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

/* tv_image_convert u16 -> u8 on an image larger than the last-level cache (36 MB of source and
 * destination), as a view with an odd width and a stride that misaligns the rows: every SIMD cap
 * and 1 or 2 threads give the scalar result, and the bytes around the view stay untouched. */
START_TEST(public_large) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *S = NULL, *D = NULL, *s = NULL, *d = NULL, *ref = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 4103, 2900, 1, TV_U16, &S));
  tvt_assert_ok(ctx, tv_image_create(ctx, 4105, 2900, 1, TV_U8, &D));
  tvt_assert_ok(ctx, tv_image_create(ctx, 4101, 2898, 1, TV_U8, &ref));
  tvt_fill_random(S, 5);
  tvt_assert_ok(ctx, tv_image_view(ctx, S, 1, 1, 4101, 2898, &s));
  tvt_assert_ok(ctx, tv_image_view(ctx, D, 3, 1, 4101, 2898, &d));
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR));
  tvt_assert_ok(ctx, tv_image_convert(ctx, s, ref, 1.0 / 257.0, 0.0));
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int th = 1; th <= 2; th++) {
      tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, th));
      memset(D->data, 0x5a, (size_t)D->stride * (size_t)D->height);
      tvt_assert_ok(ctx, tv_image_convert(ctx, s, d, 1.0 / 257.0, 0.0));
      for (int32_t y = 0; y < D->height; y++) {
        const uint8_t *row = (const uint8_t *)D->data + (size_t)y * (size_t)D->stride;
        for (int32_t x = 0; x < D->width; x++) {
          const int inside = y >= 1 && y < 2899 && x >= 3 && x < 3 + 4101;
          const uint8_t want =
              inside ? ((const uint8_t *)
                            ref->data)[(size_t)(y - 1) * (size_t)ref->stride + (size_t)(x - 3)]
                     : 0x5a;
          if (row[x] != want)
            ck_abort_msg("cap %d threads %d: byte (%d, %d) is %d, %d expected", cap, th, x, y,
                         row[x], want);
        }
      }
    }
  }
  tv_image_destroy(d);
  tv_image_destroy(s);
  tv_image_destroy(ref);
  tv_image_destroy(D);
  tv_image_destroy(S);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *convert_suite(void) {
  Suite *s = suite_create("convert_kernels");
  TCase *tc = tcase_create("convert");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, fast_path_exact);
  tcase_add_test(tc, public_every_cap);
  tcase_add_test(tc, public_large);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(convert_suite()); }
