/* Tests of the operators through whole models: conv2d through the convolution engine against the
 * plain C reference (tvi_ref_conv2d) on random geometries, and every other operator on cases
 * worked out by hand.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_nn_build.h"
#include "testutil.h"

/* Builds m, runs it on in (n x C x h x w) with `threads` threads; returns the output count. */
static size_t run_model(const tvb_model *m, const float *in, int32_t n, int32_t h, int32_t w,
                        float *out, size_t cap, int threads) {
  tv_ctx *ctx = tvt_ctx();
  tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
  size_t size;
  uint8_t *b = tvb_bytes(m, &size);
  tv_model *model = NULL;
  tv_session *s = NULL;
  tvt_assert_ok(ctx, tv_model_load_memory(ctx, b, size, &model));
  free(b);
  tvt_assert_ok(ctx, tv_session_create(ctx, model, &s));
  int64_t shape[4];
  tvt_assert_ok(ctx, tv_session_output_shape(ctx, s, n, h, w, shape));
  const size_t count = (size_t)(shape[0] * shape[1] * shape[2] * shape[3]);
  ck_assert_uint_le(count, cap);
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, n, h, w, out, cap));
  tv_session_destroy(s);
  tv_model_free(model);
  tv_ctx_destroy(ctx);
  return count;
}

static float frand(uint64_t *seed) { return (float)(tvt_rand(seed) % 20001) / 10000.0f - 1.0f; }

/* Conv2d through tvi_conv_prepare/run equals the reference within
 * |got - want| <= 1e-4 (1 + |want|): the engine may sum in another order (blocks, FMA). */
START_TEST(conv_matches_reference) {
  uint64_t seed = 1234 + (uint64_t)_i;
  static const int32_t chans[] = {1, 2, 3, 4, 8, 16, 17, 32};
  int cases = 0;
  while (cases < 60) {
    tvi_conv_params p;
    memset(&p, 0, sizeof p);
    p.cin = chans[tvt_rand(&seed) % 8];
    p.cout = chans[tvt_rand(&seed) % 8];
    const int mode = (int)(tvt_rand(&seed) % 4);
    p.groups = 1;
    if (mode == 1) p.cout = p.groups = p.cin; /* depthwise */
    if (mode == 2 && p.cin % 2 == 0 && p.cout % 2 == 0) p.groups = 2;
    p.kh = 1 + (int32_t)(tvt_rand(&seed) % 7);
    p.kw = tvt_rand(&seed) % 3 == 0 ? 1 + (int32_t)(tvt_rand(&seed) % 7) : p.kh;
    p.stride_h = 1 + (int32_t)(tvt_rand(&seed) % 3);
    p.stride_w = tvt_rand(&seed) % 4 == 0 ? 1 + (int32_t)(tvt_rand(&seed) % 3) : p.stride_h;
    p.dil_h = p.dil_w = 1 + (int32_t)(tvt_rand(&seed) % 4 == 0);
    p.pad_t = (int32_t)(tvt_rand(&seed) % (uint64_t)(p.dil_h * (p.kh - 1) + 1));
    p.pad_b = tvt_rand(&seed) % 2
                  ? p.pad_t
                  : (int32_t)(tvt_rand(&seed) % (uint64_t)(p.dil_h * (p.kh - 1) + 1));
    p.pad_l = (int32_t)(tvt_rand(&seed) % (uint64_t)(p.dil_w * (p.kw - 1) + 1));
    p.pad_r = p.pad_l;
    p.act = (int32_t)(tvt_rand(&seed) % 7);
    p.act_a = p.act == TVI_ACT_CLIP ? -0.5f : (p.act == TVI_ACT_LEAKY_RELU ? 0.1f : 0.0f);
    p.act_b = p.act == TVI_ACT_CLIP ? 0.7f : 0.0f;
    const int32_t n = 1 + (int32_t)(tvt_rand(&seed) % 2);
    const int32_t h = 1 + (int32_t)(tvt_rand(&seed) % 40), w = 1 + (int32_t)(tvt_rand(&seed) % 40);
    int32_t oh, ow;
    tvi_conv_output_size(&p, h, w, &oh, &ow);
    if (oh < 1 || ow < 1) continue;
    const size_t nw = (size_t)p.cout * (size_t)(p.cin / p.groups) * (size_t)(p.kh * p.kw);
    const size_t nin = (size_t)n * p.cin * h * w, nout = (size_t)n * p.cout * oh * ow;
    float *wt = malloc(nw * sizeof(float)), *bias = malloc((size_t)p.cout * sizeof(float));
    float *in = malloc(nin * sizeof(float)), *want = malloc(nout * sizeof(float));
    float *got = malloc(nout * sizeof(float));
    for (size_t i = 0; i < nw; i++) wt[i] = frand(&seed);
    for (int32_t i = 0; i < p.cout; i++) bias[i] = frand(&seed);
    for (size_t i = 0; i < nin; i++) in[i] = frand(&seed);
    const int has_bias = (int)(tvt_rand(&seed) % 4 != 0);
    tvi_ref_conv2d(&p, wt, has_bias ? bias : NULL, in, want, n, h, w);
    tvb_model m;
    tvb_init(&m, (uint32_t)p.cin, 0, 0);
    m.kind = TV_MODEL_HEATMAP, m.stride = 1, m.nclasses = p.cout;
    for (int k = 0; k < p.cout; k++) m.classes[k] = "c";
    const uint32_t in0 = 0, wi = tvb_tensor(&m, wt, nw);
    const uint32_t bi = has_bias ? tvb_tensor(&m, bias, (uint64_t)p.cout) : TVI_NO_TENSOR;
    const int32_t ip[14] = {p.cin,   p.cout,  p.kh,    p.kw,    p.stride_h, p.stride_w, p.pad_t,
                            p.pad_l, p.pad_b, p.pad_r, p.dil_h, p.dil_w,    p.groups,   p.act};
    tvb_op_add(&m, TVI_OP_CONV, 1, &in0, ip, 14, p.act_a, p.act_b, wi, bi);
    const int threads = 1 + cases % 2;
    size_t size;
    uint8_t *b = tvb_bytes(&m, &size);
    tv_ctx *ctx = tvt_ctx();
    tvt_assert_ok(ctx, tv_ctx_set(ctx, TV_CTX_THREADS, threads));
    tv_model *model = NULL;
    tv_session *s = NULL;
    tvt_assert_ok(ctx, tv_model_load_memory(ctx, b, size, &model));
    tvt_assert_ok(ctx, tv_session_create(ctx, model, &s));
    tvt_assert_ok(ctx, tv_session_run(ctx, s, in, n, h, w, got, nout));
    for (size_t i = 0; i < nout; i++)
      ck_assert_msg(fabsf(got[i] - want[i]) <= 1e-4f * (1.0f + fabsf(want[i])),
                    "conv cin %d cout %d k %dx%d s %dx%d pad %d,%d,%d,%d dil %d g %d act %d "
                    "in %dx%dx%d: [%zu] got %g want %g (%s)",
                    p.cin, p.cout, p.kh, p.kw, p.stride_h, p.stride_w, p.pad_t, p.pad_l, p.pad_b,
                    p.pad_r, p.dil_h, p.groups, p.act, n, h, w, i, (double)got[i], (double)want[i],
                    tvi_conv_algorithm(model->ops[0].plan));
    tv_session_destroy(s);
    tv_model_free(model);
    tv_ctx_destroy(ctx);
    free(b);
    free(wt);
    free(bias);
    free(in);
    free(want);
    free(got);
    cases++;
  }
}
END_TEST

/* A one-op model on a C-channel input of any size whose output has `classes` channels. */
static void one_op(tvb_model *m, uint32_t c, int classes) {
  tvb_init(m, c, 0, 0);
  m->kind = TV_MODEL_HEATMAP, m->stride = 1, m->nclasses = classes;
  for (int k = 0; k < classes; k++) m->classes[k] = "x";
}

static void assert_floats(const float *got, const float *want, size_t n, float tol,
                          const char *what) {
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(fabsf(got[i] - want[i]) <= tol, "%s[%zu]: got %.7g want %.7g", what, i,
                  (double)got[i], (double)want[i]);
}

START_TEST(pooling) {
  const float in[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  float out[64];
  tvb_model m;
  const uint32_t in0 = 0;
  /* max 2x2 stride 2 */
  one_op(&m, 1, 1);
  const int32_t mp[11] = {2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0};
  tvb_op_add(&m, TVI_OP_MAXPOOL, 1, &in0, mp, 11, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 4, 4, out, 64, 1), 4);
  const float want_max[4] = {6, 8, 14, 16};
  assert_floats(out, want_max, 4, 0, "maxpool");
  /* max 3x3 stride 2 ceil mode: 2x2 windows, the last ones clipped */
  one_op(&m, 1, 1);
  const int32_t mpc[11] = {3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1};
  tvb_op_add(&m, TVI_OP_MAXPOOL, 1, &in0, mpc, 11, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 4, 4, out, 64, 1), 4);
  const float want_ceil[4] = {11, 12, 15, 16};
  assert_floats(out, want_ceil, 4, 0, "maxpool ceil");
  /* average 3x3 stride 1 pad 1, without and with the padding counted: corner (0,0) */
  for (int include = 0; include < 2; include++) {
    one_op(&m, 1, 1);
    const int32_t ap[12] = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, include};
    tvb_op_add(&m, TVI_OP_AVGPOOL, 1, &in0, ap, 12, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
    ck_assert_uint_eq(run_model(&m, in, 1, 4, 4, out, 64, 1), 16);
    const float corner = (1 + 2 + 5 + 6) / (include ? 9.0f : 4.0f);
    const float centre = (1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11) / 9.0f;
    ck_assert_float_eq_tol(out[0], corner, 1e-6f);
    ck_assert_float_eq_tol(out[5], centre, 1e-6f);
  }
  /* global average over two channels */
  one_op(&m, 2, 2);
  tvb_op_add(&m, TVI_OP_GLOBAL_AVGPOOL, 1, &in0, NULL, 0, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 2, 4, out, 64, 2), 2);
  ck_assert_float_eq_tol(out[0], 4.5f, 1e-6f);
  ck_assert_float_eq_tol(out[1], 12.5f, 1e-6f);
}
END_TEST

START_TEST(activations) {
  float in[12], out[12];
  for (int i = 0; i < 12; i++) in[i] = -4.0f + 0.75f * (float)i;
  const struct {
    int act;
    float a, b;
  } acts[] = {{TVI_ACT_RELU, 0, 0}, {TVI_ACT_LEAKY_RELU, 0.2f, 0}, {TVI_ACT_SIGMOID, 0, 0},
              {TVI_ACT_SILU, 0, 0}, {TVI_ACT_HARDSWISH, 0, 0},     {TVI_ACT_CLIP, -1.0f, 2.5f}};
  for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
    tvb_model m;
    one_op(&m, 1, 1);
    const uint32_t in0 = 0;
    const int32_t ip[1] = {acts[k].act};
    tvb_op_add(&m, TVI_OP_ACT, 1, &in0, ip, 1, acts[k].a, acts[k].b, TVI_NO_TENSOR, TVI_NO_TENSOR);
    run_model(&m, in, 1, 3, 4, out, 12, 1);
    for (int i = 0; i < 12; i++) {
      const double x = in[i];
      double want = x;
      switch (acts[k].act) {
      case TVI_ACT_RELU: want = x > 0 ? x : 0; break;
      case TVI_ACT_LEAKY_RELU: want = x < 0 ? 0.2 * x : x; break;
      case TVI_ACT_SIGMOID: want = 1 / (1 + exp(-x)); break;
      case TVI_ACT_SILU: want = x / (1 + exp(-x)); break;
      case TVI_ACT_HARDSWISH: want = x * fmin(fmax(x + 3, 0), 6) / 6; break;
      case TVI_ACT_CLIP: want = fmin(fmax(x, -1.0), 2.5); break;
      }
      ck_assert_msg(fabs(out[i] - want) <= 1e-6, "act %d x %g: got %g want %g", acts[k].act, x,
                    (double)out[i], want);
    }
  }
}
END_TEST

START_TEST(dense_softmax_flatten) {
  /* 2 x 3 x 1 x 2 input -> flatten (6) -> dense to 3 with bias -> softmax. */
  const float in[12] = {1, 2, 3, 4, 5, 6, -1, 0, 1, 0, 2, 1};
  float wt[18], bias[3] = {0.5f, -0.25f, 0.0f}, out[6];
  for (int i = 0; i < 18; i++) wt[i] = (float)((i * 7) % 5) * 0.1f - 0.2f;
  tvb_model m;
  tvb_init(&m, 3, 0, 0);
  m.nclasses = 3, m.classes[0] = "a", m.classes[1] = "b", m.classes[2] = "c";
  const uint32_t in0 = 0, wi = tvb_tensor(&m, wt, 18), bi = tvb_tensor(&m, bias, 3);
  uint32_t v = tvb_op_add(&m, TVI_OP_FLATTEN, 1, &in0, NULL, 0, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  const int32_t dp[3] = {6, 3, 0};
  v = tvb_op_add(&m, TVI_OP_DENSE, 1, &v, dp, 3, 0, 0, wi, bi);
  const int32_t sp[2] = {1, 2};
  tvb_op_add(&m, TVI_OP_SOFTMAX, 1, &v, sp, 2, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 2, 1, 2, out, 6, 1), 6);
  for (int b = 0; b < 2; b++) {
    double z[3], mx = -1e30, sum = 0;
    for (int o = 0; o < 3; o++) {
      z[o] = bias[o];
      for (int i = 0; i < 6; i++) z[o] += (double)wt[o * 6 + i] * in[b * 6 + i];
      mx = fmax(mx, z[o]);
    }
    for (int o = 0; o < 3; o++) sum += exp(z[o] - mx);
    for (int o = 0; o < 3; o++)
      ck_assert_float_eq_tol(out[b * 3 + o], (float)(exp(z[o] - mx) / sum), 1e-6f);
  }
}
END_TEST

START_TEST(add_mul_concat_constant) {
  /* x (1 x 2 x 2 x 2); c = constant 1 x 2 x 1 x 1 {10, 20};
   * out = concat_axis2(x + c, x * c) -> 1 x 2 x 4 x 2, then concat axis 3 with itself. */
  const float in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, cst[2] = {10, 20};
  float out[32];
  tvb_model m;
  one_op(&m, 2, 2);
  const uint32_t in0 = 0;
  const int32_t dims[4] = {1, 2, 1, 1};
  const uint32_t c = tvb_op_add(&m, TVI_OP_CONSTANT, 0, NULL, dims, 4, 0, 0, tvb_tensor(&m, cst, 2),
                                TVI_NO_TENSOR);
  const uint32_t xa[2] = {in0, c}, xm[2] = {c, in0};
  const uint32_t a = tvb_op_add(&m, TVI_OP_ADD, 2, xa, NULL, 0, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  const uint32_t mu =
      tvb_op_add(&m, TVI_OP_MUL, 2, xm, NULL, 0, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  const uint32_t cat[2] = {a, mu};
  const int32_t ax2[1] = {2}, ax3[1] = {3};
  const uint32_t v =
      tvb_op_add(&m, TVI_OP_CONCAT, 2, cat, ax2, 1, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  const uint32_t twice[2] = {v, v};
  tvb_op_add(&m, TVI_OP_CONCAT, 2, twice, ax3, 1, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 2, 2, out, 32, 2), 32);
  const float want[32] = {11, 12, 11, 12, 13, 14, 13, 14, 10,  20,  10,  20,  30,  40,  30,  40,
                          25, 26, 25, 26, 27, 28, 27, 28, 100, 120, 100, 120, 140, 160, 140, 160};
  assert_floats(out, want, 32, 0, "add/mul/concat");
  /* The model takes any size. */
  tv_ctx *ctx = tvt_ctx();
  size_t size;
  uint8_t *b = tvb_bytes(&m, &size);
  tv_model *model = NULL;
  tv_session *s = NULL;
  tvt_assert_ok(ctx, tv_model_load_memory(ctx, b, size, &model));
  tvt_assert_ok(ctx, tv_session_create(ctx, model, &s));
  tvt_assert_ok(ctx, tv_session_run(ctx, s, in, 1, 1, 4, out, 32)); /* any size that fits */
  tv_session_destroy(s);
  tv_model_free(model);
  free(b);
  /* Channels of a constant that do not match. */
  tvb_model m2;
  one_op(&m2, 3, 3);
  const int32_t d2[4] = {1, 2, 1, 1};
  const uint32_t c2 = tvb_op_add(&m2, TVI_OP_CONSTANT, 0, NULL, d2, 4, 0, 0,
                                 tvb_tensor(&m2, cst, 2), TVI_NO_TENSOR);
  const uint32_t xa2[2] = {0, c2};
  tvb_op_add(&m2, TVI_OP_ADD, 2, xa2, NULL, 0, 0, 0, TVI_NO_TENSOR, TVI_NO_TENSOR);
  b = tvb_bytes(&m2, &size);
  tvt_assert_ok(ctx, tv_model_load_memory(ctx, b, size, &model));
  tvt_assert_ok(ctx, tv_session_create(ctx, model, &s));
  int64_t shape[4];
  tvt_assert_status(ctx, tv_session_output_shape(ctx, s, 1, 2, 2, shape), TV_ERR_ARG);
  tvt_assert_error_has(ctx, "tv_session_output_shape: op 1 (add): shapes 1x3x2x2 and 1x2x1x1 do "
                            "not broadcast");
  tv_session_destroy(s);
  tv_model_free(model);
  free(b);
  tv_ctx_destroy(ctx);
}
END_TEST

START_TEST(resize) {
  const float in[4] = {1, 2, 3, 4};
  float out[36];
  tvb_model m;
  const uint32_t in0 = 0;
  /* nearest x2, asymmetric + floor (PyTorch's nearest) */
  one_op(&m, 1, 1);
  const int32_t rn[5] = {TVI_RESIZE_NEAREST, TVI_COORD_ASYMMETRIC, TVI_NEAREST_FLOOR, 0, 0};
  tvb_op_add(&m, TVI_OP_RESIZE, 1, &in0, rn, 5, 2.0f, 2.0f, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 2, 2, out, 36, 1), 16);
  const float want_n[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  assert_floats(out, want_n, 16, 0, "nearest");
  /* bilinear to 3x3 by size, align corners: the centre is the mean */
  one_op(&m, 1, 1);
  const int32_t rb[5] = {TVI_RESIZE_BILINEAR, TVI_COORD_ALIGN_CORNERS, 0, 3, 3};
  tvb_op_add(&m, TVI_OP_RESIZE, 1, &in0, rb, 5, 1.5f, 1.5f, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 2, 2, out, 36, 1), 9);
  const float want_b[9] = {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4};
  assert_floats(out, want_b, 9, 1e-6f, "bilinear align corners");
  /* bilinear x2 half-pixel (PyTorch align_corners=False): row 0 = 1, 1.25, 1.75, 2 */
  one_op(&m, 1, 1);
  const int32_t rh[5] = {TVI_RESIZE_BILINEAR, TVI_COORD_PYTORCH_HALF_PIXEL, 0, 0, 0};
  tvb_op_add(&m, TVI_OP_RESIZE, 1, &in0, rh, 5, 2.0f, 2.0f, TVI_NO_TENSOR, TVI_NO_TENSOR);
  ck_assert_uint_eq(run_model(&m, in, 1, 2, 2, out, 36, 1), 16);
  const float want_h[4] = {1, 1.25f, 1.75f, 2};
  assert_floats(out, want_h, 4, 1e-6f, "bilinear half pixel");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("nn_ops");
  TCase *tc = tcase_create("ops");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, conv_matches_reference, 0, 4);
  tcase_add_test(tc, pooling);
  tcase_add_test(tc, activations);
  tcase_add_test(tc, dense_softmax_flatten);
  tcase_add_test(tc, add_mul_concat_constant);
  tcase_add_test(tc, resize);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tvt_run(suite()); }
