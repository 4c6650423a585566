/* The boxsum family's reference kernels: plain C, the specification.
 * SPDX-License-Identifier: Apache-2.0 */
#include "boxsum.h"

void tvi_boxsum_col_u8_u16_scalar(uint16_t *col, const uint8_t *add, const uint8_t *sub, size_t n) {
  if (sub)
    for (size_t i = 0; i < n; i++) col[i] = (uint16_t)(col[i] + add[i] - sub[i]);
  else
    for (size_t i = 0; i < n; i++) col[i] = (uint16_t)(col[i] + add[i]);
}

void tvi_boxsum_col_u16_u32_scalar(uint32_t *col, const uint16_t *add, const uint16_t *sub,
                                   size_t n) {
  if (sub)
    for (size_t i = 0; i < n; i++) col[i] = col[i] + add[i] - sub[i];
  else
    for (size_t i = 0; i < n; i++) col[i] += add[i];
}

/* The running sum: s holds in[i .. i + k - 1) before sample i. */
#define TVI_HSUM(name, T)                                                                          \
  void tvi_boxsum_hsum_##name##_scalar(const T *in, uint32_t *out, size_t n, int k) {              \
    uint32_t s = 0;                                                                                \
    for (int j = 0; j < k - 1; j++) s += in[j];                                                    \
    const T *hi = in + k - 1;                                                                      \
    for (size_t i = 0; i < n; i++) {                                                               \
      s += hi[i];                                                                                  \
      out[i] = s;                                                                                  \
      s -= in[i];                                                                                  \
    }                                                                                              \
  }
TVI_HSUM(u16_u32, uint16_t)
TVI_HSUM(u32_u32, uint32_t)

/* The box filter's output rows: the running sum with the output formula, then the next row's
 * column sums. */
void tvi_boxsum_step_u32_u16_scalar(const uint32_t *in, uint32_t *next, const uint16_t *add,
                                    const uint16_t *sub, size_t ax, uint16_t *out, size_t n, int k,
                                    float scale, int normalize) {
  uint32_t s = 0;
  for (int j = 0; j < k - 1; j++) s += in[j];
  const uint32_t *hi = in + k - 1;
  for (size_t i = 0; i < n; i++) {
    s += hi[i];
    out[i] = tvi_boxsum_to_u16(s, scale, normalize);
    s -= in[i];
  }
  if (next)
    for (size_t i = 0; i < n; i++) next[ax + i] = in[ax + i] + add[i] - sub[i];
}

void tvi_boxsum_step_u16_u8_scalar(const uint16_t *in, uint16_t *next, const uint8_t *add,
                                   const uint8_t *sub, size_t ax, uint8_t *out, size_t n, int k,
                                   uint32_t ds, uint32_t dd, int normalize) {
  uint32_t s = 0;
  for (int j = 0; j < k - 1; j++) s += in[j];
  const uint16_t *hi = in + k - 1;
  for (size_t i = 0; i < n; i++) {
    s += hi[i];
    out[i] = tvi_boxsum_to_u8(s, ds, dd, normalize);
    s -= in[i];
  }
  if (next)
    for (size_t i = 0; i < n; i++) next[ax + i] = (uint16_t)(in[ax + i] + add[i] - sub[i]);
}

void tvi_boxsum_step_u16_u8f_scalar(const uint16_t *in, uint16_t *next, const uint8_t *add,
                                    const uint8_t *sub, size_t ax, uint8_t *out, size_t n, int k,
                                    float scale, int normalize) {
  uint32_t s = 0;
  for (int j = 0; j < k - 1; j++) s += in[j];
  const uint16_t *hi = in + k - 1;
  for (size_t i = 0; i < n; i++) {
    s += hi[i];
    out[i] = (uint8_t)tvi_boxsum_scale(s, scale, normalize, 255);
    s -= in[i];
  }
  if (next)
    for (size_t i = 0; i < n; i++) next[ax + i] = (uint16_t)(in[ax + i] + add[i] - sub[i]);
}

const tvi_boxsum_kernels tvi_boxsum_scalar = {
    tvi_boxsum_col_u8_u16_scalar,   tvi_boxsum_col_u16_u32_scalar,  tvi_boxsum_hsum_u16_u32_scalar,
    tvi_boxsum_hsum_u32_u32_scalar, tvi_boxsum_step_u32_u16_scalar, tvi_boxsum_step_u16_u8_scalar,
    tvi_boxsum_step_u16_u8f_scalar,
};
