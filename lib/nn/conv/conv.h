/* The convolution engine: prepared (packed) weights and fast kernels for conv2d layers, with bias
 * and activation fused into the store. Activations are NCHW float32 in and out.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_CONV_H
#define TVI_CONV_H

#include "core/internal.h"

/* Activations that can be fused into a convolution's output. Values are part of the model file
 * format (models/FORMAT.md): pinned. */
typedef enum tvi_act {
  TVI_ACT_NONE = 0,
  TVI_ACT_RELU = 1,
  TVI_ACT_LEAKY_RELU = 2, /* x < 0 ? a * x : x */
  TVI_ACT_SIGMOID = 3,
  TVI_ACT_SILU = 4,      /* x * sigmoid(x) */
  TVI_ACT_HARDSWISH = 5, /* x * clip(x + 3, 0, 6) / 6 */
  TVI_ACT_CLIP = 6       /* clip(x, a, b); ReLU6 is CLIP(0, 6) */
} tvi_act;

/* A conv2d layer's geometry. Output size: oh = (h + pad_t + pad_b - dil_h * (kh - 1) - 1) /
 * stride_h + 1, likewise ow. Weights are OIHW: cout x (cin / groups) x kh x kw. */
typedef struct tvi_conv_params {
  int32_t cin, cout, kh, kw;
  int32_t stride_h, stride_w;
  int32_t pad_t, pad_l, pad_b, pad_r;
  int32_t dil_h, dil_w;
  int32_t groups; /* 1 normal, cin == cout == groups depthwise */
  int32_t act;    /* tvi_act */
  float act_a, act_b;
} tvi_conv_params;

/* Weights packed once for the algorithm chosen for this layer (at model load); immutable and
 * shareable by threads. */
typedef struct tvi_conv_plan tvi_conv_plan;

/* Convolution algorithms. AUTO picks per layer by a heuristic that depends only on the layer and
 * the context's SIMD level (never on timing, so results are reproducible): depthwise for
 * depthwise layers; with SIMD, gemm1x1 for 1x1 stride-1 unpadded layers with fewer output
 * channels (per group) than the direct kernel's block, rows for layers with at most 9 taps per
 * output channel (cin / groups * kh * kw, such as a 3x3 first layer on a grey image), Winograd
 * F(4x4, 3x3) for 3x3 stride-1 layers with >= 16 input and output channels (1.2x faster than
 * F(2x2, 3x3) on 32x32 inputs and up, slower on very small ones), Winograd F(2x2, 3x3) for
 * 3x3 stride-1 layers with >= 8 input and output channels, else the direct kernel; without SIMD,
 * gemm1x1 or im2col_gemm. */
typedef enum tvi_conv_algo {
  TVI_CONV_AUTO = 0,
  TVI_CONV_IM2COL = 1,    /* im2col + OpenBLAS sgemm, any layer */
  TVI_CONV_GEMM1X1 = 2,   /* sgemm on the NCHW planes: 1x1 kernel, stride 1, no padding */
  TVI_CONV_DEPTHWISE = 3, /* groups == cin == cout > 1 */
  TVI_CONV_DIRECT = 4,   /* direct tiles (kernels/convdir) at the context's SIMD level, any layer */
  TVI_CONV_WINOGRAD = 5, /* Winograd F(2x2, 3x3) on the convdir tiles: 3x3, stride 1, dilation 1,
                           groups 1 */
  TVI_CONV_ROWS = 6,     /* whole output rows for every output channel at once, straight into the
                            output (the convdir family's row kernel): cin / groups * kh * kw <= 9 */
  TVI_CONV_WINOGRAD4 = 7 /* Winograd F(4x4, 3x3) on the convdir tiles: as WINOGRAD, 2.25 times
                            fewer multiplications, larger rounding errors (still within the bound
                            below) */
} tvi_conv_algo;

/* Validates params (TV_ERR_ARG with a message naming the field: channels 1..65536, kernel 1..7,
 * stride and dilation 1..64, padding 0..4096, groups dividing cin and cout, a known act with finite
 * act_a/act_b, clip bounds in order) and packs weight (OIHW) and bias (cout floats, or NULL for
 * none) into a new plan; weight and bias are copied. Statuses: TV_OK, TV_ERR_NULL (params, weight
 * or out NULL), TV_ERR_ARG, TV_ERR_NOMEM. Accuracy: every algorithm is within
 * 2e-4 * (|exact| + 0.05 * sum |products|) + 1e-6 of the exact result, where for WINOGRAD4 (whose
 * transforms mix the outputs of a 4x4 tile) sum |products| is the largest among the outputs of
 * the same channel within 3 rows and columns (tests/test_nn_conv.c). */
tv_status tvi_conv_prepare(tv_ctx *ctx, const tvi_conv_params *p, const float *weight,
                           const float *bias, tvi_conv_plan **out);
/* As tvi_conv_prepare, with the algorithm forced (for tests and benchmarks); TV_ERR_ARG when the
 * algorithm cannot run this layer. */
tv_status tvi_conv_prepare_as(tv_ctx *ctx, const tvi_conv_params *p, const float *weight,
                              const float *bias, tvi_conv_algo algo, tvi_conv_plan **out);
/* Accepts NULL. */
void tvi_conv_free(tvi_conv_plan *plan);

/* The parameters a plan was made from (borrowed from the plan). */
const tvi_conv_params *tvi_conv_plan_params(const tvi_conv_plan *plan);

/* Output height and width for an input of h x w (0 if the input is too small). */
void tvi_conv_output_size(const tvi_conv_params *p, int32_t h, int32_t w, int32_t *oh, int32_t *ow);

/* Bytes of scratch memory tvi_conv_run needs for n inputs of h x w when run on a context with
 * `workers` workers (tvi_parallel_workers(ctx)); the context's thread count must not grow between
 * this call and the run. SIZE_MAX when the layout would not fit in memory (allocation fails). */
size_t tvi_conv_scratch_size(const tvi_conv_plan *plan, int32_t n, int32_t h, int32_t w,
                             int workers);

/* out[n][cout][oh][ow] = act(conv(in[n][cin][h][w]) + bias). scratch: at least
 * tvi_conv_scratch_size bytes, 64-byte aligned. Uses ctx's threads. Deterministic: each output
 * element is summed in a fixed order that does not depend on the thread count. in and out must
 * not overlap. */
void tvi_conv_run(tv_ctx *ctx, const tvi_conv_plan *plan, const float *in, float *out, int32_t n,
                  int32_t h, int32_t w, void *scratch);

/* The algorithm chosen for a plan, for benchmarks and tests ("direct3x3_avx512", "gemm1x1", ...).
 */
const char *tvi_conv_algorithm(const tvi_conv_plan *plan);

#endif
