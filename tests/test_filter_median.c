/* Tests of the median family: every SIMD variant against the scalar reference, and tv_median
 * against a brute-force median for every ksize kind, type, SIMD cap and thread count.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/median/median.h"
#include "filter/filter_internal.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_median_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/median/median.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXW = 300 };

START_TEST(variants_match_scalar) {
  int tested = 0;
  const size_t cap = (MAXW + 8) * 2 + 64;
  uint8_t *in = malloc(7 * cap), *o1 = malloc(7 * cap + GUARD), *o2 = malloc(7 * cap + GUARD);
  ck_assert(in && o1 && o2);
  uint64_t seed = 99;
  for (size_t i = 0; i < 7 * cap; i++) in[i] = (uint8_t)(tvt_rand(&seed) >> 56);
  const int quick = tvt_quick();
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("median: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (quick && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    const tvi_median_kernels *k = table[v].k, *ref = &tvi_median_scalar;
    for (int ti = 0; ti < 2; ti++)
      for (size_t w = 0; w <= MAXW; w = quick ? tvt_quick_next(w) : w + 1)
        for (size_t off = 0; off < 2; off++) {
          const size_t es = (size_t)ti + 1;
          const void *rows[7];
          void *a[7], *b[7];
          for (int r = 0; r < 7; r++) {
            rows[r] = in + (size_t)r * cap + off * es;
            a[r] = o1 + (size_t)r * cap + off * es;
            b[r] = o2 + (size_t)r * cap + off * es;
          }
          /* 3x3: two output rows from four source rows */
          memset(o1, 0xa5, 7 * cap + GUARD);
          memset(o2, 0xa5, 7 * cap + GUARD);
          ref->med3[ti](rows, a[0], a[1], w);
          k->med3[ti](rows, b[0], b[1], w);
          ck_assert_msg(memcmp(o1, o2, 7 * cap + GUARD) == 0, "%s med3 t%d w=%zu", table[v].name,
                        ti, w);
          for (int si = 0; si < 2; si++) {
            memset(o1, 0xa5, 7 * cap + GUARD);
            memset(o2, 0xa5, 7 * cap + GUARD);
            ref->colsort[ti][si](rows, a, w);
            k->colsort[ti][si](rows, b, w);
            ck_assert_msg(memcmp(o1, o2, 7 * cap + GUARD) == 0, "%s colsort t%d s%d w=%zu",
                          table[v].name, ti, si, w);
            memset(o1, 0xa5, 7 * cap + GUARD);
            memset(o2, 0xa5, 7 * cap + GUARD);
            ref->row[ti][si](rows, o1 + off * es, w);
            k->row[ti][si](rows, o2 + off * es, w);
            ck_assert_msg(memcmp(o1, o2, 7 * cap + GUARD) == 0, "%s row t%d s%d w=%zu",
                          table[v].name, ti, si, w);
          }
        }
    tested++;
  }
  free(in);
  free(o1);
  free(o2);
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* The 5x5 networks proven by the 0-1 principle: for every 0-1 input with sorted columns (a
 * column of 5 is k zeros then ones, k = 0..5), the pair network sorts two columns in the order
 * TVI_MEDIAN25_PAIR_ORDER and the merged network then yields the median (1 iff 13 or more ones).
 * Thresholding commutes with min/max, so this proves both for every input with sorted columns. */
#define P_S(a, b)                                                                                  \
  {                                                                                                \
    const int t_ = q[a] < q[b] ? q[a] : q[b];                                                      \
    q[b] = q[a] < q[b] ? q[b] : q[a];                                                              \
    q[a] = t_;                                                                                     \
  }
#define P_L(a, b) q[a] = q[a] < q[b] ? q[a] : q[b];
#define P_H(a, b) q[b] = q[a] < q[b] ? q[b] : q[a];
START_TEST(median5_network_proof) {
  static const int ord[10] = TVI_MEDIAN25_PAIR_ORDER;
  int checked = 0;
  for (int code = 0; code < 6 * 6 * 6 * 6 * 6; code++) {
    int zeros[5], ones = 0, v = code;
    for (int c = 0; c < 5; c++, v /= 6) {
      zeros[c] = v % 6;
      ones += 5 - zeros[c];
    }
    int p[25];
    for (int h = 0; h < 2; h++) {
      int q[10];
      for (int c = 0; c < 2; c++)
        for (int r = 0; r < 5; r++) q[c * 5 + r] = r >= zeros[2 * h + c];
      TVI_MEDIAN25_PAIR_NET(P_S)
      for (int k = 0; k < 10; k++) {
        p[10 * h + k] = q[ord[k]];
        if (k > 0) ck_assert_int_le(p[10 * h + k - 1], p[10 * h + k]);
      }
    }
    for (int r = 0; r < 5; r++) p[20 + r] = r >= zeros[4];
    int *q = p;
    TVI_MEDIAN25_MERGED_NET(P_S, P_L, P_H)
    ck_assert_int_eq(q[24], ones >= 13);
    checked++;
  }
  ck_assert_int_eq(checked, 7776);
}
END_TEST

/* The same proof for the 7 x 7 network (median.h: TVI_MEDIAN49_NET on sorted columns, the median
 * at p[21]), over all 8^7 inputs of 0s and 1s with sorted columns, and for the column sort
 * TVI_SORT7_NET over all 2^7 inputs. */
START_TEST(median7_network_proof) {
  for (int code = 0; code < 128; code++) {
    int q[7], ones = 0;
    for (int r = 0; r < 7; r++) ones += q[r] = code >> r & 1;
    TVI_SORT7_NET(P_S)
    for (int r = 0; r < 7; r++) ck_assert_int_eq(q[r], r >= 7 - ones);
  }
  int checked = 0, bad = -1;
  for (int code = 0; code < 8 * 8 * 8 * 8 * 8 * 8 * 8 && bad < 0; code++) {
    int q[49], ones = 0, v = code;
    for (int c = 0; c < 7; c++, v /= 8) {
      const int zeros = v % 8;
      ones += 7 - zeros;
      for (int r = 0; r < 7; r++) q[c * 7 + r] = r >= zeros;
    }
    TVI_MEDIAN49_NET(P_S, P_L, P_H)
    if (q[21] != (ones >= 25)) bad = code;
    checked++;
  }
  ck_assert_msg(bad < 0, "median of 49 wrong for column zero counts code %d (base 8)", bad);
  ck_assert_int_eq(checked, 2097152);
}
END_TEST
#undef P_S
#undef P_L
#undef P_H

/* The k-th smallest of a[0..n) (Hoare's selection; reorders a). */
static uint32_t select_kth(uint32_t *a, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    const uint32_t pivot = a[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return a[k];
  }
  return a[k];
}

static uint32_t get(const tv_image *img, int64_t x, int64_t y) {
  const uint8_t *row = (const uint8_t *)img->data + y * img->stride;
  return img->type == TV_U8 ? row[x] : ((const uint16_t *)(const void *)row)[x];
}

/* Brute force: the middle of the window (REPLICATE border). */
static void ref_median(const tv_image *s, tv_image *d, int k) {
  uint32_t *buf = malloc((size_t)k * (size_t)k * sizeof *buf);
  ck_assert(buf);
  for (int64_t y = 0; y < s->height; y++)
    for (int64_t x = 0; x < s->width; x++) {
      size_t n = 0;
      for (int64_t j = 0; j < k; j++)
        for (int64_t i = 0; i < k; i++)
          buf[n++] = get(s, tvi_border_index(x - k / 2 + i, s->width, TV_BORDER_REPLICATE),
                         tvi_border_index(y - k / 2 + j, s->height, TV_BORDER_REPLICATE));
      const uint32_t m = select_kth(buf, n, n / 2);
      uint8_t *row = (uint8_t *)d->data + y * d->stride;
      if (d->type == TV_U8)
        row[x] = (uint8_t)m;
      else
        ((uint16_t *)(void *)row)[x] = (uint16_t)m;
    }
  free(buf);
}

/* _i: 0/1 u8/u16. Random data, and data with few levels (many equal samples). */
START_TEST(public_vs_brute_force) {
  static const int ks[] = {3, 5, 7, 9, 15, 31, 255};
  const tv_pixel_type t = _i ? TV_U16 : TV_U8;
  tv_ctx *ctx = tvt_ctx();
  for (int levels = 0; levels < 2; levels++)
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
      /* 5x5 and 7x7 with few levels: wider than two column chunks of the band loop (1024), the
       * last chunk 3 columns wide */
      const int wide = levels && (ks[ki] == 5 || ks[ki] == 7);
      const int32_t W = wide ? 2051 : ks[ki] > 31 ? 23 : 77, H = wide ? 9 : ks[ki] > 31 ? 13 : 41;
      tv_image *S = NULL, *s = NULL, *want = NULL, *got = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, W + 2, H + 1, 1, t, &S));
      tvt_fill_random(S, 3 + ki);
      if (levels)
        for (int32_t y = 0; y < H + 1; y++)
          for (int32_t x = 0; x < W + 2; x++) {
            uint8_t *row = tvi_row(S, y);
            if (t == TV_U8)
              row[x] &= 0xe0;
            else
              ((uint16_t *)(void *)row)[x] &= 0xe0f0;
          }
      tvt_assert_ok(ctx, tv_image_view(ctx, S, 1, 1, W, H, &s));
      tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &want));
      tvt_assert_ok(ctx, tv_image_create(ctx, W, H, 1, t, &got));
      ref_median(s, want, ks[ki]);
      for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
        if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
        for (int thr = 1; thr <= 3; thr += tvt_quick() ? 2 : 1) {
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, thr));
          tvt_assert_ok(ctx, tv_median(ctx, s, got, ks[ki]));
          ck_assert_msg(tvt_images_equal(got, want), "type %d ksize %d levels %d cap %d thr %d", t,
                        ks[ki], levels, cap, thr);
        }
      }
      tv_image_destroy(s);
      tv_image_destroy(S);
      tv_image_destroy(want);
      tv_image_destroy(got);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Tall images (several bands per thread) and 1-pixel sizes. */
START_TEST(public_shapes) {
  static const int32_t sizes[][2] = {{1, 1}, {1, 300}, {300, 1}, {70, 700}, {2, 2}};
  static const int ks[] = {3, 5, 7, 21};
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 2));
  for (int si = 0; si < 5; si++)
    for (int ki = 0; ki < 4; ki++)
      for (int t = TV_U8; t <= TV_U16; t++) {
        tv_image *s = NULL, *want = NULL, *got = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, sizes[si][0], sizes[si][1], 1, t, &s));
        tvt_assert_ok(ctx, tv_image_create(ctx, sizes[si][0], sizes[si][1], 1, t, &want));
        tvt_assert_ok(ctx, tv_image_create(ctx, sizes[si][0], sizes[si][1], 1, t, &got));
        tvt_fill_random(s, 8);
        ref_median(s, want, ks[ki]);
        tvt_assert_ok(ctx, tv_median(ctx, s, got, ks[ki]));
        ck_assert_msg(tvt_images_equal(got, want), "size %d ksize %d type %d", si, ks[ki], t);
        tv_image_destroy(s);
        tv_image_destroy(want);
        tv_image_destroy(got);
      }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL, *d = NULL, *f = NULL, *v = NULL, *w = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 11, 10, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &c));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 4, TV_U8, &d));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &f));
  ck_assert_int_eq(tv_median(NULL, a, c, 3), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_median(ctx, NULL, a, 3), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_median: src is NULL");
  tvt_assert_status(ctx, tv_median(ctx, a, NULL, 3), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_median: dst is NULL");
  tvt_assert_status(ctx, tv_median(ctx, a, b, 3), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_median: src is 10x10x1 but dst is 11x10x1");
  tvt_assert_status(ctx, tv_median(ctx, a, c, 3), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_median: src pixel type");
  tvt_assert_status(ctx, tv_median(ctx, f, f, 3), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_median: src has pixel type f32");
  tvt_assert_status(ctx, tv_median(ctx, d, d, 3), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_median: src has 4 channels; the median takes 1");
  tv_image_destroy(b);
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &b));
  memset(b->data, 42, 10);
  static const int bad_k[] = {1, 4, 257, 0, -3};
  for (int i = 0; i < 5; i++) {
    tvt_assert_status(ctx, tv_median(ctx, a, b, bad_k[i]), TV_ERR_ARG);
    tvt_assert_error_has(ctx, "is not odd in 3..255");
  }
  tvt_assert_error_has(ctx, "tv_median: ksize -3");
  ck_assert_int_eq(((uint8_t *)b->data)[0], 42); /* dst untouched */
  tvt_assert_status(ctx, tv_median(ctx, a, a, 3), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_median: dst overlaps src");
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &w));
  tvt_assert_status(ctx, tv_median(ctx, v, w, 5), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "overlaps");
  tv_image_destroy(v);
  tv_image_destroy(w);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_image_destroy(d);
  tv_image_destroy(f);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *median_suite(void) {
  Suite *s = suite_create("filter_median");
  TCase *tc = tcase_create("median");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, median5_network_proof);
  tcase_add_test(tc, median7_network_proof);
  tcase_add_loop_test(tc, public_vs_brute_force, 0, 2);
  tcase_add_test(tc, public_shapes);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(median_suite()); }
