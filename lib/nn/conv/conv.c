/* The convolution engine: parameter checks, weight packing, and the algorithms (direct tiles over
 * phase-split planes, im2col + sgemm, 1x1 as plain sgemm, depthwise), split across ctx's threads.
 * SPDX-License-Identifier: Apache-2.0 */
#include "conv.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "kernels/convdir.h"
#include "nn/blas.h"

static const struct {
  tv_isa isa;
  const tvi_convdir_kernel *k;
  const char *name;
} tvi_convdir_table[] = {
#define TV_KERNEL(isa, kernel) {isa, &kernel, #kernel},
#include "kernels/convdir.inc"
#undef TV_KERNEL
};

enum {
  TVI_CONV_MAX_KERNEL = 7,
  TVI_CONV_MAX_STRIDE = 64,
  TVI_CONV_MAX_DILATION = 64,
  TVI_CONV_MAX_PAD = 4096,
  TVI_CONV_MAX_CHANNELS = 1 << 16,
  TVI_GEMM_COLS = 1024,        /* columns per task of the 1x1 GEMM */
  TVI_DIRECT_KBLOCK = 128,     /* direct: about this many k entries per pass over a tile */
  TVI_IM2COL_FLOATS = 1 << 19, /* im2col buffer per worker (2 MiB) */
  TVI_ROWS_TASK = 16384        /* rows: outputs (rows x channels) per task */
};

struct tvi_conv_plan {
  tvi_conv_params p;
  tvi_conv_algo algo;
  char name[40];
  int32_t cin_g, cout_g, kk; /* per group; kk = cin_g * kh * kw */
  float *w;                  /* see tvi_conv_pack */
  float *bias;               /* cout floats, or per group cout_gp for direct */
  /* direct only */
  const tvi_convdir_kernel *dk;
  int32_t cout_gp;      /* cout_g rounded up to the kernel's oc_block */
  tvi_convdir_act fact; /* the activation part fused into the kernel's store */
  int post_act;         /* whether the rest of the activation runs when copying out */
  int32_t wm;           /* Winograd: outputs per tile side, 2 (F(2x2, 3x3)) or 4 (F(4x4, 3x3)) */
};

/* ---- activations --------------------------------------------------------------------------- */

static inline float tvi_act1(float x, int act, float a, float b) {
  switch (act) {
  case TVI_ACT_RELU: return x < 0 ? 0.0f : x;
  case TVI_ACT_LEAKY_RELU: return x < 0 ? a * x : x;
  case TVI_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
  case TVI_ACT_SILU: return x / (1.0f + expf(-x));
  case TVI_ACT_HARDSWISH: {
    float t = x + 3.0f;
    t = t < 0 ? 0 : t > 6 ? 6 : t;
    return x * t * (1.0f / 6.0f);
  }
  case TVI_ACT_CLIP: return x < a ? a : x > b ? b : x;
  default: return x;
  }
}

/* y[i] = act(y[i] + bias) for n values. */
static void tvi_bias_act(float *y, int64_t n, float bias, const tvi_conv_params *p) {
  switch (p->act) {
  case TVI_ACT_NONE:
    for (int64_t i = 0; i < n; i++) y[i] += bias;
    break;
  case TVI_ACT_RELU:
    for (int64_t i = 0; i < n; i++) {
      const float v = y[i] + bias;
      y[i] = v < 0 ? 0.0f : v;
    }
    break;
  default:
    for (int64_t i = 0; i < n; i++) y[i] = tvi_act1(y[i] + bias, p->act, p->act_a, p->act_b);
    break;
  }
}

/* ---- parameters ---------------------------------------------------------------------------- */

void tvi_conv_output_size(const tvi_conv_params *p, int32_t h, int32_t w, int32_t *oh,
                          int32_t *ow) {
  const int64_t eh = (int64_t)h + p->pad_t + p->pad_b - (int64_t)p->dil_h * (p->kh - 1) - 1;
  const int64_t ew = (int64_t)w + p->pad_l + p->pad_r - (int64_t)p->dil_w * (p->kw - 1) - 1;
  if (h < 1 || w < 1 || eh < 0 || ew < 0 || p->stride_h < 1 || p->stride_w < 1) {
    *oh = *ow = 0;
    return;
  }
  *oh = (int32_t)(eh / p->stride_h + 1);
  *ow = (int32_t)(ew / p->stride_w + 1);
}

static tv_status tvi_conv_check(tv_ctx *ctx, const tvi_conv_params *p, const char *func) {
  tv_status st = TV_OK;
  if (p->cin < 1 || p->cin > TVI_CONV_MAX_CHANNELS)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "cin %d not in 1..%d", p->cin, TVI_CONV_MAX_CHANNELS);
  if (p->cout < 1 || p->cout > TVI_CONV_MAX_CHANNELS)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "cout %d not in 1..%d", p->cout, TVI_CONV_MAX_CHANNELS);
  if (p->kh < 1 || p->kh > TVI_CONV_MAX_KERNEL || p->kw < 1 || p->kw > TVI_CONV_MAX_KERNEL)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "kernel %dx%d not in 1..%d", p->kh, p->kw,
                TVI_CONV_MAX_KERNEL);
  if (p->stride_h < 1 || p->stride_h > TVI_CONV_MAX_STRIDE || p->stride_w < 1 ||
      p->stride_w > TVI_CONV_MAX_STRIDE)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "stride %dx%d not in 1..%d", p->stride_h, p->stride_w,
                TVI_CONV_MAX_STRIDE);
  if (p->dil_h < 1 || p->dil_h > TVI_CONV_MAX_DILATION || p->dil_w < 1 ||
      p->dil_w > TVI_CONV_MAX_DILATION)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "dilation %dx%d not in 1..%d", p->dil_h, p->dil_w,
                TVI_CONV_MAX_DILATION);
  if (p->pad_t < 0 || p->pad_t > TVI_CONV_MAX_PAD || p->pad_l < 0 || p->pad_l > TVI_CONV_MAX_PAD ||
      p->pad_b < 0 || p->pad_b > TVI_CONV_MAX_PAD || p->pad_r < 0 || p->pad_r > TVI_CONV_MAX_PAD)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func,
                "padding %d,%d,%d,%d (top, left, bottom, right) not in 0..%d", p->pad_t, p->pad_l,
                p->pad_b, p->pad_r, TVI_CONV_MAX_PAD);
  if (p->groups < 1 || p->cin % p->groups != 0 || p->cout % p->groups != 0)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "groups %d does not divide cin %d and cout %d", p->groups,
                p->cin, p->cout);
  if (p->act < TVI_ACT_NONE || p->act > TVI_ACT_CLIP)
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "act %d unknown", p->act);
  if (!isfinite(p->act_a) || !isfinite(p->act_b))
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "act_a %g or act_b %g not finite", (double)p->act_a,
                (double)p->act_b);
  if (p->act == TVI_ACT_CLIP && !(p->act_a <= p->act_b))
    TVI_FAIL_AS(ctx, TV_ERR_ARG, func, "clip bounds act_a %g > act_b %g", (double)p->act_a,
                (double)p->act_b);
done:
  return st;
}

/* ---- preparation --------------------------------------------------------------------------- */

static int tvi_is_depthwise(const tvi_conv_params *p) {
  return p->groups > 1 && p->groups == p->cin && p->groups == p->cout;
}
static int tvi_is_plain_1x1(const tvi_conv_params *p) {
  return p->kh == 1 && p->kw == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_t == 0 &&
         p->pad_l == 0 && p->pad_b == 0 && p->pad_r == 0;
}

static int tvi_is_wino(const tvi_conv_params *p) {
  return p->kh == 3 && p->kw == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 &&
         p->dil_w == 1 && p->groups == 1;
}

static int tvi_is_rows(const tvi_conv_params *p) {
  return (p->cin / p->groups) * p->kh * p->kw <= TVI_CONVROW_MAX_K;
}

static tvi_conv_algo tvi_conv_auto(const tv_ctx *ctx, const tvi_conv_params *p) {
  if (tvi_is_depthwise(p)) return TVI_CONV_DEPTHWISE;
  const size_t v = TVI_SELECT(ctx, tvi_convdir_table);
  if (tvi_convdir_table[v].isa != TV_ISA_SCALAR && tvi_is_plain_1x1(p) &&
      p->cout / p->groups < tvi_convdir_table[v].k->oc_block)
    return TVI_CONV_GEMM1X1; /* a head with few outputs: the tiles would be mostly padding */
  if (tvi_convdir_table[v].isa != TV_ISA_SCALAR && tvi_is_rows(p))
    return TVI_CONV_ROWS; /* few taps per output channel: whole rows, every channel at once */
  if (tvi_convdir_table[v].isa != TV_ISA_SCALAR) {
    if (tvi_is_wino(p) && p->cin >= 16 && p->cout >= 16)
      return TVI_CONV_WINOGRAD4; /* 1.2x faster than F(2x2, 3x3) from 32x32 inputs up */
    return tvi_is_wino(p) && p->cin >= 8 && p->cout >= 8 ? TVI_CONV_WINOGRAD : TVI_CONV_DIRECT;
  }
  return tvi_is_plain_1x1(p) ? TVI_CONV_GEMM1X1 : TVI_CONV_IM2COL;
}

/* The part of the activation the convdir kernels fuse into their store; the rest (sigmoid, SiLU,
 * hard-swish) runs when the outputs are copied out. */
static void tvi_conv_fused_act(tvi_conv_plan *plan) {
  const tvi_conv_params *p = &plan->p;
  plan->fact.slope = 1.0f;
  plan->fact.lo = -INFINITY;
  plan->fact.hi = INFINITY;
  switch (p->act) {
  case TVI_ACT_RELU: plan->fact.slope = 0.0f; break;
  case TVI_ACT_LEAKY_RELU: plan->fact.slope = p->act_a; break;
  case TVI_ACT_CLIP:
    plan->fact.lo = p->act_a;
    plan->fact.hi = p->act_b;
    break;
  case TVI_ACT_NONE: break;
  default: plan->post_act = 1; break;
  }
}

tv_status tvi_conv_prepare_as(tv_ctx *ctx, const tvi_conv_params *p, const float *weight,
                              const float *bias, tvi_conv_algo algo, tvi_conv_plan **out) {
  tv_status st = TV_OK;
  tvi_conv_plan *plan = NULL;
  if (out) *out = NULL;
  if (!p || !weight || !out) TVI_FAIL(ctx, TV_ERR_NULL, "params, weight or out is NULL");
  TVI_TRY(tvi_conv_check(ctx, p, __func__));
  if (algo == TVI_CONV_AUTO) algo = tvi_conv_auto(ctx, p);
  if (algo == TVI_CONV_GEMM1X1 && !tvi_is_plain_1x1(p))
    TVI_FAIL(ctx, TV_ERR_ARG, "gemm1x1 needs a 1x1 kernel, stride 1 and no padding");
  if (algo == TVI_CONV_DEPTHWISE && !tvi_is_depthwise(p))
    TVI_FAIL(ctx, TV_ERR_ARG, "depthwise needs groups == cin == cout > 1");
  if ((algo == TVI_CONV_WINOGRAD || algo == TVI_CONV_WINOGRAD4) && !tvi_is_wino(p))
    TVI_FAIL(ctx, TV_ERR_ARG, "winograd needs a 3x3 kernel, stride 1, dilation 1 and groups 1");
  if (algo == TVI_CONV_ROWS && !tvi_is_rows(p))
    TVI_FAIL(ctx, TV_ERR_ARG, "rows needs cin / groups * kh * kw <= %d", TVI_CONVROW_MAX_K);
  if (algo < TVI_CONV_IM2COL || algo > TVI_CONV_WINOGRAD4)
    TVI_FAIL(ctx, TV_ERR_ARG, "algorithm %d unknown", (int)algo);
  plan = calloc(1, sizeof *plan);
  if (!plan) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory");
  plan->p = *p;
  plan->algo = algo;
  plan->cin_g = p->cin / p->groups;
  plan->cout_g = p->cout / p->groups;
  plan->kk = plan->cin_g * p->kh * p->kw; /* <= 2^16 * 49: fits */
  const size_t nw = (size_t)p->cout * (size_t)plan->kk;
  if (algo == TVI_CONV_WINOGRAD || algo == TVI_CONV_WINOGRAD4) {
    const size_t v = TVI_SELECT(ctx, tvi_convdir_table);
    const tvi_convdir_kernel *dk = tvi_convdir_table[v].k;
    const int32_t R = dk->oc_block, cin = p->cin;
    const int32_t wm = algo == TVI_CONV_WINOGRAD ? 2 : 4, na = wm + 2; /* na x na components */
    plan->dk = dk;
    plan->wm = wm;
    plan->cout_gp = (p->cout + R - 1) / R * R;
    snprintf(plan->name, sizeof plan->name, "winograd%dx%d_%s", (int)wm, (int)wm,
             tvi_convdir_table[v].name + strlen("tvi_convdir_"));
    const size_t npw = (size_t)(na * na) * (size_t)plan->cout_gp * (size_t)cin;
    plan->w = tvi_aligned_alloc(npw * sizeof(float));
    plan->bias = tvi_aligned_alloc((size_t)plan->cout_gp * sizeof(float));
    if (!plan->w || !plan->bias) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %zu weights", npw);
    memset(plan->w, 0, npw * sizeof(float));
    const int32_t nblocks = plan->cout_gp / R;
    /* U = G g G^T, stored [xi][block][ic][R]; G of F(2x2, 3x3) is
     * [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1], G of F(4x4, 3x3) (points 0, 1, -1, 2, -2) below. */
    static const double G2[4][3] = {{1, 0, 0}, {.5, .5, .5}, {.5, -.5, .5}, {0, 0, 1}};
    static const double G4[6][3] = {{1.0 / 4, 0, 0},
                                    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                    {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                    {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                    {0, 0, 1}};
    const double(*G)[3] = wm == 2 ? G2 : G4;
    for (int32_t oc = 0; oc < p->cout; oc++)
      for (int32_t ic = 0; ic < cin; ic++) {
        const float *g = weight + ((size_t)oc * cin + ic) * 9;
        double t[6][3];
        for (int i = 0; i < na; i++)
          for (int j = 0; j < 3; j++)
            t[i][j] = G[i][0] * g[0 * 3 + j] + G[i][1] * g[1 * 3 + j] + G[i][2] * g[2 * 3 + j];
        for (int i = 0; i < na; i++)
          for (int j = 0; j < na; j++) {
            const double u = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
            const size_t xi = (size_t)(i * na + j);
            plan->w[((xi * nblocks + (size_t)(oc / R)) * cin + ic) * R + oc % R] = (float)u;
          }
      }
    for (int32_t oc = 0; oc < plan->cout_gp; oc++)
      plan->bias[oc] = oc < p->cout && bias ? bias[oc] : 0.0f;
    tvi_conv_fused_act(plan);
  } else if (algo == TVI_CONV_ROWS) {
    const size_t v = TVI_SELECT(ctx, tvi_convdir_table);
    plan->dk = tvi_convdir_table[v].k;
    snprintf(plan->name, sizeof plan->name, "rows_%s",
             tvi_convdir_table[v].name + strlen("tvi_convdir_"));
    /* OIHW is already [group][output channel][k] */
    plan->w = tvi_aligned_alloc(nw * sizeof(float));
    plan->bias = tvi_aligned_alloc((size_t)p->cout * sizeof(float));
    if (!plan->w || !plan->bias) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %zu weights", nw);
    memcpy(plan->w, weight, nw * sizeof(float));
    for (int32_t c = 0; c < p->cout; c++) plan->bias[c] = bias ? bias[c] : 0.0f;
    tvi_conv_fused_act(plan);
  } else if (algo != TVI_CONV_DIRECT) {
    plan->w = tvi_aligned_alloc(nw * sizeof(float));
    plan->bias = tvi_aligned_alloc((size_t)p->cout * sizeof(float));
    if (!plan->w || !plan->bias) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %zu weights", nw);
    memcpy(plan->w, weight, nw * sizeof(float));
    for (int32_t c = 0; c < p->cout; c++) plan->bias[c] = bias ? bias[c] : 0.0f;
    snprintf(plan->name, sizeof plan->name, "%s",
             algo == TVI_CONV_IM2COL    ? "im2col_gemm"
             : algo == TVI_CONV_GEMM1X1 ? "gemm1x1"
                                        : "depthwise");
  } else {
    const size_t v = TVI_SELECT(ctx, tvi_convdir_table);
    const tvi_convdir_kernel *dk = tvi_convdir_table[v].k;
    const int32_t R = dk->oc_block;
    plan->dk = dk;
    plan->cout_gp = (plan->cout_g + R - 1) / R * R;
    snprintf(plan->name, sizeof plan->name, "direct_%s",
             tvi_convdir_table[v].name + strlen("tvi_convdir_"));
    const size_t npw = (size_t)p->groups * (size_t)plan->cout_gp * (size_t)plan->kk;
    plan->w = tvi_aligned_alloc(npw * sizeof(float));
    plan->bias = tvi_aligned_alloc((size_t)p->groups * (size_t)plan->cout_gp * sizeof(float));
    if (!plan->w || !plan->bias) TVI_FAIL(ctx, TV_ERR_NOMEM, "out of memory for %zu weights", npw);
    /* Per group, per block of R output channels: [kk][R], k = (ic * kh + ky) * kw + kx. */
    for (int32_t g = 0; g < p->groups; g++)
      for (int32_t oc = 0; oc < plan->cout_gp; oc++) {
        const int32_t blk = oc / R, r = oc % R;
        float *dst = plan->w + ((size_t)g * plan->cout_gp + (size_t)blk * R) * plan->kk;
        const int real = oc < plan->cout_g;
        const float *src = weight + ((size_t)g * plan->cout_g + (size_t)oc) * plan->kk;
        for (int32_t k = 0; k < plan->kk; k++) dst[(size_t)k * R + r] = real ? src[k] : 0.0f;
        plan->bias[(size_t)g * plan->cout_gp + oc] =
            real && bias ? bias[(size_t)g * plan->cout_g + oc] : 0.0f;
      }
    tvi_conv_fused_act(plan);
  }
  *out = plan;
  plan = NULL;
done:
  tvi_conv_free(plan);
  return st;
}

tv_status tvi_conv_prepare(tv_ctx *ctx, const tvi_conv_params *p, const float *weight,
                           const float *bias, tvi_conv_plan **out) {
  return tvi_conv_prepare_as(ctx, p, weight, bias, TVI_CONV_AUTO, out);
}

void tvi_conv_free(tvi_conv_plan *plan) {
  if (!plan) return;
  tvi_aligned_free(plan->w);
  tvi_aligned_free(plan->bias);
  free(plan);
}

const char *tvi_conv_algorithm(const tvi_conv_plan *plan) { return plan ? plan->name : "none"; }

const tvi_conv_params *tvi_conv_plan_params(const tvi_conv_plan *plan) { return &plan->p; }

/* ---- run-time layout ----------------------------------------------------------------------- */

static size_t tvi_round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

/* Where everything lives in the scratch memory of one run. */
typedef struct tvi_conv_layout {
  int32_t oh, ow;
  /* direct */
  int32_t hq, wq;     /* plane size */
  int32_t psh, psw;   /* phases per row and column: the stride (direct) or 2 (Winograd) */
  int32_t phases;     /* psh * psw */
  int32_t th, tw;     /* Winograd: 2x2 output tiles per column and row */
  int64_t plane;      /* hq * wq */
  int64_t img_floats; /* cin * phases * plane */
  int64_t lq;         /* oh * wq virtual outputs */
  int32_t tiles;      /* tiles per chunk */
  int32_t chunk;      /* outputs per chunk */
  int64_t nchunks;    /* per image and group */
  int64_t slack;      /* zeroed floats after the last image's planes */
  int32_t nblocks;    /* output-channel blocks per group */
  int32_t kblock;     /* direct: k entries (whole input channels) per pass over a tile */
  int per_image;      /* direct, Winograd: run image by image (the layout is for one image) */
  int32_t parts;      /* blocks split into this many tasks */
  size_t off_offs, off_planes, off_buf, buf_bytes;
  /* im2col */
  int32_t rows; /* output rows per task (also rows) */
  /* all */
  int64_t ntasks;
  size_t total;
} tvi_conv_layout;

static void tvi_conv_plan_layout(const tvi_conv_plan *plan, int32_t n, int32_t h, int32_t w,
                                 int workers, tvi_conv_layout *L) {
  const tvi_conv_params *p = &plan->p;
  memset(L, 0, sizeof *L);
  if (workers < 1) workers = 1;
  tvi_conv_output_size(p, h, w, &L->oh, &L->ow);
  const int64_t ohw = (int64_t)L->oh * L->ow;
  switch (plan->algo) {
  case TVI_CONV_DIRECT:
  case TVI_CONV_ROWS: {
    const int32_t hp = h + p->pad_t + p->pad_b, wp = w + p->pad_l + p->pad_r;
    L->psh = p->stride_h;
    L->psw = p->stride_w;
    L->hq = (hp + p->stride_h - 1) / p->stride_h;
    L->wq = (wp + p->stride_w - 1) / p->stride_w;
    L->phases = p->stride_h * p->stride_w;
    L->plane = (int64_t)L->hq * L->wq;
    L->img_floats = (int64_t)p->cin * L->phases * L->plane;
    L->lq = (int64_t)L->oh * L->wq;
    if (plan->algo == TVI_CONV_ROWS) {
      /* Tasks of whole output rows, about TVI_ROWS_TASK outputs (all channels) each. */
      int64_t rows = TVI_ROWS_TASK / ((int64_t)L->ow * plan->cout_g);
      if (rows < 1) rows = 1;
      if (rows > L->oh) rows = L->oh;
      L->rows = (int32_t)rows;
      L->nchunks = (L->oh + rows - 1) / rows;
      L->slack = 64;
      L->per_image = n > 1 && (int64_t)p->groups * L->nchunks >= 4 * workers;
      if (L->per_image) n = 1;
      L->parts = 1;
      L->ntasks = (int64_t)n * p->groups * L->nchunks;
      L->off_offs = 0;
      L->off_planes = tvi_round64((size_t)plan->kk * sizeof(int32_t));
      L->off_buf =
          L->off_planes +
          tvi_round64(((size_t)n * (size_t)L->img_floats + (size_t)L->slack) * sizeof(float));
      L->buf_bytes = tvi_round64((size_t)(8 * L->wq) * sizeof(float)); /* tvi_direct_pack */
      L->total = L->off_buf + (size_t)workers * L->buf_bytes;
      if (L->img_floats + L->slack > INT32_MAX / 2 ||
          (double)n * (double)L->img_floats + (double)L->slack > 1e15)
        L->total = SIZE_MAX;
      break;
    }
    const int32_t t = plan->dk->px_tile;
    int64_t tiles = (L->lq + t - 1) / t;
    const int64_t want = (plan->kk >= 64 ? 256 : 512) / t;
    L->tiles = (int32_t)(tiles < want ? tiles : want < 1 ? 1 : want);
    L->chunk = L->tiles * t;
    L->nchunks = (L->lq + L->chunk - 1) / L->chunk;
    L->slack = L->plane + L->chunk + 64;
    L->nblocks = plan->cout_gp / plan->dk->oc_block;
    {
      const int32_t khw = p->kh * p->kw;
      int32_t icb = TVI_DIRECT_KBLOCK / khw;
      if (icb < 1) icb = 1;
      /* passes of about equal size: the last one short would cost a pass's overhead */
      const int32_t passes = (plan->cin_g + icb - 1) / icb;
      icb = (plan->cin_g + passes - 1) / passes;
      L->kblock = icb * khw;
    }
    /* Image by image when one image has enough tasks: the planes stay in cache. */
    L->per_image = n > 1 && (int64_t)p->groups * L->nchunks >= 4 * workers;
    if (L->per_image) n = 1;
    const int64_t base = (int64_t)n * p->groups * L->nchunks;
    int64_t parts = (4 * workers + base - 1) / base;
    if (workers == 1) parts = 1;
    if (parts > L->nblocks) parts = L->nblocks;
    L->parts = (int32_t)parts;
    L->ntasks = base * parts;
    L->off_offs = 0;
    L->off_planes = tvi_round64((size_t)plan->kk * sizeof(int32_t));
    L->off_buf =
        L->off_planes +
        tvi_round64(((size_t)n * (size_t)L->img_floats + (size_t)L->slack) * sizeof(float));
    L->buf_bytes = tvi_round64((size_t)plan->cout_gp * (size_t)L->chunk * sizeof(float));
    if (L->buf_bytes < (size_t)(8 * L->wq) * sizeof(float)) /* tvi_direct_pack's rows */
      L->buf_bytes = tvi_round64((size_t)(8 * L->wq) * sizeof(float));
    L->total = L->off_buf + (size_t)workers * L->buf_bytes;
    /* Offsets are int32 and the planes of all images are addressed from one base. */
    if (L->img_floats + L->slack > INT32_MAX / 2 ||
        (double)n * (double)L->img_floats + (double)L->slack > 1e15)
      L->total = SIZE_MAX;
    break;
  }
  case TVI_CONV_WINOGRAD:
  case TVI_CONV_WINOGRAD4: {
    /* Tiles (ty, tx) of m x m outputs read padded rows m ty .. m ty + m + 1 = rows ty, ty + 1 of
     * the m x m phase planes: planes of (th + 1) x (tw + 1), zero beyond the input, so partial
     * tiles read zeros. */
    const int32_t m = plan->wm, na = m + 2;
    L->th = (L->oh + m - 1) / m;
    L->tw = (L->ow + m - 1) / m;
    L->psh = L->psw = m;
    L->phases = m * m;
    L->hq = L->th + 1;
    L->wq = L->tw + 1;
    L->plane = (int64_t)L->hq * L->wq;
    L->img_floats = (int64_t)p->cin * L->phases * L->plane;
    L->lq = (int64_t)L->th * L->wq;
    const int32_t t = plan->dk->px_tile, q = m == 2 ? 96 : 48; /* tiles per chunk */
    const int64_t tiles = (L->lq + t - 1) / t, want = q / t < 1 ? 1 : q / t;
    L->tiles = (int32_t)(tiles < want ? tiles : want);
    L->chunk = L->tiles * t;
    L->nchunks = (L->lq + L->chunk - 1) / L->chunk;
    L->slack = L->plane + L->chunk + 64;
    L->nblocks = plan->cout_gp / plan->dk->oc_block;
    L->parts = 1;
    L->per_image = n > 1 && L->nchunks >= 4 * workers;
    if (L->per_image) n = 1;
    L->ntasks = (int64_t)n * L->nchunks;
    L->off_offs = 0;
    L->off_planes = tvi_round64((size_t)p->cin * sizeof(int32_t));
    L->off_buf =
        L->off_planes +
        tvi_round64(((size_t)n * (size_t)L->img_floats + (size_t)L->slack) * sizeof(float));
    L->buf_bytes = tvi_round64(
        ((size_t)(na * na) * ((size_t)p->cin + (size_t)plan->cout_gp) + (size_t)(m * m)) *
        (size_t)L->chunk * sizeof(float));
    if (L->buf_bytes < (size_t)(8 * L->wq) * sizeof(float)) /* tvi_direct_pack's rows */
      L->buf_bytes = tvi_round64((size_t)(8 * L->wq) * sizeof(float));
    L->total = L->off_buf + (size_t)workers * L->buf_bytes;
    if (L->img_floats + L->slack > INT32_MAX / 2 ||
        (double)n * (double)L->img_floats + (double)L->slack > 1e15)
      L->total = SIZE_MAX;
    break;
  }
  case TVI_CONV_IM2COL: {
    int64_t cols = TVI_IM2COL_FLOATS / plan->kk;
    if (cols > 2048) cols = 2048;
    int64_t rows = cols / L->ow;
    if (rows < 1) rows = 1;
    if (rows > L->oh) rows = L->oh;
    L->rows = (int32_t)rows;
    L->ntasks = (int64_t)n * p->groups * ((L->oh + rows - 1) / rows);
    L->buf_bytes = tvi_round64((size_t)plan->kk * (size_t)rows * (size_t)L->ow * sizeof(float));
    L->total = (size_t)workers * L->buf_bytes;
    break;
  }
  case TVI_CONV_GEMM1X1:
    L->ntasks = (int64_t)n * p->groups * ((ohw + TVI_GEMM_COLS - 1) / TVI_GEMM_COLS);
    L->total = 0;
    break;
  default: /* depthwise */
    L->ntasks = (int64_t)n * p->cout;
    L->total = 0;
    break;
  }
  if (L->oh == 0 || L->ow == 0 || n < 1) L->ntasks = 0;
}

size_t tvi_conv_scratch_size(const tvi_conv_plan *plan, int32_t n, int32_t h, int32_t w,
                             int workers) {
  tvi_conv_layout L;
  tvi_conv_plan_layout(plan, n, h, w, workers, &L);
  return L.total;
}

/* ---- jobs ---------------------------------------------------------------------------------- */

typedef struct tvi_conv_job {
  const tvi_conv_plan *plan;
  const tvi_conv_layout *L;
  const float *in;
  float *out;
  int32_t n, h, w;
  uint8_t *scratch;
} tvi_conv_job;

/* Direct and Winograd: packs input channel (task % cin) of image (task / cin) into its phase
 * planes: plane (py, px) row r column c holds padded input (r * psh + py, c * psw + px), zero in
 * the padding and beyond. With two column phases, each padded row is built in the worker's buffer
 * and split by the kernel family's deint2. */
static void tvi_direct_pack(void *arg, int64_t task, int worker) {
  const tvi_conv_job *j = arg;
  const tvi_conv_params *p = &j->plan->p;
  const tvi_conv_layout *L = j->L;
  const int64_t img = task / p->cin, ic = task % p->cin;
  const float *src = j->in + (img * p->cin + ic) * (int64_t)j->h * j->w;
  float *planes = (float *)(void *)(j->scratch + L->off_planes) + img * L->img_floats +
                  ic * L->phases * L->plane;
  const int32_t sh = L->psh, sw = L->psw;
  if (sw == 2) {
    /* Source column s is padded column s + pad_l: plane (s + pad_l) & 1, column (s + pad_l) >> 1.
     * The pairs of source columns go straight into the planes through deint2 (no copy of the
     * padded row); then the last column of an odd width, and zeros around. 2 * wq >= pad_l + w,
     * so everything fits. */
    const int32_t wq = L->wq, half = j->w / 2, ce = p->pad_l >> 1, co = (p->pad_l + 1) >> 1;
    const int32_t ee = ce + half + (j->w & 1), oe = co + half; /* where the data ends */
    for (int32_t py = 0; py < sh; py++) {
      float *even = planes + (int64_t)(py * 2) * L->plane, *odd = even + L->plane;
      for (int32_t r = 0; r < L->hq; r++, even += wq, odd += wq) {
        const int32_t iy = r * sh + py - p->pad_t;
        if (iy < 0 || iy >= j->h) {
          memset(even, 0, (size_t)wq * sizeof(float));
          memset(odd, 0, (size_t)wq * sizeof(float));
          continue;
        }
        const float *srow = src + (int64_t)iy * j->w;
        /* pe receives the even source columns, po the odd ones */
        float *pe = p->pad_l & 1 ? odd : even, *po = p->pad_l & 1 ? even : odd;
        for (int32_t c = 0; c < ce; c++) pe[c] = 0.0f;
        for (int32_t c = 0; c < co; c++) po[c] = 0.0f;
        j->plan->dk->deint2(srow, pe + ce, po + co, half);
        if (j->w & 1) pe[ee - 1] = srow[j->w - 1];
        for (int32_t c = ee; c < wq; c++) pe[c] = 0.0f;
        for (int32_t c = oe; c < wq; c++) po[c] = 0.0f;
      }
    }
    (void)worker;
    return;
  }
  if (sw == 4) {
    /* Each padded row built once in the worker's buffer, then split into its four column phases
     * by two rounds of deint2: even / odd, then each of them into phases 0, 2 and 1, 3. */
    const int32_t wq = L->wq, n4 = 4 * wq; /* n4 >= pad_l + w */
    float *row = (float *)(void *)(j->scratch + L->off_buf + (size_t)worker * L->buf_bytes);
    float *ev = row + n4, *od = ev + 2 * wq;
    for (int32_t py = 0; py < sh; py++) {
      float *dst = planes + (int64_t)(py * 4) * L->plane;
      for (int32_t r = 0; r < L->hq; r++, dst += wq) {
        const int32_t iy = r * sh + py - p->pad_t;
        if (iy < 0 || iy >= j->h) {
          for (int32_t px = 0; px < 4; px++)
            memset(dst + px * L->plane, 0, (size_t)wq * sizeof(float));
          continue;
        }
        memset(row, 0, (size_t)p->pad_l * sizeof(float));
        memcpy(row + p->pad_l, src + (int64_t)iy * j->w, (size_t)j->w * sizeof(float));
        memset(row + p->pad_l + j->w, 0, (size_t)(n4 - p->pad_l - j->w) * sizeof(float));
        j->plan->dk->deint2(row, ev, od, 2 * wq);
        j->plan->dk->deint2(ev, dst, dst + 2 * L->plane, wq);
        j->plan->dk->deint2(od, dst + L->plane, dst + 3 * L->plane, wq);
      }
    }
    return;
  }
  for (int32_t py = 0; py < sh; py++)
    for (int32_t px = 0; px < sw; px++) {
      float *dst = planes + (int64_t)(py * sw + px) * L->plane;
      /* Columns c with 0 <= c * sw + px - pad_l < w. */
      int32_t c0 = 0, c1 = L->wq;
      while (c0 < c1 && c0 * sw + px - p->pad_l < 0) c0++;
      while (c1 > c0 && (c1 - 1) * sw + px - p->pad_l >= j->w) c1--;
      for (int32_t r = 0; r < L->hq; r++, dst += L->wq) {
        const int32_t iy = r * sh + py - p->pad_t;
        if (iy < 0 || iy >= j->h || c0 == c1) {
          memset(dst, 0, (size_t)L->wq * sizeof(float));
          continue;
        }
        const float *row = src + (int64_t)iy * j->w + (px - p->pad_l);
        for (int32_t c = 0; c < c0; c++) dst[c] = 0.0f;
        if (sw == 1)
          memcpy(dst + c0, row + c0, (size_t)(c1 - c0) * sizeof(float));
        else
          for (int32_t c = c0; c < c1; c++) dst[c] = row[(int64_t)c * sw];
        for (int32_t c = c1; c < L->wq; c++) dst[c] = 0.0f;
      }
    }
}

/* Direct: one chunk of virtual outputs for one part of the output-channel blocks of one group of
 * one image; then copies the real outputs (x < ow) out, finishing the activation. */
static void tvi_direct_chunk(void *arg, int64_t task, int worker) {
  const tvi_conv_job *j = arg;
  const tvi_conv_plan *plan = j->plan;
  const tvi_conv_params *p = &plan->p;
  const tvi_conv_layout *L = j->L;
  const int32_t part = (int32_t)(task % L->parts);
  int64_t t = task / L->parts;
  const int64_t chunk = t % L->nchunks;
  t /= L->nchunks;
  const int32_t g = (int32_t)(t % p->groups);
  const int64_t img = t / p->groups;
  const int32_t R = plan->dk->oc_block;
  const int32_t b0 = (int32_t)((int64_t)L->nblocks * part / L->parts);
  const int32_t b1 = (int32_t)((int64_t)L->nblocks * (part + 1) / L->parts);
  const int32_t *offs = (const int32_t *)(const void *)(j->scratch + L->off_offs);
  const float *in = (const float *)(const void *)(j->scratch + L->off_planes) +
                    img * L->img_floats + (int64_t)g * plan->cin_g * L->phases * L->plane +
                    chunk * L->chunk;
  float *buf = (float *)(void *)(j->scratch + L->off_buf + (size_t)worker * L->buf_bytes);
  /* Tile by tile; k in blocks of whole input channels small enough for the tile's input to stay
   * in L1 while every output-channel block uses it; partial sums in buf. */
  const int32_t T = plan->dk->px_tile, kb = L->kblock;
  for (int32_t tile = 0; tile < L->tiles; tile++)
    for (int32_t k0 = 0; k0 < plan->kk; k0 += kb) {
      const int32_t nk = plan->kk - k0 < kb ? plan->kk - k0 : kb;
      const int last = k0 + nk == plan->kk;
      for (int32_t b = b0; b < b1; b++) {
        const int64_t oc0 = (int64_t)g * plan->cout_gp + (int64_t)b * R;
        plan->dk->fn(in + (int64_t)tile * T, offs + k0, nk,
                     plan->w + oc0 * plan->kk + (int64_t)k0 * R, k0 == 0 ? plan->bias + oc0 : NULL,
                     buf + (int64_t)b * R * L->chunk + (int64_t)tile * T, L->chunk, 1,
                     last ? &plan->fact : NULL);
      }
    }
  /* Copy out rows of channels [b0 * R, min(b1 * R, cout_g)). */
  const int64_t q0 = chunk * L->chunk;
  int64_t q1 = q0 + L->chunk;
  if (q1 > L->lq) q1 = L->lq;
  const int64_t ohw = (int64_t)L->oh * L->ow;
  int32_t c1 = b1 * R;
  if (c1 > plan->cout_g) c1 = plan->cout_g;
  for (int32_t c = b0 * R; c < c1; c++) {
    const float *src = buf + (int64_t)c * L->chunk;
    float *dst = j->out + (img * p->cout + (int64_t)g * plan->cout_g + c) * ohw;
    for (int64_t q = q0; q < q1;) {
      const int64_t y = q / L->wq, x = q % L->wq;
      int64_t end = y * L->wq + L->wq;
      if (end > q1) end = q1;
      if (x < L->ow) {
        int64_t xe = end - y * L->wq;
        if (xe > L->ow) xe = L->ow;
        float *d = dst + y * L->ow + x;
        const float *s = src + (q - q0);
        const int64_t len = xe - x;
        if (plan->post_act)
          for (int64_t i = 0; i < len; i++) d[i] = tvi_act1(s[i], p->act, p->act_a, p->act_b);
        else
          memcpy(d, s, (size_t)len * sizeof(float));
      }
      q = end;
    }
  }
}

/* Rows: output rows [y0, y0 + rows) of one group of one image, every output channel, written
 * straight into the output by the kernel family's row function. */
static void tvi_rows_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_conv_job *j = arg;
  const tvi_conv_plan *plan = j->plan;
  const tvi_conv_params *p = &plan->p;
  const tvi_conv_layout *L = j->L;
  const int32_t y0 = (int32_t)(task % L->nchunks) * L->rows;
  const int64_t t = task / L->nchunks;
  const int32_t g = (int32_t)(t % p->groups);
  const int64_t img = t / p->groups;
  const int32_t y1 = y0 + L->rows < L->oh ? y0 + L->rows : L->oh;
  const int32_t *offs = (const int32_t *)(const void *)(j->scratch + L->off_offs);
  const float *in = (const float *)(const void *)(j->scratch + L->off_planes) +
                    img * L->img_floats + (int64_t)g * plan->cin_g * L->phases * L->plane;
  const int64_t ohw = (int64_t)L->oh * L->ow;
  float *dst = j->out + (img * p->cout + (int64_t)g * plan->cout_g) * ohw;
  const float *wg = plan->w + (int64_t)g * plan->cout_g * plan->kk;
  for (int32_t y = y0; y < y1; y++) {
    plan->dk->row(in + (int64_t)y * L->wq, offs, plan->kk, wg, plan->bias + g * plan->cout_g,
                  plan->cout_g, dst + (int64_t)y * L->ow, ohw, L->ow, &plan->fact);
    if (plan->post_act)
      for (int32_t oc = 0; oc < plan->cout_g; oc++) {
        float *d = dst + oc * ohw + (int64_t)y * L->ow;
        for (int32_t x = 0; x < L->ow; x++) d[x] = tvi_act1(d[x], p->act, p->act_a, p->act_b);
      }
  }
}

/* Winograd F(2x2, 3x3) or F(4x4, 3x3): one chunk of (virtual) tiles of one image: input transform,
 * 16 products on the convdir tiles, output transform, bias and activation into the NCHW output. */
static void tvi_wino_chunk(void *arg, int64_t task, int worker) {
  static const float zeros[64] = {0};
  const tvi_conv_job *j = arg;
  const tvi_conv_plan *plan = j->plan;
  const tvi_conv_params *p = &plan->p;
  const tvi_conv_layout *L = j->L;
  const tvi_convdir_kernel *dk = plan->dk;
  const int64_t chunk = task % L->nchunks, img = task / L->nchunks;
  const int32_t Q = L->chunk, cin = p->cin, coutp = plan->cout_gp, R = dk->oc_block;
  const int32_t m = plan->wm, nc = (m + 2) * (m + 2); /* outputs per tile side, components */
  const tvi_wino_in_fn win = m == 2 ? dk->wino_in : dk->wino4_in;
  const tvi_wino_out_fn wout = m == 2 ? dk->wino_out : dk->wino4_out;
  const int32_t *offs = (const int32_t *)(const void *)(j->scratch + L->off_offs);
  const float *planes =
      (const float *)(const void *)(j->scratch + L->off_planes) + img * L->img_floats + chunk * Q;
  float *V = (float *)(void *)(j->scratch + L->off_buf + (size_t)worker * L->buf_bytes);
  float *M = V + (int64_t)nc * cin * Q, *Y = M + (int64_t)nc * coutp * Q;
  for (int32_t ic = 0; ic < cin; ic++)
    win(planes + (int64_t)ic * L->phases * L->plane, L->plane, L->wq, V + (int64_t)ic * Q,
        (int64_t)cin * Q, Q);
  for (int32_t xi = 0; xi < nc; xi++)
    for (int32_t b = 0; b < L->nblocks; b++)
      dk->fn(V + (int64_t)xi * cin * Q, offs, cin,
             plan->w + (((int64_t)xi * L->nblocks + b) * cin) * R, zeros,
             M + ((int64_t)xi * coutp + (int64_t)b * R) * Q, Q, L->tiles, NULL);
  const int64_t q0 = chunk * Q;
  const int64_t q1 = q0 + Q < L->lq ? q0 + Q : L->lq;
  const int64_t ohw = (int64_t)L->oh * L->ow;
  for (int32_t oc = 0; oc < p->cout; oc++) {
    /* Y: m rows of m * Q outputs, the tiles' rows side by side, activation done (or its fused
     * part, the rest below). */
    wout(M + (int64_t)oc * Q, (int64_t)coutp * Q, plan->bias[oc], &plan->fact, Y, m * Q, Q);
    float *dst = j->out + (img * p->cout + oc) * ohw;
    for (int64_t q = q0; q < q1;) {
      const int64_t ty = q / L->wq, tx = q % L->wq;
      int64_t end = ty * L->wq + L->tw; /* tiles tx .. tw - 1 of this row are real */
      if (end > q1) end = q1;
      if (tx < L->tw) {
        const int64_t x0 = m * tx;
        int64_t len = m * (end - q);
        if (x0 + len > L->ow) len = L->ow - x0;
        for (int dy = 0; dy < m && m * ty + dy < L->oh; dy++) {
          float *d = dst + (m * ty + dy) * L->ow + x0;
          const float *s = Y + (int64_t)dy * m * Q + m * (q - q0);
          if (plan->post_act)
            for (int64_t i = 0; i < len; i++) d[i] = tvi_act1(s[i], p->act, p->act_a, p->act_b);
          else
            memcpy(d, s, (size_t)len * sizeof(float));
        }
      }
      q = (ty + 1) * L->wq;
    }
  }
}

/* im2col + sgemm: output rows [y0, y0 + rows) of one group of one image. */
static void tvi_im2col_task(void *arg, int64_t task, int worker) {
  const tvi_conv_job *j = arg;
  const tvi_conv_plan *plan = j->plan;
  const tvi_conv_params *p = &plan->p;
  const tvi_conv_layout *L = j->L;
  const int64_t nrb = (L->oh + L->rows - 1) / L->rows;
  const int32_t y0 = (int32_t)(task % nrb) * L->rows;
  const int64_t t = task / nrb;
  const int32_t g = (int32_t)(t % p->groups);
  const int64_t img = t / p->groups;
  const int32_t rows = y0 + L->rows > L->oh ? L->oh - y0 : L->rows;
  const int32_t ow = L->ow, cols = rows * ow;
  float *col = (float *)(void *)(j->scratch + (size_t)worker * L->buf_bytes);
  const float *src = j->in + (img * p->cin + (int64_t)g * plan->cin_g) * (int64_t)j->h * j->w;
  for (int32_t ic = 0; ic < plan->cin_g; ic++)
    for (int32_t ky = 0; ky < p->kh; ky++)
      for (int32_t kx = 0; kx < p->kw; kx++) {
        float *dst = col + (int64_t)((ic * p->kh + ky) * p->kw + kx) * cols;
        const float *plane = src + (int64_t)ic * j->h * j->w;
        for (int32_t y = 0; y < rows; y++, dst += ow) {
          const int32_t iy = (y0 + y) * p->stride_h + ky * p->dil_h - p->pad_t;
          if (iy < 0 || iy >= j->h) {
            memset(dst, 0, (size_t)ow * sizeof(float));
            continue;
          }
          const float *row = plane + (int64_t)iy * j->w;
          for (int32_t x = 0; x < ow; x++) {
            const int32_t ix = x * p->stride_w + kx * p->dil_w - p->pad_l;
            dst[x] = ix >= 0 && ix < j->w ? row[ix] : 0.0f;
          }
        }
      }
  const int64_t ohw = (int64_t)L->oh * ow;
  float *c = j->out + (img * p->cout + (int64_t)g * plan->cout_g) * ohw + (int64_t)y0 * ow;
  tvi_sgemm(plan->cout_g, cols, plan->kk, plan->w + (int64_t)g * plan->cout_g * plan->kk, plan->kk,
            col, cols, c, (int32_t)ohw, 0);
  for (int32_t oc = 0; oc < plan->cout_g; oc++)
    tvi_bias_act(c + oc * ohw, cols, plan->bias[g * plan->cout_g + oc], p);
}

/* 1x1, stride 1, no padding: sgemm straight on the NCHW planes, TVI_GEMM_COLS columns a task. */
static void tvi_gemm1x1_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_conv_job *j = arg;
  const tvi_conv_plan *plan = j->plan;
  const tvi_conv_params *p = &plan->p;
  const int64_t hw = (int64_t)j->h * j->w;
  const int64_t ncb = (hw + TVI_GEMM_COLS - 1) / TVI_GEMM_COLS;
  const int64_t c0 = (task % ncb) * TVI_GEMM_COLS;
  const int64_t t = task / ncb;
  const int32_t g = (int32_t)(t % p->groups);
  const int64_t img = t / p->groups;
  const int32_t cols = (int32_t)(c0 + TVI_GEMM_COLS > hw ? hw - c0 : TVI_GEMM_COLS);
  const float *b = j->in + (img * p->cin + (int64_t)g * plan->cin_g) * hw + c0;
  float *c = j->out + (img * p->cout + (int64_t)g * plan->cout_g) * hw + c0;
  tvi_sgemm(plan->cout_g, cols, plan->cin_g, plan->w + (int64_t)g * plan->cout_g * plan->cin_g,
            plan->cin_g, b, (int32_t)hw, c, (int32_t)hw, 0);
  for (int32_t oc = 0; oc < plan->cout_g; oc++)
    tvi_bias_act(c + oc * hw, cols, plan->bias[g * plan->cout_g + oc], p);
}

/* Depthwise: one channel of one image. Interior outputs skip the bounds checks. */
static void tvi_depthwise_task(void *arg, int64_t task, int worker) {
  (void)worker;
  const tvi_conv_job *j = arg;
  const tvi_conv_plan *plan = j->plan;
  const tvi_conv_params *p = &plan->p;
  const tvi_conv_layout *L = j->L;
  const int32_t c = (int32_t)(task % p->cout);
  const int64_t img = task / p->cout;
  const float *src = j->in + (img * p->cin + c) * (int64_t)j->h * j->w;
  float *dst = j->out + (img * p->cout + c) * (int64_t)L->oh * L->ow;
  const float *wc = plan->w + (int64_t)c * p->kh * p->kw;
  const float bias = plan->bias[c];
  for (int32_t y = 0; y < L->oh; y++) {
    const int32_t iy0 = y * p->stride_h - p->pad_t;
    const int y_in = iy0 >= 0 && iy0 + (p->kh - 1) * p->dil_h < j->h;
    for (int32_t x = 0; x < L->ow; x++) {
      const int32_t ix0 = x * p->stride_w - p->pad_l;
      float acc = 0.0f;
      if (y_in && ix0 >= 0 && ix0 + (p->kw - 1) * p->dil_w < j->w) {
        for (int32_t ky = 0; ky < p->kh; ky++) {
          const float *row = src + (int64_t)(iy0 + ky * p->dil_h) * j->w + ix0;
          for (int32_t kx = 0; kx < p->kw; kx++) acc += wc[ky * p->kw + kx] * row[kx * p->dil_w];
        }
      } else {
        for (int32_t ky = 0; ky < p->kh; ky++) {
          const int32_t iy = iy0 + ky * p->dil_h;
          if (iy < 0 || iy >= j->h) continue;
          for (int32_t kx = 0; kx < p->kw; kx++) {
            const int32_t ix = ix0 + kx * p->dil_w;
            if (ix >= 0 && ix < j->w) acc += wc[ky * p->kw + kx] * src[(int64_t)iy * j->w + ix];
          }
        }
      }
      dst[(int64_t)y * L->ow + x] = tvi_act1(acc + bias, p->act, p->act_a, p->act_b);
    }
  }
}

/* Direct and Winograd: packs the planes and runs the chunks, for all images at once or (per_image)
 * one image after the other. */
static void tvi_conv_run_images(tv_ctx *ctx, tvi_conv_job *job, tvi_task_fn chunk_fn) {
  const tvi_conv_layout *L = job->L;
  const tvi_conv_params *p = &job->plan->p;
  const int32_t n = job->n, nl = L->per_image ? 1 : n;
  float *slack = (float *)(void *)(job->scratch + L->off_planes) + (int64_t)nl * L->img_floats;
  memset(slack, 0, (size_t)L->slack * sizeof(float));
  const int64_t in_img = (int64_t)p->cin * job->h * job->w;
  const int64_t out_img = (int64_t)p->cout * L->oh * L->ow;
  const float *in = job->in;
  float *out = job->out;
  for (int32_t img = 0; img < n; img += nl) {
    job->in = in + img * in_img;
    job->out = out + img * out_img;
    job->n = nl;
    tvi_parallel_for(ctx, (int64_t)nl * p->cin, tvi_direct_pack, job);
    tvi_parallel_for(ctx, L->ntasks, chunk_fn, job);
  }
  job->in = in;
  job->out = out;
  job->n = n;
}

void tvi_conv_run(tv_ctx *ctx, const tvi_conv_plan *plan, const float *in, float *out, int32_t n,
                  int32_t h, int32_t w, void *scratch) {
  tvi_conv_layout L;
  tvi_conv_plan_layout(plan, n, h, w, tvi_parallel_workers(ctx), &L);
  if (L.ntasks == 0 || L.total == SIZE_MAX) return;
  tvi_conv_job job = {plan, &L, in, out, n, h, w, scratch};
  const tvi_conv_params *p = &plan->p;
  switch (plan->algo) {
  case TVI_CONV_DIRECT:
  case TVI_CONV_ROWS: {
    int32_t *offs = (int32_t *)(void *)((uint8_t *)scratch + L.off_offs);
    int32_t k = 0;
    for (int32_t ic = 0; ic < plan->cin_g; ic++)
      for (int32_t ky = 0; ky < p->kh; ky++)
        for (int32_t kx = 0; kx < p->kw; kx++) {
          const int32_t dy = ky * p->dil_h, dx = kx * p->dil_w;
          const int32_t phase = (dy % p->stride_h) * p->stride_w + dx % p->stride_w;
          offs[k++] = (int32_t)(((int64_t)ic * L.phases + phase) * L.plane +
                                (int64_t)(dy / p->stride_h) * L.wq + dx / p->stride_w);
        }
    tvi_conv_run_images(ctx, &job, plan->algo == TVI_CONV_ROWS ? tvi_rows_task : tvi_direct_chunk);
    break;
  }
  case TVI_CONV_WINOGRAD:
  case TVI_CONV_WINOGRAD4: {
    int32_t *offs = (int32_t *)(void *)((uint8_t *)scratch + L.off_offs);
    for (int32_t ic = 0; ic < p->cin; ic++) offs[ic] = ic * L.chunk;
    tvi_conv_run_images(ctx, &job, tvi_wino_chunk);
    break;
  }
  case TVI_CONV_IM2COL: tvi_parallel_for(ctx, L.ntasks, tvi_im2col_task, &job); break;
  case TVI_CONV_GEMM1X1: tvi_parallel_for(ctx, L.ntasks, tvi_gemm1x1_task, &job); break;
  default: tvi_parallel_for(ctx, L.ntasks, tvi_depthwise_task, &job); break;
  }
}
