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
      const VU32 dsum = scan32(sub32(load(hi + i), lo));                                           \
      emit(i, add32(add32(carry, dsum), lo));                                                      \
      carry = add32(carry, last32(dsum)); /* one addition on the carried chain */                  \
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

/* The box filter's output kernels (step_*): windows up to TVI_BOXSUM_DIRECT_MAX samples add
 * them directly (k loads per vector, no carried chain); longer ones take the running sum on
 * vectors of TVI_HSUM_BODY (cost independent of k). Each step also makes the next row's column
 * sums (when next is set) in the same pass, so that the source rows' loads overlap the
 * arithmetic. */
#define TVI_BOXSUM_DIRECT_MAX 7

/* The running sum's state: carry holds the window sum before the next vector, less its samples. */
#define TVI_RUN_START(T, V, set)                                                                   \
  uint32_t s0 = 0;                                                                                 \
  for (int j = 0; j < k - 1; j++) s0 += in[j];                                                     \
  const T *hi = in + k - 1;                                                                        \
  V carry = set(s0)
/* The window sums of the vector at i into s (carry advanced). */
#define TVI_RUN(V, s, i, ld, sub, add, scan, last)                                                 \
  do {                                                                                             \
    const V lo_ = ld(in + (i));                                                                    \
    const V d_ = scan(sub(ld(hi + (i)), lo_));                                                     \
    s = add(add(carry, d_), lo_);                                                                  \
    carry = add(carry, last(d_));                                                                  \
  } while (0)

/* u16 output, two vectors of window sums a step stored together by one saturating pack: a
 * negative sum (read as int32) packs to 0 and a large one to 65535, as the scalar kernel clamps
 * them; scaled sums are clamped above before the conversion (which could overflow) and below by
 * the pack. */
static void TVI_K(step_u32_u16_)(const uint32_t *in, uint32_t *next, const uint16_t *add,
                                 const uint16_t *sub, size_t ax, uint16_t *out, size_t n, int k,
                                 float scale, int normalize) {
  const VF sc = setf(scale), fh = setf(65535.0f);
#define TVI_OUT(s) (normalize ? cvt_f_s32(minf(mulf(cvt_s32_f(s), sc), fh)) : (s))
#define TVI_NEXT(x)                                                                                \
  if (next)                                                                                        \
  st_u32(next + ax + (x),                                                                          \
         sub32(add32(ld_u32(in + ax + (x)), ld_u16_u32(add + (x))), ld_u16_u32(sub + (x))))
  size_t i = 0;
  if (k <= TVI_BOXSUM_DIRECT_MAX) {
    for (; i + 2 * N32 <= n; i += 2 * N32) {
      VU32 a = ld_u32(in + i), b = ld_u32(in + i + N32);
      for (int j = 1; j < k; j++) {
        a = add32(a, ld_u32(in + i + j));
        b = add32(b, ld_u32(in + i + N32 + j));
      }
      TVI_NEXT(i);
      TVI_NEXT(i + N32);
      st2_s32_u16(out + i, TVI_OUT(a), TVI_OUT(b));
    }
  } else if (n >= 2 * N32) {
    TVI_RUN_START(uint32_t, VU32, set32);
    for (; i + 2 * N32 <= n; i += 2 * N32) {
      VU32 a, b;
      TVI_RUN(VU32, a, i, ld_u32, sub32, add32, scan32, last32);
      TVI_RUN(VU32, b, i + N32, ld_u32, sub32, add32, scan32, last32);
      TVI_NEXT(i);
      TVI_NEXT(i + N32);
      st2_s32_u16(out + i, TVI_OUT(a), TVI_OUT(b));
    }
  }
#undef TVI_OUT
#undef TVI_NEXT
  tvi_boxsum_step_u32_u16_scalar(in + i, next ? next + i : NULL, next ? add + i : NULL,
                                 next ? sub + i : NULL, ax, out + i, n - i, k, scale, normalize);
}

/* u8 output of 16-bit sums: 16-bit lanes throughout (the sums wrap mod 2^16 and every true sum
 * fits). The scaling as ((s + dd) * (dh * 2^16 + dl)) >> 23 == (mullo(x, dh) + mulhi(x, dl)) >> 7
 * with x = s + dd: dropping the low 16 bits of x * dl first does not change the floor, and
 * x * dh is at most the left sum, below 2^16 because the result is at most 256 (x < 2^16:
 * s <= 255 * 256); the store saturates 256 to 255. */
static void TVI_K(step_u16_u8_)(const uint16_t *in, uint16_t *next, const uint8_t *add,
                                const uint8_t *sub, size_t ax, uint8_t *out, size_t n, int k,
                                uint32_t ds, uint32_t dd, int normalize) {
  const VU16 vdd = set16((uint16_t)dd), vdh = set16((uint16_t)(ds >> 16)),
             vdl = set16((uint16_t)(ds & 0xffff)), top = set16(255);
#define TVI_EMIT(i, s)                                                                             \
  st_u16_u8(out + (i),                                                                             \
            normalize ? srl16_7(add16(mullo16(add16(s, vdd), vdh), mulhi16(add16(s, vdd), vdl)))   \
                      : min16u(s, top))
#define TVI_NEXT(x)                                                                                \
  if (next)                                                                                        \
  st_u16(next + ax + (x),                                                                          \
         sub16(add16(ld_u16(in + ax + (x)), ld_u8_u16(add + (x))), ld_u8_u16(sub + (x))))
  size_t i = 0;
  if (k <= TVI_BOXSUM_DIRECT_MAX) {
    for (; i + N16 <= n; i += N16) {
      VU16 s = ld_u16(in + i);
      for (int j = 1; j < k; j++) s = add16(s, ld_u16(in + i + j));
      TVI_NEXT(i);
      TVI_EMIT(i, s);
    }
  } else if (n >= N16) {
    TVI_RUN_START(uint16_t, VU16, set16);
    for (; i + N16 <= n; i += N16) {
      VU16 s;
      TVI_RUN(VU16, s, i, ld_u16, sub16, add16, scan16, last16);
      TVI_NEXT(i);
      TVI_EMIT(i, s);
    }
  }
#undef TVI_NEXT
#undef TVI_EMIT
  tvi_boxsum_step_u16_u8_scalar(in + i, next ? next + i : NULL, next ? add + i : NULL,
                                next ? sub + i : NULL, ax, out + i, n - i, k, ds, dd, normalize);
}

/* u8 output of 32-bit sums scaled in float, two vectors a step (N16 columns of next). The window
 * sums of u16 are below 2^31 and scale <= 1: no clamping before the store saturates (rounding then
 * saturating at 255 gives what clamping at 255 then rounding gives). */
static void TVI_K(step_u16_u8f_)(const uint16_t *in, uint16_t *next, const uint8_t *add,
                                 const uint8_t *sub, size_t ax, uint8_t *out, size_t n, int k,
                                 float scale, int normalize) {
  const VF sc = setf(scale);
#define TVI_EMIT(i, s) st_u32_u8(out + (i), normalize ? cvt_f_s32(mulf(cvt_s32_f(s), sc)) : (s))
#define TVI_NEXT(x)                                                                                \
  if (next)                                                                                        \
  st_u16(next + ax + (x),                                                                          \
         sub16(add16(ld_u16(in + ax + (x)), ld_u8_u16(add + (x))), ld_u8_u16(sub + (x))))
  size_t i = 0;
  if (k <= TVI_BOXSUM_DIRECT_MAX) {
    for (; i + 2 * N32 <= n; i += 2 * N32) {
      VU32 a = ld_u16_u32(in + i), b = ld_u16_u32(in + i + N32);
      for (int j = 1; j < k; j++) {
        a = add32(a, ld_u16_u32(in + i + j));
        b = add32(b, ld_u16_u32(in + i + N32 + j));
      }
      TVI_NEXT(i);
      TVI_EMIT(i, a);
      TVI_EMIT(i + N32, b);
    }
  } else if (n >= 2 * N32) {
    TVI_RUN_START(uint16_t, VU32, set32);
    for (; i + 2 * N32 <= n; i += 2 * N32) {
      VU32 a, b;
      TVI_RUN(VU32, a, i, ld_u16_u32, sub32, add32, scan32, last32);
      TVI_RUN(VU32, b, i + N32, ld_u16_u32, sub32, add32, scan32, last32);
      TVI_NEXT(i);
      TVI_EMIT(i, a);
      TVI_EMIT(i + N32, b);
    }
  }
#undef TVI_NEXT
#undef TVI_EMIT
  tvi_boxsum_step_u16_u8f_scalar(in + i, next ? next + i : NULL, next ? add + i : NULL,
                                 next ? sub + i : NULL, ax, out + i, n - i, k, scale, normalize);
}
#undef TVI_RUN
#undef TVI_RUN_START

#define TVI_BOXSUM_TABLE                                                                           \
  {                                                                                                \
    TVI_K(col_u8_u16_), TVI_K(col_u16_u32_), TVI_K(hsum_u16_u32_), TVI_K(hsum_u32_u32_),           \
        TVI_K(step_u32_u16_), TVI_K(step_u16_u8_), TVI_K(step_u16_u8f_)                            \
  }

#endif
