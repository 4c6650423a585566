/* Tests of the conv family: every SIMD variant against the scalar reference, and tv_sep_filter,
 * tv_gaussian, tv_box against direct-sum oracles, across SIMD caps, threads, borders, in place.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_internal.h"
#include "filter/kernels/boxsum/boxsum.h"
#include "filter/kernels/sepconv/sepconv.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_sepconv_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/sepconv/sepconv.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], MAXN = 150, GUARD = 64, KMAX = 9 };

/* Random buffers: input rows long enough for MAXN samples, KMAX taps and 4 channels. */
typedef struct bufs {
  uint8_t in[(MAXN + 8 * KMAX + 8) * 4];
  uint8_t rows[KMAX][(MAXN + 8) * 4];
  uint8_t out1[(MAXN + 8) * 4 + GUARD], out2[(MAXN + 8) * 4 + GUARD];
  uint8_t sum1[(MAXN + 8) * 4], sum2[(MAXN + 8) * 4];
} bufs;

static void fill_bytes(uint8_t *p, size_t n, uint64_t *seed) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)tvt_rand(seed);
}
static void fill_floats(uint8_t *p, size_t n, uint64_t *seed) {
  float *f = (float *)(void *)p;
  for (size_t i = 0; i < n / 4; i++) f[i] = (float)((int)(tvt_rand(seed) % 20001) - 10000) * 0.05f;
}

#define CHECK_OUT(what)                                                                            \
  ck_assert_msg(memcmp(b->out1, b->out2, sizeof b->out1) == 0,                                     \
                "%s %s differs from scalar at n=%zu off=%zu kn=%d cn=%d", table[v].name, what, n,  \
                off, kn, cn)

static void check_variant(int v, bufs *b) {
  const tvi_sepconv_kernels *s = &tvi_sepconv_scalar, *t = table[v].k;
  uint64_t seed = 99;
  static const int cns[] = {1, 3, 4};
  const int quick = tvt_quick();
  for (int kn = 1; kn <= KMAX; kn += 2)
    for (int ci = 0; ci < 3; ci++)
      for (size_t n = 0; n <= MAXN; n = quick ? tvt_quick_next(n) : n + (n < 70 ? 1 : 7))
        for (size_t off = 0; off < 3; off++) {
          const int cn = cns[ci];
          uint16_t k8[KMAX], k8s[KMAX];
          uint32_t k16[KMAX];
          float kf[KMAX];
          uint32_t s16 = 0;
          for (int j = 0; j < kn; j++) {
            k8[j] = (uint16_t)(tvt_rand(&seed) % 257);
            k8s[j] = (uint16_t)(tvt_rand(&seed) % 3); /* small: the 16-bit column fits */
            k16[j] = (uint32_t)(tvt_rand(&seed) % (65536 / kn + 1));
            s16 += k16[j];
            kf[j] = (float)((int)(tvt_rand(&seed) % 2001) - 1000) / 997.0f;
          }
          (void)s16;
          if (off >= 1) /* symmetric kernels (the Gaussians): the vector kernels' mirrored path */
            for (int j = 0; j < kn / 2; j++) {
              k8[kn - 1 - j] = k8[j];
              k8s[kn - 1 - j] = k8s[j];
              k16[kn - 1 - j] = k16[j];
              kf[kn - 1 - j] = kf[j];
            }
          if (off == 2 && kn == 3) { /* power-of-two taps (Q16 3x3): the shifting path */
            k16[0] = k16[2] = 1u << (tvt_rand(&seed) % 15);
            k16[1] = 1u << (tvt_rand(&seed) % 16);
          }
          fill_bytes(b->in, sizeof b->in, &seed);
          for (int j = 0; j < KMAX; j++) fill_bytes(b->rows[j], sizeof b->rows[j], &seed);
#define RESET()                                                                                    \
  do {                                                                                             \
    memset(b->out1, 0xa5, sizeof b->out1);                                                         \
    memset(b->out2, 0xa5, sizeof b->out2);                                                         \
  } while (0)
          /* Fixed point u8. Rows for the 16-bit column are kept small enough not to wrap. */
          const uint16_t *r16[KMAX];
          const uint32_t *r32[KMAX];
          const float *rf[KMAX];
          for (int j = 0; j < KMAX; j++) {
            r16[j] = (const uint16_t *)(const void *)b->rows[j] + off;
            r32[j] = (const uint32_t *)(const void *)b->rows[j] + off;
            rf[j] = (const float *)(const void *)b->rows[j] + off;
          }
          RESET();
          s->row_q8(b->in + off, (uint16_t *)(void *)b->out1 + off, n, k8, kn, cn);
          t->row_q8(b->in + off, (uint16_t *)(void *)b->out2 + off, n, k8, kn, cn);
          CHECK_OUT("row_q8");
          RESET();
          s->col_q8_w32(r16, b->out1 + off, n, k8, kn, 9);
          t->col_q8_w32(r16, b->out2 + off, n, k8, kn, 9);
          CHECK_OUT("col_q8_w32");
          for (int j = 0; j < KMAX; j++) /* 16-bit column: sum k * r < 2^16 - 2^8 */
            for (size_t i = 0; i < MAXN + 8; i++) ((uint16_t *)(void *)b->rows[j])[i] &= 0x0fff;
          RESET();
          s->col_q8_w16(r16, b->out1 + off, n, k8s, kn, 4);
          t->col_q8_w16(r16, b->out2 + off, n, k8s, kn, 4);
          CHECK_OUT("col_q8_w16");
          fill_bytes(b->in, sizeof b->in, &seed);
          for (int j = 0; j < KMAX; j++) fill_bytes(b->rows[j], sizeof b->rows[j], &seed);
          RESET();
          s->row_q16((const uint16_t *)(void *)b->in + off, (uint32_t *)(void *)b->out1 + off, n,
                     k16, kn, cn);
          t->row_q16((const uint16_t *)(void *)b->in + off, (uint32_t *)(void *)b->out2 + off, n,
                     k16, kn, cn);
          CHECK_OUT("row_q16");
          RESET();
          s->col_q16(r32, (uint16_t *)(void *)b->out1 + off, n, k16, kn);
          t->col_q16(r32, (uint16_t *)(void *)b->out2 + off, n, k16, kn);
          CHECK_OUT("col_q16");
          /* Float rows and columns. */
          RESET();
          s->row_f32_u8(b->in + off, (float *)(void *)b->out1 + off, n, kf, kn, cn);
          t->row_f32_u8(b->in + off, (float *)(void *)b->out2 + off, n, kf, kn, cn);
          CHECK_OUT("row_f32_u8");
          RESET();
          s->row_f32_u16((const uint16_t *)(void *)b->in + off, (float *)(void *)b->out1 + off, n,
                         kf, kn, cn);
          t->row_f32_u16((const uint16_t *)(void *)b->in + off, (float *)(void *)b->out2 + off, n,
                         kf, kn, cn);
          CHECK_OUT("row_f32_u16");
          fill_floats(b->in, sizeof b->in, &seed);
          for (int j = 0; j < KMAX; j++) fill_floats(b->rows[j], sizeof b->rows[j], &seed);
          RESET();
          s->row_f32_f32((const float *)(void *)b->in + off, (float *)(void *)b->out1 + off, n, kf,
                         kn, cn);
          t->row_f32_f32((const float *)(void *)b->in + off, (float *)(void *)b->out2 + off, n, kf,
                         kn, cn);
          CHECK_OUT("row_f32_f32");
          for (int scale = 0; scale < 2; scale++) { /* 0: many ties .5, 1: large values */
            const float d = scale ? 0.37f : 0.5f;
            if (scale)
              for (int j = 0; j < KMAX; j++)
                for (size_t i = 0; i < MAXN + 8; i++) ((float *)(void *)b->rows[j])[i] *= 200.0f;
            RESET();
            s->col_f32_u8(rf, b->out1 + off, n, kf, kn, d);
            t->col_f32_u8(rf, b->out2 + off, n, kf, kn, d);
            CHECK_OUT("col_f32_u8");
            RESET();
            s->col_f32_u16(rf, (uint16_t *)(void *)b->out1 + off, n, kf, kn, d);
            t->col_f32_u16(rf, (uint16_t *)(void *)b->out2 + off, n, kf, kn, d);
            CHECK_OUT("col_f32_u16");
            RESET();
            s->col_f32_s16(rf, (int16_t *)(void *)b->out1 + off, n, kf, kn, d);
            t->col_f32_s16(rf, (int16_t *)(void *)b->out2 + off, n, kf, kn, d);
            CHECK_OUT("col_f32_s16");
            RESET();
            s->col_f32_f32(rf, (float *)(void *)b->out1 + off, n, kf, kn, d);
            t->col_f32_f32(rf, (float *)(void *)b->out2 + off, n, kf, kn, d);
            CHECK_OUT("col_f32_f32");
          }
          /* Box rows (window kn and a long one) and columns. */
          fill_bytes(b->in, sizeof b->in, &seed);
          for (int kw = kn; kw <= kn + 20; kw += 20) {
            if ((size_t)kw * 4 * (size_t)cn + MAXN * 2 > sizeof b->in) continue;
            RESET();
            s->box_row_u8_u16(b->in + off, (uint16_t *)(void *)b->out1 + off, n, kw, cn);
            t->box_row_u8_u16(b->in + off, (uint16_t *)(void *)b->out2 + off, n, kw, cn);
            CHECK_OUT("box_row_u8_u16");
            RESET();
            s->box_row_u8_s32(b->in + off, (int32_t *)(void *)b->out1 + off, n, kw, cn);
            t->box_row_u8_s32(b->in + off, (int32_t *)(void *)b->out2 + off, n, kw, cn);
            CHECK_OUT("box_row_u8_s32");
            if (((size_t)kw - 1) * (size_t)cn + MAXN <= sizeof b->in / 2) {
              RESET();
              s->box_row_u16_s32((const uint16_t *)(void *)b->in + off,
                                 (int32_t *)(void *)b->out1 + off, n, kw, cn);
              t->box_row_u16_s32((const uint16_t *)(void *)b->in + off,
                                 (int32_t *)(void *)b->out2 + off, n, kw, cn);
              CHECK_OUT("box_row_u16_s32");
            }
          }
          for (int norm = 0; norm < 2; norm++) {
            /* u16 sums of a 5x5 window: the sum stays below 255 * 25. */
            for (size_t i = 0; i < MAXN + 8; i++) {
              ((uint16_t *)(void *)b->rows[0])[i] %= 256 * 5;
              ((uint16_t *)(void *)b->rows[1])[i] %= 256 * 5;
              ((uint16_t *)(void *)b->rows[2])[i] =
                  (uint16_t)(((uint16_t *)(void *)b->rows[2])[i] % (256 * 20) +
                             ((uint16_t *)(void *)b->rows[1])[i]);
            }
            memcpy(b->sum1, b->rows[2], sizeof b->sum1);
            memcpy(b->sum2, b->rows[2], sizeof b->sum2);
            RESET();
            s->box_col_u16_u8((uint16_t *)(void *)b->sum1 + off, r16[0], r16[1], b->out1 + off, n,
                              335545, 13, norm);
            t->box_col_u16_u8((uint16_t *)(void *)b->sum2 + off, r16[0], r16[1], b->out2 + off, n,
                              335545, 13, norm);
            CHECK_OUT("box_col_u16_u8");
            ck_assert(memcmp(b->sum1, b->sum2, sizeof b->sum1) == 0);
            const int32_t *a32 = (const int32_t *)(const void *)r32[0],
                          *s32 = (const int32_t *)(const void *)r32[1];
            for (size_t i = 0; i < MAXN + 8; i++) {
              ((int32_t *)(void *)b->rows[0])[i] &= 0x3fffff;
              ((int32_t *)(void *)b->rows[1])[i] &= 0x3fffff;
              ((int32_t *)(void *)b->rows[2])[i] &= 0x3fffff;
            }
#define BOX_S32(fn, T)                                                                             \
  do {                                                                                             \
    memcpy(b->sum1, b->rows[2], sizeof b->sum1);                                                   \
    memcpy(b->sum2, b->rows[2], sizeof b->sum2);                                                   \
    RESET();                                                                                       \
    s->fn((int32_t *)(void *)b->sum1 + off, a32, s32, (T *)(void *)b->out1 + off, n, 1.0f / 9.0f,  \
          norm);                                                                                   \
    t->fn((int32_t *)(void *)b->sum2 + off, a32, s32, (T *)(void *)b->out2 + off, n, 1.0f / 9.0f,  \
          norm);                                                                                   \
    CHECK_OUT(#fn);                                                                                \
    ck_assert(memcmp(b->sum1, b->sum2, sizeof b->sum1) == 0);                                      \
  } while (0)
            BOX_S32(box_col_s32_u8, uint8_t);
            BOX_S32(box_col_s32_u16, uint16_t);
            BOX_S32(box_col_s32_f32, float);
            /* s32 sums of u16 row sums (a u8 window of up to 257 x 257) */
            for (size_t i = 0; i < MAXN + 8; i++)
              ((int32_t *)(void *)b->rows[2])[i] %= 257 * 256 * 255;
            memcpy(b->sum1, b->rows[2], sizeof b->sum1);
            memcpy(b->sum2, b->rows[2], sizeof b->sum2);
            RESET();
            s->box_col_w16_s32_u8((int32_t *)(void *)b->sum1 + off, r16[0], r16[1], b->out1 + off,
                                  n, 1.0f / 961.0f, norm);
            t->box_col_w16_s32_u8((int32_t *)(void *)b->sum2 + off, r16[0], r16[1], b->out2 + off,
                                  n, 1.0f / 961.0f, norm);
            CHECK_OUT("box_col_w16_s32_u8");
            ck_assert(memcmp(b->sum1, b->sum2, sizeof b->sum1) == 0);
          }
        }
}

START_TEST(variants_match_scalar) {
  int tested = 0;
  bufs *b = malloc(sizeof *b);
  ck_assert(b);
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("conv: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (tvt_quick() && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    check_variant(v, b);
    tested++;
  }
  free(b);
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* ---- oracles ------------------------------------------------------------------------------- */

static double get(const tv_image *img, int64_t x, int64_t y, int c) {
  const uint8_t *row = (const uint8_t *)img->data + y * img->stride;
  const size_t i = (size_t)x * (size_t)img->channels + (size_t)c;
  switch (img->type) {
  case TV_U8: return row[i];
  case TV_U16: return ((const uint16_t *)(const void *)row)[i];
  case TV_S16: return ((const int16_t *)(const void *)row)[i];
  default: return ((const float *)(const void *)row)[i];
  }
}

/* Sample of src at a virtual position under a border. */
static double sample(const tv_image *src, int64_t x, int64_t y, int c, tv_border b, double v) {
  const int64_t bx = tvi_border_index(x, src->width, b), by = tvi_border_index(y, src->height, b);
  if (bx < 0 || by < 0) return v;
  return get(src, bx, by, c);
}

/* Exact integer weighted sum over a window: sum ky[j] * sum kx[i] * p (as doubles: exact below
 * 2^53). */
static double wsum(const tv_image *src, int64_t x, int64_t y, int c, const double *kx, int nx,
                   const double *ky, int ny, int ax, int ay, tv_border b, double v) {
  double s = 0;
  for (int j = 0; j < ny; j++) {
    double h = 0;
    for (int i = 0; i < nx; i++) h += kx[i] * sample(src, x + i - ax, y + j - ay, c, b, v);
    s += ky[j] * h;
  }
  return s;
}

static tv_image *make(tv_ctx *ctx, int w, int h, int cn, tv_pixel_type t, uint64_t seed) {
  tv_image *img = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, w, h, cn, t, &img));
  tvt_fill_random(img, seed);
  return img;
}

static const int shapes[][2] = {{1, 1}, {2, 5}, {7, 3}, {33, 19}, {70, 41}};
static const tv_border borders[] = {TV_BORDER_REPLICATE, TV_BORDER_REFLECT101, TV_BORDER_CONSTANT};

/* tv_gaussian with the sigma-0 kernels of size 3 and 5 against the exact fixed-point formula,
 * at every SIMD cap, thread count, border, channel count and on views. */
START_TEST(gaussian_exact) {
  static const double q3[] = {64, 128, 64}, q5[] = {16, 64, 96, 64, 16};
  tv_ctx *ctx = tvt_ctx();
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int ti = 0; ti < 2; ti++)
      for (int si = 0; si < 5; si++)
        for (int cn = 1; cn <= 3; cn += 2)
          for (int bi = 0; bi < 3; bi++)
            for (int k = 3; k <= 5; k += 2) {
              const tv_pixel_type t = ti ? TV_U16 : TV_U8;
              const int w = shapes[si][0], h = shapes[si][1];
              tv_image *big = make(ctx, w + 5, h + 2, cn, t, (uint64_t)(si * 7 + cn)), *src = NULL;
              tvt_assert_ok(ctx, tv_image_view(ctx, big, 3, 1, w, h, &src));
              tv_image *dst = make(ctx, w, h, cn, t, 5);
              const double bv = t == TV_U8 ? 77 : 40000;
              const int threads = 1 + (si + bi) % 3;
              tv_ctx_set(ctx, TV_CTX_THREADS, threads);
              tvt_assert_ok(ctx, tv_gaussian(ctx, src, dst, 0, 0, k, k, borders[bi], bv));
              const double *q = k == 3 ? q3 : q5;
              double qq[5];
              for (int i = 0; i < k; i++) qq[i] = t == TV_U8 ? q[i] : q[i] * 256;
              /* Exactly 1-row or 1-column images are not blurred across (as OpenCV). */
              const int nx = (w == 1 && borders[bi] != TV_BORDER_CONSTANT) ? 1 : k;
              const int ny = (h == 1 && borders[bi] != TV_BORDER_CONSTANT) ? 1 : k;
              const double one = t == TV_U8 ? 256 : 65536;
              int bx = -1, by = -1, bc = -1; /* the first mismatch */
              double bwant = 0;
              for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                  for (int c = 0; c < cn; c++) {
                    const double s = wsum(src, x, y, c, nx == 1 ? &one : qq, nx,
                                          ny == 1 ? &one : qq, ny, nx / 2, ny / 2, borders[bi], bv);
                    const double want = floor((s + one * one / 2) / (one * one));
                    if (get(dst, x, y, c) != want && bx < 0) bx = x, by = y, bc = c, bwant = want;
                  }
              ck_assert_msg(bx < 0, "cap %d %s k=%d %dx%dx%d border %d at %d,%d,%d: %g != %g", cap,
                            t == TV_U8 ? "u8" : "u16", k, w, h, cn, borders[bi], bx, by, bc,
                            bx < 0 ? 0.0 : get(dst, bx, by, bc), bwant);
              tv_image_destroy(src);
              tv_image_destroy(big);
              tv_image_destroy(dst);
            }
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Results identical for every SIMD cap, every thread count and in place (sigma-derived kernels,
 * f32 included). */
START_TEST(gaussian_caps_threads_inplace) {
  tv_ctx *ctx = tvt_ctx();
  static const tv_pixel_type types[] = {TV_U8, TV_U16, TV_F32};
  for (int ti = 0; ti < 3; ti++)
    for (int bi = 0; bi < 3; bi++) {
      tv_image *src = make(ctx, 131, 97, 3, types[ti], (uint64_t)ti + 11), *ref = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 131, 97, 3, types[ti], &ref));
      tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR);
      tv_ctx_set(ctx, TV_CTX_THREADS, 1);
      tvt_assert_ok(ctx, tv_gaussian(ctx, src, ref, 1.7, 2.3, 0, 0, borders[bi], 3));
      for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
        if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
        for (int threads = 1; threads <= 3; threads++) {
          tv_ctx_set(ctx, TV_CTX_THREADS, threads);
          tv_image *d = NULL;
          tvt_assert_ok(ctx, tv_image_clone(ctx, src, &d));
          tvt_assert_ok(ctx, tv_gaussian(ctx, d, d, 1.7, 2.3, 0, 0, borders[bi], 3));
          ck_assert_msg(tvt_images_equal(d, ref), "type %d border %d cap %d threads %d in place",
                        types[ti], bi, cap, threads);
          tvt_assert_ok(ctx, tv_image_fill(ctx, d, 0));
          tvt_assert_ok(ctx, tv_gaussian(ctx, src, d, 1.7, 2.3, 0, 0, borders[bi], 3));
          ck_assert_msg(tvt_images_equal(d, ref), "type %d border %d cap %d threads %d", types[ti],
                        bi, cap, threads);
          tv_image_destroy(d);
        }
      }
      /* f32 against a double-precision sum of the same kernel: within 1e-5 relative. */
      tv_image_destroy(src);
      tv_image_destroy(ref);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

/* tv_box against exact sums with OpenCV's rounding rules; every cap, threads, in place. */
static double box_want(double s, int area, int normalize, const tv_image *src,
                       const tv_image *dst) {
  if (!normalize || area == 1) {
    if (dst->type == TV_F32) return (float)s;
    const double hi = dst->type == TV_U8 ? 255 : 65535;
    return s > hi ? hi : s;
  }
  if (src->type == TV_U8 && dst->type == TV_U8 && area <= 256) {
    double f = (double)(1 << 23) / area;
    uint32_t ds = (uint32_t)floor(f), dd = (uint32_t)(area / 2);
    f -= ds;
    if (f < 0.5)
      dd++;
    else
      ds++;
    const uint32_t q = (((uint32_t)s + dd) * ds) >> 23; /* 256 (two 255s): saturated */
    return q > 255 ? 255 : q;
  }
  if (src->type == TV_F32) return (float)(s * (1.0 / area));
  if (src->type == TV_U16 && area > 32768) return nearbyint(s * (1.0 / area));
  const float f = (float)s * (float)(1.0 / area);
  if (dst->type == TV_F32) return f;
  return nearbyintf(f);
}

START_TEST(box_exact) {
  static const int wins[][2] = {{1, 1},   {3, 3},   {5, 5},  {2, 4},
                                {31, 31}, {17, 15}, {20, 3}, {257, 3} /* widest 16-bit row sums */};
  static const tv_pixel_type types[][2] = {
      {TV_U8, TV_U8}, {TV_U16, TV_U16}, {TV_U8, TV_F32}, {TV_F32, TV_F32}};
  tv_ctx *ctx = tvt_ctx();
  int iter = 0;
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int ti = 0; ti < 4; ti++)
      for (int wi = 0; wi < 7; wi++)
        for (int si = 0; si < 5; si++, iter++) {
          const int w = shapes[si][0], h = shapes[si][1], cn = 1 + 2 * (iter % 2);
          const tv_border b = borders[iter % 3];
          const int norm = (iter / 3) % 2 ? 0 : 1;
          tv_image *src = make(ctx, w, h, cn, types[ti][0], (uint64_t)iter), *dst = NULL;
          tvt_assert_ok(ctx, tv_image_create(ctx, w, h, cn, types[ti][1], &dst));
          tv_ctx_set(ctx, TV_CTX_THREADS, 1 + iter % 3);
          const int kw = wins[wi][0], kh = wins[wi][1];
          const double bv = types[ti][0] == TV_U8 ? 200 : 1000;
          tvt_assert_ok(ctx, tv_box(ctx, src, dst, kw, kh, norm, b, bv));
          const double ones[31] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
          int bx = -1, by = -1, bc = -1; /* the first mismatch */
          double bgot = 0, bwant = 0;
          for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
              for (int c = 0; c < cn; c++) {
                const double s = wsum(src, x, y, c, ones, kw, ones, kh, kw / 2, kh / 2, b, bv);
                const double want = box_want(s, kw * kh, norm, src, dst);
                const double got = get(dst, x, y, c);
                const double tol = types[ti][0] == TV_F32 ? 1e-5 * fabs(want) + 1e-3 : 0;
                if (!(fabs(got - want) <= tol) && bx < 0)
                  bx = x, by = y, bc = c, bgot = got, bwant = want;
              }
          ck_assert_msg(bx < 0,
                        "cap %d types %d win %dx%d norm %d %dx%dx%d border %d at %d,%d,%d: "
                        "%.9g != %.9g",
                        cap, ti, kw, kh, norm, w, h, cn, b, bx, by, bc, bgot, bwant);
          /* In place (same type) gives the same. */
          if (types[ti][0] == types[ti][1]) {
            tv_ctx_set(ctx, TV_CTX_THREADS, 2 + iter % 2);
            tvt_assert_ok(ctx, tv_box(ctx, src, src, kw, kh, norm, b, bv));
            ck_assert(tvt_images_equal(src, dst));
          }
          tv_image_destroy(src);
          tv_image_destroy(dst);
        }
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* ---- the boxsum family (box running sums) --------------------------------------------------- */

static const struct {
  tv_isa isa;
  const tvi_boxsum_kernels *k;
  const char *name;
} bs_table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/boxsum/boxsum.inc"
#undef TV_KERNEL
};
enum { BS_NVARIANTS = sizeof bs_table / sizeof bs_table[0], BS_MAXN = 200, BS_KMAX = 300 };

/* Every boxsum kernel of variant v against the scalar one at every length 0..BS_MAXN, several
 * windows and misalignments, with guard bytes after the output. */
static void check_boxsum_variant(int v) {
  const tvi_boxsum_kernels *s = &tvi_boxsum_scalar, *t = bs_table[v].k;
  enum { NIN = BS_MAXN + BS_KMAX + 8, NOUT = BS_MAXN + 8 + GUARD };
  uint8_t *a8 = malloc(NIN), *b8 = malloc(NIN);
  uint16_t *a16 = malloc(NIN * 2), *b16 = malloc(NIN * 2), *c1 = malloc(NOUT * 2),
           *c2 = malloc(NOUT * 2);
  uint32_t *a32 = malloc(NIN * 4), *d1 = malloc(NOUT * 4), *d2 = malloc(NOUT * 4);
  ck_assert(a8 && b8 && a16 && b16 && c1 && c2 && a32 && d1 && d2);
  uint64_t seed = 4242;
  static const int ks[] = {1, 2, 3, 5, 15, 16, 17, 31, 64, 257, 300};
  for (int big = 0; big < 2; big++) {
    for (size_t i = 0; i < NIN; i++) {
      a8[i] = (uint8_t)tvt_rand(&seed);
      b8[i] = (uint8_t)tvt_rand(&seed);
      a16[i] = (uint16_t)tvt_rand(&seed);
      b16[i] = (uint16_t)tvt_rand(&seed);
      /* column sums of up to 1023 u16 rows; big: any 32-bit value (wrapping sums) */
      a32[i] = big ? (uint32_t)tvt_rand(&seed) : (uint32_t)(tvt_rand(&seed) % (65535u * 1023u));
    }
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
      for (size_t n = 0; n <= BS_MAXN; n = tvt_quick() ? tvt_quick_next(n) : n + 1)
        for (size_t off = 0; off < 3; off++) {
          const int k = ks[ki];
          /* col_*: start from the same column sums, with and without a row to subtract */
          for (int withsub = 0; withsub < 2; withsub++) {
            for (size_t i = 0; i < NOUT; i++) c1[i] = c2[i] = (uint16_t)(a16[i] ^ (uint16_t)k);
            s->col_u8_u16(c1 + off, a8 + off, withsub ? b8 + off : NULL, n);
            t->col_u8_u16(c2 + off, a8 + off, withsub ? b8 + off : NULL, n);
            ck_assert_msg(memcmp(c1, c2, NOUT * 2) == 0, "%s col_u8_u16 differs at n=%zu off=%zu",
                          bs_table[v].name, n, off);
            for (size_t i = 0; i < NOUT; i++) d1[i] = d2[i] = a32[i] ^ (uint32_t)k;
            s->col_u16_u32(d1 + off, a16 + off, withsub ? b16 + off : NULL, n);
            t->col_u16_u32(d2 + off, a16 + off, withsub ? b16 + off : NULL, n);
            ck_assert_msg(memcmp(d1, d2, NOUT * 4) == 0, "%s col_u16_u32 differs at n=%zu off=%zu",
                          bs_table[v].name, n, off);
          }
          memset(d1, 0xa5, NOUT * 4);
          memset(d2, 0xa5, NOUT * 4);
          s->hsum_u16_u32(a16 + off, d1 + off, n, k);
          t->hsum_u16_u32(a16 + off, d2 + off, n, k);
          ck_assert_msg(memcmp(d1, d2, NOUT * 4) == 0, "%s hsum_u16_u32 differs at n=%zu k=%d",
                        bs_table[v].name, n, k);
          memset(d1, 0xa5, NOUT * 4);
          memset(d2, 0xa5, NOUT * 4);
          s->hsum_u32_u32(a32 + off, d1 + off, n, k);
          t->hsum_u32_u32(a32 + off, d2 + off, n, k);
          ck_assert_msg(memcmp(d1, d2, NOUT * 4) == 0, "%s hsum_u32_u32 differs at n=%zu k=%d",
                        bs_table[v].name, n, k);
          /* step_*: the output row, without and with the next row's column sums (ax = k / 2
           * samples of padding before column 0; guard samples around what they write) */
          for (int norm = 0; norm < 2; norm++)
            for (int withnext = 0; withnext < 2; withnext++) {
              const size_t ax = (size_t)k / 2;
              uint8_t *o1 = malloc(NOUT), *o2 = malloc(NOUT);
              uint16_t *c8 = malloc(NIN * 2), *m1 = malloc(NIN * 2), *m2 = malloc(NIN * 2);
              uint32_t *e1 = malloc(NIN * 4), *e2 = malloc(NIN * 4);
              ck_assert(o1 && o2 && c8 && m1 && m2 && e1 && e2);
#define STEP_CHECK(fn, O, N, in, add, sub, ...)                                                    \
  do {                                                                                             \
    memset(O##1, 0xa5, NOUT * sizeof *O##1);                                                       \
    memset(O##2, 0xa5, NOUT * sizeof *O##2);                                                       \
    memset(N##1, 0x5a, NIN * sizeof *N##1);                                                        \
    memset(N##2, 0x5a, NIN * sizeof *N##2);                                                        \
    s->fn(in, withnext ? N##1 + off : NULL, add, sub, ax, O##1 + off, n, k, __VA_ARGS__);          \
    t->fn(in, withnext ? N##2 + off : NULL, add, sub, ax, O##2 + off, n, k, __VA_ARGS__);          \
    ck_assert_msg(memcmp(O##1, O##2, NOUT * sizeof *O##1) == 0 &&                                  \
                      memcmp(N##1, N##2, NIN * sizeof *N##1) == 0,                                 \
                  "%s " #fn " differs at n=%zu k=%d norm=%d big=%d next=%d", bs_table[v].name, n,  \
                  k, norm, big, withnext);                                                         \
  } while (0)
              /* step_u16_u8: column sums of kh u8 rows, windows up to 256 pixels (k * kh), so
               * that every true sum fits 16 bits; big: each column at its largest */
              if (k <= 256) {
                const int kh8 = 1 + (int)(n % (size_t)(256 / k));
                const uint16_t top = (uint16_t)(255 * kh8);
                for (size_t i = 0; i < NIN; i++)
                  c8[i] = big ? top : (uint16_t)(a16[i] % (top + 1u));
                const int area = k * kh8;
                uint32_t ds = 0, dd = 0; /* the constants tv_box passes the kernel */
                tvi_boxsum_u8_divisor(area, &ds, &dd);
                STEP_CHECK(step_u16_u8, o, m, c8 + off, a8 + off, b8 + off, ds, dd,
                           norm && area > 1);
                /* step_u16_u8f: any u16 samples (32-bit sums), scaled in float */
                const float sc8 = (float)(1.0 / ((double)k * (1 + (int)(n % 300))));
                STEP_CHECK(step_u16_u8f, o, m, a16 + off, a8 + off, b8 + off, sc8, norm);
              }
              /* step_u32_u16: any 32-bit sums (big: wrapped, negative as int32) */
              const int kh = 1 + (int)(n % 31);
              const float scale = (float)(1.0 / ((double)k * kh));
              STEP_CHECK(step_u32_u16, c, e, a32 + off, a16 + off, b16 + off, scale, norm);
#undef STEP_CHECK
              free(o1);
              free(o2);
              free(c8);
              free(m1);
              free(m2);
              free(e1);
              free(e2);
            }
        }
  }
  free(a8);
  free(b8);
  free(a16);
  free(b16);
  free(c1);
  free(c2);
  free(a32);
  free(d1);
  free(d2);
}

START_TEST(boxsum_variants_match_scalar) {
  int tested = 0;
  for (int v = 0; v < BS_NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), bs_table[v].isa)) {
      printf("boxsum: %s not run (CPU level %s)\n", bs_table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (tvt_quick() && tested > 0 && v == BS_NVARIANTS - 1) continue; /* scalar against itself */
    check_boxsum_variant(v);
    tested++;
  }
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(bs_table[BS_NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* The vertical-first path of tv_box (u16 to u16 and u8 to u8, one channel, not in place): against
 * the exact sums at every cap, border, 1-3 threads, on views with padded rows, windows wider and
 * taller than the image, u8 windows on both sides of 256 pixels (16-bit sums, else 32-bit sums
 * scaled in float) and of 257 rows (taller ones take the row-first path); identical to the
 * in-place (row-first) result. */
START_TEST(box_vertical) {
  static const int wins[][2] = {
      {1, 1}, {3, 3}, {5, 5},   {15, 15}, {31, 31}, {2, 4},   {40, 3},  {3, 40}, {1, 9}, {63, 5},
      {7, 7}, {8, 9}, {16, 16}, {17, 15}, {300, 2}, {2, 258}, {9, 257}, {2, 1},  {1, 2}};
  static const int shp[][2] = {{1, 1}, {2, 5}, {17, 3}, {37, 23}, {100, 61}};
  double ones[300];
  for (int i = 0; i < 300; i++) ones[i] = 1;
  tv_ctx *ctx = tvt_ctx();
  int iter = 0;
  for (int t8 = 0; t8 < 2; t8++)
    for (size_t wi = 0; wi < sizeof wins / sizeof wins[0]; wi++)
      for (size_t si = 0; si < sizeof shp / sizeof shp[0]; si++)
        for (int bi = 0; bi < 3; bi++, iter++) {
          const int w = shp[si][0], h = shp[si][1], kw = wins[wi][0], kh = wins[wi][1];
          const int norm = iter % 4 != 3;
          const tv_pixel_type type = t8 ? TV_U8 : TV_U16;
          const double bv = t8 ? 200 : 1000; /* the CONSTANT border's value */
          if (!t8 && kw * kh > 32768) continue;
          tv_image *big = make(ctx, w + 5, h + 2, 1, type, (uint64_t)iter), *src = NULL;
          tv_image *dst = NULL, *ref = NULL;
          tvt_assert_ok(ctx, tv_image_view(ctx, big, 3, 1, w, h, &src));
          if (iter % 5 == 0) tvt_assert_ok(ctx, tv_image_fill(ctx, src, t8 ? 255 : 65535));
          tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, type, &dst));
          double *want = malloc((size_t)w * (size_t)h * sizeof *want);
          ck_assert(want);
          for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
              want[(size_t)y * (size_t)w + (size_t)x] =
                  box_want(wsum(src, x, y, 0, ones, kw, ones, kh, kw / 2, kh / 2, borders[bi], bv),
                           kw * kh, norm, src, dst);
          for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
            if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
            for (int threads = 1; threads <= 3; threads += tvt_quick() ? 2 : 1) {
              tv_ctx_set(ctx, TV_CTX_THREADS, threads);
              tvt_assert_ok(ctx, tv_image_fill(ctx, dst, 7));
              tvt_assert_ok(ctx, tv_box(ctx, src, dst, kw, kh, norm, borders[bi], bv));
              int bx = -1, by = -1; /* the first mismatch */
              for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                  if (get(dst, x, y, 0) != want[(size_t)y * (size_t)w + (size_t)x] && bx < 0)
                    bx = x, by = y;
              ck_assert_msg(bx < 0,
                            "type %d cap %d win %dx%d norm %d %dx%d border %d threads %d at %d,%d: "
                            "%g != %g",
                            type, cap, kw, kh, norm, w, h, bi, threads, bx, by,
                            bx < 0 ? 0.0 : get(dst, bx, by, 0),
                            bx < 0 ? 0.0 : want[(size_t)by * (size_t)w + (size_t)bx]);
            }
            /* In place takes the row-first path: the same result. */
            tvt_assert_ok(ctx, tv_image_clone(ctx, src, &ref));
            tvt_assert_ok(ctx, tv_box(ctx, ref, ref, kw, kh, norm, borders[bi], bv));
            ck_assert(tvt_images_equal(ref, dst));
            tv_image_destroy(ref);
            ref = NULL;
          }
          free(want);
          tv_image_destroy(src);
          tv_image_destroy(big);
          tv_image_destroy(dst);
        }
  tv_ctx_destroy(ctx);
}
END_TEST

/* tv_sep_filter within its documented tolerance of the exact sum, and identical across caps and
 * threads. */
START_TEST(sep_filter_tolerance) {
  static const tv_pixel_type srcs[] = {TV_U8, TV_U16, TV_F32};
  static const tv_pixel_type dsts[] = {TV_U8, TV_U16, TV_S16, TV_F32};
  const float kx[] = {-0.05f, 0.1f, 0.25f, 0.4f, 0.25f, 0.1f, -0.05f}, ky[] = {1.0f, -2.0f, 1.5f};
  double dkx[7], dky[3];
  for (int i = 0; i < 7; i++) dkx[i] = kx[i];
  for (int i = 0; i < 3; i++) dky[i] = ky[i];
  tv_ctx *ctx = tvt_ctx();
  int iter = 0;
  for (int si = 0; si < 3; si++)
    for (int di = 0; di < 4; di++)
      for (int shape = 0; shape < 5; shape++, iter++) {
        const int w = shapes[shape][0], h = shapes[shape][1], cn = 1 + 2 * (iter % 2);
        const tv_border b = borders[iter % 3];
        tv_image *src = make(ctx, w, h, cn, srcs[si], (uint64_t)iter), *ref = NULL, *d = NULL;
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, cn, dsts[di], &ref));
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, cn, dsts[di], &d));
        const double delta = 3.25;
        tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR);
        tv_ctx_set(ctx, TV_CTX_THREADS, 1);
        tvt_assert_ok(ctx, tv_sep_filter(ctx, src, ref, kx, 7, ky, 3, delta, b, 9));
        int bx = -1, by = -1; /* the first mismatch */
        double bgot = 0, bwant = 0;
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            for (int c = 0; c < cn; c++) {
              double want = wsum(src, x, y, c, dkx, 7, dky, 3, 3, 1, b, 9) + delta;
              const double got = get(ref, x, y, c);
              /* Relative to the sum of the terms' magnitudes: sum |kx| * sum |ky| * max |p|. */
              const double big = srcs[si] == TV_U8 ? 255 : srcs[si] == TV_U16 ? 65535 : 1000;
              double tol = 1e-4 * 1.2 * 4.5 * big;
              if (dsts[di] != TV_F32) {
                const double lo = dsts[di] == TV_S16 ? -32768 : 0, hi = dsts[di] == TV_U8 ? 255
                                                                        : dsts[di] == TV_U16
                                                                            ? 65535
                                                                            : 32767;
                want = want < lo ? lo : want > hi ? hi : want;
                tol = 1;
              }
              if (!(fabs(got - want) <= tol) && bx < 0) bx = x, by = y, bgot = got, bwant = want;
            }
        ck_assert_msg(bx < 0, "src %d dst %d %dx%dx%d at %d,%d: %g vs %g", srcs[si], dsts[di], w, h,
                      cn, bx, by, bgot, bwant);
        for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          for (int threads = 1; threads <= 3; threads += 2) {
            tv_ctx_set(ctx, TV_CTX_THREADS, threads);
            tvt_assert_ok(ctx, tv_sep_filter(ctx, src, d, kx, 7, ky, 3, delta, b, 9));
            ck_assert_msg(tvt_images_equal(d, ref), "cap %d threads %d differs", cap, threads);
          }
        }
        tv_image_destroy(src);
        tv_image_destroy(ref);
        tv_image_destroy(d);
      }
  tv_ctx_destroy(ctx);
}
END_TEST

/* A tall image with many bands and a big window, in place with 2 and 3 threads. */
START_TEST(inplace_bands) {
  tv_ctx *ctx = tvt_ctx();
  for (int bi = 0; bi < 3; bi++) {
    tv_image *src = make(ctx, 53, 300, 1, TV_U8, 3), *ref = NULL;
    tvt_assert_ok(ctx, tv_image_create(ctx, 53, 300, 1, TV_U8, &ref));
    tv_ctx_set(ctx, TV_CTX_THREADS, 1);
    tvt_assert_ok(ctx, tv_gaussian(ctx, src, ref, 0, 0, 3, 41, borders[bi], 1));
    for (int threads = 2; threads <= 3; threads++) {
      tv_image *d = NULL;
      tvt_assert_ok(ctx, tv_image_clone(ctx, src, &d));
      tv_ctx_set(ctx, TV_CTX_THREADS, threads);
      tvt_assert_ok(ctx, tv_gaussian(ctx, d, d, 0, 0, 3, 41, borders[bi], 1));
      ck_assert(tvt_images_equal(d, ref));
      tv_image_destroy(d);
    }
    tv_image_destroy(src);
    tv_image_destroy(ref);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *a = NULL, *b = NULL, *s16 = NULL, *v = NULL, *w = NULL, *f = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &a));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 11, 1, TV_U8, &b));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S16, &s16));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &f));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 1, 0, 9, 10, &v));
  tvt_assert_ok(ctx, tv_image_view(ctx, a, 0, 0, 9, 10, &w));
  const float k3[] = {1, 2, 1}, kn[] = {1, NAN, 1};
  tv_image *out = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &out));

  /* tv_gaussian */
  ck_assert_int_eq(tv_gaussian(NULL, a, out, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_gaussian(ctx, NULL, out, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0),
                    TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_gaussian: src is NULL");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, NULL, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0),
                    TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_gaussian: dst is NULL");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, b, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_gaussian: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, f, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_gaussian: src pixel type");
  tvt_assert_status(ctx, tv_gaussian(ctx, s16, s16, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0),
                    TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_gaussian: src has pixel type s16");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, 0, 0, 4, 3, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: ksize_x 4 must be odd");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, 0, 0, 3, -1, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: ksize_y -1 must be odd");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, 0, 0, 0, 3, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: ksize_x is 0 and its sigma 0 is not positive");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, 1000, 0, 0, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: sigma 1000 gives a kernel over 1023 taps");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, NAN, 0, 3, 3, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: sigma must be finite");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, 0, 0, 3, 3, (tv_border)7, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: unknown border mode 7");
  tvt_assert_status(ctx, tv_gaussian(ctx, a, out, 0, 0, 3, 3, TV_BORDER_CONSTANT, INFINITY),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: border value must be finite");
  tvt_assert_status(ctx, tv_gaussian(ctx, v, w, 0, 0, 3, 3, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gaussian: dst overlaps src");

  /* tv_box */
  ck_assert_int_eq(tv_box(NULL, a, out, 3, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_box(ctx, NULL, out, 3, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_box: src is NULL");
  tvt_assert_status(ctx, tv_box(ctx, a, b, 3, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_box: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_box(ctx, a, s16, 3, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_box: dst must have src's pixel type or f32");
  tvt_assert_status(ctx, tv_box(ctx, s16, s16, 3, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_box: src has pixel type s16");
  tvt_assert_status(ctx, tv_box(ctx, a, out, 0, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_box: window 0x3 must be 1..1023 each");
  tvt_assert_status(ctx, tv_box(ctx, a, out, 3, 1024, 1, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_box: window 3x1024");
  tvt_assert_status(ctx, tv_box(ctx, a, out, 3, 3, 1, TV_BORDER_CONSTANT, NAN), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_box: border value must be finite");
  tvt_assert_status(ctx, tv_box(ctx, a, out, 3, 3, 1, (tv_border)-1, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_box: unknown border mode -1");
  tvt_assert_status(ctx, tv_box(ctx, v, w, 3, 3, 1, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_box: dst overlaps src");

  /* tv_sep_filter */
  ck_assert_int_eq(tv_sep_filter(NULL, a, out, k3, 3, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                   TV_ERR_NULL);
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, NULL, k3, 3, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_sep_filter: dst is NULL");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, NULL, 3, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_sep_filter: kx is NULL");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, k3, 3, NULL, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_sep_filter: ky is NULL");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, b, k3, 3, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_sep_filter: src is 10x10x1 but dst is 10x11x1");
  tvt_assert_status(ctx, tv_sep_filter(ctx, s16, out, k3, 3, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_sep_filter: src has pixel type s16");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, k3, 2, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sep_filter: kx length 2 must be odd, 1..63");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, k3, 3, k3, 65, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sep_filter: ky length 65");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, k3, 3, kn, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sep_filter: ky[1] is not finite");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, k3, 3, k3, 3, NAN, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sep_filter: delta must be finite");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, out, k3, 3, k3, 3, 0, (tv_border)3, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sep_filter: unknown border mode 3");
  tvt_assert_status(ctx, tv_sep_filter(ctx, a, a, k3, 3, k3, 3, 0, TV_BORDER_REPLICATE, 0),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sep_filter: dst overlaps src");

  /* On failure dst is untouched. */
  tvt_assert_ok(ctx, tv_image_fill(ctx, out, 42));
  tvt_assert_status(ctx, tv_box(ctx, a, out, 3, 3000, 1, TV_BORDER_REPLICATE, 0), TV_ERR_ARG);
  ck_assert(get(out, 5, 5, 0) == 42);
  tv_image_destroy(out);
  tv_image_destroy(v);
  tv_image_destroy(w);
  tv_image_destroy(a);
  tv_image_destroy(b);
  tv_image_destroy(s16);
  tv_image_destroy(f);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *conv_suite(void) {
  Suite *s = suite_create("filter_conv");
  TCase *tc = tcase_create("conv");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, gaussian_exact);
  tcase_add_test(tc, gaussian_caps_threads_inplace);
  tcase_add_test(tc, box_exact);
  tcase_add_test(tc, boxsum_variants_match_scalar);
  tcase_add_test(tc, box_vertical);
  tcase_add_test(tc, sep_filter_tolerance);
  tcase_add_test(tc, inplace_bands);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(conv_suite()); }
