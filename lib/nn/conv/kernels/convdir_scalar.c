/* The convdir family's reference: plain C tiles of 4 output channels x 8 outputs.
 * SPDX-License-Identifier: Apache-2.0 */
#include "convdir.h"

enum { R = 4, T = 8 };

static void tvi_convdir_f32_scalar(const float *in, const int32_t *offs, int32_t nk, const float *w,
                                   const float *bias, float *out, int64_t ldo, int32_t ntiles,
                                   const tvi_convdir_act *act) {
  for (int32_t t = 0; t < ntiles; t++, in += T, out += T) {
    float acc[R][T];
    for (int r = 0; r < R; r++)
      for (int i = 0; i < T; i++) acc[r][i] = bias ? bias[r] : out[r * ldo + i];
    for (int32_t k = 0; k < nk; k++) {
      const float *x = in + offs[k];
      const float *wk = w + (int64_t)k * R;
      for (int r = 0; r < R; r++)
        for (int i = 0; i < T; i++) acc[r][i] += wk[r] * x[i];
    }
    for (int r = 0; r < R; r++)
      for (int i = 0; i < T; i++) {
        float y = acc[r][i];
        if (act) {
          if (y < 0) y *= act->slope;
          if (y < act->lo) y = act->lo;
          if (y > act->hi) y = act->hi;
        }
        out[r * ldo + i] = y;
      }
  }
}

void tvi_wino_in_f32_scalar(const float *d, int64_t plane, int32_t wq, float *v, int64_t ldv,
                            int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    float x[4][4], t[4][4];
    for (int r = 0; r < 4; r++)
      for (int c = 0; c < 4; c++)
        x[r][c] = d[((r & 1) * 2 + (c & 1)) * plane + (int64_t)(r >> 1) * wq + (c >> 1) + i];
    for (int c = 0; c < 4; c++) { /* B^T d */
      t[0][c] = x[0][c] - x[2][c];
      t[1][c] = x[1][c] + x[2][c];
      t[2][c] = x[2][c] - x[1][c];
      t[3][c] = x[1][c] - x[3][c];
    }
    for (int r = 0; r < 4; r++) { /* (B^T d) B */
      v[(r * 4 + 0) * ldv + i] = t[r][0] - t[r][2];
      v[(r * 4 + 1) * ldv + i] = t[r][1] + t[r][2];
      v[(r * 4 + 2) * ldv + i] = t[r][2] - t[r][1];
      v[(r * 4 + 3) * ldv + i] = t[r][1] - t[r][3];
    }
  }
}

static inline float tvi_convdir_act1(float y, const tvi_convdir_act *act) {
  if (y < 0) y *= act->slope;
  if (y < act->lo) y = act->lo;
  if (y > act->hi) y = act->hi;
  return y;
}

void tvi_wino_out_f32_scalar(const float *m, int64_t ldm, float bias, const tvi_convdir_act *act,
                             float *y, int64_t ldy, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    float s0[4], s1[4];
    for (int c = 0; c < 4; c++) { /* A^T m */
      const float m0 = m[(0 + c) * ldm + i], m1 = m[(4 + c) * ldm + i];
      const float m2 = m[(8 + c) * ldm + i], m3 = m[(12 + c) * ldm + i];
      s0[c] = m0 + m1 + m2;
      s1[c] = m1 - m2 - m3;
    }
    y[2 * i] = tvi_convdir_act1(s0[0] + s0[1] + s0[2] + bias, act);
    y[2 * i + 1] = tvi_convdir_act1(s0[1] - s0[2] - s0[3] + bias, act);
    y[ldy + 2 * i] = tvi_convdir_act1(s1[0] + s1[1] + s1[2] + bias, act);
    y[ldy + 2 * i + 1] = tvi_convdir_act1(s1[1] - s1[2] - s1[3] + bias, act);
  }
}

static void tvi_convrow_f32_scalar(const float *in, const int32_t *offs, int32_t nk, const float *w,
                                   const float *bias, int32_t nout, float *out, int64_t ldo,
                                   int32_t n, const tvi_convdir_act *act) {
  for (int32_t r = 0; r < nout; r++) {
    const float *wr = w + (int64_t)r * nk;
    float *o = out + (int64_t)r * ldo;
    for (int32_t i = 0; i < n; i++) {
      float acc = bias[r];
      for (int32_t k = 0; k < nk; k++) acc += wr[k] * in[offs[k] + i];
      o[i] = tvi_convdir_act1(acc, act);
    }
  }
}

/* B^T of F(4x4, 3x3) applied to six values x[0], x[step], ... */
#define TVI_WINO4_BT(x, step, t)                                                                   \
  do {                                                                                             \
    const float x0 = (x)[0], x1 = (x)[(step)], x2 = (x)[2 * (step)], x3 = (x)[3 * (step)];         \
    const float x4 = (x)[4 * (step)], x5 = (x)[5 * (step)];                                        \
    (t)[0] = 4 * x0 - 5 * x2 + x4;                                                                 \
    (t)[1] = x3 + x4 - 4 * (x1 + x2);                                                              \
    (t)[2] = 4 * (x1 - x2) + x4 - x3;                                                              \
    (t)[3] = 2 * (x3 - x1) + x4 - x2;                                                              \
    (t)[4] = 2 * (x1 - x3) + x4 - x2;                                                              \
    (t)[5] = 4 * x1 - 5 * x3 + x5;                                                                 \
  } while (0)

void tvi_wino4_in_f32_scalar(const float *d, int64_t plane, int32_t wq, float *v, int64_t ldv,
                             int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    float x[6][6], t[6][6], u[6];
    for (int r = 0; r < 6; r++)
      for (int c = 0; c < 6; c++)
        x[r][c] = d[((r & 3) * 4 + (c & 3)) * plane + (int64_t)(r >> 2) * wq + (c >> 2) + i];
    for (int c = 0; c < 6; c++) { /* B^T d, column by column */
      float col[6];
      TVI_WINO4_BT(&x[0][c], 6, col);
      for (int r = 0; r < 6; r++) t[r][c] = col[r];
    }
    for (int r = 0; r < 6; r++) { /* (B^T d) B */
      TVI_WINO4_BT(t[r], 1, u);
      for (int c = 0; c < 6; c++) v[(r * 6 + c) * ldv + i] = u[c];
    }
  }
}

void tvi_wino4_out_f32_scalar(const float *m, int64_t ldm, float bias, const tvi_convdir_act *act,
                              float *y, int64_t ldy, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    float s[4][6];
    for (int c = 0; c < 6; c++) { /* A^T m */
      float x[6];
      for (int r = 0; r < 6; r++) x[r] = m[(r * 6 + c) * ldm + i];
      s[0][c] = x[0] + x[1] + x[2] + x[3] + x[4];
      s[1][c] = x[1] - x[2] + 2 * (x[3] - x[4]);
      s[2][c] = x[1] + x[2] + 4 * (x[3] + x[4]);
      s[3][c] = x[1] - x[2] + 8 * (x[3] - x[4]) + x[5];
    }
    for (int r = 0; r < 4; r++) { /* (A^T m) A */
      const float *x = s[r];
      float *o = y + r * ldy + 4 * i;
      o[0] = tvi_convdir_act1(x[0] + x[1] + x[2] + x[3] + x[4] + bias, act);
      o[1] = tvi_convdir_act1(x[1] - x[2] + 2 * (x[3] - x[4]) + bias, act);
      o[2] = tvi_convdir_act1(x[1] + x[2] + 4 * (x[3] + x[4]) + bias, act);
      o[3] = tvi_convdir_act1(x[1] - x[2] + 8 * (x[3] - x[4]) + x[5] + bias, act);
    }
  }
}

void tvi_deint2_f32_scalar(const float *src, float *even, float *odd, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    even[i] = src[2 * i];
    odd[i] = src[2 * i + 1];
  }
}

const tvi_convdir_kernel tvi_convdir_scalar = {R,
                                               T,
                                               tvi_convdir_f32_scalar,
                                               tvi_wino_in_f32_scalar,
                                               tvi_wino_out_f32_scalar,
                                               tvi_deint2_f32_scalar,
                                               tvi_convrow_f32_scalar,
                                               tvi_wino4_in_f32_scalar,
                                               tvi_wino4_out_f32_scalar};
