/* The sepconv family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "sepconv.h"

/* Float kernels round every product and sum separately, as the vector variants do. */
#if defined(__clang__) /* GCC does not contract across statements in ISO C mode */
#pragma STDC FP_CONTRACT OFF
#endif

void tvi_sepconv_row_q8_scalar(const uint8_t *in, uint16_t *out, size_t n, const uint16_t *k,
                               int kn, int cn) {
  for (size_t i = 0; i < n; i++) {
    uint32_t acc = 0;
    for (int j = 0; j < kn; j++) acc += (uint32_t)k[j] * in[i + (size_t)j * (size_t)cn];
    out[i] = (uint16_t)acc;
  }
}

void tvi_sepconv_col_q8_w16_scalar(const uint16_t *const *rows, uint8_t *out, size_t n,
                                   const uint16_t *k, int kn, int shift) {
  const uint32_t rnd = (1u << shift) >> 1;
  for (size_t i = 0; i < n; i++) {
    uint32_t acc = 0;
    for (int j = 0; j < kn; j++) acc += (uint32_t)k[j] * rows[j][i];
    acc = ((acc & 0xffffu) + rnd) & 0xffffu;
    acc >>= shift;
    out[i] = (uint8_t)(acc > 255 ? 255 : acc);
  }
}

void tvi_sepconv_col_q8_w32_scalar(const uint16_t *const *rows, uint8_t *out, size_t n,
                                   const uint16_t *k, int kn, int shift) {
  const uint32_t rnd = (1u << shift) >> 1;
  for (size_t i = 0; i < n; i++) {
    uint32_t acc = 0;
    for (int j = 0; j < kn; j++) acc += (uint32_t)k[j] * rows[j][i];
    acc = (acc + rnd) >> shift;
    out[i] = (uint8_t)(acc > 255 ? 255 : acc);
  }
}

void tvi_sepconv_row_q16_scalar(const uint16_t *in, uint32_t *out, size_t n, const uint32_t *k,
                                int kn, int cn) {
  for (size_t i = 0; i < n; i++) {
    uint32_t acc = 0;
    for (int j = 0; j < kn; j++) acc += k[j] * (uint32_t)in[i + (size_t)j * (size_t)cn];
    out[i] = acc;
  }
}

void tvi_sepconv_col_q16_scalar(const uint32_t *const *rows, uint16_t *out, size_t n,
                                const uint32_t *k, int kn) {
  for (size_t i = 0; i < n; i++) {
    uint64_t acc = 0;
    for (int j = 0; j < kn; j++) acc += (uint64_t)k[j] * rows[j][i];
    acc = (acc + ((uint64_t)1 << 31)) >> 32;
    out[i] = (uint16_t)(acc > 65535 ? 65535 : acc);
  }
}

#define TVI_ROW_F32(name, T)                                                                       \
  void tvi_sepconv_row_f32_##name##_scalar(const T *in, float *out, size_t n, const float *k,      \
                                           int kn, int cn) {                                       \
    for (size_t i = 0; i < n; i++) {                                                               \
      float acc = 0.0f;                                                                            \
      for (int j = 0; j < kn; j++) {                                                               \
        const float p = k[j] * (float)in[i + (size_t)j * (size_t)cn];                              \
        acc = acc + p;                                                                             \
      }                                                                                            \
      out[i] = acc;                                                                                \
    }                                                                                              \
  }
TVI_ROW_F32(u8, uint8_t)
TVI_ROW_F32(u16, uint16_t)
TVI_ROW_F32(f32, float)

/* max then min, in this order and with these NaN rules (x86 maxps/minps: a NaN x gives lo). */
static inline float tvi_clampf(float x, float lo, float hi) {
  x = x > lo ? x : lo;
  return x < hi ? x : hi;
}

static inline float tvi_col_sum(const float *const *rows, size_t i, const float *k, int kn,
                                float delta) {
  float acc = 0.0f;
  for (int j = 0; j < kn; j++) {
    const float p = k[j] * rows[j][i];
    acc = acc + p;
  }
  return acc + delta;
}

#define TVI_COL_F32_INT(name, T, lo, hi)                                                           \
  void tvi_sepconv_col_f32_##name##_scalar(const float *const *rows, T *out, size_t n,             \
                                           const float *k, int kn, float delta) {                  \
    for (size_t i = 0; i < n; i++)                                                                 \
      out[i] = (T)lrintf(tvi_clampf(tvi_col_sum(rows, i, k, kn, delta), lo, hi));                  \
  }
TVI_COL_F32_INT(u8, uint8_t, 0.0f, 255.0f)
TVI_COL_F32_INT(u16, uint16_t, 0.0f, 65535.0f)
TVI_COL_F32_INT(s16, int16_t, -32768.0f, 32767.0f)

void tvi_sepconv_col_f32_f32_scalar(const float *const *rows, float *out, size_t n, const float *k,
                                    int kn, float delta) {
  for (size_t i = 0; i < n; i++) out[i] = tvi_col_sum(rows, i, k, kn, delta);
}

/* Box row sums: per channel, the first window summed, then a running sum. */
#define TVI_BOX_ROW(name, T, S)                                                                    \
  void tvi_sepconv_box_row_##name##_scalar(const T *in, S *out, size_t n, int kw, int cn) {        \
    const size_t step = (size_t)cn, last = (size_t)(kw - 1) * step;                                \
    for (size_t c = 0; c < step && c < n; c++) {                                                   \
      S s = 0;                                                                                     \
      for (int j = 0; j < kw; j++) s = (S)(s + in[c + (size_t)j * step]);                          \
      out[c] = s;                                                                                  \
      for (size_t i = c + step; i < n; i += step) {                                                \
        s = (S)(s + (S)in[i + last] - (S)in[i - step]);                                            \
        out[i] = s;                                                                                \
      }                                                                                            \
    }                                                                                              \
  }
TVI_BOX_ROW(u8_u16, uint8_t, uint16_t)
TVI_BOX_ROW(u8_s32, uint8_t, int32_t)
TVI_BOX_ROW(u16_s32, uint16_t, int32_t)

void tvi_sepconv_box_col_u16_u8_scalar(uint16_t *sum, const uint16_t *add, const uint16_t *sub,
                                       uint8_t *out, size_t n, uint32_t ds, uint32_t dd,
                                       int normalize) {
  for (size_t i = 0; i < n; i++) {
    const uint32_t s = (uint16_t)(sum[i] + add[i]);
    if (normalize) {
      const uint32_t q = ((s + dd) * ds) >> 23;
      out[i] = (uint8_t)(q > 255 ? 255 : q);
    } else
      out[i] = (uint8_t)(s > 255 ? 255 : s);
    sum[i] = (uint16_t)(s - sub[i]);
  }
}

/* (float)s * scale rounded half to even, saturated to [lo, hi]: OpenCV's vector path. */
static inline int32_t tvi_box_scale(int32_t s, float scale, float lo, float hi) {
  return (int32_t)lrintf(tvi_clampf((float)s * scale, lo, hi));
}

void tvi_sepconv_box_col_s32_u8_scalar(int32_t *sum, const int32_t *add, const int32_t *sub,
                                       uint8_t *out, size_t n, float scale, int normalize) {
  for (size_t i = 0; i < n; i++) {
    const int32_t s = sum[i] + add[i];
    if (normalize)
      out[i] = (uint8_t)tvi_box_scale(s, scale, 0.0f, 255.0f);
    else
      out[i] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : s);
    sum[i] = s - sub[i];
  }
}

void tvi_sepconv_box_col_s32_u16_scalar(int32_t *sum, const int32_t *add, const int32_t *sub,
                                        uint16_t *out, size_t n, float scale, int normalize) {
  for (size_t i = 0; i < n; i++) {
    const int32_t s = sum[i] + add[i];
    if (normalize)
      out[i] = (uint16_t)tvi_box_scale(s, scale, 0.0f, 65535.0f);
    else
      out[i] = (uint16_t)(s < 0 ? 0 : s > 65535 ? 65535 : s);
    sum[i] = s - sub[i];
  }
}

void tvi_sepconv_box_col_s32_f32_scalar(int32_t *sum, const int32_t *add, const int32_t *sub,
                                        float *out, size_t n, float scale, int normalize) {
  for (size_t i = 0; i < n; i++) {
    const int32_t s = sum[i] + add[i];
    out[i] = normalize ? (float)s * scale : (float)s;
    sum[i] = s - sub[i];
  }
}

void tvi_sepconv_box_col_w16_s32_u8_scalar(int32_t *sum, const uint16_t *add, const uint16_t *sub,
                                           uint8_t *out, size_t n, float scale, int normalize) {
  for (size_t i = 0; i < n; i++) {
    const int32_t s = sum[i] + add[i];
    if (normalize)
      out[i] = (uint8_t)tvi_box_scale(s, scale, 0.0f, 255.0f);
    else
      out[i] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : s);
    sum[i] = s - sub[i];
  }
}

const tvi_sepconv_kernels tvi_sepconv_scalar = {
    tvi_sepconv_row_q8_scalar,          tvi_sepconv_col_q8_w16_scalar,
    tvi_sepconv_col_q8_w32_scalar,      tvi_sepconv_row_q16_scalar,
    tvi_sepconv_col_q16_scalar,         tvi_sepconv_row_f32_u8_scalar,
    tvi_sepconv_row_f32_u16_scalar,     tvi_sepconv_row_f32_f32_scalar,
    tvi_sepconv_col_f32_u8_scalar,      tvi_sepconv_col_f32_u16_scalar,
    tvi_sepconv_col_f32_s16_scalar,     tvi_sepconv_col_f32_f32_scalar,
    tvi_sepconv_box_row_u8_u16_scalar,  tvi_sepconv_box_row_u8_s32_scalar,
    tvi_sepconv_box_row_u16_s32_scalar, tvi_sepconv_box_col_u16_u8_scalar,
    tvi_sepconv_box_col_s32_u8_scalar,  tvi_sepconv_box_col_s32_u16_scalar,
    tvi_sepconv_box_col_s32_f32_scalar, tvi_sepconv_box_col_w16_s32_u8_scalar,
};
