/* The thresh family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "thresh.h"

/* One sample: x > t decides; the kinds as cv::threshold defines them. */
#define TVI_THRESH_SCALAR(name, T)                                                                 \
  void tvi_thresh_##name##_scalar(const T *src, T *dst, size_t n, int kind, T t, T maxval) {       \
    switch (kind) {                                                                                \
    case TVI_TH_BINARY:                                                                            \
      for (size_t i = 0; i < n; i++) dst[i] = src[i] > t ? maxval : (T)0;                          \
      break;                                                                                       \
    case TVI_TH_BINARY_INV:                                                                        \
      for (size_t i = 0; i < n; i++) dst[i] = src[i] > t ? (T)0 : maxval;                          \
      break;                                                                                       \
    case TVI_TH_TRUNC:                                                                             \
      for (size_t i = 0; i < n; i++) dst[i] = src[i] > t ? t : src[i];                             \
      break;                                                                                       \
    case TVI_TH_TOZERO:                                                                            \
      for (size_t i = 0; i < n; i++) dst[i] = src[i] > t ? src[i] : (T)0;                          \
      break;                                                                                       \
    default:                                                                                       \
      for (size_t i = 0; i < n; i++) dst[i] = src[i] > t ? (T)0 : src[i];                          \
      break;                                                                                       \
    }                                                                                              \
  }

TVI_THRESH_SCALAR(u8, uint8_t)
TVI_THRESH_SCALAR(u16, uint16_t)
TVI_THRESH_SCALAR(s16, int16_t)
TVI_THRESH_SCALAR(f32, float)

void tvi_adaptive_u8_scalar(const uint8_t *src, const uint32_t *sum, uint8_t *dst, size_t n,
                            const tvi_adaptive_params *p) {
  const uint8_t on = p->inv ? 0 : (uint8_t)p->maxval, off = p->inv ? (uint8_t)p->maxval : 0;
  for (size_t i = 0; i < n; i++) {
    const int32_t m = (int32_t)lrintf((float)sum[i] * p->fscale); /* half to even, as cvRound */
    dst[i] = (int32_t)src[i] + p->idelta > m ? on : off;
  }
}

void tvi_adaptive_u16_scalar(const uint16_t *src, const uint64_t *sum, uint16_t *dst, size_t n,
                             const tvi_adaptive_params *p) {
  const uint16_t on = p->inv ? 0 : (uint16_t)p->maxval, off = p->inv ? (uint16_t)p->maxval : 0;
  const int64_t area = (int64_t)p->area;
  for (size_t i = 0; i < n; i++) {
    /* round(s / area) < k  <=>  2 s + area < 2 area k  (floor((2 s + area) / (2 area)) < k). */
    const int64_t k = (int64_t)src[i] + p->idelta;
    dst[i] = 2 * (int64_t)sum[i] + area < 2 * area * k ? on : off;
  }
}

const tvi_thresh_kernels tvi_thresh_scalar = {
    tvi_thresh_u8_scalar,  tvi_thresh_u16_scalar,  tvi_thresh_s16_scalar,
    tvi_thresh_f32_scalar, tvi_adaptive_u8_scalar, tvi_adaptive_u16_scalar,
};
