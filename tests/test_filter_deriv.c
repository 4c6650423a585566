/* Tests of the deriv family: every SIMD variant against the scalar reference, and tv_sobel,
 * tv_scharr, tv_laplacian and tv_gradient_magnitude against a direct definition.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernels/deriv/deriv.h"
#include "filter/filter_internal.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_deriv_kernels *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernels) {isa, &kernels, #kernels},
#include "filter/kernels/deriv/deriv.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 64, MAXN = 200, PAD = 8 };

/* ---- kernels: every variant against the scalar reference ------------------------------------ */

typedef void (*d3_fn)(const void *, const void *, const void *, void *, int, size_t, int);
typedef void (*d3a_fn)(const void *, const void *, const void *, void *, int, size_t, int, double,
                       double);

/* Source rows with a sample before and after [0, n]: random, with runs of extremes. */
static void fill_rows(uint8_t *buf, size_t bytes, uint64_t seed, int es) {
  for (size_t i = 0; i < bytes; i++) buf[i] = (uint8_t)(tvt_rand(&seed) >> 56);
  for (size_t i = 0; i + 2 * (size_t)es <= bytes; i += 37 * (size_t)es) /* extremes */
    memset(buf + i, (i / 37) % 2 ? 0xff : 0x00, 2 * (size_t)es);
}

/* Runs kernel `fn` of variant v and the scalar one at every length 0..MAXN and 3 misalignments;
 * affine: a d3 kernel (scale and delta; the others take neither). */
static void check_kernel(int v, int es, int ods, size_t offset_of_fn, int out, int arg, int affine,
                         double scale, double delta) {
  const void *fp = (const char *)table[v].k + offset_of_fn;
  const void *rp = (const char *)&tvi_deriv_scalar + offset_of_fn;
  const d3_fn fn = affine ? NULL : *(const d3_fn *)fp, ref = affine ? NULL : *(const d3_fn *)rp;
  const d3a_fn fna = affine ? *(const d3a_fn *)fp : NULL;
  const d3a_fn refa = affine ? *(const d3a_fn *)rp : NULL;
  const size_t sbytes = (size_t)(MAXN + PAD) * (size_t)es;
  const size_t dbytes = (size_t)(MAXN + PAD) * (size_t)ods + GUARD;
  uint8_t *r[3], *d1 = malloc(dbytes), *d2 = malloc(dbytes);
  ck_assert(d1 && d2);
  for (int i = 0; i < 3; i++) {
    r[i] = malloc(sbytes);
    ck_assert(r[i]);
    fill_rows(r[i], sbytes, 100u + (uint64_t)i + (uint64_t)arg * 7u, es);
  }
  const int quick = tvt_quick();
  for (size_t n = 0; n <= MAXN; n = quick ? tvt_quick_next(n) : n + 1)
    for (size_t off = 0; off < 3; off++) {
      /* Sources start one sample in (r[-1] is read); misaligned by whole samples. */
      const size_t so = (1 + off) * (size_t)es, dof = off * (size_t)ods;
      memset(d1, 0xa5, dbytes);
      memset(d2, 0xa5, dbytes);
      if (affine) {
        refa(r[0] + so, r[1] + so, r[2] + so, d1 + dof, out, n, arg, scale, delta);
        fna(r[0] + so, r[1] + so, r[2] + so, d2 + dof, out, n, arg, scale, delta);
      } else {
        ref(r[0] + so, r[1] + so, r[2] + so, d1 + dof, out, n, arg);
        fn(r[0] + so, r[1] + so, r[2] + so, d2 + dof, out, n, arg);
      }
      ck_assert_msg(memcmp(d1, d2, dbytes) == 0,
                    "%s differs from scalar: src %d-byte, out %d, arg %d, scale %g delta %g, n=%zu "
                    "offset=%zu",
                    table[v].name, es, out, arg, scale, delta, n, off);
    }
  for (int i = 0; i < 3; i++) free(r[i]);
  free(d1);
  free(d2);
}

START_TEST(variants_match_scalar) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("deriv: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    if (tvt_quick() && tested > 0 && v == NVARIANTS - 1) continue; /* scalar against itself */
    /* scale 1, delta 0 (stored directly); half-way values; saturation of either sign. */
    static const double affine[][2] = {{1, 0}, {0.5, 0}, {-3, 0.5}, {0.37, -5.5}, {1e4, 1}};
    for (int kind = 0; kind < TVI_D3_KINDS; kind++)
      for (int a = 0; a < 5; a++) {
        const double sc = affine[a][0], de = affine[a][1];
        check_kernel(v, 1, 2, offsetof(tvi_deriv_kernels, d3_u8), TVI_DOUT_S16, kind, 1, sc, de);
        check_kernel(v, 1, 4, offsetof(tvi_deriv_kernels, d3_u8), TVI_DOUT_F32, kind, 1, sc, de);
        check_kernel(v, 2, 2, offsetof(tvi_deriv_kernels, d3_u16), TVI_DOUT_S16, kind, 1, sc, de);
        check_kernel(v, 2, 4, offsetof(tvi_deriv_kernels, d3_u16), TVI_DOUT_F32, kind, 1, sc, de);
      }
    for (int scharr = 0; scharr < 2; scharr++) {
      static const int outs[3][2] = {{TVI_DOUT_F32, 4}, {TVI_DOUT_U8, 1}, {TVI_DOUT_U16, 2}};
      for (int o = 0; o < 3; o++) {
        check_kernel(v, 1, outs[o][1], offsetof(tvi_deriv_kernels, mag3_u8), outs[o][0], scharr, 0,
                     1, 0);
        check_kernel(v, 2, outs[o][1], offsetof(tvi_deriv_kernels, mag3_u16), outs[o][0], scharr, 0,
                     1, 0);
      }
    }
    tested++;
  }
  ck_assert_int_ge(tested, 1);
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
}
END_TEST

/* ---- separable passes: every variant against the scalar reference ---------------------------- */

/* Taps for a pass of nt taps: random in [-lim, lim], none zero, sum |k| <= sum_max. */
static void random_taps(int32_t *k, int nt, int lim, int sum_max, uint64_t *seed) {
  for (;;) {
    int sum = 0;
    for (int i = 0; i < nt; i++) {
      k[i] = (int32_t)(tvt_rand(seed) % (uint64_t)(2 * lim + 1)) - lim;
      if (k[i] == 0) k[i] = 1;
      sum += k[i] < 0 ? -k[i] : k[i];
    }
    if (sum <= sum_max) return;
  }
}

/* Random f32 samples with a few NaN, infinities and signed zeros. */
static float random_f32(uint64_t *seed) {
  const uint64_t r = tvt_rand(seed);
  switch (r % 97) {
  case 0: return NAN;
  case 1: return INFINITY;
  case 2: return -INFINITY;
  case 3: return -0.0f;
  default: return (float)((double)(r >> 11) / 9007199254740992.0 * 2e6 - 1e6);
  }
}

/* A buffer of exactly `bytes` at a misalignment of `off` bytes (ASan sees reads past its end). */
static uint8_t *exact_buf(size_t bytes, size_t off, uint8_t **base) {
  *base = malloc(bytes + off + 1);
  ck_assert(*base);
  return *base + off;
}

/* Whether two output buffers are equal: bit for bit, except that any NaN equals any NaN when the
 * samples are floating point (elem 4: f32, 8: f64; 0: integers). Which NaN an operation on two
 * NaNs gives depends on its operand order, which a compiler may swap. */
static int same_samples(const uint8_t *a, const uint8_t *b, size_t bytes, int elem) {
  if (elem == 0) return memcmp(a, b, bytes) == 0;
  for (size_t i = 0; i + (size_t)elem <= bytes; i += (size_t)elem) {
    if (memcmp(a + i, b + i, (size_t)elem) == 0) continue;
    if (elem == 4) {
      float x, y;
      memcpy(&x, a + i, 4);
      memcpy(&y, b + i, 4);
      if (!(isnan(x) && isnan(y))) return 0;
    } else {
      double x, y;
      memcpy(&x, a + i, 8);
      memcpy(&y, b + i, 8);
      if (!(isnan(x) && isnan(y))) return 0;
    }
  }
  return 1;
}

/* Column passes (u8, u16, f32) of every tap count, length 0..MAXN and 3 misalignments. */
static void check_dcol(int v, int es) {
  const tvi_deriv_kernels *K = table[v].k, *R = &tvi_deriv_scalar;
  const int ods = es == 4 ? 8 : 4;
  uint64_t seed = 1234u + (uint64_t)es;
  for (int nt = 1; nt <= TVI_DTAPS; nt++)
    for (size_t n = 0; n <= MAXN; n++)
      for (size_t off = 0; off < 3; off++) {
        int32_t k[TVI_DTAPS];
        /* The contract: u8 sum |k| <= 128, u16 <= 32767; real Sobel taps sum to at most 64. */
        random_taps(k, nt, es == 1 ? 40 : 2000, es == 1 ? 128 : 32767, &seed);
        uint8_t *base[TVI_DTAPS], *rows[TVI_DTAPS];
        for (int i = 0; i < nt; i++) {
          rows[i] = exact_buf(n * (size_t)es, off * (size_t)es, &base[i]);
          for (size_t x = 0; x < n; x++) {
            if (es == 4) {
              const float f = random_f32(&seed);
              memcpy(rows[i] + 4 * x, &f, 4);
            } else if (es == 2) {
              const uint16_t u = x % 23 == 0 ? 65535 : (uint16_t)(tvt_rand(&seed) >> 48);
              memcpy(rows[i] + 2 * x, &u, 2);
            } else {
              rows[i][x] = x % 19 == 0 ? 255 : (uint8_t)(tvt_rand(&seed) >> 56);
            }
          }
        }
        const size_t dbytes = (n + 1) * (size_t)ods + GUARD;
        uint8_t *d1 = malloc(dbytes), *d2 = malloc(dbytes);
        ck_assert(d1 && d2);
        memset(d1, 0xa5, dbytes);
        memset(d2, 0xa5, dbytes);
        void *o1 = d1 + off * (size_t)ods, *o2 = d2 + off * (size_t)ods;
        if (es == 1) {
          R->dcol_u8((const uint8_t *const *)rows, k, nt, o1, n);
          K->dcol_u8((const uint8_t *const *)rows, k, nt, o2, n);
        } else if (es == 2) {
          const uint16_t *r16[TVI_DTAPS];
          for (int i = 0; i < nt; i++) r16[i] = (const uint16_t *)(const void *)rows[i];
          R->dcol_u16(r16, k, nt, o1, n);
          K->dcol_u16(r16, k, nt, o2, n);
        } else {
          const float *rf[TVI_DTAPS];
          for (int i = 0; i < nt; i++) rf[i] = (const float *)(const void *)rows[i];
          R->dcol_f32(rf, k, nt, o1, n);
          K->dcol_f32(rf, k, nt, o2, n);
        }
        ck_assert_msg(same_samples(d1, d2, dbytes, es == 4 ? 8 : 0),
                      "%s column pass differs from scalar: src %d-byte, nt %d, n=%zu offset=%zu",
                      table[v].name, es, nt, n, off);
        for (int i = 0; i < nt; i++) free(base[i]);
        free(d1);
        free(d2);
      }
}

/* Row passes (int32, f64): every tap count, output kind, with and without an accumulator row,
 * plain and affine outputs (half-way values, saturation), length 0..MAXN, 3 misalignments. */
static void check_drow(int v, int f64) {
  const tvi_deriv_kernels *K = table[v].k, *R = &tvi_deriv_scalar;
  static const double affine[][2] = {{1, 0}, {0.5, 0}, {-3, 0.5}, {0.37, -5.5}, {900, 1}};
  static const int outs[3][2] = {{TVI_DOUT_S16, 2}, {TVI_DOUT_F32, 4}, {TVI_DOUT_ACC, 0}};
  const size_t es = f64 ? 8 : 4, span = 2 * 3 + 1; /* offsets in [0, 7) as radius 3 */
  uint64_t seed = 777u + (uint64_t)f64;
  for (int nt = 1; nt <= TVI_DTAPS; nt++)
    for (int oi = 0; oi < 3; oi++)
      for (int a = 0; a < 5; a++)
        for (int with_acc = 0; with_acc < 2; with_acc++) {
          const int out = outs[oi][0];
          const size_t ods = outs[oi][1] ? (size_t)outs[oi][1] : es;
          if (out == TVI_DOUT_ACC && a > 0) continue;
          for (size_t n = 0; n <= MAXN; n += n < 40 ? 1 : 7)
            for (size_t off = 0; off < 3; off++) {
              int32_t k[TVI_DTAPS], o[TVI_DTAPS];
              random_taps(k, nt, 64, 64 * 7, &seed);
              for (int i = 0; i < nt; i++) o[i] = (int32_t)(tvt_rand(&seed) % span);
              uint8_t *vb, *ab = NULL;
              uint8_t *vv = exact_buf((n + span - 1) * es, off * es, &vb);
              uint8_t *aa = with_acc ? exact_buf(n * es, off * es, &ab) : NULL;
              for (size_t x = 0; x < n + span - 1; x++) {
                if (f64) {
                  const double d = (double)random_f32(&seed) * (x % 3 ? 1 : 1e-3);
                  memcpy(vv + 8 * x, &d, 8);
                } else {
                  /* |v| < 2^20: sums of 7 taps of at most 64 stay in int32. */
                  const int32_t i32 = (int32_t)(tvt_rand(&seed) >> 44) - (1 << 19);
                  memcpy(vv + 4 * x, &i32, 4);
                }
              }
              for (size_t x = 0; with_acc && x < n; x++) {
                if (f64) {
                  const double d = random_f32(&seed);
                  memcpy(aa + 8 * x, &d, 8);
                } else {
                  const int32_t i32 = (int32_t)(tvt_rand(&seed) >> 44) - (1 << 19);
                  memcpy(aa + 4 * x, &i32, 4);
                }
              }
              const size_t dbytes = (n + 1) * ods + GUARD;
              uint8_t *d1 = malloc(dbytes), *d2 = malloc(dbytes);
              ck_assert(d1 && d2);
              memset(d1, 0xa5, dbytes);
              memset(d2, 0xa5, dbytes);
              void *o1 = d1 + off * ods, *o2 = d2 + off * ods;
              const double sc = affine[a][0], de = affine[a][1];
              if (f64) {
                R->drow_f64((const double *)(const void *)vv, o, k, nt,
                            (const double *)(const void *)aa, o1, out, n, sc, de);
                K->drow_f64((const double *)(const void *)vv, o, k, nt,
                            (const double *)(const void *)aa, o2, out, n, sc, de);
              } else {
                R->drow_s32((const int32_t *)(const void *)vv, o, k, nt,
                            (const int32_t *)(const void *)aa, o1, out, n, sc, de);
                K->drow_s32((const int32_t *)(const void *)vv, o, k, nt,
                            (const int32_t *)(const void *)aa, o2, out, n, sc, de);
              }
              /* f32 outputs, and f64 accumulators, may hold NaN. */
              const int elem = out == TVI_DOUT_F32 ? 4 : out == TVI_DOUT_ACC && f64 ? 8 : 0;
              ck_assert_msg(
                  same_samples(d1, d2, dbytes, elem),
                  "%s row pass differs from scalar: %s, nt %d, out %d, scale %g delta %g, "
                  "acc %d, n=%zu offset=%zu",
                  table[v].name, f64 ? "f64" : "s32", nt, out, sc, de, with_acc, n, off);
              free(vb);
              free(ab);
              free(d1);
              free(d2);
            }
        }
}

START_TEST(separable_variants_match_scalar) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) continue;
    for (int es = 1; es <= 4; es *= 2) check_dcol(v, es);
    check_drow(v, 0);
    check_drow(v, 1);
    tested++;
  }
  ck_assert_int_ge(tested, 1);
}
END_TEST

/* ---- the public functions against a direct definition --------------------------------------- */

static double get(const tv_image *img, int64_t x, int64_t y) {
  const uint8_t *row = (const uint8_t *)img->data + y * img->stride;
  switch (img->type) {
  case TV_U8: return row[x];
  case TV_U16: return ((const uint16_t *)(const void *)row)[x];
  case TV_S16: return ((const int16_t *)(const void *)row)[x];
  default: return ((const float *)(const void *)row)[x];
  }
}

/* OpenCV's borderInterpolate, written out again; -1 for CONSTANT outside. */
static int64_t border_at(int64_t p, int64_t len, tv_border b) {
  if (p >= 0 && p < len) return p;
  if (b == TV_BORDER_CONSTANT) return -1;
  if (b == TV_BORDER_REPLICATE) return p < 0 ? 0 : len - 1;
  if (len == 1) return 0;
  while (p < 0 || p >= len) p = p < 0 ? -p : 2 * (len - 1) - p;
  return p;
}

/* Source sample at (x, y) with the border rules; the constant as OpenCV stores it (src type). */
static double sample(const tv_image *s, int64_t x, int64_t y, tv_border b, double bv) {
  const int64_t sx = border_at(x, s->width, b), sy = border_at(y, s->height, b);
  if (sx >= 0 && sy >= 0) return get(s, sx, sy);
  if (s->type == TV_F32) return (float)bv;
  const double hi = s->type == TV_U8 ? 255 : 65535, r = nearbyint(bv);
  return r < 0 ? 0 : r > hi ? hi : r;
}

/* Sobel taps as cv::getSobelKernels, from its tables. */
static const int sobel_taps[4][3][7] = {
    {{1}, {0}, {0}},
    {{1, 2, 1}, {-1, 0, 1}, {1, -2, 1}},
    {{1, 4, 6, 4, 1}, {-1, -2, 0, 2, 1}, {1, 0, -2, 0, 1}},
    {{1, 6, 15, 20, 15, 6, 1}, {-1, -4, -5, 0, 5, 4, 1}, {1, 2, -1, -4, -1, 2, 1}},
};

/* A 7x7 integer kernel k[dy + 3][dx + 3] for each operator. */
typedef struct kern7 {
  int k[7][7];
} kern7;

static kern7 sobel_kernel(int dx, int dy, int ksize) {
  kern7 K = {{{0}}};
  const int sx = ksize == 1 && dx > 0 ? 3 : ksize, sy = ksize == 1 && dy > 0 ? 3 : ksize;
  for (int i = 0; i < sy; i++)
    for (int j = 0; j < sx; j++)
      K.k[3 - sy / 2 + i][3 - sx / 2 + j] = sobel_taps[sy / 2][dy][i] * sobel_taps[sx / 2][dx][j];
  return K;
}

static kern7 scharr_kernel(int dx) {
  static const int d[3] = {-1, 0, 1}, m[3] = {3, 10, 3};
  kern7 K = {{{0}}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) K.k[2 + i][2 + j] = dx ? m[i] * d[j] : d[i] * m[j];
  return K;
}

static kern7 laplacian_kernel(int ksize) {
  static const int k1[3][3] = {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}};
  static const int k3[3][3] = {{2, 0, 2}, {0, -8, 0}, {2, 0, 2}};
  kern7 K = {{{0}}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) K.k[2 + i][2 + j] = ksize == 1 ? k1[i][j] : k3[i][j];
  return K;
}

static double convolve(const tv_image *s, const kern7 *K, int64_t x, int64_t y, tv_border b,
                       double bv) {
  double sum = 0;
  for (int i = 0; i < 7; i++)
    for (int j = 0; j < 7; j++)
      if (K->k[i][j]) sum += K->k[i][j] * sample(s, x + j - 3, y + i - 3, b, bv);
  return sum;
}

/* dst from the definition: integer sources exactly; f32 sources within 1e-6 relative (f32) or
 * 1 (s16, a sum on a rounding boundary). */
static void check_against(const tv_image *src, const tv_image *dst, const kern7 *K, double scale,
                          double delta, tv_border b, double bv, const char *what) {
  const int exact = src->type != TV_F32;
  int64_t bx = -1, by = -1; /* the first mismatch */
  double bgot = 0, bwant = 0;
  for (int64_t y = 0; y < src->height; y++)
    for (int64_t x = 0; x < src->width; x++) {
      const double v = convolve(src, K, x, y, b, bv) * scale + delta, got = get(dst, x, y);
      double want;
      int ok;
      if (dst->type == TV_S16) {
        want = nearbyint(v);
        want = want < -32768 ? -32768 : want > 32767 ? 32767 : want;
        ok = exact ? got == want : fabs(got - want) <= 1;
      } else {
        want = (float)v;
        ok = exact ? got == want : fabs(got - want) <= 1e-6 * (fabs(want) + 1000);
      }
      if (!ok && bx < 0) bx = x, by = y, bgot = got, bwant = want;
    }
  ck_assert_msg(bx < 0, "%s: %s at %lld,%lld: %.9g, want %.9g", what,
                dst->type == TV_S16 ? "s16" : "f32", (long long)bx, (long long)by, bgot, bwant);
}

static const tv_pixel_type src_types[] = {TV_U8, TV_U16, TV_F32};
static const tv_pixel_type dst_types[] = {TV_S16, TV_F32};
static const tv_border borders[] = {TV_BORDER_REPLICATE, TV_BORDER_REFLECT101, TV_BORDER_CONSTANT};
/* Sizes: odd shapes, and the degenerate 1- and 2-pixel ones. */
static const int32_t sizes[][2] = {{37, 23}, {1, 5}, {2, 2}, {5, 1}, {3, 3}, {70, 4}};
enum { NSIZES = sizeof sizes / sizeof sizes[0] };

/* Makes a view of a bigger random image (odd stride and offset) of size w x h. */
static tv_image *make_src(tv_ctx *ctx, int32_t w, int32_t h, tv_pixel_type t, uint64_t seed,
                          tv_image **parent) {
  tv_image *v = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, w + 3, h + 2, 1, t, parent));
  tvt_fill_random(*parent, seed);
  tvt_assert_ok(ctx, tv_image_view(ctx, *parent, 2, 1, w, h, &v));
  return v;
}

typedef enum { OP_SOBEL, OP_SCHARR, OP_LAPLACIAN } op_kind;

static void run_grid(op_kind op, int cap_lo) {
  tv_ctx *ctx = tvt_ctx();
  static const double scales[][2] = {{1, 0}, {0.5, 3.25}, {-3, 0.5}};
  for (int cap = cap_lo; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    if (cap != TV_ISA_SCALAR && !tvi_isa_allowed(tv_cpu_isa(), (tv_isa)cap)) continue;
    for (int si = 0; si < NSIZES; si++)
      for (int st = 0; st < 3; st++)
        for (int dt = 0; dt < 2; dt++)
          for (int b = 0; b < 3; b++) {
            tv_image *sp = NULL, *dp = NULL, *d = NULL;
            const int32_t w = sizes[si][0], h = sizes[si][1];
            tv_image *s = make_src(ctx, w, h, src_types[st], (uint64_t)(si * 9 + st), &sp);
            tvt_assert_ok(ctx, tv_image_create(ctx, w + 1, h, 1, dst_types[dt], &dp));
            tvt_assert_ok(ctx, tv_image_view(ctx, dp, 1, 0, w, h, &d));
            const double bv = src_types[st] == TV_F32 ? -17.25 : 300.0 * b - 200.5;
            for (int sc = 0; sc < 3; sc++) {
              const double scale = scales[sc][0], delta = scales[sc][1];
              char what[160];
              if (op == OP_SOBEL) {
                for (int ksize = 1; ksize <= 7; ksize += 2)
                  for (int dx = 0; dx <= 2; dx++)
                    for (int dy = 0; dy <= 2; dy++) {
                      if (dx + dy == 0) continue;
                      if (sc > 0 && si > 0) continue; /* keep the grid small */
                      tvt_assert_ok(
                          ctx, tv_sobel(ctx, s, d, dx, dy, ksize, scale, delta, borders[b], bv));
                      const kern7 K = sobel_kernel(dx, dy, ksize);
                      snprintf(what, sizeof what,
                               "sobel cap %d %dx%d src %d dst %d border %d d(%d,%d) k%d s%g", cap,
                               w, h, src_types[st], dst_types[dt], b, dx, dy, ksize, scale);
                      check_against(s, d, &K, scale, delta, borders[b], bv, what);
                    }
              } else if (op == OP_SCHARR) {
                for (int dx = 0; dx <= 1; dx++) {
                  tvt_assert_ok(ctx,
                                tv_scharr(ctx, s, d, dx, 1 - dx, scale, delta, borders[b], bv));
                  const kern7 K = scharr_kernel(dx);
                  snprintf(what, sizeof what, "scharr cap %d %dx%d src %d dst %d border %d dx %d",
                           cap, w, h, src_types[st], dst_types[dt], b, dx);
                  check_against(s, d, &K, scale, delta, borders[b], bv, what);
                }
              } else {
                for (int ksize = 1; ksize <= 3; ksize += 2) {
                  tvt_assert_ok(ctx, tv_laplacian(ctx, s, d, ksize, scale, delta, borders[b], bv));
                  const kern7 K = laplacian_kernel(ksize);
                  snprintf(what, sizeof what, "laplacian cap %d %dx%d src %d dst %d border %d k%d",
                           cap, w, h, src_types[st], dst_types[dt], b, ksize);
                  check_against(s, d, &K, scale, delta, borders[b], bv, what);
                }
              }
            }
            tv_image_destroy(s);
            tv_image_destroy(sp);
            tv_image_destroy(d);
            tv_image_destroy(dp);
          }
  }
  tv_ctx_destroy(ctx);
}

START_TEST(sobel_public) { run_grid(OP_SOBEL, TV_ISA_SCALAR); }
END_TEST
START_TEST(scharr_public) { run_grid(OP_SCHARR, TV_ISA_SCALAR); }
END_TEST
START_TEST(laplacian_public) { run_grid(OP_LAPLACIAN, TV_ISA_SCALAR); }
END_TEST

/* cv::magnitude of the f32 derivatives: sqrt(fma(x, x, y * y)) in f32. */
START_TEST(gradient_public) {
  tv_ctx *ctx = tvt_ctx();
  static const tv_pixel_type outs[] = {TV_F32, TV_U8, TV_U16};
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    for (int si = 0; si < NSIZES; si++)
      for (int st = 0; st < 3; st++)
        for (int ot = 0; ot < 3; ot++)
          for (int b = 0; b < 3; b++)
            for (int scharr = 0; scharr < 2; scharr++) {
              tv_image *sp = NULL, *d = NULL;
              const int32_t w = sizes[si][0], h = sizes[si][1];
              tv_image *s = make_src(ctx, w, h, src_types[st], (uint64_t)(si * 5 + st), &sp);
              tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, outs[ot], &d));
              const double bv = 77.0;
              tvt_assert_ok(ctx, tv_gradient_magnitude(ctx, s, d, scharr, borders[b], bv));
              const kern7 KX = scharr ? scharr_kernel(1) : sobel_kernel(1, 0, 3);
              const kern7 KY = scharr ? scharr_kernel(0) : sobel_kernel(0, 1, 3);
              int64_t bx = -1, by = -1; /* the first mismatch */
              double bgot = 0, bwant = 0;
              for (int64_t y = 0; y < h; y++)
                for (int64_t x = 0; x < w; x++) {
                  const float gx = (float)convolve(s, &KX, x, y, borders[b], bv);
                  const float gy = (float)convolve(s, &KY, x, y, borders[b], bv);
                  const float m = sqrtf(fmaf(gx, gx, gy * gy));
                  double want = m;
                  if (outs[ot] != TV_F32) {
                    want = nearbyintf(m);
                    const double hi = outs[ot] == TV_U8 ? 255 : 65535;
                    want = want > hi ? hi : want;
                  }
                  const double got = get(d, x, y);
                  const double tol = src_types[st] == TV_F32 ? 1e-6 * (want + 1000) : 0;
                  if (!(fabs(got - want) <= tol || (outs[ot] != TV_F32 && tol > 0)) && bx < 0)
                    bx = x, by = y, bgot = got, bwant = want;
                }
              ck_assert_msg(bx < 0,
                            "gradient cap %d %dx%d src %d out %d border %d scharr %d at "
                            "%lld,%lld: %.9g, want %.9g",
                            cap, w, h, src_types[st], outs[ot], b, scharr, (long long)bx,
                            (long long)by, bgot, bwant);
              tv_image_destroy(s);
              tv_image_destroy(sp);
              tv_image_destroy(d);
            }
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Results do not depend on the thread count (nor on the SIMD level for integer outputs). */
START_TEST(threads_identical) {
  tv_ctx *ctx = tvt_ctx();
  for (int st = 0; st < 3; st++)
    for (int dt = 0; dt < 2; dt++) {
      tv_image *s = NULL, *ref = NULL, *d = NULL;
      tvt_assert_ok(ctx, tv_image_create(ctx, 517, 301, 1, src_types[st], &s));
      tvt_fill_random(s, 99 + (uint64_t)st);
      tvt_assert_ok(ctx, tv_image_create(ctx, 517, 301, 1, dst_types[dt], &ref));
      tvt_assert_ok(ctx, tv_image_create(ctx, 517, 301, 1, dst_types[dt], &d));
      for (int op = 0; op < 5; op++) {
        for (int threads = 1; threads <= 4; threads++) {
          tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
          tv_image *out = threads == 1 ? ref : d;
          switch (op) {
          case 0: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 1, 0, 3, 1, 0, 0, 0)); break;
          case 1: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 1, 2, 5, 0.5, 1, 1, 0)); break;
          case 2: tvt_assert_ok(ctx, tv_scharr(ctx, s, out, 0, 1, 1, 0, 2, 9)); break;
          case 3: tvt_assert_ok(ctx, tv_laplacian(ctx, s, out, 3, 1, 0, 1, 0)); break;
          default:
            if (dst_types[dt] == TV_F32)
              tvt_assert_ok(ctx, tv_gradient_magnitude(ctx, s, out, 0, 0, 0));
            else
              tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 1, 1, 7, 1, 0, 2, 3));
            break;
          }
          if (threads > 1)
            ck_assert_msg(tvt_images_equal(ref, d), "op %d src %d dst %d: %d threads differ", op,
                          src_types[st], dst_types[dt], threads);
        }
      }
      tv_image_destroy(s);
      tv_image_destroy(ref);
      tv_image_destroy(d);
    }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Every SIMD level and 1 or 2 threads give the scalar single-thread result bit for bit (the
 * separable path: apertures 5 and 7, second orders, scale and delta, f32 sources). */
START_TEST(caps_threads_identical) {
  tv_ctx *ctx = tvt_ctx();
  for (int st = 0; st < 3; st++)
    for (int dt = 0; dt < 2; dt++)
      for (int op = 0; op < 8; op++) {
        tv_image *s = NULL, *ref = NULL, *d = NULL;
        const int32_t w = 517, h = 101;
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, src_types[st], &s));
        tvt_fill_random(s, 31 + (uint64_t)st);
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, dst_types[dt], &ref));
        tvt_assert_ok(ctx, tv_image_create(ctx, w, h, 1, dst_types[dt], &d));
        for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_NEON; cap++) {
          if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
          if (cap != TV_ISA_SCALAR && !tvi_isa_allowed(tv_cpu_isa(), (tv_isa)cap)) continue;
          for (int threads = 1; threads <= 2; threads++) {
            tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
            const int first = cap == TV_ISA_SCALAR && threads == 1;
            tv_image *out = first ? ref : d;
            const tv_border b = (tv_border)(op % 3);
            switch (op) {
            case 0: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 1, 0, 5, 1, 0, b, 7)); break;
            case 1: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 0, 1, 7, 1, 0, b, 300)); break;
            case 2: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 2, 0, 3, 1, 0, b, 1e6)); break;
            case 3: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 1, 1, 5, -0.5, 2.5, b, 0)); break;
            case 4: tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 0, 2, 7, 0.01, -1, b, -9)); break;
            case 5: tvt_assert_ok(ctx, tv_laplacian(ctx, s, out, 3, 0.5, 1, b, 4)); break;
            case 6: tvt_assert_ok(ctx, tv_scharr(ctx, s, out, 1, 0, 3, 0.5, b, 4)); break;
            default:
              if (dst_types[dt] == TV_F32 && src_types[st] == TV_F32)
                tvt_assert_ok(ctx, tv_gradient_magnitude(ctx, s, out, op & 1, b, 0));
              else
                tvt_assert_ok(ctx, tv_sobel(ctx, s, out, 2, 2, 5, 1, 0, b, 1));
              break;
            }
            if (!first)
              ck_assert_msg(tvt_images_equal(ref, d),
                            "op %d src %d dst %d: cap %d, %d threads differ", op, src_types[st],
                            dst_types[dt], cap, threads);
          }
        }
        tv_image_destroy(s);
        tv_image_destroy(ref);
        tv_image_destroy(d);
      }
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(bad_input) {
  tv_ctx *ctx = tvt_ctx();
  tv_image *s = NULL, *d = NULL, *s3 = NULL, *d3 = NULL, *big = NULL, *u8d = NULL, *s16s = NULL;
  tv_image *v1 = NULL, *v2 = NULL, *d16 = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &s));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_F32, &d));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_U8, &s3));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 3, TV_F32, &d3));
  tvt_assert_ok(ctx, tv_image_create(ctx, 11, 10, 1, TV_F32, &big));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_U8, &u8d));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S16, &s16s));
  tvt_assert_ok(ctx, tv_image_create(ctx, 10, 10, 1, TV_S16, &d16));
  tvt_fill_random(d, 5);
  tv_image *keep = NULL;
  tvt_assert_ok(ctx, tv_image_clone(ctx, d, &keep));

  /* NULLs. */
  ck_assert_int_eq(tv_sobel(NULL, s, d, 1, 0, 3, 1, 0, 0, 0), TV_ERR_NULL);
  ck_assert_int_eq(tv_scharr(NULL, s, d, 1, 0, 1, 0, 0, 0), TV_ERR_NULL);
  ck_assert_int_eq(tv_laplacian(NULL, s, d, 1, 1, 0, 0, 0), TV_ERR_NULL);
  ck_assert_int_eq(tv_gradient_magnitude(NULL, s, d, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_status(ctx, tv_sobel(ctx, NULL, d, 1, 0, 3, 1, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_sobel: src is NULL");
  tvt_assert_status(ctx, tv_scharr(ctx, s, NULL, 1, 0, 1, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_scharr: dst is NULL");
  tvt_assert_status(ctx, tv_laplacian(ctx, NULL, d, 1, 1, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_laplacian: src is NULL");
  tvt_assert_status(ctx, tv_gradient_magnitude(ctx, s, NULL, 0, 0, 0), TV_ERR_NULL);
  tvt_assert_error_has(ctx, "tv_gradient_magnitude: dst is NULL");

  /* Sizes, channels and types. */
  tvt_assert_status(ctx, tv_sobel(ctx, s, big, 1, 0, 3, 1, 0, 0, 0), TV_ERR_SIZE);
  tvt_assert_error_has(ctx, "tv_sobel: src is 10x10x1 but dst is 11x10x1");
  tvt_assert_status(ctx, tv_sobel(ctx, s, d3, 1, 0, 3, 1, 0, 0, 0), TV_ERR_SIZE);
  tvt_assert_status(ctx, tv_sobel(ctx, s3, d3, 1, 0, 3, 1, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_sobel: src has 3 channels; derivatives take 1");
  tvt_assert_status(ctx, tv_gradient_magnitude(ctx, s3, d3, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_gradient_magnitude: src has 3 channels");
  tvt_assert_status(ctx, tv_sobel(ctx, s16s, d, 1, 0, 3, 1, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_sobel: src has pixel type s16");
  tvt_assert_status(ctx, tv_sobel(ctx, s, u8d, 1, 0, 3, 1, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_sobel: dst has pixel type u8");
  tvt_assert_status(ctx, tv_laplacian(ctx, s, u8d, 1, 1, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_laplacian: dst has pixel type u8");
  tvt_assert_status(ctx, tv_scharr(ctx, s, u8d, 1, 0, 1, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_scharr: dst has pixel type u8");
  tvt_assert_status(ctx, tv_gradient_magnitude(ctx, s, d16, 0, 0, 0), TV_ERR_TYPE);
  tvt_assert_error_has(ctx, "tv_gradient_magnitude: dst has pixel type s16");

  /* Parameters. */
  static const int bad_orders[][2] = {{0, 0}, {3, 0}, {0, 3}, {-1, 1}, {1, -1}};
  for (int i = 0; i < 5; i++) {
    tvt_assert_status(ctx, tv_sobel(ctx, s, d, bad_orders[i][0], bad_orders[i][1], 3, 1, 0, 0, 0),
                      TV_ERR_ARG);
    tvt_assert_error_has(ctx, "tv_sobel: derivative order");
  }
  static const int bad_ksizes[] = {0, 2, 4, 9, -3, 31};
  for (int i = 0; i < 6; i++) {
    tvt_assert_status(ctx, tv_sobel(ctx, s, d, 1, 0, bad_ksizes[i], 1, 0, 0, 0), TV_ERR_ARG);
    tvt_assert_error_has(ctx, "tv_sobel: ksize");
  }
  tvt_assert_status(ctx, tv_scharr(ctx, s, d, 1, 1, 1, 0, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_scharr: derivative order (1, 1) must be (1, 0) or (0, 1)");
  tvt_assert_status(ctx, tv_scharr(ctx, s, d, 2, 0, 1, 0, 0, 0), TV_ERR_ARG);
  tvt_assert_status(ctx, tv_laplacian(ctx, s, d, 5, 1, 0, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_laplacian: ksize 5 is not 1 or 3");
  tvt_assert_status(ctx, tv_sobel(ctx, s, d, 1, 0, 3, NAN, 0, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sobel: scale nan and delta 0 must be finite");
  tvt_assert_status(ctx, tv_laplacian(ctx, s, d, 1, 1, INFINITY, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "must be finite");
  tvt_assert_status(ctx, tv_sobel(ctx, s, d, 1, 0, 3, 1, 0, (tv_border)7, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sobel: unknown border mode 7");
  tvt_assert_status(ctx, tv_gradient_magnitude(ctx, s, d, 0, TV_BORDER_CONSTANT, NAN), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gradient_magnitude: border value must be finite");
  tvt_assert_status(ctx, tv_scharr(ctx, s, d, 1, 0, 1, 0, TV_BORDER_CONSTANT, INFINITY),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_scharr: border value must be finite");

  /* Overlap: any overlap, including dst == src (no derivative runs in place). */
  tv_image *f = NULL;
  tvt_assert_ok(ctx, tv_image_create(ctx, 20, 10, 1, TV_F32, &f));
  tvt_assert_ok(ctx, tv_image_view(ctx, f, 0, 0, 10, 10, &v1));
  tvt_assert_ok(ctx, tv_image_view(ctx, f, 5, 0, 10, 10, &v2));
  tvt_assert_status(ctx, tv_sobel(ctx, v1, v2, 1, 0, 3, 1, 0, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_sobel: dst overlaps src");
  tvt_assert_status(ctx, tv_laplacian(ctx, v1, v1, 1, 1, 0, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_laplacian: dst overlaps src");
  tvt_assert_status(ctx, tv_gradient_magnitude(ctx, v2, v1, 1, 0, 0), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_gradient_magnitude: dst overlaps src");

  /* dst was never written. */
  ck_assert(tvt_images_equal(d, keep));
  tv_image *imgs[] = {s, d, s3, d3, big, u8d, s16s, v1, v2, d16, f, keep};
  for (size_t i = 0; i < sizeof imgs / sizeof imgs[0]; i++) tv_image_destroy(imgs[i]);
  tv_ctx_destroy(ctx);
}
END_TEST

static Suite *deriv_suite(void) {
  Suite *s = suite_create("filter_deriv");
  TCase *tc = tcase_create("deriv");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_scalar);
  tcase_add_test(tc, separable_variants_match_scalar);
  tcase_add_test(tc, sobel_public);
  tcase_add_test(tc, scharr_public);
  tcase_add_test(tc, laplacian_public);
  tcase_add_test(tc, gradient_public);
  tcase_add_test(tc, threads_identical);
  tcase_add_test(tc, caps_threads_identical);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(deriv_suite()); }
