/* Tests of the statistics: tv_min_max, tv_mean_stddev and tv_histogram against naive references,
 * at every SIMD cap and thread count, and their bad inputs.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_internal.h"
#include "filter/kernels/stats/stats.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_stats_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/stats/stats.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], MAXN = 300 };

/* The u8 sum and histogram kernels of every variant the CPU runs against the scalar reference:
 * every length up to MAXN (times the channels) at four misalignments, and long rows of 255 that
 * cross the vector kernels' 32-bit folding points (each input is a heap block of exactly the
 * samples read, so ASan sees any read past the end). */
/* hist_u8 of variant k against the scalar one on p[0..n), without and with the pair table,
 * compared after folding (the variants may split counts differently among the accumulators). */
static void check_hist(const char *name, const tvi_stats_kernels *k, const uint8_t *p, size_t n,
                       size_t off) {
  static uint32_t h1[TVI_HIST_SUBS * 256], h2[TVI_HIST_SUBS * 256];
  static uint32_t p1[TVI_HIST_PAIRS], p2[TVI_HIST_PAIRS];
  for (int with_pairs = 0; with_pairs < 2; with_pairs++) {
    uint64_t t1[256] = {0}, t2[256] = {0}, naive[256] = {0};
    for (size_t i = 0; i < n; i++) naive[p[i]]++;
    tvi_stats_scalar.hist_u8(p, n, h1, with_pairs ? p1 : NULL);
    k->hist_u8(p, n, h2, with_pairs ? p2 : NULL);
    tvi_hist_u8_fold(t1, h1, with_pairs ? p1 : NULL);
    tvi_hist_u8_fold(t2, h2, with_pairs ? p2 : NULL);
    for (int b = 0; b < 256; b++)
      ck_assert_msg(t1[b] == naive[b] && t2[b] == naive[b],
                    "%s hist_u8 differs at n=%zu off=%zu pairs=%d bin %d", name, n, off, with_pairs,
                    b);
  }
}

START_TEST(kernels_match_scalar) {
  int tested = 0;
  uint64_t seed = 99;
  const int quick = tvt_quick();
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("stats: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (quick && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    const tvi_stats_kernels *k = table[v].k, *r = &tvi_stats_scalar;
    for (int c = 1; c <= 4; c += (c == 1 ? 2 : 1))
      for (size_t n = 0; n <= MAXN; n = quick ? tvt_quick_next(n) : n + 1)
        for (size_t off = 0; off < 4; off++) {
          const size_t len = n * (size_t)c + off;
          uint8_t *buf = malloc(len ? len : 1);
          ck_assert(buf);
          for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(i % 5 == 0 ? 255 : tvt_rand(&seed));
          int64_t s1[4] = {7, 7, 7, 7}, s2[4] = {7, 7, 7, 7};
          uint64_t q1[4] = {9, 9, 9, 9}, q2[4] = {9, 9, 9, 9};
          r->sum_u8(buf + off, n, c, s1, q1);
          k->sum_u8(buf + off, n, c, s2, q2);
          for (int j = 0; j < 4; j++)
            ck_assert_msg(s1[j] == s2[j] && q1[j] == q2[j],
                          "%s sum_u8 differs at n=%zu c=%d off=%zu channel %d", table[v].name, n, c,
                          off, j);
          if (c == 1) check_hist(table[v].name, k, buf + off, n, off);
          free(buf);
        }
    /* Long rows: 255s (the largest squares) past the 32-bit folds of every vector width. */
    const size_t lens[] = {(size_t)64 * 8192 * 2 + 77, (size_t)16 * 8192 + 15, 4097};
    for (size_t li = 0; li < 3; li++) {
      uint8_t *buf = malloc(lens[li]);
      ck_assert(buf);
      for (size_t i = 0; i < lens[li]; i++) buf[i] = (uint8_t)(i % 97 == 0 ? tvt_rand(&seed) : 255);
      int64_t s1[4] = {0}, s2[4] = {0};
      uint64_t q1[4] = {0}, q2[4] = {0};
      r->sum_u8(buf, lens[li], 1, s1, q1);
      k->sum_u8(buf, lens[li], 1, s2, q2);
      ck_assert_msg(s1[0] == s2[0] && q1[0] == q2[0], "%s sum_u8 differs at n=%zu", table[v].name,
                    lens[li]);
      free(buf);
    }
    /* Smooth rows (neighbours close: the pair table's path) of every length up to 1100, and
     * rows smooth at the start and noise after it. */
    for (size_t n = 0; n <= 1100; n += n < 80 ? 1 : 13)
      for (size_t off = 0; off < 2; off++) {
        const size_t len = n + off;
        uint8_t *buf = malloc(len ? len : 1);
        ck_assert(buf);
        for (size_t i = 0; i < len; i++)
          buf[i] = (uint8_t)(i < 600 || n % 2 ? 120 + (i / 9) % 60 + tvt_rand(&seed) % 5
                                              : tvt_rand(&seed));
        check_hist(table[v].name, k, buf + off, n, off);
        free(buf);
      }
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
  case TV_S32: return ((const int32_t *)(const void *)row)[i];
  default: return ((const float *)(const void *)row)[i];
  }
}

START_TEST(stats_match_naive) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_S16, TV_F32, TV_S32};
  static const int chans[] = {1, 3, 4};
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 5; t++)
    for (int ci = 0; ci < 3; ci++) {
      const int c = chans[ci];
      tv_image *A = NULL, *a = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 301, 97, c, types[t], &A));
      tvt_fill_random(A, 11 + (uint64_t)t);
      tvt_assert_ok(ctx, tv_image_view(ctx, A, 2, 1, 297, 95, &a));
      if (types[t] == TV_F32) ((float *)a->data)[0] = NAN; /* ignored by min/max */
      double mn[4], mx[4];
      for (int k = 0; k < 4; k++) mn[k] = INFINITY, mx[k] = -INFINITY;
      for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
          for (int k = 0; k < c; k++) {
            const double v = get(a, x, y, k);
            if (v < mn[k]) mn[k] = v;
            if (v > mx[k]) mx[k] = v;
          }
      if (types[t] == TV_F32) ((float *)a->data)[0] = 0.0f; /* no NaN for the sums */
      double ref_mean[4], ref_sd[4];
      {
        double s2[4] = {0}, q2[4] = {0};
        for (int32_t y = 0; y < a->height; y++)
          for (int32_t x = 0; x < a->width; x++)
            for (int k = 0; k < c; k++) {
              const double v = get(a, x, y, k);
              s2[k] += v;
              q2[k] += v * v;
            }
        const double n = (double)a->width * a->height;
        for (int k = 0; k < c; k++) {
          ref_mean[k] = s2[k] * (1.0 / n); /* as cv::meanStdDev */
          const double var = q2[k] / n - ref_mean[k] * ref_mean[k];
          ref_sd[k] = sqrt(var > 0 ? var : 0);
        }
      }
      double first_mean[4] = {0}, first_sd[4] = {0};
      int first = 1;
      for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
        if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
        for (int th = 1; th <= 3; th++) {
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, th));
          double m1[4], m2[4], me[4], sd[4];
          if (types[t] == TV_F32) ((float *)a->data)[0] = NAN;
          tvt_assert_ok(ctx, tv_min_max(ctx, a, m1, m2));
          if (types[t] == TV_F32) ((float *)a->data)[0] = 0.0f;
          for (int k = 0; k < 4; k++) {
            ck_assert_msg(m1[k] == (k < c ? mn[k] : 0.0), "type %d c %d: min[%d] %g != %g",
                          types[t], c, k, m1[k], mn[k]);
            ck_assert(m2[k] == (k < c ? mx[k] : 0.0));
          }
          tvt_assert_ok(ctx, tv_mean_stddev(ctx, a, me, sd));
          for (int k = 0; k < 4; k++) {
            if (k >= c) {
              ck_assert(me[k] == 0.0 && sd[k] == 0.0);
              continue;
            }
            const double tol = types[t] == TV_F32 ? 1e-9 : 0.0;
            ck_assert_msg(fabs(me[k] - ref_mean[k]) <= tol * (1 + fabs(ref_mean[k])),
                          "type %d c %d: mean %.17g != %.17g", types[t], c, me[k], ref_mean[k]);
            ck_assert_msg(fabs(sd[k] - ref_sd[k]) <=
                              (types[t] == TV_F32 ? 1e-6 : 1e-9) * (1 + ref_sd[k]),
                          "type %d c %d: stddev %.17g != %.17g", types[t], c, sd[k], ref_sd[k]);
            /* Bit-identical for every thread count and SIMD level. */
            if (first) {
              first_mean[k] = me[k];
              first_sd[k] = sd[k];
            } else {
              ck_assert_msg(memcmp(&me[k], &first_mean[k], sizeof(double)) == 0 &&
                                memcmp(&sd[k], &first_sd[k], sizeof(double)) == 0,
                            "type %d c %d: result depends on cap %d / threads %d", types[t], c, cap,
                            th);
            }
          }
          first = 0;
        }
      }
      tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1));
      tv_image_destroy(a);
      tv_image_destroy(A);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(histogram_matches_naive) {
  tv_ctx *ctx = tvt_ctx();
  uint64_t *h = malloc(65536 * sizeof *h), *ref = malloc(65536 * sizeof *ref);
  ck_assert(h && ref);
  for (int t = 0; t < 2; t++) {
    tv_image *A = NULL, *a = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 517, 203, 1, t ? TV_U16 : TV_U8, &A));
    tvt_fill_random(A, 21);
    /* A run of equal samples (the store-to-load case the sub-histograms are for). */
    memset(A->data, 7, 200);
    tvt_assert_ok(ctx, tv_image_view(ctx, A, 3, 2, 511, 199, &a));
    for (int bits = 8; bits <= (t ? 16 : 8); bits++) {
      const int32_t nb = 1 << bits;
      memset(ref, 0, (size_t)nb * sizeof *ref);
      for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++) ref[(int)get(a, x, y, 0) >> (t ? 16 - bits : 0)]++;
      for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
        if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
        for (int th = 1; th <= 3; th++) {
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, th));
          memset(h, 0xff, (size_t)nb * sizeof *h);
          tvt_assert_ok(ctx, tv_histogram(ctx, a, h, nb));
          ck_assert_msg(memcmp(h, ref, (size_t)nb * sizeof *h) == 0,
                        "type %d nbins %d cap %d threads %d", t, nb, cap, th);
        }
      }
    }
    tv_image_destroy(a);
    tv_image_destroy(A);
  }
  free(h);
  free(ref);
  tv_ctx_destroy(ctx);
}
END_TEST

/* A u8 image large enough for the pair table (stats.c: 2^20 samples per worker): smooth rows,
 * noisy rows and a view with odd width and offset; every cap and 1 to 3 threads. */
START_TEST(histogram_large_smooth) {
  tv_ctx *ctx = tvt_ctx();
  uint64_t h[256], ref[256];
  tv_image *A = NULL, *a = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 1503, 1402, 1, TV_U8, &A));
  uint64_t seed = 5;
  for (int32_t y = 0; y < A->height; y++) {
    uint8_t *row = (uint8_t *)A->data + (int64_t)y * A->stride;
    for (int32_t x = 0; x < A->width; x++)
      row[x] =
          (uint8_t)(y % 50 == 7 ? tvt_rand(&seed) : (x / 13 + y / 7) % 250 + tvt_rand(&seed) % 6);
  }
  tvt_assert_ok(ctx, tv_image_view(ctx, A, 1, 1, 1501, 1400, &a));
  memset(ref, 0, sizeof ref);
  for (int32_t y = 0; y < a->height; y++)
    for (int32_t x = 0; x < a->width; x++) ref[(int)get(a, x, y, 0)]++;
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int th = 1; th <= 3; th++) {
      tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, th));
      memset(h, 0xff, sizeof h);
      tvt_assert_ok(ctx, tv_histogram(ctx, a, h, 256));
      ck_assert_msg(memcmp(h, ref, sizeof h) == 0, "cap %d threads %d", cap, th);
    }
  }
  tv_image_destroy(a);
  tv_image_destroy(A);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(stats_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *f = NULL, *c3 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &f));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &c3));
  double m[4], s[4];
  uint64_t h[256];
  ck_assert_int_eq(tv_min_max(NULL, a, m, s), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_min_max(ctx, NULL, m, s), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_min_max: src is NULL");
  tvt_assert_status(ctx, tv_min_max(ctx, a, NULL, s), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_min_max: min is NULL");
  tvt_assert_status(ctx, tv_min_max(ctx, a, m, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_min_max: max is NULL");
  ck_assert_int_eq(tv_mean_stddev(NULL, a, m, s), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_mean_stddev(ctx, NULL, m, s), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_mean_stddev: src is NULL");
  tvt_assert_status(ctx, tv_mean_stddev(ctx, a, NULL, s), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_mean_stddev: mean is NULL");
  tvt_assert_status(ctx, tv_mean_stddev(ctx, a, m, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_mean_stddev: stddev is NULL");
  tv_image bad = *a;
  bad.width = 0;
  tvt_assert_status(ctx, tv_mean_stddev(ctx, &bad, m, s), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_mean_stddev: src size 0x10 is invalid");
  ck_assert_int_eq(tv_histogram(NULL, a, h, 256), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_histogram(ctx, NULL, h, 256), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_histogram: src is NULL");
  tvt_assert_status(ctx, tv_histogram(ctx, a, NULL, 256), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_histogram: hist is NULL");
  tvt_assert_status(ctx, tv_histogram(ctx, f, h, 256), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_histogram: src has pixel type f32");
  tvt_assert_status(ctx, tv_histogram(ctx, c3, h, 256), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_histogram: src has 3 channels (1 expected)");
  tvt_assert_status(ctx, tv_histogram(ctx, a, h, 300), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_histogram: nbins 300 for a u16 image");
  tvt_assert_status(ctx, tv_histogram(ctx, a, h, 128), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_histogram(ctx, a, h, 131072), TV_ERR_ARG);
  tv_image *u8 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &u8));
  h[0] = 12345;
  tvt_assert_status(ctx, tv_histogram(ctx, u8, h, 512), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_histogram: nbins 512 for a u8 image (256 expected)");
  ck_assert(h[0] == 12345); /* untouched on failure */
  tv_image_destroy(u8);
  tv_image_destroy(a);
  tv_image_destroy(f);
  tv_image_destroy(c3);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *stats_suite(void) {
  Suite *s = suite_create("filter_stats");
  TCase *tc = tcase_create("stats");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, kernels_match_scalar);
  tcase_add_test(tc, stats_match_naive);
  tcase_add_test(tc, histogram_matches_naive);
  tcase_add_test(tc, histogram_large_smooth);
  tcase_add_test(tc, stats_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(stats_suite()); }
