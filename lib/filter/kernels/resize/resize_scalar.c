/* The resize family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "resize.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Source index of the first of the two horizontal samples for destination sample i. */
static inline size_t tvi_area2_src(size_t i, int cn) {
  const size_t c = i % (size_t)cn;
  return (i - c) * 2 + c;
}

void tvi_area2_u8_scalar(const uint8_t *s0, const uint8_t *s1, uint8_t *dst, size_t n, int cn) {
  for (size_t i = 0; i < n; i++) {
    const size_t j = tvi_area2_src(i, cn);
    dst[i] = (uint8_t)((s0[j] + s0[j + (size_t)cn] + s1[j] + s1[j + (size_t)cn] + 2) >> 2);
  }
}

void tvi_area2_u16_scalar(const uint16_t *s0, const uint16_t *s1, uint16_t *dst, size_t n, int cn) {
  for (size_t i = 0; i < n; i++) {
    const size_t j = tvi_area2_src(i, cn);
    dst[i] =
        (uint16_t)(((uint32_t)s0[j] + s0[j + (size_t)cn] + s1[j] + s1[j + (size_t)cn] + 2) >> 2);
  }
}

void tvi_area2_f32_from_scalar(const float *s0, const float *s1, float *dst, size_t i0, size_t n,
                               int cn) {
  const size_t nv = cn == 1 ? n & ~(size_t)3 : cn == 4 ? n : 0; /* OpenCV's vector part */
  for (size_t i = i0; i < n; i++) {
    const size_t j = tvi_area2_src(i, cn), k = j + (size_t)cn;
    if (i < nv) {
      dst[i] = ((s0[j] + s0[k]) + (s1[j] + s1[k])) * 0.25f;
    } else {
      float sum = 0.0f;
      sum += ((s0[j] + s0[k]) + s1[j]) + s1[k];
      dst[i] = sum * 0.25f;
    }
  }
}

void tvi_area2_f32_scalar(const float *s0, const float *s1, float *dst, size_t n, int cn) {
  tvi_area2_f32_from_scalar(s0, s1, dst, 0, n, cn);
}

void tvi_vlin_u8_scalar(const int16_t *h0, const int16_t *h1, int16_t b0, int16_t b1, uint8_t *dst,
                        size_t n) {
  for (size_t i = 0; i < n; i++) {
    const int32_t v = ((b0 * h0[i]) >> 16) + ((b1 * h1[i]) >> 16) + 2;
    const int32_t r = v >> 2;
    dst[i] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
  }
}

void tvi_vlin_u16_scalar(const float *h0, const float *h1, float b0, float b1, uint16_t *dst,
                         size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float p = h0[i] * b0, q = h1[i] * b1;
    const float v = p + q;
    const float r = nearbyintf(v > 0.0f ? v : 0.0f); /* NaN -> 0 */
    dst[i] = (uint16_t)(r > 65535.0f ? 65535 : (int32_t)r);
  }
}

void tvi_vlin_f32_scalar(const float *h0, const float *h1, float b0, float b1, float *dst,
                         size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float p = h0[i] * b0, q = h1[i] * b1;
    dst[i] = p + q;
  }
}

void tvi_hlin_u8_scalar(const uint8_t *s, const int32_t *xofs, const int16_t *ia, int16_t *d,
                        size_t n, int cn, size_t lim) {
  (void)lim;
  for (size_t i = 0; i < n; i++) {
    const int32_t v = s[xofs[i]] * ia[2 * i] + s[xofs[i] + cn] * ia[2 * i + 1];
    d[i] = (int16_t)(v >> 4);
  }
}

void tvi_hlin_u16_scalar(const uint16_t *s, const int32_t *xofs, const float *fa, float *d,
                         size_t n, int cn, size_t lim) {
  (void)lim;
  for (size_t i = 0; i < n; i++) {
    const float p = (float)s[xofs[i]] * fa[2 * i], q = (float)s[xofs[i] + cn] * fa[2 * i + 1];
    d[i] = p + q;
  }
}

void tvi_hlin_f32_scalar(const float *s, const int32_t *xofs, const float *fa, float *d, size_t n,
                         int cn, size_t lim) {
  (void)lim;
  for (size_t i = 0; i < n; i++) {
    const float p = s[xofs[i]] * fa[2 * i], q = s[xofs[i] + cn] * fa[2 * i + 1];
    d[i] = p + q;
  }
}

const tvi_resize_kernels tvi_resize_scalar = {
    tvi_area2_u8_scalar, tvi_area2_u16_scalar, tvi_area2_f32_scalar,
    tvi_vlin_u8_scalar,  tvi_vlin_u16_scalar,  tvi_vlin_f32_scalar,
    tvi_hlin_u8_scalar,  tvi_hlin_u16_scalar,  tvi_hlin_f32_scalar,
};
