/* Tests of the convolution engine: every algorithm and SIMD variant against a naive reference on
 * random shapes, determinism across thread counts, and the checks of the parameters.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "nn/blas.h"
#include "nn/conv/conv.h"
#include "nn/conv/kernels/convdir.h"
#include "testquick.h"
#include "testutil.h"

static const struct {
  tv_isa isa;
  const tvi_convdir_kernel *k;
  const char *name;
} table[] = {
#define TV_KERNEL(isa, kernel) {isa, &kernel, #kernel},
#include "nn/conv/kernels/convdir.inc"
#undef TV_KERNEL
};
enum { NVARIANTS = sizeof table / sizeof table[0], GUARD = 37 };

static float frand(uint64_t *s) {
  return (float)((double)(tvt_rand(s) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static double act_ref(double x, const tvi_conv_params *p) {
  switch (p->act) {
  case TVI_ACT_RELU: return x < 0 ? 0 : x;
  case TVI_ACT_LEAKY_RELU: return x < 0 ? p->act_a * x : x;
  case TVI_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
  case TVI_ACT_SILU: return x / (1.0 + exp(-x));
  case TVI_ACT_HARDSWISH: return x * fmin(fmax(x + 3, 0), 6) / 6;
  case TVI_ACT_CLIP: return fmin(fmax(x, p->act_a), p->act_b);
  default: return x;
  }
}

/* The naive reference in double: want[] after activation, mag[] the sum of |products| + |bias|. */
static void conv_ref(const tvi_conv_params *p, const float *in, const float *w, const float *bias,
                     int32_t n, int32_t h, int32_t wd, double *want, double *mag) {
  int32_t oh, ow;
  tvi_conv_output_size(p, h, wd, &oh, &ow);
  const int32_t cig = p->cin / p->groups, cog = p->cout / p->groups;
  for (int32_t b = 0; b < n; b++)
    for (int32_t oc = 0; oc < p->cout; oc++) {
      const int32_t g = oc / cog;
      for (int32_t y = 0; y < oh; y++)
        for (int32_t x = 0; x < ow; x++) {
          double acc = bias ? bias[oc] : 0, m = bias ? fabs(bias[oc]) : 0;
          for (int32_t ic = 0; ic < cig; ic++)
            for (int32_t ky = 0; ky < p->kh; ky++)
              for (int32_t kx = 0; kx < p->kw; kx++) {
                const int32_t iy = y * p->stride_h + ky * p->dil_h - p->pad_t;
                const int32_t ix = x * p->stride_w + kx * p->dil_w - p->pad_l;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const double v = (double)w[((oc * cig + ic) * p->kh + ky) * p->kw + kx] *
                                 in[(((int64_t)b * p->cin + g * cig + ic) * h + iy) * wd + ix];
                acc += v;
                m += fabs(v);
              }
          const int64_t i = (((int64_t)b * p->cout + oc) * oh + y) * ow + x;
          want[i] = act_ref(acc, p);
          mag[i] = m;
        }
    }
}

/* Runs a plan on ctx and returns the output (malloc'd, with GUARD sentinel floats after it that
 * must stay untouched). */
static float *run_plan(tv_ctx *ctx, const tvi_conv_plan *plan, const float *in, int32_t n,
                       int32_t h, int32_t w, size_t count) {
  const size_t ss = tvi_conv_scratch_size(plan, n, h, w, tvi_parallel_workers(ctx));
  ck_assert(ss != SIZE_MAX);
  void *scratch = tvi_aligned_alloc(ss);
  float *out = malloc((count + GUARD) * sizeof(float));
  ck_assert(scratch && out);
  memset(scratch, 0xff, ss); /* NaN: anything read before written shows */
  for (size_t i = 0; i < count + GUARD; i++) out[i] = -12345.0f;
  tvi_conv_run(ctx, plan, in, out, n, h, w, scratch);
  for (size_t i = count; i < count + GUARD; i++) ck_assert(out[i] == -12345.0f);
  tvi_aligned_free(scratch);
  return out;
}

typedef struct shape {
  tvi_conv_params p;
  int32_t n, h, w;
} shape;

static shape random_shape(uint64_t *s, int i) {
  shape sh;
  memset(&sh, 0, sizeof sh);
  tvi_conv_params *p = &sh.p;
  const int kind = i % 5; /* 0 dense, 1 grouped, 2 depthwise, 3 1x1 plain, 4 wide channels */
  p->groups = 1;
  p->cin = 1 + (int32_t)(tvt_rand(s) % 9);
  p->cout = 1 + (int32_t)(tvt_rand(s) % 19);
  p->kh = 1 + (int32_t)(tvt_rand(s) % 7);
  p->kw = tvt_rand(s) % 3 == 0 ? 1 + (int32_t)(tvt_rand(s) % 7) : p->kh;
  p->stride_h = 1 + (int32_t)(tvt_rand(s) % 3);
  p->stride_w = tvt_rand(s) % 3 == 0 ? 1 + (int32_t)(tvt_rand(s) % 3) : p->stride_h;
  p->dil_h = tvt_rand(s) % 4 == 0 ? 2 : 1;
  p->dil_w = tvt_rand(s) % 4 == 0 ? 2 : 1;
  p->pad_t = (int32_t)(tvt_rand(s) % 4);
  p->pad_l = (int32_t)(tvt_rand(s) % 4);
  p->pad_b = (int32_t)(tvt_rand(s) % 4);
  p->pad_r = (int32_t)(tvt_rand(s) % 4);
  if (kind == 1) {
    p->groups = 2 + (int32_t)(tvt_rand(s) % 3);
    p->cin = p->groups * (1 + (int32_t)(tvt_rand(s) % 4));
    p->cout = p->groups * (1 + (int32_t)(tvt_rand(s) % 5));
  } else if (kind == 2) {
    p->groups = p->cin = p->cout = 2 + (int32_t)(tvt_rand(s) % 12);
  } else if (kind == 3) {
    p->kh = p->kw = p->stride_h = p->stride_w = 1;
    p->pad_t = p->pad_l = p->pad_b = p->pad_r = 0;
    p->cin = 1 + (int32_t)(tvt_rand(s) % 40);
  } else if (kind == 4) {
    p->cin = 16 + (int32_t)(tvt_rand(s) % 24);
    p->cout = 8 + (int32_t)(tvt_rand(s) % 40);
    p->kh = p->kw = 3;
    if (tvt_rand(s) % 2) { /* Winograd's case */
      p->stride_h = p->stride_w = p->dil_h = p->dil_w = 1;
    }
  }
  p->act = (int32_t)(i % 7);
  p->act_a = p->act == TVI_ACT_CLIP ? -0.5f : 0.1f;
  p->act_b = p->act == TVI_ACT_CLIP ? 0.75f : 0.0f;
  sh.n = 1 + (int32_t)(tvt_rand(s) % 3);
  const int32_t eh = (p->kh - 1) * p->dil_h + 1, ew = (p->kw - 1) * p->dil_w + 1;
  sh.h = eh + (int32_t)(tvt_rand(s) % 23);
  sh.w = ew + (int32_t)(tvt_rand(s) % 29);
  if (tvt_rand(s) % 8 == 0) { /* too small without padding: only padding makes it work */
    sh.h = 1;
    p->pad_t = p->pad_b = eh;
  }
  return sh;
}

static void check_shape(tv_ctx *ctx, const shape *sh, uint64_t seed, int *counts) {
  const tvi_conv_params *p = &sh->p;
  int32_t oh, ow;
  tvi_conv_output_size(p, sh->h, sh->w, &oh, &ow);
  if (oh == 0 || ow == 0) return;
  const size_t nin = (size_t)sh->n * p->cin * sh->h * sh->w;
  const size_t nw = (size_t)p->cout * (p->cin / p->groups) * p->kh * p->kw;
  const size_t nout = (size_t)sh->n * p->cout * oh * ow;
  float *in = malloc(nin * sizeof(float)), *w = malloc(nw * sizeof(float));
  float *bias = malloc((size_t)p->cout * sizeof(float));
  double *want = malloc(nout * sizeof(double)), *mag = malloc(nout * sizeof(double));
  ck_assert(in && w && bias && want && mag);
  uint64_t s = seed;
  for (size_t i = 0; i < nin; i++) in[i] = frand(&s) * 2;
  for (size_t i = 0; i < nw; i++) w[i] = frand(&s);
  for (int32_t i = 0; i < p->cout; i++) bias[i] = frand(&s);
  const int with_bias = seed % 4 != 0;
  conv_ref(p, in, w, with_bias ? bias : NULL, sh->n, sh->h, sh->w, want, mag);
  /* Winograd F(4x4, 3x3)'s rounding errors scale with the magnitudes in the whole tile (the
   * transforms mix them): its bound uses the largest mag within 3 rows and columns. */
  double *magw = malloc(nout * sizeof(double));
  ck_assert(magw);
  for (size_t i = 0; i < nout; i++) {
    const int64_t x = (int64_t)(i % (size_t)ow), y = (int64_t)(i / (size_t)ow % (size_t)oh);
    const size_t base = i - (size_t)(y * ow + x);
    magw[i] = 0;
    for (int64_t yy = y - 3; yy <= y + 3; yy++)
      for (int64_t xx = x - 3; xx <= x + 3; xx++)
        if (yy >= 0 && yy < oh && xx >= 0 && xx < ow &&
            mag[base + (size_t)(yy * ow + xx)] > magw[i])
          magw[i] = mag[base + (size_t)(yy * ow + xx)];
  }
  const tvi_conv_algo algos[] = {TVI_CONV_AUTO,      TVI_CONV_IM2COL,   TVI_CONV_GEMM1X1,
                                 TVI_CONV_DEPTHWISE, TVI_CONV_DIRECT,   TVI_CONV_WINOGRAD,
                                 TVI_CONV_ROWS,      TVI_CONV_WINOGRAD4};
  for (int cap = TV_ISA_SCALAR; cap <= TV_ISA_AVX512; cap++) {
    if (tv_ctx_set(ctx, TV_CTX_SIMD_CAP, cap) != TV_OK) continue;
    int64_t active = -1;
    tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &active));
    if (active != cap) continue; /* the CPU does not have it */
    for (size_t a = 0; a < sizeof algos / sizeof algos[0]; a++) {
      if (cap != TV_ISA_SCALAR && (algos[a] == TVI_CONV_IM2COL || algos[a] == TVI_CONV_GEMM1X1 ||
                                   algos[a] == TVI_CONV_DEPTHWISE))
        continue; /* only the convdir kernels depend on the SIMD level */
      if (cap == TV_ISA_SCALAR && algos[a] == TVI_CONV_WINOGRAD4)
        continue; /* its parts are tested apart: the scalar transforms at AVX2 (which uses them),
                     the scalar tiles by direct; this keeps the test fast enough under ASan */
      tvi_conv_plan *plan = NULL;
      const tv_status st = tvi_conv_prepare_as(ctx, p, w, with_bias ? bias : NULL, algos[a], &plan);
      if (algos[a] == TVI_CONV_GEMM1X1 || algos[a] == TVI_CONV_DEPTHWISE ||
          algos[a] == TVI_CONV_WINOGRAD || algos[a] == TVI_CONV_ROWS ||
          algos[a] == TVI_CONV_WINOGRAD4) {
        if (st == TV_ERR_ARG) continue; /* not applicable to this layer */
      }
      tvt_assert_ok(ctx, st);
      float *out = run_plan(ctx, plan, in, sh->n, sh->h, sh->w, nout);
      const double *m = strncmp(tvi_conv_algorithm(plan), "winograd4x4", 11) == 0 ? magw : mag;
      size_t bad = SIZE_MAX; /* the first mismatch */
      for (size_t i = 0; i < nout && bad == SIZE_MAX; i++)
        if (!(fabs(out[i] - want[i]) <= 2e-4 * (fabs(want[i]) + 0.05 * m[i]) + 1e-6)) bad = i;
      ck_assert_msg(bad == SIZE_MAX,
                    "%s (cap %d) cin %d cout %d k %dx%d s %dx%d d %dx%d pad %d,%d,%d,%d g %d "
                    "act %d n %d %dx%d: out[%zu] = %.9g, want %.9g",
                    tvi_conv_algorithm(plan), cap, p->cin, p->cout, p->kh, p->kw, p->stride_h,
                    p->stride_w, p->dil_h, p->dil_w, p->pad_t, p->pad_l, p->pad_b, p->pad_r,
                    p->groups, p->act, sh->n, sh->h, sh->w, bad,
                    bad == SIZE_MAX ? 0.0 : (double)out[bad], bad == SIZE_MAX ? 0.0 : want[bad]);
      counts[algos[a]]++;
      free(out);
      tvi_conv_free(plan);
    }
  }
  tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_NEON > TV_ISA_AVX512 ? TV_ISA_AVX512 : TV_ISA_AVX512);
  free(in);
  free(w);
  free(bias);
  free(want);
  free(mag);
  free(magw);
}

/* Every algorithm at every SIMD level on random shapes against the naive reference. */
START_TEST(random_shapes) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, 2));
  uint64_t s = 777;
  int counts[8] = {0};
  /* Quick mode: 140 shapes, every kind (i % 5) with every activation (i % 7) four times. */
  const int nshapes = tvt_quick() ? 140 : 350;
  for (int i = 0; i < nshapes; i++) {
    const shape sh = random_shape(&s, i);
    check_shape(ctx, &sh, 1000 + (uint64_t)i, counts);
  }
  printf("conv random shapes: auto %d, im2col %d, gemm1x1 %d, depthwise %d, direct %d, "
         "winograd %d, rows %d, winograd4 %d runs\n",
         counts[TVI_CONV_AUTO], counts[TVI_CONV_IM2COL], counts[TVI_CONV_GEMM1X1],
         counts[TVI_CONV_DEPTHWISE], counts[TVI_CONV_DIRECT], counts[TVI_CONV_WINOGRAD],
         counts[TVI_CONV_ROWS], counts[TVI_CONV_WINOGRAD4]);
  ck_assert_int_gt(counts[TVI_CONV_GEMM1X1], 20 * nshapes / 350);
  ck_assert_int_gt(counts[TVI_CONV_DEPTHWISE], 20 * nshapes / 350);
  ck_assert_int_gt(counts[TVI_CONV_DIRECT], 100 * nshapes / 350);
  ck_assert_int_gt(counts[TVI_CONV_WINOGRAD], 10 * nshapes / 350);
  ck_assert_int_gt(counts[TVI_CONV_ROWS], 20 * nshapes / 350);
  /* F(4x4) runs at the AVX2 and AVX-512 levels only (see check_shape): when TV_CPU or the CPU
   * allows neither, it has no runs. */
  int64_t best = TV_ISA_SCALAR;
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_AVX512));
  tvt_assert_ok(ctx, tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &best));
  if (best == TV_ISA_AVX2 || best == TV_ISA_AVX512)
    ck_assert_int_gt(counts[TVI_CONV_WINOGRAD4], 10 * nshapes / 350);
  tv_ctx_destroy(ctx);
}
END_TEST

/* The layers of the benchmark networks (bigger channel counts, stride 2 and 1). */
START_TEST(reference_layers) {
  tv_ctx *ctx = tvt_ctx();
  static const int32_t L[][6] = {/* cin cout k stride h w */
                                 {1, 32, 3, 2, 40, 40},
                                 {32, 64, 3, 2, 20, 20},
                                 {64, 128, 3, 2, 10, 10},
                                 {128, 128, 3, 2, 5, 5},
                                 {64, 64, 3, 1, 16, 16},
                                 {64, 1, 1, 1, 16, 16},
                                 {16, 32, 5, 1, 9, 11},
                                 {24, 40, 3, 1, 13, 17},
                                 {9, 3, 3, 1, 1, 1},
                                 {5, 11, 3, 1, 2, 3},
                                 {64, 64, 3, 1, 7, 64},
                                 /* image by image (enough chunks per image for 2 threads) */
                                 {4, 16, 3, 1, 60, 64},
                                 {16, 16, 3, 1, 60, 64},
                                 /* rows: a grey first layer, rows longer than the vectors */
                                 {1, 16, 3, 2, 45, 83},
                                 {1, 7, 3, 1, 9, 70}};
  int counts[8] = {0};
  for (size_t i = 0; i < sizeof L / sizeof L[0]; i++) {
    shape sh;
    memset(&sh, 0, sizeof sh);
    sh.p.cin = L[i][0];
    sh.p.cout = L[i][1];
    sh.p.kh = sh.p.kw = L[i][2];
    sh.p.stride_h = sh.p.stride_w = L[i][3];
    sh.p.pad_t = sh.p.pad_l = sh.p.pad_b = sh.p.pad_r = L[i][2] / 2;
    sh.p.dil_h = sh.p.dil_w = sh.p.groups = 1;
    sh.p.act = (int32_t)(i % 7);
    sh.p.act_a = sh.p.act == TVI_ACT_CLIP ? -0.5f : 0.1f;
    sh.p.act_b = sh.p.act == TVI_ACT_CLIP ? 0.75f : 0.0f;
    sh.n = 2;
    sh.h = L[i][4];
    sh.w = L[i][5];
    check_shape(ctx, &sh, 99 + i, counts);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* Each SIMD kernel against the scalar kernel's definition, on random offsets and tile counts. */
START_TEST(variants_match_reference) {
  int tested = 0;
  ck_assert_int_eq(table[NVARIANTS - 1].isa, TV_ISA_SCALAR);
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) {
      printf("convdir: %s not run (CPU level %s)\n", table[v].name, tv_isa_name(tv_cpu_isa()));
      continue;
    }
    const tvi_convdir_kernel *k = table[v].k;
    const int32_t R = k->oc_block, T = k->px_tile;
    uint64_t s = 5 + (uint64_t)v;
    for (int trial = 0; trial < 40; trial++) {
      const int32_t nk = 1 + (int32_t)(tvt_rand(&s) % 70), ntiles = 1 + (int32_t)(tvt_rand(&s) % 3);
      const int32_t span = 300;
      const int64_t ldo = (int64_t)ntiles * T + (int64_t)(tvt_rand(&s) % 5);
      float *in = malloc((size_t)(span + ntiles * T + 1) * sizeof(float));
      float *w = malloc((size_t)nk * R * sizeof(float)), *bias = malloc((size_t)R * sizeof(float));
      int32_t *offs = malloc((size_t)nk * sizeof(int32_t));
      float *out = malloc((size_t)(R * ldo + GUARD) * sizeof(float));
      ck_assert(in && w && bias && offs && out);
      for (int32_t i = 0; i < span + ntiles * T + 1; i++) in[i] = frand(&s);
      for (int32_t i = 0; i < nk * R; i++) w[i] = frand(&s);
      for (int32_t i = 0; i < R; i++) bias[i] = frand(&s);
      for (int32_t i = 0; i < nk; i++) offs[i] = (int32_t)(tvt_rand(&s) % (uint64_t)span) + 1;
      tvi_convdir_act act = {1.0f, -INFINITY, INFINITY};
      if (trial % 3 == 1) act.slope = 0.25f;
      if (trial % 3 == 2) {
        act.lo = -0.5f;
        act.hi = 0.5f;
      }
      /* Every 4th trial continues a sum (bias NULL: start from out's values), every 5th stores
       * without the activation (act NULL). */
      const int cont = trial % 4 == 3, noact = trial % 5 == 4;
      for (int64_t i = 0; i < R * ldo + GUARD; i++) out[i] = -777.0f;
      float *start = malloc((size_t)R * ntiles * T * sizeof(float));
      ck_assert(start);
      for (int32_t r = 0; r < R; r++)
        for (int32_t i = 0; i < ntiles * T; i++) {
          start[r * ntiles * T + i] = cont ? frand(&s) : bias[r];
          if (cont) out[r * ldo + i] = start[r * ntiles * T + i];
        }
      if (noact) act = (tvi_convdir_act){1.0f, -INFINITY, INFINITY};
      k->fn(in + 0, offs, nk, w, cont ? NULL : bias, out, ldo, ntiles, noact ? NULL : &act);
      int32_t br = -1, bi = -1; /* the first mismatch */
      double bwant = 0;
      for (int32_t r = 0; r < R; r++) {
        for (int32_t i = 0; i < ntiles * T; i++) {
          double acc = start[r * ntiles * T + i], mag = fabs(acc);
          for (int32_t kk = 0; kk < nk; kk++) {
            acc += (double)w[kk * R + r] * in[offs[kk] + i];
            mag += fabs((double)w[kk * R + r] * in[offs[kk] + i]);
          }
          if (acc < 0) acc *= act.slope;
          acc = fmin(fmax(acc, act.lo), act.hi);
          if (!(fabs(out[r * ldo + i] - acc) <= 1e-5 * mag + 1e-6) && br < 0)
            br = r, bi = i, bwant = acc;
        }
        for (int64_t i = ntiles * T; i < ldo; i++)
          if (out[r * ldo + i] != -777.0f && br < 0) br = r, bi = (int32_t)i, bwant = -777.0;
      }
      ck_assert_msg(br < 0, "%s nk %d ntiles %d r %d i %d: %g != %g", table[v].name, nk, ntiles, br,
                    bi, br < 0 ? 0.0 : (double)out[br * ldo + bi], bwant);
      for (int64_t i = R * ldo; i < R * ldo + GUARD; i++) ck_assert(out[i] == -777.0f);
      free(start);
      free(in);
      free(w);
      free(bias);
      free(offs);
      free(out);
    }
    tested++;
  }
  ck_assert_int_ge(tested, 1);
}
END_TEST

/* Bit-identical outputs for 1, 2, 3 and 8 threads, for every algorithm. */
START_TEST(deterministic_across_threads) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_DETERMINISTIC, 1));
  static const int32_t dims[][5] = {/* cin cout k stride groups */
                                    {24, 40, 3, 1, 1},  {3, 17, 5, 2, 1}, {32, 32, 1, 1, 1},
                                    {12, 12, 3, 1, 12}, {8, 12, 3, 2, 4}, {1, 18, 3, 2, 1},
                                    {4, 6, 2, 1, 4},    {20, 24, 3, 1, 1}};
  const tvi_conv_algo algos[] = {TVI_CONV_AUTO,      TVI_CONV_IM2COL,   TVI_CONV_GEMM1X1,
                                 TVI_CONV_DEPTHWISE, TVI_CONV_DIRECT,   TVI_CONV_WINOGRAD,
                                 TVI_CONV_ROWS,      TVI_CONV_WINOGRAD4};
  for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
    tvi_conv_params p;
    memset(&p, 0, sizeof p);
    p.cin = dims[d][0];
    p.cout = dims[d][1];
    p.kh = p.kw = dims[d][2];
    p.stride_h = p.stride_w = dims[d][3];
    p.groups = dims[d][4];
    p.pad_t = p.pad_l = p.pad_b = p.pad_r = dims[d][2] / 2;
    p.dil_h = p.dil_w = 1;
    p.act = TVI_ACT_SILU;
    const int32_t n = 3, h = 37, w = 45;
    int32_t oh, ow;
    tvi_conv_output_size(&p, h, w, &oh, &ow);
    const size_t nin = (size_t)n * p.cin * h * w, nout = (size_t)n * p.cout * oh * ow;
    const size_t nw = (size_t)p.cout * (p.cin / p.groups) * p.kh * p.kw;
    float *in = malloc(nin * sizeof(float)), *wt = malloc(nw * sizeof(float));
    float *bias = malloc((size_t)p.cout * sizeof(float));
    ck_assert(in && wt && bias);
    uint64_t s = 42 + d;
    for (size_t i = 0; i < nin; i++) in[i] = frand(&s);
    for (size_t i = 0; i < nw; i++) wt[i] = frand(&s);
    for (int32_t i = 0; i < p.cout; i++) bias[i] = frand(&s);
    for (size_t a = 0; a < sizeof algos / sizeof algos[0]; a++) {
      tvi_conv_plan *plan = NULL;
      if (tvi_conv_prepare_as(ctx, &p, wt, bias, algos[a], &plan) != TV_OK) continue;
      float *first = NULL;
      for (int threads = 1; threads <= 8; threads++) {
        if (threads == 4) threads = 8;
        tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
        for (int rep = 0; rep < 2; rep++) {
          float *out = run_plan(ctx, plan, in, n, h, w, nout);
          if (!first) {
            first = out;
            continue;
          }
          ck_assert_msg(memcmp(first, out, nout * sizeof(float)) == 0,
                        "%s differs with %d threads (layer %zu)", tvi_conv_algorithm(plan), threads,
                        d);
          free(out);
        }
      }
      free(first);
      tvi_conv_free(plan);
    }
    free(in);
    free(wt);
    free(bias);
  }
  tv_ctx_destroy(ctx);
}
END_TEST

/* The automatic choice names the SIMD level, and forcing works. */
START_TEST(algorithm_names) {
  tv_ctx *ctx = tvt_ctx();
  tvi_conv_params p = {.cin = 8,
                       .cout = 16,
                       .kh = 3,
                       .kw = 3,
                       .stride_h = 1,
                       .stride_w = 1,
                       .pad_t = 1,
                       .pad_l = 1,
                       .pad_b = 1,
                       .pad_r = 1,
                       .dil_h = 1,
                       .dil_w = 1,
                       .groups = 1,
                       .act = TVI_ACT_RELU};
  float w[16 * 8 * 9] = {0};
  tvi_conv_plan *plan = NULL;
  tvt_assert_ok(ctx, tvi_conv_prepare(ctx, &p, w, NULL, &plan));
  printf("conv auto choice at %s: %s\n", tv_isa_name(tv_cpu_isa()), tvi_conv_algorithm(plan));
  ck_assert(strncmp(tvi_conv_algorithm(plan), "winograd2x2_", 12) == 0 ||
            strcmp(tvi_conv_algorithm(plan), "im2col_gemm") == 0);
  ck_assert(tvi_conv_plan_params(plan)->cout == 16);
  tvi_conv_free(plan);
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_SIMD_CAP, TV_ISA_SCALAR));
  tvt_assert_ok(ctx, tvi_conv_prepare(ctx, &p, w, NULL, &plan));
  ck_assert_str_eq(tvi_conv_algorithm(plan), "im2col_gemm");
  tvi_conv_free(plan);
  tvt_assert_ok(ctx, tvi_conv_prepare_as(ctx, &p, w, NULL, TVI_CONV_DIRECT, &plan));
  ck_assert_str_eq(tvi_conv_algorithm(plan), "direct_scalar");
  tvi_conv_free(plan);
  ck_assert_str_eq(tvi_conv_algorithm(NULL), "none");
  tvi_conv_free(NULL);
  /* Too small an input gives no output and needs no scratch beyond the layout. */
  int32_t oh = -1, ow = -1;
  p.pad_t = p.pad_l = p.pad_b = p.pad_r = 0;
  tvi_conv_output_size(&p, 2, 9, &oh, &ow);
  ck_assert(oh == 0 && ow == 0);
  ck_assert(strstr(tvi_blas_config(), "OpenBLAS") != NULL);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Every bad parameter gets TV_ERR_ARG (or TV_ERR_NULL) and a message naming it. */
START_TEST(bad_params) {
  tv_ctx *ctx = tvt_ctx();
  const tvi_conv_params good = {.cin = 4,
                                .cout = 6,
                                .kh = 3,
                                .kw = 3,
                                .stride_h = 1,
                                .stride_w = 1,
                                .pad_t = 1,
                                .pad_l = 1,
                                .pad_b = 1,
                                .pad_r = 1,
                                .dil_h = 1,
                                .dil_w = 1,
                                .groups = 2,
                                .act = TVI_ACT_NONE};
  static float w[6 * 4 * 9];
  tvi_conv_plan *plan = (tvi_conv_plan *)(void *)&plan;
  tvt_assert_status(ctx, tvi_conv_prepare(ctx, NULL, w, NULL, &plan), TV_ERR_NULL);
  ck_assert(plan == NULL);
  tvt_assert_error_has(ctx, "tvi_conv_prepare_as: params, weight or out is NULL");
  tvt_assert_status(ctx, tvi_conv_prepare(ctx, &good, NULL, NULL, &plan), TV_ERR_NULL);
  tvt_assert_status(ctx, tvi_conv_prepare(ctx, &good, w, NULL, NULL), TV_ERR_NULL);
  struct {
    const char *field;
    tvi_conv_params p;
    const char *msg;
  } cases[16];
  int nc = 0;
#define CASE(f, mod, m)                                                                            \
  do {                                                                                             \
    cases[nc].field = f;                                                                           \
    cases[nc].p = good;                                                                            \
    {                                                                                              \
      tvi_conv_params *q = &cases[nc].p;                                                           \
      mod;                                                                                         \
    }                                                                                              \
    cases[nc++].msg = m;                                                                           \
  } while (0)
  CASE("cin", q->cin = 0, "cin 0 not in 1..65536");
  CASE("cout", q->cout = 70000, "cout 70000 not in 1..65536");
  CASE("kh", q->kh = 8, "kernel 8x3 not in 1..7");
  CASE("kw", q->kw = 0, "kernel 3x0 not in 1..7");
  CASE("stride", q->stride_w = 0, "stride 1x0 not in 1..64");
  CASE("dilation", q->dil_h = 65, "dilation 65x1 not in 1..64");
  CASE("pad", q->pad_b = -1, "padding 1,1,-1,1 (top, left, bottom, right) not in 0..4096");
  CASE("groups", q->groups = 3, "groups 3 does not divide cin 4 and cout 6");
  CASE("groups0", q->groups = 0, "groups 0 does not divide");
  CASE("act", q->act = 7, "act 7 unknown");
  CASE("act_a", q->act_a = NAN, "not finite");
  CASE("clip", (q->act = TVI_ACT_CLIP, q->act_a = 2, q->act_b = 1),
       "clip bounds act_a 2 > act_b 1");
#undef CASE
  for (int i = 0; i < nc; i++) {
    plan = (tvi_conv_plan *)(void *)&plan;
    tvt_assert_status(ctx, tvi_conv_prepare(ctx, &cases[i].p, w, NULL, &plan), TV_ERR_ARG);
    ck_assert_msg(plan == NULL, "%s", cases[i].field);
    tvt_assert_error_has(ctx, "tvi_conv_prepare_as: ");
    tvt_assert_error_has(ctx, cases[i].msg);
  }
  tvt_assert_status(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, TVI_CONV_GEMM1X1, &plan),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tvi_conv_prepare_as: gemm1x1 needs a 1x1 kernel");
  tvt_assert_status(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, TVI_CONV_DEPTHWISE, &plan),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "depthwise needs groups == cin == cout > 1");
  tvt_assert_status(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, (tvi_conv_algo)9, &plan),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "algorithm 9 unknown");
  tvt_assert_status(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, TVI_CONV_WINOGRAD, &plan),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "winograd needs a 3x3 kernel, stride 1, dilation 1 and groups 1");
  tvt_assert_status(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, TVI_CONV_WINOGRAD4, &plan),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "winograd needs a 3x3 kernel, stride 1, dilation 1 and groups 1");
  tvt_assert_status(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, TVI_CONV_ROWS, &plan),
                    TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tvi_conv_prepare_as: rows needs cin / groups * kh * kw <= 9");
  /* A layout too large to address: scratch size SIZE_MAX, so allocation fails. */
  tvt_assert_ok(ctx, tvi_conv_prepare_as(ctx, &good, w, NULL, TVI_CONV_DIRECT, &plan));
  ck_assert(tvi_conv_scratch_size(plan, 1, 30000, 30000, 1) == SIZE_MAX);
  tvi_conv_free(plan);
  tv_ctx_destroy(ctx);
}
END_TEST

/* Each SIMD row kernel against the scalar row kernel's definition: every row length up to 70
 * (vector tails), every tap count, a guard after each row and after the input. */
START_TEST(row_variants_match_reference) {
  int tested = 0;
  for (int v = 0; v < NVARIANTS; v++) {
    if (!tvi_isa_allowed(tv_cpu_isa(), table[v].isa)) continue;
    const tvi_convdir_kernel *k = table[v].k;
    uint64_t s = 11 + (uint64_t)v;
    for (int32_t n = 1; n <= 70; n++) {
      const int32_t nk = 1 + (int32_t)(tvt_rand(&s) % TVI_CONVROW_MAX_K);
      const int32_t nout = 1 + (int32_t)(tvt_rand(&s) % 11), span = 50;
      const int64_t ldo = n + (int64_t)(tvt_rand(&s) % 4);
      /* The input ends right after the last element a row reads (ASan sees overreads). */
      int32_t offs[TVI_CONVROW_MAX_K], maxoff = 0;
      for (int32_t i = 0; i < nk; i++) {
        offs[i] = (int32_t)(tvt_rand(&s) % (uint64_t)span);
        if (offs[i] > maxoff) maxoff = offs[i];
      }
      float *in = malloc((size_t)(maxoff + n) * sizeof(float));
      float *w = malloc((size_t)(nk * nout) * sizeof(float));
      float *bias = malloc((size_t)nout * sizeof(float));
      float *out = malloc((size_t)(nout * ldo + GUARD) * sizeof(float));
      ck_assert(in && w && bias && out);
      for (int32_t i = 0; i < maxoff + n; i++) in[i] = frand(&s);
      for (int32_t i = 0; i < nk * nout; i++) w[i] = frand(&s);
      for (int32_t i = 0; i < nout; i++) bias[i] = frand(&s);
      tvi_convdir_act act = {1.0f, -INFINITY, INFINITY};
      if (n % 3 == 1) act.slope = 0.25f;
      if (n % 3 == 2) {
        act.lo = -0.5f;
        act.hi = 0.5f;
      }
      for (int64_t i = 0; i < nout * ldo + GUARD; i++) out[i] = -777.0f;
      k->row(in, offs, nk, w, bias, nout, out, ldo, n, &act);
      for (int32_t r = 0; r < nout; r++) {
        for (int32_t i = 0; i < n; i++) {
          double acc = bias[r], mag = fabs(acc);
          for (int32_t kk = 0; kk < nk; kk++) {
            acc += (double)w[r * nk + kk] * in[offs[kk] + i];
            mag += fabs((double)w[r * nk + kk] * in[offs[kk] + i]);
          }
          if (acc < 0) acc *= act.slope;
          acc = fmin(fmax(acc, act.lo), act.hi);
          ck_assert_msg(fabs(out[r * ldo + i] - acc) <= 1e-5 * mag + 1e-6,
                        "%s row nk %d n %d r %d i %d: %g != %g", table[v].name, nk, n, r, i,
                        (double)out[r * ldo + i], acc);
        }
        for (int64_t i = n; i < ldo; i++) ck_assert(out[r * ldo + i] == -777.0f);
      }
      for (int64_t i = nout * ldo; i < nout * ldo + GUARD; i++) ck_assert(out[i] == -777.0f);
      free(in);
      free(w);
      free(bias);
      free(out);
    }
    tested++;
  }
  ck_assert_int_ge(tested, 1);
}
END_TEST

static Suite *conv_suite(void) {
  Suite *s = suite_create("nn_conv");
  TCase *tc = tcase_create("conv");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, variants_match_reference);
  tcase_add_test(tc, row_variants_match_reference);
  tcase_add_test(tc, random_shapes);
  tcase_add_test(tc, reference_layers);
  tcase_add_test(tc, deterministic_across_threads);
  tcase_add_test(tc, algorithm_names);
  tcase_add_test(tc, bad_params);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(conv_suite()); }
