/* Tests of the arith family: every SIMD variant against the scalar reference; tv_absdiff, tv_add,
 * tv_subtract and tv_multiply against independent references.
 * SPDX-License-Identifier: Apache-2.0 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/arith/arith.h"
#include "filter/filter_internal.h"
#include "testquick.h"
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
 * length 0..MAXN (fewer in quick mode) and four misalignments, with guard bytes after the
 * output. */
typedef void (*scaled_fn)(const void *, const void *, void *, size_t, double);

/* With scaled set, the kernel is a multiply taking `scale`. */
static void check_kernel(int v, size_t es, size_t offset_of_fn, int scaled, double scale) {
  const binary_fn fn = *(const binary_fn *)(const void *)((const char *)table[v].k + offset_of_fn);
  const binary_fn ref =
      *(const binary_fn *)(const void *)((const char *)&tvi_arith_scalar + offset_of_fn);
  const scaled_fn sfn = *(const scaled_fn *)(const void *)((const char *)table[v].k + offset_of_fn);
  const scaled_fn sref =
      *(const scaled_fn *)(const void *)((const char *)&tvi_arith_scalar + offset_of_fn);
  uint8_t *a = malloc(MAXN * es + 64), *b = malloc(MAXN * es + 64);
  uint8_t *d1 = malloc(MAXN * es + 64 + GUARD), *d2 = malloc(MAXN * es + 64 + GUARD);
  ck_assert(a && b && d1 && d2);
  uint64_t seed = 12345 + offset_of_fn;
  const int small = scaled && (scale == 0.5 || scale == 1.0 / 255.0) && es != 4;
  for (size_t i = 0; i < MAXN * es + 64; i++) {
    a[i] = (uint8_t)tvt_rand(&seed);
    b[i] = (uint8_t)(i % 7 == 0 ? a[i] : tvt_rand(&seed)); /* some equal samples */
  }
  if (small) { /* small samples: products near the rounding boundaries of small scales */
    for (size_t i = 0; i < MAXN * es + 64; i++)
      if (i % es != 0) a[i] = b[i] = 0;
  }
  /* scale 1 + 2^-24 is 1.0f, the integer path: 16-bit samples in [-256, 255] (s16) or with a
   * high byte of 0 or 255 (u16), so that products fall inside the range, at its ends and beyond */
  if (scaled && scale == 1.0 + 0x1p-24 && es == 2)
    for (size_t i = 1; i < MAXN * es + 64; i += 2) {
      a[i] = (uint8_t)(tvt_rand(&seed) & 1 ? 0xff : 0);
      b[i] = (uint8_t)(tvt_rand(&seed) % 3 == 0 ? 0xff : 0);
    }
  if (es == 4) { /* keep floats finite: clear the exponent's top bit */
    for (size_t i = 3; i < MAXN * es + 64; i += 4) {
      a[i] &= 0xbf;
      b[i] &= 0xbf;
    }
  }
  const int quick = tvt_quick();
  for (size_t n = 0; n <= MAXN; n = quick ? tvt_quick_next(n) : n + 1)
    for (size_t off = 0; off < 4; off++) {
      const size_t o = off * es; /* misaligned by whole samples */
      memset(d1, 0xa5, MAXN * es + 64 + GUARD);
      memset(d2, 0xa5, MAXN * es + 64 + GUARD);
      if (scaled) {
        sref(a + o, b + o, d1 + o, n, scale);
        sfn(a + o, b + o, d2 + o, n, scale);
      } else {
        ref(a + o, b + o, d1 + o, n);
        fn(a + o, b + o, d2 + o, n);
      }
      ck_assert_msg(memcmp(d1, d2, MAXN * es + 64 + GUARD) == 0,
                    "%s differs from scalar at n=%zu offset=%zu (kernel at %zu, scale %g)",
                    table[v].name, n, off, offset_of_fn, scale);
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
    if (tvt_quick() && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
#define K(name) offsetof(tvi_arith_kernels, name)
    static const struct {
      size_t off, es;
    } bins[] = {{K(absdiff_u8), 1}, {K(absdiff_u16), 2}, {K(absdiff_s16), 2}, {K(absdiff_f32), 4},
                {K(add_u8), 1},     {K(add_u16), 2},     {K(add_s16), 2},     {K(add_f32), 4},
                {K(sub_u8), 1},     {K(sub_u16), 2},     {K(sub_s16), 2},     {K(sub_f32), 4}},
      muls[] = {{K(mul_u8), 1}, {K(mul_u16), 2}, {K(mul_s16), 2}, {K(mul_f32), 4}};
#undef K
    /* 1 + 2^-24 rounds to 1.0f (the float path for f32); 1 + 1e-6 does not. */
    static const double scales[] = {1.0, 0.5,           1.0 / 255.0, 2.0,  1e-3, -1.5,
                                    3.7, 1.0 + 0x1p-24, 1.0 + 1e-6,  1e30, 1e-30};
    for (size_t k = 0; k < sizeof bins / sizeof bins[0]; k++)
      check_kernel(v, bins[k].es, bins[k].off, 0, 1.0);
    for (size_t k = 0; k < sizeof muls / sizeof muls[0]; k++)
      for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++)
        check_kernel(v, muls[k].es, muls[k].off, 1, scales[s]);
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
      int bx = -1, by = -1; /* the first mismatch */
      double bgot = 0, bwant = 0;
      for (int32_t y = 0; y < 65; y++)
        for (int32_t x = 0; x < 129; x++)
          for (int c = 0; c < 3; c++) {
            double want = fabs(get(a, x, y, c) - get(b, x, y, c));
            if (types[t] == TV_S16 && want > 32767) want = 32767;
            if (types[t] == TV_F32)
              want = (float)fabsf((float)get(a, x, y, c) - (float)get(b, x, y, c));
            if (get(d, x, y, c) != want && bx < 0)
              bx = x, by = y, bgot = get(d, x, y, c), bwant = want;
          }
      ck_assert_msg(bx < 0, "cap %d type %d at %d,%d: %g != %g", cap, types[t], bx, by, bgot,
                    bwant);
      /* In place: dst is a. */
      tvt_assert_ok(ctx, tv_absdiff(ctx, a, b, a));
      for (int32_t y = 0; y < 65; y++)
        for (int32_t x = 0; x < 129; x++)
          if (get(a, x, y, 0) != get(d, x, y, 0) && bx < 0) bx = x, by = y;
      ck_assert_msg(bx < 0, "cap %d type %d in place at %d,%d: %g != %g", cap, types[t], bx, by,
                    get(a, bx < 0 ? 0 : bx, by < 0 ? 0 : by, 0),
                    get(d, bx < 0 ? 0 : bx, by < 0 ? 0 : by, 0));
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

/* The independent definition of each operation on one sample (op 0 add, 1 subtract, 2 multiply). */
static double ref_op(int op, int type, double a, double b, double scale) {
  double lo = 0, hi = 255;
  if (type == TV_U16) hi = 65535;
  if (type == TV_S16) lo = -32768, hi = 32767;
  if (type == TV_F32) {
    if (op == 0) return (float)((float)a + (float)b);
    if (op == 1) return (float)((float)a - (float)b);
    const float fs = (float)scale;
    if (fabsf(fs - 1.0f) <= FLT_EPSILON) return (float)((float)(fs * (float)a) * (float)b);
    return (float)(scale * a * b);
  }
  double v;
  if (op == 0)
    v = a + b;
  else if (op == 1)
    v = a - b;
  else
    v = (float)((float)((float)scale * (float)a) * (float)b); /* OpenCV's f32 arithmetic */
  if (v <= lo) return lo;
  if (v >= hi) return hi;
  return rint(v); /* half to even */
}

static tv_status run_op(tv_ctx *ctx, int op, const tv_image *a, const tv_image *b, tv_image *d,
                        double scale) {
  if (op == 0) return tv_add(ctx, a, b, d);
  if (op == 1) return tv_subtract(ctx, a, b, d);
  return tv_multiply(ctx, a, b, d, scale);
}

/* tv_add, tv_subtract and tv_multiply at every SIMD cap, on views with odd sizes and strides;
 * in place through a and through b. */
START_TEST(ops_public) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_S16, TV_F32};
  static const double scales[] = {1.0, 1.0 / 255.0, 2.5, 1.0 / 65535.0};
  tv_ctx *ctx = tvt_ctx();
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int t = 0; t < 4; t++)
      for (int op = 0; op < 3; op++)
        for (int si = 0; si < (op == 2 ? 4 : 1); si++) {
          const double scale = scales[si];
          tv_image *A = NULL, *B = NULL, *D = NULL, *a = NULL, *b = NULL, *d = NULL;
          tvt_assert_ok(ctx, tv_image_create(ctx, 131, 67, 3, types[t], &A));
          tvt_assert_ok(ctx, tv_image_create(ctx, 140, 70, 3, types[t], &B));
          tvt_assert_ok(ctx, tv_image_create(ctx, 133, 69, 3, types[t], &D));
          tvt_fill_random(A, 3 + (uint64_t)si);
          tvt_fill_random(B, 4 + (uint64_t)op);
          tvt_assert_ok(ctx, tv_image_view(ctx, A, 1, 0, 129, 65, &a));
          tvt_assert_ok(ctx, tv_image_view(ctx, B, 3, 2, 129, 65, &b));
          tvt_assert_ok(ctx, tv_image_view(ctx, D, 2, 1, 129, 65, &d));
          tvt_assert_ok(ctx, run_op(ctx, op, a, b, d, scale));
          int bx = -1, by = -1, bc = -1; /* the first mismatch */
          double bwant = 0;
          for (int32_t y = 0; y < 65; y++)
            for (int32_t x = 0; x < 129; x++)
              for (int c = 0; c < 3; c++) {
                const double want = ref_op(op, types[t], get(a, x, y, c), get(b, x, y, c), scale);
                const double got = get(d, x, y, c);
                if (!(got == want || (got != got && want != want)) && bx < 0)
                  bx = x, by = y, bc = c, bwant = want;
              }
          ck_assert_msg(bx < 0,
                        "cap %d type %d op %d scale %g at %d,%d,%d: %.9g * %.9g -> %.9g != %.9g",
                        cap, types[t], op, scale, bx, by, bc, get(a, bx, by, bc),
                        get(b, bx, by, bc), get(d, bx, by, bc), bwant);
          /* In place through b, then through a. */
          tvt_assert_ok(ctx, run_op(ctx, op, a, b, b, scale));
          for (int32_t y = 0; y < 65; y++)
            for (int32_t x = 0; x < 129; x++)
              if (!(memcmp(&(double){get(b, x, y, 1)}, &(double){get(d, x, y, 1)},
                           sizeof(double)) == 0 ||
                    get(b, x, y, 1) != get(b, x, y, 1)) &&
                  bx < 0)
                bx = x, by = y;
          ck_assert_msg(bx < 0,
                        "cap %d type %d op %d scale %g: in place through b differs at %d,%d", cap,
                        types[t], op, scale, bx, by);
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

/* Edge values: saturation at both ends, halves rounding to even, overflow of the f32 product. */
START_TEST(ops_edges) {
  tv_ctx *ctx = tvt_ctx();
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    tv_image *a = NULL, *b = NULL, *d = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 40, 1, 1, TV_U16, &a));
    tvt_assert_ok(ctx, tv_image_create(ctx, 40, 1, 1, TV_U16, &b));
    tvt_assert_ok(ctx, tv_image_create(ctx, 40, 1, 1, TV_U16, &d));
    uint16_t *pa = a->data, *pb = b->data, *pd = d->data;
    for (int i = 0; i < 40; i++) pa[i] = 65535, pb[i] = (uint16_t)(i < 20 ? 65535 : 5);
    tvt_assert_ok(ctx, tv_multiply(ctx, a, b, d, 2.0)); /* 8.6e9: saturates, never wraps */
    for (int i = 0; i < 40; i++) ck_assert_int_eq(pd[i], 65535);
    for (int i = 0; i < 40; i++) pa[i] = 1, pb[i] = (uint16_t)(i % 2 ? 5 : 3);
    tvt_assert_ok(ctx, tv_multiply(ctx, a, b, d, 0.5)); /* 2.5 -> 2, 1.5 -> 2 */
    for (int i = 0; i < 40; i++) ck_assert_int_eq(pd[i], 2);
    tvt_assert_ok(ctx, tv_subtract(ctx, b, a, d));
    for (int i = 0; i < 40; i++) ck_assert_int_eq(pd[i], i % 2 ? 4 : 2);
    tvt_assert_ok(ctx, tv_subtract(ctx, a, b, d));
    for (int i = 0; i < 40; i++) ck_assert_int_eq(pd[i], 0);
    tv_image_destroy(a);
    tv_image_destroy(b);
    tv_image_destroy(d);
    int16_t *sa, *sb, *sd;
    tvt_assert_ok(ctx, tv_image_create(ctx, 33, 1, 1, TV_S16, &a));
    tvt_assert_ok(ctx, tv_image_create(ctx, 33, 1, 1, TV_S16, &b));
    tvt_assert_ok(ctx, tv_image_create(ctx, 33, 1, 1, TV_S16, &d));
    sa = a->data, sb = b->data, sd = d->data;
    for (int i = 0; i < 33; i++) sa[i] = -32768, sb[i] = (int16_t)(i % 2 ? 32767 : -32768);
    tvt_assert_ok(ctx, tv_multiply(ctx, a, b, d, 4.0));
    for (int i = 0; i < 33; i++) ck_assert_int_eq(sd[i], i % 2 ? -32768 : 32767);
    tvt_assert_ok(ctx, tv_add(ctx, a, a, d));
    for (int i = 0; i < 33; i++) ck_assert_int_eq(sd[i], -32768);
    tvt_assert_ok(ctx, tv_subtract(ctx, b, a, d));
    for (int i = 0; i < 33; i++) ck_assert_int_eq(sd[i], i % 2 ? 32767 : 0);
    tv_image_destroy(a);
    tv_image_destroy(b);
    tv_image_destroy(d);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* The same results for any thread count. */
START_TEST(ops_threads) {
  tv_ctx *ctx = tvt_ctx();
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_S16, TV_F32};
  for (int t = 0; t < 4; t++) {
    tv_image *a = NULL, *b = NULL, *ref = NULL, *out = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 300, 1, types[t], &a));
    tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 300, 1, types[t], &b));
    tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 300, 1, types[t], &ref));
    tvt_assert_ok(ctx, tv_image_create(ctx, 1001, 300, 1, types[t], &out));
    tvt_fill_random(a, 7);
    tvt_fill_random(b, 8);
    for (int op = 0; op < 3; op++) {
      tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1));
      tvt_assert_ok(ctx, run_op(ctx, op, a, b, ref, 0.01));
      for (int th = 2; th <= 4; th++) {
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, th));
        tvt_assert_ok(ctx, tv_image_fill(ctx, out, 0));
        tvt_assert_ok(ctx, run_op(ctx, op, a, b, out, 0.01));
        ck_assert(tvt_images_equal(ref, out));
      }
    }
    tv_image_destroy(a);
    tv_image_destroy(b);
    tv_image_destroy(ref);
    tv_image_destroy(out);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(ops_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *d = NULL, *s = NULL, *v = NULL, *w = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &d));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S32, &s));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &w));
  static const char *names[] = {"tv_add", "tv_subtract", "tv_multiply"};
  char want[128];
  for (int op = 0; op < 3; op++) {
    const uint8_t before = ((uint8_t *)a->data)[0];
    tvt_assert_status(ctx, run_op(ctx, op, NULL, a, a, 1.0), TV_ERR_NULL);
    snprintf(want, sizeof want, "%s: a is NULL", names[op]);
    tvt_assert_error_has(ctx, want);
    tvt_assert_status(ctx, run_op(ctx, op, a, NULL, a, 1.0), TV_ERR_NULL);
    snprintf(want, sizeof want, "%s: b is NULL", names[op]);
    tvt_assert_error_has(ctx, want);
    tvt_assert_status(ctx, run_op(ctx, op, a, a, NULL, 1.0), TV_ERR_NULL);
    snprintf(want, sizeof want, "%s: dst is NULL", names[op]);
    tvt_assert_error_has(ctx, want);
    ck_assert_int_eq(run_op(NULL, op, a, a, a, 1.0), TV_ERR_NULL);
    tvt_assert_status(ctx, run_op(ctx, op, a, b, a, 1.0), TV_ERR_SIZE);
    snprintf(want, sizeof want, "%s: a is 10x10x1, b 10x10x3, dst 10x10x1", names[op]);
    tvt_assert_error_has(ctx, want);
    tvt_assert_status(ctx, run_op(ctx, op, a, a, d, 1.0), TV_ERR_TYPE);
    tvt_assert_error_has(ctx, "one pixel type");
    tvt_assert_status(ctx, run_op(ctx, op, s, s, s, 1.0), TV_ERR_TYPE);
    tvt_assert_error_has(ctx, "pixel type s32");
    tvt_assert_status(ctx, run_op(ctx, op, v, v, w, 1.0), TV_ERR_ARG);
    snprintf(want, sizeof want, "%s: dst overlaps an input", names[op]);
    tvt_assert_error_has(ctx, want);
    ck_assert_int_eq(((uint8_t *)a->data)[0], before);
  }
  tvt_assert_status(ctx, tv_multiply(ctx, a, a, a, NAN), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_multiply: scale must be finite");
  tvt_assert_status(ctx, tv_multiply(ctx, a, a, a, -INFINITY), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_multiply: scale must be finite");
  tv_image_destroy(v);
  tv_image_destroy(w);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(d);
  tv_image_destroy(s);
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
  tcase_add_test(tc, ops_public);
  tcase_add_test(tc, ops_edges);
  tcase_add_test(tc, ops_threads);
  tcase_add_test(tc, ops_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(arith_suite()); }
