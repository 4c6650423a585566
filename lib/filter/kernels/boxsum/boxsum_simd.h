/* The boxsum family's kernels written once over per-ISA vector helpers. An ISA file defines
 * VU32 / VU16 / VF, N32 / N16 (lanes), the helpers used below and TVI_K(name) (the kernel's
 * name for that ISA), then includes this header.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_BOXSUM_SIMD_H
#define TVI_BOXSUM_SIMD_H

#include "boxsum.h"

static void TVI_K(col_u8_u16_)(uint16_t *col, const uint8_t *add, const uint8_t *sub, size_t n) {
  size_t i = 0;
  if (sub)
    for (; i + N16 <= n; i += N16)
      st_u16(col + i, sub16(add16(ld_u16(col + i), ld_u8_u16(add + i)), ld_u8_u16(sub + i)));
  else
    for (; i + N16 <= n; i += N16) st_u16(col + i, add16(ld_u16(col + i), ld_u8_u16(add + i)));
  tvi_boxsum_col_u8_u16_scalar(col + i, add + i, sub ? sub + i : NULL, n - i);
}

static void TVI_K(col_u16_u32_)(uint32_t *col, const uint16_t *add, const uint16_t *sub, size_t n) {
  size_t i = 0;
  if (sub)
    for (; i + N32 <= n; i += N32)
      st_u32(col + i, sub32(add32(ld_u32(col + i), ld_u16_u32(add + i)), ld_u16_u32(sub + i)));
  else
    for (; i + N32 <= n; i += N32) st_u32(col + i, add32(ld_u32(col + i), ld_u16_u32(add + i)));
  tvi_boxsum_col_u16_u32_scalar(col + i, add + i, sub ? sub + i : NULL, n - i);
}

/* The running sum on vectors: with d[i] = in[i + k - 1] - in[i], the sum before sample i is
 * s0 + d[0] + ... + d[i - 1], so a vector's sums are the carry plus the in-register inclusive
 * scan of its d, and the window sum of sample i adds in[i] back. Wrapping arithmetic throughout,
 * as the scalar kernel. `emit(i, s)` stores the window sums s of samples i .. i + N32. */
#define TVI_HSUM_BODY(T, load, emit, tail)                                                         \
  do {                                                                                             \
    uint32_t s0 = 0;                                                                               \
    for (int j = 0; j < k - 1; j++) s0 += in[j];                                                   \
    if (n < N32) {                                                                                 \
      tail(0);                                                                                     \
      break;                                                                                       \
    }                                                                                              \
    const T *hi = in + k - 1;                                                                      \
    VU32 carry = set32(s0);                                                                        \
    size_t i = 0;                                                                                  \
    for (; i + N32 <= n; i += N32) {                                                               \
      const VU32 lo = load(in + i);                                                                \
      const VU32 ds = scan32(sub32(load(hi + i), lo));                                             \
      emit(i, add32(add32(carry, ds), lo));                                                        \
      carry = add32(carry, last32(ds)); /* one addition on the carried chain */                    \
    }                                                                                              \
    tail(i);                                                                                       \
  } while (0)

static void TVI_K(hsum_u16_u32_)(const uint16_t *in, uint32_t *out, size_t n, int k) {
#define TVI_EMIT(i, s) st_u32(out + (i), s)
#define TVI_TAIL(i) tvi_boxsum_hsum_u16_u32_scalar(in + (i), out + (i), n - (i), k)
  TVI_HSUM_BODY(uint16_t, ld_u16_u32, TVI_EMIT, TVI_TAIL);
#undef TVI_TAIL
}

static void TVI_K(hsum_u32_u32_)(const uint32_t *in, uint32_t *out, size_t n, int k) {
#define TVI_TAIL(i) tvi_boxsum_hsum_u32_u32_scalar(in + (i), out + (i), n - (i), k)
  TVI_HSUM_BODY(uint32_t, ld_u32, TVI_EMIT, TVI_TAIL);
#undef TVI_TAIL
#undef TVI_EMIT
}

static void TVI_K(hsum_u32_u16_)(const uint32_t *in, uint16_t *out, size_t n, int k, float scale,
                                 int normalize) {
  const VF sc = setf(scale), fl = setf(0.0f), fh = setf(65535.0f);
  const VU32 il = set32(0), ih = set32(65535);
#define TVI_EMIT(i, s)                                                                             \
  st_s32_u16(out + (i), normalize ? cvt_f_s32(minf(maxf(mulf(cvt_s32_f(s), sc), fl), fh))          \
                                  : mins32(maxs32(s, il), ih))
#define TVI_TAIL(i)                                                                                \
  tvi_boxsum_hsum_u32_u16_scalar(in + (i), out + (i), n - (i), k, scale, normalize)
  TVI_HSUM_BODY(uint32_t, ld_u32, TVI_EMIT, TVI_TAIL);
#undef TVI_TAIL
#undef TVI_EMIT
}

#define TVI_BOXSUM_TABLE                                                                           \
  {                                                                                                \
    TVI_K(col_u8_u16_), TVI_K(col_u16_u32_), TVI_K(hsum_u16_u32_), TVI_K(hsum_u32_u32_),           \
        TVI_K(hsum_u32_u16_)                                                                       \
  }

#endif
