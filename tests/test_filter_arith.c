/* Tests of the arith family: every SIMD variant against the scalar reference, and tv_absdiff.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/arith/arith.h"
#include "filter/filter_internal.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_arith_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/arith/arith.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXN = 300 };

typedef void (*binary_fn)(const void *, const void *, void *, size_t);

/* Runs a binary kernel of variant v and of the scalar reference on the same random rows at every
 * length 0..MAXN and four misalignments, with guard bytes after the output. */
static void check_binary(int v, size_t es, size_t offset_of_fn) {
  const binary_fn fn = *(const binary_fn *)(const void *)((const char *)table[v].k + offset_of_fn);
  const binary_fn ref =
      *(const binary_fn *)(const void *)((const char *)&tvi_arith_scalar + offset_of_fn);
  uint8_t *a = malloc(MAXN * es + 64), *b = malloc(MAXN * es + 64);
  uint8_t *d1 = malloc(MAXN * es + 64 + GUARD), *d2 = malloc(MAXN * es + 64 + GUARD);
  ck_assert(a && b && d1 && d2);
  uint64_t seed = 12345;
  for (size_t i = 0; i < MAXN * es + 64; i++) {
    a[i] = (uint8_t)tvt_rand(&seed);
    b[i] = (uint8_t)(i % 7 == 0 ? a[i] : tvt_rand(&seed)); /* some equal samples */
  }
  if (es == 4) { /* keep floats finite: clear the exponent's top bit */
    for (size_t i = 3; i < MAXN * es + 64; i += 4) {
      a[i] &= 0xbf;
      b[i] &= 0xbf;
    }
  }
  for (size_t n = 0; n <= MAXN; n++)
    for (size_t off = 0; off < 4; off++) {
      const size_t o = off * es; /* misaligned by whole samples */
      memset(d1, 0xa5, MAXN * es + 64 + GUARD);
      memset(d2, 0xa5, MAXN * es + 64 + GUARD);
      ref(a + o, b + o, d1 + o, n);
      fn(a + o, b + o, d2 + o, n);
      ck_assert_msg(memcmp(d1, d2, MAXN * es + 64 + GUARD) == 0,
                    "%s differs from scalar at n=%zu offset=%zu", table[v].name, n, off);
    }
  free(a);
  free(b);
  free(d1);
  free(d2);
}

START_TEST(variants_match_scalar) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("arith: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    check_binary(v, 1, offsetof(tvi_arith_kernels, absdiff_u8));
    check_binary(v, 2, offsetof(tvi_arith_kernels, absdiff_u16));
    check_binary(v, 2, offsetof(tvi_arith_kernels, absdiff_s16));
    check_binary(v, 4, offsetof(tvi_arith_kernels, absdiff_f32));
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
  case TV_S16: return ((const int16_t *)(const void *)row)[i];
  default: return ((const float *)(const void *)row)[i];
  }
}

/* tv_absdiff at every SIMD cap the machine has, on views with odd sizes and strides. */
START_TEST(absdiff_public) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_S16, TV_F32};
  tv_ctx *ctx = tvt_ctx();
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int t = 0; t < 4; t++) {
      tv_image *A = NULL, *B = NULL, *D = NULL, *a = NULL, *b = NULL, *d = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 131, 67, 3, types[t], &A));
      tvt_assert_ok(ctx, tv_image_create(ctx, 140, 70, 3, types[t], &B));
      tvt_assert_ok(ctx, tv_image_create(ctx, 133, 69, 3, types[t], &D));
      tvt_fill_random(A, 1);
      tvt_fill_random(B, 2);
      tvt_assert_ok(ctx, tv_image_view(ctx, A, 1, 0, 129, 65, &a));
      tvt_assert_ok(ctx, tv_image_view(ctx, B, 3, 2, 129, 65, &b));
      tvt_assert_ok(ctx, tv_image_view(ctx, D, 2, 1, 129, 65, &d));
      tvt_assert_ok(ctx, tv_absdiff(ctx, a, b, d));
      for (int32_t y = 0; y < 65; y++)
        for (int32_t x = 0; x < 129; x++)
          for (int c = 0; c < 3; c++) {
            double want = fabs(get(a, x, y, c) - get(b, x, y, c));
            if (types[t] == TV_S16 && want > 32767) want = 32767;
            if (types[t] == TV_F32)
              want = (float)fabsf((float)get(a, x, y, c) - (float)get(b, x, y, c));
            ck_assert_msg(get(d, x, y, c) == want, "cap %d type %d at %d,%d: %g != %g", cap,
                          types[t], x, y, get(d, x, y, c), want);
          }
      /* In place: dst is a. */
      tvt_assert_ok(ctx, tv_absdiff(ctx, a, b, a));
      for (int32_t y = 0; y < 65; y++)
        for (int32_t x = 0; x < 129; x++) ck_assert(get(a, x, y, 0) == get(d, x, y, 0));
      tv_image_destroy(a);
      tv_image_destroy(b);
      tv_image_destroy(d);
      tv_image_destroy(A);
      tv_image_destroy(B);
      tv_image_destroy(D);
    }
  }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(absdiff_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *d = NULL, *v = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &d));
  tvt_assert_status(ctx, tv_absdiff(ctx, a, b, a), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_absdiff: a is 10x10x1, b 10x11x1, dst 10x10x1");
  tvt_assert_status(ctx, tv_absdiff(ctx, a, a, d), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "one pixel type");
  tvt_assert_status(ctx, tv_absdiff(ctx, NULL, a, a), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_absdiff: a is NULL");
  tvt_assert_status(ctx, tv_absdiff(ctx, a, a, NULL), TV_ERR_NULL);
  ck_assert_int_eq(tv_absdiff(NULL, a, a, a), TV_ERR_NULL);
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tv_image *w = NULL;
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &w));
  tvt_assert_status(ctx, tv_absdiff(ctx, v, v, w), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "overlaps");
  tv_image_destroy(w);
  tv_image_destroy(b);
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S32, &b));
  tvt_assert_status(ctx, tv_absdiff(ctx, b, b, b), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "pixel type s32");
  tv_image_destroy(v);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(d);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *arith_suite(void) {
  Suite *s = suite_create("filter_arith");
  TCase *tc = tcase_create("arith");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, absdiff_public);
  tcase_add_test(tc, absdiff_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(arith_suite()); }
