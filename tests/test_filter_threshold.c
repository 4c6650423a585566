/* Tests of the thresh family and the threshold operations: every SIMD variant against the scalar
 * reference; tv_threshold, tv_threshold_otsu, tv_adaptive_threshold and tv_hysteresis against
 * brute-force references, at every SIMD cap and several thread counts; bad inputs.
 * SPDX-License-Identifier: Apache-2.0 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/thresh/thresh.h"
#include "filter/filter_internal.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_thresh_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/thresh/thresh.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXN = 300 };

/* ---- kernels ----------------------------------------------------------------------------------
 */

static void check_thresh_kernel(int v, int type, uint64_t seed) {
  const size_t es = type == TV_U8 ? 1 : type == TV_F32 ? 4 : 2;
  const size_t bytes = MAXN * es + 64 + GUARD;
  uint8_t *s = malloc(bytes), *d1 = malloc(bytes), *d2 = malloc(bytes);
  ck_assert(s && d1 && d2);
  for (size_t i = 0; i < bytes; i++) s[i] = (uint8_t)tvt_rand(&seed);
  if (type == TV_F32) {
    float *f = (float *)(void *)s;
    for (size_t i = 0; i < bytes / 4; i++) {
      f[i] = (float)((int)(tvt_rand(&seed) % 2001) - 1000) * 0.5f;
      if (i % 37 == 5) f[i] = NAN;
    }
  }
  for (int kind = 0; kind < 5; kind++)
    for (size_t n = 0; n <= MAXN; n = tvt_quick() ? tvt_quick_next(n) : n + 1)
      for (size_t off = 0; off < 4; off++) {
        const size_t o = off * es;
        memset(d1, 0xa5, bytes);
        memset(d2, 0xa5, bytes);
        const uint64_t r = tvt_rand(&seed);
        switch (type) {
        case TV_U8: {
          const uint8_t t = (uint8_t)(r % 255), m = (uint8_t)(r >> 32);
          tvi_thresh_scalar.thresh_u8(s + o, d1 + o, n, kind, t, m);
          table[v].k->thresh_u8(s + o, d2 + o, n, kind, t, m);
          break;
        }
        case TV_U16: {
          const uint16_t t = (uint16_t)(r % 65535), m = (uint16_t)(r >> 32);
          tvi_thresh_scalar.thresh_u16((void *)(s + o), (void *)(d1 + o), n, kind, t, m);
          table[v].k->thresh_u16((void *)(s + o), (void *)(d2 + o), n, kind, t, m);
          break;
        }
        case TV_S16: {
          const int16_t t = (int16_t)((int)(r % 65535) - 32768), m = (int16_t)(r >> 32);
          tvi_thresh_scalar.thresh_s16((void *)(s + o), (void *)(d1 + o), n, kind, t, m);
          table[v].k->thresh_s16((void *)(s + o), (void *)(d2 + o), n, kind, t, m);
          break;
        }
        default: {
          const float t = (float)((int)(r % 2001) - 1000) * 0.5f, m = (float)(r >> 40);
          tvi_thresh_scalar.thresh_f32((void *)(s + o), (void *)(d1 + o), n, kind, t, m);
          table[v].k->thresh_f32((void *)(s + o), (void *)(d2 + o), n, kind, t, m);
          break;
        }
        }
        ck_assert_msg(memcmp(d1, d2, bytes) == 0, "%s type %d kind %d differs at n=%zu off=%zu",
                      table[v].name, type, kind, n, off);
      }
  free(s);
  free(d1);
  free(d2);
}

static void check_adaptive_kernel(int v, uint64_t seed) {
  uint8_t *s = malloc(MAXN + 64), *d1 = malloc(MAXN + 64 + GUARD), *d2 = malloc(MAXN + 64 + GUARD);
  uint32_t *sum = malloc((MAXN + 64) * sizeof *sum);
  uint16_t *s16 = malloc((MAXN + 64) * 2), *e1 = malloc((MAXN + 64 + GUARD) * 2),
           *e2 = malloc((MAXN + 64 + GUARD) * 2);
  uint64_t *sum64 = malloc((MAXN + 64) * sizeof *sum64);
  ck_assert(s && d1 && d2 && sum && s16 && e1 && e2 && sum64);
  static const int blocks[] = {3, 5, 7, 9, 11, 13, 15, 17, 101, 165, 511, 1023};
  for (int bi = 0; bi < (int)(sizeof blocks / sizeof blocks[0]); bi++) {
    const int64_t area = (int64_t)blocks[bi] * blocks[bi];
    tvi_adaptive_params p;
    memset(&p, 0, sizeof p);
    p.area = (uint64_t)area;
    p.fscale = (float)(1.0 / (double)area);
    for (int rep = 0; rep < 6; rep++) {
      p.inv = rep & 1;
      p.idelta = (int32_t)(tvt_rand(&seed) % 41) - 20;
      if (rep == 4) p.idelta = 256;
      if (rep == 5) p.idelta = -256;
      p.maxval = (uint32_t)(tvt_rand(&seed) % 256);
      for (size_t i = 0; i < MAXN + 64; i++) {
        s[i] = (uint8_t)tvt_rand(&seed);
        /* Window sums around the pixel's value, so the compare goes both ways. */
        const int64_t mean_ish = (int64_t)s[i] + (int64_t)(tvt_rand(&seed) % 41) - 20;
        int64_t sm = (mean_ish < 0     ? 0
                      : mean_ish > 255 ? 255
                                       : mean_ish) *
                         area +
                     (int64_t)(tvt_rand(&seed) % (uint64_t)area);
        if (sm > 255 * area) sm = 255 * area;
        sum[i] = (uint32_t)sm;
        s16[i] = (uint16_t)(tvt_rand(&seed) >> 48);
        sum64[i] = (uint64_t)s16[i] * (uint64_t)area + tvt_rand(&seed) % (uint64_t)area;
      }
      for (size_t n = 0; n <= MAXN; n = tvt_quick() ? tvt_quick_next(n) : n + 1)
        for (size_t o = 0; o < 4; o++) {
          memset(d1, 0x5a, MAXN + 64 + GUARD);
          memset(d2, 0x5a, MAXN + 64 + GUARD);
          tvi_thresh_scalar.adaptive_u8(s + o, sum + o, d1 + o, n, &p);
          table[v].k->adaptive_u8(s + o, sum + o, d2 + o, n, &p);
          ck_assert_msg(memcmp(d1, d2, MAXN + 64 + GUARD) == 0,
                        "%s adaptive_u8 block %d differs at n=%zu off=%zu", table[v].name,
                        blocks[bi], n, o);
          memset(e1, 0x5a, (MAXN + 64 + GUARD) * 2);
          memset(e2, 0x5a, (MAXN + 64 + GUARD) * 2);
          tvi_thresh_scalar.adaptive_u16(s16 + o, sum64 + o, e1 + o, n, &p);
          table[v].k->adaptive_u16(s16 + o, sum64 + o, e2 + o, n, &p);
          ck_assert_msg(memcmp(e1, e2, (MAXN + 64 + GUARD) * 2) == 0,
                        "%s adaptive_u16 differs at n=%zu", table[v].name, n);
        }
    }
  }
  free(s);
  free(d1);
  free(d2);
  free(sum);
  free(s16);
  free(e1);
  free(e2);
  free(sum64);
}

START_TEST(variants_match_scalar) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("thresh: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (tvt_quick() && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    check_thresh_kernel(v, TV_U8, 1);
    check_thresh_kernel(v, TV_U16, 2);
    check_thresh_kernel(v, TV_S16, 3);
    check_thresh_kernel(v, TV_F32, 4);
    check_adaptive_kernel(v, 5);
    tested++;
  }
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* ---- helpers ----------------------------------------------------------------------------------
 */

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

static void set(tv_image *img, int32_t x, int32_t y, double v) {
  uint8_t *row = (uint8_t *)img->data + (int64_t)y * img->stride;
  switch (img->type) {
  case TV_U8: row[x] = (uint8_t)v; break;
  case TV_U16: ((uint16_t *)(void *)row)[x] = (uint16_t)v; break;
  default: ((float *)(void *)row)[x] = (float)v; break;
  }
}

/* cv::threshold's result for one sample, from its definition (floor(t), round(maxval); of the
 * shortcuts for t outside the type's range only TRUNC below it differs: it gives 0). */
static double ref_thresh(double x, int type, double t, double maxval, int kind) {
  double lo = 0, hi = 255;
  if (type == TV_U16) hi = 65535;
  if (type == TV_S16) {
    lo = -32768;
    hi = 32767;
  }
  double mv;
  if (type == TV_F32) {
    t = (float)t;
    mv = (float)maxval;
  } else {
    t = floor(t);
    mv = kind == 2 ? t : nearbyint(maxval);
    mv = mv < lo ? lo : mv > hi ? hi : mv;
    if (kind == 2 && t < lo) return 0; /* OpenCV's shortcut: TRUNC below the range fills 0 */
  }
  const int gt = x > t;
  switch (kind) {
  case 0: return gt ? mv : 0;
  case 1: return gt ? 0 : mv;
  case 2: return gt ? (type == TV_F32 ? t : mv) : x;
  case 3: return gt ? x : 0;
  default: return gt ? 0 : x;
  }
}

static int same_value(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

/* ---- tv_threshold -----------------------------------------------------------------------------
 */

START_TEST(threshold_public) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_S16, TV_F32};
  static const double ts[4][7] = {{-3, 0, 99.7, 200, 254.5, 255, 1e6},
                                  {-1, 0, 1234.5, 40000, 65534.2, 65535, 7e4},
                                  {-40000, -32768, -5.5, 0, 1000, 32767, 4e4},
                                  {-2000, -10.25, 0, 3.5, 500, 999, 2000}};
  tv_ctx *ctx = tvt_ctx();
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int t = 0; t < 4; t++)
      for (int ch = 1; ch <= 3; ch += 2) {
        tv_image *A = NULL, *D = NULL, *a = NULL, *d = NULL, *ip = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, 131, 37, ch, types[t], &A));
        tvt_assert_ok(ctx, tv_image_create(ctx, 133, 39, ch, types[t], &D));
        tvt_fill_random(A, (uint64_t)(7 + t));
        tvt_assert_ok(ctx, tv_image_view(ctx, A, 1, 0, 129, 37, &a));
        tvt_assert_ok(ctx, tv_image_view(ctx, D, 2, 1, 129, 37, &d));
        if (types[t] == TV_F32) /* a few NaNs */
          for (int32_t y = 0; y < 37; y += 5) ((float *)tvi_row(a, y))[3] = NAN;
        for (int ti = 0; ti < 7; ti++)
          for (int kind = 0; kind < 5; kind++) {
            const double th = ts[t][ti], mv = ti == 6 ? -7.5 : 200.5 + ti * 10000.4;
            tvt_assert_ok(ctx, tv_threshold(ctx, a, d, th, mv, (tv_threshold_kind)kind));
            int bx = -1, by = -1, bc = -1; /* the first mismatch */
            double bwant = 0;
            for (int32_t y = 0; y < 37; y++)
              for (int32_t x = 0; x < 129; x++)
                for (int c = 0; c < ch; c++) {
                  const double want = ref_thresh(get(a, x, y, c), types[t], th, mv, kind);
                  if (!same_value(get(d, x, y, c), want) && bx < 0)
                    bx = x, by = y, bc = c, bwant = want;
                }
            ck_assert_msg(bx < 0, "cap %d type %d t %g kind %d at %d,%d,%d: %g != %g", cap,
                          types[t], th, kind, bx, by, bc, bx < 0 ? 0.0 : get(d, bx, by, bc), bwant);
          }
        /* In place: dst is src. */
        tvt_assert_ok(ctx, tv_image_clone(ctx, a, &ip));
        tvt_assert_ok(ctx, tv_threshold(ctx, ip, ip, ts[t][2], 77, TV_THRESH_TOZERO));
        tvt_assert_ok(ctx, tv_threshold(ctx, a, d, ts[t][2], 77, TV_THRESH_TOZERO));
        ck_assert(tvt_images_equal(ip, d));
        tv_image_destroy(ip);
        tv_image_destroy(a);
        tv_image_destroy(d);
        tv_image_destroy(A);
        tv_image_destroy(D);
      }
  }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(threshold_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL, *s32 = NULL, *v = NULL, *w = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &c));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S32, &s32));
  ck_assert_int_eq(tv_threshold(NULL, a, a, 1, 1, TV_THRESH_BINARY), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_threshold(ctx, NULL, a, 1, 1, TV_THRESH_BINARY), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_threshold: src is NULL");
  tvt_assert_status(ctx, tv_threshold(ctx, a, NULL, 1, 1, TV_THRESH_BINARY), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_threshold: dst is NULL");
  tvt_assert_status(ctx, tv_threshold(ctx, a, b, 1, 1, TV_THRESH_BINARY), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_threshold: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_threshold(ctx, a, c, 1, 1, TV_THRESH_BINARY), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_threshold: src pixel type");
  tvt_assert_status(ctx, tv_threshold(ctx, s32, s32, 1, 1, TV_THRESH_BINARY), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_threshold: src has pixel type s32");
  tvt_assert_status(ctx, tv_threshold(ctx, a, a, 1, 1, (tv_threshold_kind)5), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_threshold: unknown threshold kind 5");
  tvt_assert_status(ctx, tv_threshold(ctx, a, a, NAN, 1, TV_THRESH_BINARY), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_threshold: thresh and maxval must not be NaN");
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &w));
  tvt_assert_status(ctx, tv_threshold(ctx, v, w, 1, 1, TV_THRESH_BINARY), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_threshold: dst overlaps src");
  /* Otsu */
  ck_assert_int_eq(tv_threshold_otsu(NULL, a, a, 1, TV_THRESH_BINARY, NULL), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, NULL, a, 1, TV_THRESH_BINARY, NULL), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: src is NULL");
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, a, b, 1, TV_THRESH_BINARY, NULL), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, s32, s32, 1, TV_THRESH_BINARY, NULL), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: src has pixel type s32");
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, a, a, 1, (tv_threshold_kind)-1, NULL), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: unknown threshold kind -1");
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, a, a, NAN, TV_THRESH_BINARY, NULL), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: maxval must not be NaN");
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, v, w, 1, TV_THRESH_BINARY, NULL), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: dst overlaps src");
  tv_image *rgb = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &rgb));
  double t = -1;
  tvt_assert_status(ctx, tv_threshold_otsu(ctx, rgb, rgb, 1, TV_THRESH_BINARY, &t), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_threshold_otsu: src has 3 channels");
  ck_assert(t == 0);
  tv_image_destroy(rgb);
  tv_image_destroy(v);
  tv_image_destroy(w);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_image_destroy(s32);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- Otsu --------------------------------------------------------------------------------------
 */

/* Brute force: the t in [0, nbins) maximising w0 w1 (m0 - m1)^2 over non-empty classes, the first
 * such t on ties. */
static int ref_otsu(const tv_image *img) {
  const int nb = img->type == TV_U8 ? 256 : 65536;
  double *h = calloc((size_t)nb, sizeof *h);
  ck_assert(h);
  for (int32_t y = 0; y < img->height; y++)
    for (int32_t x = 0; x < img->width; x++) h[(int)get(img, x, y, 0)] += 1;
  double n = 0, s = 0;
  for (int i = 0; i < nb; i++) {
    n += h[i];
    s += i * h[i];
  }
  double w0 = 0, s0 = 0, best = 0;
  int bt = 0;
  for (int t = 0; t < nb; t++) {
    w0 += h[t];
    s0 += t * h[t];
    const double w1 = n - w0;
    if (w0 == 0 || w1 == 0) continue;
    const double m0 = s0 / w0, m1 = (s - s0) / w1;
    const double v = (w0 / n) * (w1 / n) * (m0 - m1) * (m0 - m1);
    if (v > best * (1 + 1e-12)) {
      best = v;
      bt = t;
    }
  }
  free(h);
  return bt;
}

START_TEST(otsu_public) {
  tv_ctx *ctx = tvt_ctx();
  for (int ty = 0; ty < 2; ty++) {
    const tv_pixel_type type = ty ? TV_U16 : TV_U8;
    for (int img_i = 0; img_i < 4; img_i++) {
      tv_image *a = NULL, *d = NULL, *d2 = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 97, 61, 1, type, &a));
      tvt_assert_ok(ctx, tv_image_create(ctx, 97, 61, 1, type, &d));
      tvt_assert_ok(ctx, tv_image_create(ctx, 97, 61, 1, type, &d2));
      /* Two noisy populations (bimodal), different mixes. */
      uint64_t seed = 99 + (uint64_t)img_i;
      const double top = ty ? 65535 : 255;
      for (int32_t y = 0; y < 61; y++)
        for (int32_t x = 0; x < 97; x++) {
          const int hi = (int)(tvt_rand(&seed) % 10) < 3 + img_i;
          double v = (hi ? 0.7 : 0.25) * top +
                     ((double)(tvt_rand(&seed) % 1000) / 1000 - 0.5) * (0.3 + 0.1 * img_i) * top;
          v = v < 0 ? 0 : v > top ? top : floor(v);
          set(a, x, y, v);
        }
      const int want = ref_otsu(a);
      for (int threads = 1; threads <= 3; threads++) {
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
        double t = -1;
        tvt_assert_ok(ctx, tv_threshold_otsu(ctx, a, d, top, TV_THRESH_BINARY, &t));
        ck_assert_msg(t == want, "type %d image %d: otsu %g, brute force %d", type, img_i, t, want);
        tvt_assert_ok(ctx, tv_threshold(ctx, a, d2, t, top, TV_THRESH_BINARY));
        ck_assert(tvt_images_equal(d, d2));
      }
      tv_image_destroy(a);
      tv_image_destroy(d);
      tv_image_destroy(d2);
    }
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- adaptive ----------------------------------------------------------------------------------
 */

/* The mean as documented: u8 the float product as OpenCV's vector path (the exact quotient up to
 * block 163), u16 the exactly rounded quotient. */
static int64_t ref_mean(int64_t s, int64_t area, int u8) {
  if (!u8) return (2 * s + area) / (2 * area);
  return lrintf((float)s * (float)(1.0 / (double)area));
}

/* Exact window sums with REPLICATE borders, once per image and block: each row's horizontal
 * window sums, then the vertical sums of those (plain loops, no running sums). */
static void ref_window_sums(const tv_image *src, int block, int64_t *sums) {
  const int r = block / 2, w = src->width, h = src->height;
  int64_t *hs = malloc((size_t)w * (size_t)h * sizeof *hs);
  ck_assert(hs);
  for (int32_t y = 0; y < h; y++)
    for (int32_t x = 0; x < w; x++) {
      int64_t s = 0;
      for (int dx = -r; dx <= r; dx++) {
        const int32_t xx = x + dx < 0 ? 0 : x + dx >= w ? w - 1 : x + dx;
        s += (int64_t)get(src, xx, y, 0);
      }
      hs[y * w + x] = s;
    }
  for (int32_t y = 0; y < h; y++)
    for (int32_t x = 0; x < w; x++) {
      int64_t s = 0;
      for (int dy = -r; dy <= r; dy++) {
        const int32_t yy = y + dy < 0 ? 0 : y + dy >= h ? h - 1 : y + dy;
        s += hs[yy * w + x];
      }
      sums[y * w + x] = s;
    }
  free(hs);
}

static void ref_adaptive(const tv_image *src, const int64_t *sums, tv_image *dst, double maxval,
                         int kind, int block, double c) {
  const int u8 = src->type == TV_U8;
  const double top = u8 ? 255 : 65535;
  const int64_t idelta = kind == 0 ? (int64_t)ceil(c) : (int64_t)floor(c);
  const double mv = maxval < 0 ? 0 : maxval > top ? top : nearbyint(maxval);
  for (int32_t y = 0; y < src->height; y++)
    for (int32_t x = 0; x < src->width; x++) {
      const int64_t m = ref_mean(sums[y * src->width + x], (int64_t)block * block, u8);
      const int on = (int64_t)get(src, x, y, 0) - m > -idelta;
      set(dst, x, y, maxval < 0 ? 0 : (on != (kind == 1)) ? mv : 0);
    }
}

START_TEST(adaptive_public) {
  /* 257: the widest u8 block on 16-bit column sums; 259: the 32-bit path */
  static const int blocks[] = {3, 5, 7, 15, 17, 31, 165, 257, 259};
  static const double cs[] = {0, 2.5, -3.2, 7, 1e9};
  tv_ctx *ctx = tvt_ctx();
  for (int ty = 0; ty < 2; ty++) {
    const tv_pixel_type type = ty ? TV_U16 : TV_U8;
    tv_image *A = NULL, *D = NULL, *a = NULL, *d = NULL, *want = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 75, 53, 1, type, &A));
    tvt_assert_ok(ctx, tv_image_create(ctx, 76, 55, 1, type, &D));
    tvt_assert_ok(ctx, tv_image_create(ctx, 73, 51, 1, type, &want));
    tvt_assert_ok(ctx, tv_image_view(ctx, A, 1, 1, 73, 51, &a));
    tvt_assert_ok(ctx, tv_image_view(ctx, D, 2, 3, 73, 51, &d));
    int64_t *sums = malloc(73 * 51 * sizeof *sums);
    ck_assert(sums);
    /* A smooth surface plus noise, so the local mean matters. */
    uint64_t seed = 5;
    const double top = ty ? 65535 : 255;
    for (int32_t y = 0; y < 51; y++)
      for (int32_t x = 0; x < 73; x++) {
        double v = top * (0.5 + 0.3 * sin(x * 0.1) * cos(y * 0.13)) +
                   ((double)(tvt_rand(&seed) % 1000) / 1000 - 0.5) * top * 0.1;
        set(a, x, y, v < 0 ? 0 : v > top ? top : floor(v));
      }
    for (int bi = 0; bi < (int)(sizeof blocks / sizeof blocks[0]); bi++) {
      ref_window_sums(a, blocks[bi], sums);
      for (int ci = 0; ci < 5; ci++)
        for (int kind = 0; kind < 2; kind++) {
          const double c = ty ? cs[ci] * 200 : cs[ci];
          const double mv = ci == 3 ? -1 : ci == 4 ? 1e6 : 200.6;
          ref_adaptive(a, sums, want, mv, kind, blocks[bi], c);
          for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
            if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
            tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 1 + (bi + ci + cap) % 3));
            tvt_assert_ok(
                ctx, tv_adaptive_threshold(ctx, a, d, mv, (tv_threshold_kind)kind, blocks[bi], c));
            ck_assert_msg(tvt_images_equal(d, want), "cap %d type %d block %d c %g kind %d", cap,
                          type, blocks[bi], c, kind);
          }
        }
    }
    free(sums);
    tv_image_destroy(a);
    tv_image_destroy(d);
    tv_image_destroy(A);
    tv_image_destroy(D);
    tv_image_destroy(want);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(adaptive_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *c = NULL, *f = NULL, *rgb = NULL, *rgb2 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &c));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &f));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &rgb2));
  ck_assert_int_eq(tv_adaptive_threshold(NULL, a, c, 255, TV_THRESH_BINARY, 3, 0), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, NULL, c, 255, TV_THRESH_BINARY, 3, 0),
                    TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: src is NULL");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, b, 255, TV_THRESH_BINARY, 3, 0),
                    TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, f, f, 255, TV_THRESH_BINARY, 3, 0),
                    TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: src has pixel type f32");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, rgb, rgb2, 255, TV_THRESH_BINARY, 3, 0),
                    TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: src has 3 channels");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, a, 255, TV_THRESH_BINARY, 3, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: dst overlaps src");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, c, 255, TV_THRESH_TRUNC, 3, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: kind 2 is not BINARY or BINARY_INV");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, c, 255, TV_THRESH_BINARY, 4, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: block 4 is not odd in 3..1023");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, c, 255, TV_THRESH_BINARY, 1025, 0),
                    TV_ERR_ARG);
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, c, 255, TV_THRESH_BINARY, 1, 0), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, c, 255, TV_THRESH_BINARY, 3, INFINITY),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: c must be finite");
  tvt_assert_status(ctx, tv_adaptive_threshold(ctx, a, c, NAN, TV_THRESH_BINARY, 3, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_adaptive_threshold: maxval must not be NaN");
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(c);
  tv_image_destroy(f);
  tv_image_destroy(rgb);
  tv_image_destroy(rgb2);
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- hysteresis --------------------------------------------------------------------------------
 */

/* Brute force: start from the seeds, add weak pixels next to kept ones until nothing changes. */
static void ref_hysteresis(const tv_image *src, uint8_t *out, double low, double high, int conn) {
  const int32_t w = src->width, h = src->height;
  for (int32_t y = 0; y < h; y++)
    for (int32_t x = 0; x < w; x++) out[y * w + x] = get(src, x, y, 0) > high ? 255 : 0;
  int changed = 1;
  while (changed) {
    changed = 0;
    for (int32_t y = 0; y < h; y++)
      for (int32_t x = 0; x < w; x++) {
        if (out[y * w + x] || !(get(src, x, y, 0) > low)) continue;
        for (int dy = -1; dy <= 1 && !out[y * w + x]; dy++)
          for (int dx = -1; dx <= 1; dx++) {
            if ((dx == 0 && dy == 0) || (conn == 4 && dx != 0 && dy != 0)) continue;
            const int32_t xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            if (out[yy * w + xx]) {
              out[y * w + x] = 255;
              changed = 1;
              break;
            }
          }
      }
  }
}

START_TEST(hysteresis_public) {
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};
  tv_ctx *ctx = tvt_ctx();
  for (int t = 0; t < 3; t++)
    for (int conn = 4; conn <= 8; conn += 4) {
      const int32_t w = 67, h = 45;
      tv_image *a = NULL, *D = NULL, *d = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, types[t], &a));
      tvt_assert_ok(ctx, tv_image_create(ctx, w + 3, h + 2, 1, TV_U8, &D));
      tvt_assert_ok(ctx, tv_image_view(ctx, D, 3, 1, w, h, &d));
      /* Blobs and lines: a smooth field with noise; a few NaNs in f32. */
      uint64_t seed = 17 + (uint64_t)t;
      const double top = types[t] == TV_U8 ? 255 : types[t] == TV_U16 ? 65535 : 1000;
      for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++) {
          double v = top * (0.45 + 0.35 * sin(x * 0.31 + y * 0.07) * cos(y * 0.23)) +
                     ((double)(tvt_rand(&seed) % 1000) / 1000 - 0.5) * top * 0.3;
          v = v < 0 ? 0 : v > top ? top : floor(v);
          set(a, x, y, v);
        }
      if (types[t] == TV_F32) ((float *)tvi_row(a, 7))[9] = NAN;
      uint8_t *want = malloc((size_t)w * h);
      ck_assert(want);
      static const double levels[][2] = {{0.5, 0.8}, {0.6, 0.6}, {0.3, 0.95}, {-1, 2}};
      for (int li = 0; li < 4; li++) {
        const double lo = levels[li][0] * top + 0.5, hi = levels[li][1] * top + 0.75;
        ref_hysteresis(a, want, lo, hi, conn);
        for (int threads = 1; threads <= 4; threads += 3) {
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
          tvt_assert_ok(ctx, tv_hysteresis(ctx, a, d, lo, hi, conn));
          int bx = -1, by = -1; /* the first mismatch */
          for (int32_t y = 0; y < h; y++)
            for (int32_t x = 0; x < w; x++)
              if (get(d, x, y, 0) != want[y * w + x] && bx < 0) bx = x, by = y;
          ck_assert_msg(bx < 0, "type %d conn %d levels %d at %d,%d: %g != %d", types[t], conn, li,
                        bx, by, bx < 0 ? 0.0 : get(d, bx, by, 0), bx < 0 ? 0 : want[by * w + bx]);
        }
      }
      free(want);
      tv_image_destroy(a);
      tv_image_destroy(d);
      tv_image_destroy(D);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(hysteresis_bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *m = NULL, *s16 = NULL, *m16 = NULL, *rgb = NULL, *m3 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &m));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S16, &s16));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U16, &m16));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &rgb));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &m3));
  ck_assert_int_eq(tv_hysteresis(NULL, a, m, 1, 2, 8), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_hysteresis(ctx, NULL, m, 1, 2, 8), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_hysteresis: src is NULL");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, NULL, 1, 2, 8), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_hysteresis: dst is NULL");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, b, 1, 2, 8), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_hysteresis: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_hysteresis(ctx, s16, m, 1, 2, 8), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_hysteresis: src has pixel type s16");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, m16, 1, 2, 8), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_hysteresis: dst has pixel type u16");
  tvt_assert_status(ctx, tv_hysteresis(ctx, rgb, m3, 1, 2, 8), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_hysteresis: src has 3 channels");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, a, 1, 2, 8), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_hysteresis: dst overlaps src");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, m, 1, 2, 6), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_hysteresis: connectivity 6 is not 4 or 8");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, m, 3, 2, 8), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_hysteresis: need low <= high");
  tvt_assert_status(ctx, tv_hysteresis(ctx, a, m, NAN, 2, 8), TV_ERR_ARG);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(m);
  tv_image_destroy(s16);
  tv_image_destroy(m16);
  tv_image_destroy(rgb);
  tv_image_destroy(m3);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *threshold_suite(void) {
  Suite *s = suite_create("filter_threshold");
  TCase *tc = tcase_create("threshold");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, threshold_public);
  tcase_add_test(tc, threshold_bad_input);
  tcase_add_test(tc, otsu_public);
  tcase_add_test(tc, adaptive_public);
  tcase_add_test(tc, adaptive_bad_input);
  tcase_add_test(tc, hysteresis_public);
  tcase_add_test(tc, hysteresis_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(threshold_suite()); }
