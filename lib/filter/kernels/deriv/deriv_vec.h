/* The deriv kernels written once over per-ISA vector macros; included by each deriv_<isa>.c.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_DERIV_VEC_H
#define TVI_DERIV_VEC_H

/* The including file defines, for its instruction set:
 *   TVI_DERIV_ISA        name suffix (sse4, avx2, ...)
 *   VI16, VI32, VF       vectors of N16 int16, N32 int32 and N32 float lanes
 *   LD8_16(p)            N16 u8 samples zero-extended to int16
 *   LD16_32(p), LD8_32(p) N32 u16 / u8 samples zero-extended to int32
 *   ADD16 SUB16 MUL16(v, k), ADD32 SUB32 MUL32(v, k)   wrapping lane arithmetic
 *   ST16_S16(p, v), ST16_F32(p, v)   store N16 lanes as s16 / f32
 *   ST32_S16(p, v), ST32_F32(p, v)   store N32 lanes as s16 (saturated) / f32
 *   CVTF(v)              int32 -> f32;  MAG(x, y)  sqrt(fma(x, x, y * y)) exactly as tvi_mag_f32
 *   STF_F32 STF_U8 STF_U16 (p, m)   store N32 magnitudes (u8/u16 rounded half to even, saturated)
 * Every operator's result fits its lanes (u8 sources: |value| <= 4080 in int16; u16 sources:
 * |value| <= 16 * 65535 in int32), so the lanes compute the exact integers of the reference. */
#include <string.h>

#include "deriv.h"

#define TVI_DCAT2(a, b) a##b
#define TVI_DCAT(a, b) TVI_DCAT2(a, b)
#define TVI_DN(base) TVI_DCAT(base, TVI_DERIV_ISA)

/* The operators over lane macros ADD, SUB, MUL and the neighbourhood a0..c2. */
#define TVI_X_SOBEL_DX(A, S, M) A(A(S(a2, a0), S(c2, c0)), M(S(b2, b0), 2))
#define TVI_X_SOBEL_DY(A, S, M) A(A(S(c0, a0), S(c2, a2)), M(S(c1, a1), 2))
#define TVI_X_SCHARR_DX(A, S, M) A(M(A(S(a2, a0), S(c2, c0)), 3), M(S(b2, b0), 10))
#define TVI_X_SCHARR_DY(A, S, M) A(M(A(S(c0, a0), S(c2, a2)), 3), M(S(c1, a1), 10))
#define TVI_X_LAP1(A, S, M) S(A(A(a1, c1), A(b0, b2)), M(b1, 4))
#define TVI_X_LAP3(A, S, M) S(M(A(A(a0, a2), A(c0, c2)), 2), M(b1, 8))
#define TVI_X_DX1(A, S, M) S(b2, b0)
#define TVI_X_DY1(A, S, M) S(c1, a1)

/* Loads the 3x3 neighbourhood of N samples at x (unused loads are dropped by the compiler). */
#define TVI_LOAD9(T, LD)                                                                           \
  const T a0 = LD(r0 + x - 1), a1 = LD(r0 + x), a2 = LD(r0 + x + 1);                               \
  const T b0 = LD(r1 + x - 1), b1 = LD(r1 + x), b2 = LD(r1 + x + 1);                               \
  const T c0 = LD(r2 + x - 1), c1 = LD(r2 + x), c2 = LD(r2 + x + 1);                               \
  (void)a0, (void)a1, (void)a2, (void)b0, (void)b1, (void)b2, (void)c0, (void)c1, (void)c2

/* Whole vectors over [0, n) (n >= N); the last vector overlaps the one before it when N does not
 * divide n, so there is no scalar tail. */
#define TVI_VLOOP(N, BODY)                                                                         \
  for (size_t x = 0;; x += (N)) {                                                                  \
    if (x + (N) > n) x = n - (N);                                                                  \
    BODY;                                                                                          \
    if (x + (N) >= n) break;                                                                       \
  }

#define TVI_D3_U8_CASE(K, X)                                                                       \
  case K:                                                                                          \
    if (out == TVI_DOUT_F32) {                                                                     \
      TVI_VLOOP(N16, TVI_LOAD9(VI16, LD8_16); ST16_F32((float *)dst + x, X(ADD16, SUB16, MUL16)))  \
    } else {                                                                                       \
      TVI_VLOOP(N16, TVI_LOAD9(VI16, LD8_16);                                                      \
                ST16_S16((int16_t *)dst + x, X(ADD16, SUB16, MUL16)))                              \
    }                                                                                              \
    break;

#define TVI_D3_U16_CASE(K, X)                                                                      \
  case K:                                                                                          \
    if (out == TVI_DOUT_F32) {                                                                     \
      TVI_VLOOP(N32, TVI_LOAD9(VI32, LD16_32); ST32_F32((float *)dst + x, X(ADD32, SUB32, MUL32))) \
    } else {                                                                                       \
      TVI_VLOOP(N32, TVI_LOAD9(VI32, LD16_32);                                                     \
                ST32_S16((int16_t *)dst + x, X(ADD32, SUB32, MUL32)))                              \
    }                                                                                              \
    break;

#define TVI_D3_CASES(CASE)                                                                         \
  CASE(TVI_D3_SOBEL_DX, TVI_X_SOBEL_DX)                                                            \
  CASE(TVI_D3_SOBEL_DY, TVI_X_SOBEL_DY)                                                            \
  CASE(TVI_D3_SCHARR_DX, TVI_X_SCHARR_DX)                                                          \
  CASE(TVI_D3_SCHARR_DY, TVI_X_SCHARR_DY)                                                          \
  CASE(TVI_D3_LAP1, TVI_X_LAP1)                                                                    \
  CASE(TVI_D3_LAP3, TVI_X_LAP3)                                                                    \
  CASE(TVI_D3_DX1, TVI_X_DX1)                                                                      \
  CASE(TVI_D3_DY1, TVI_X_DY1)

static void TVI_DN(tvi_deriv3_u8_)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                                   void *dst, int out, size_t n, int kind) {
  if (n < N16) {
    tvi_deriv3_u8_scalar(r0, r1, r2, dst, out, n, kind);
    return;
  }
  switch (kind) {
    TVI_D3_CASES(TVI_D3_U8_CASE)
  default: tvi_deriv3_u8_scalar(r0, r1, r2, dst, out, n, kind); break;
  }
}

static void TVI_DN(tvi_deriv3_u16_)(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2,
                                    void *dst, int out, size_t n, int kind) {
  if (n < N32) {
    tvi_deriv3_u16_scalar(r0, r1, r2, dst, out, n, kind);
    return;
  }
  switch (kind) {
    TVI_D3_CASES(TVI_D3_U16_CASE)
  default: tvi_deriv3_u16_scalar(r0, r1, r2, dst, out, n, kind); break;
  }
}

/* Gradient magnitude: gx, gy in int32 lanes, then MAG in f32 and the store for `out`. */
#define TVI_MAG_LOOP(LD, XX, XY)                                                                   \
  switch (out) {                                                                                   \
  case TVI_DOUT_F32:                                                                               \
    TVI_VLOOP(N32, TVI_LOAD9(VI32, LD);                                                            \
              STF_F32((float *)dst + x,                                                            \
                      MAG(CVTF(XX(ADD32, SUB32, MUL32)), CVTF(XY(ADD32, SUB32, MUL32)))))          \
    break;                                                                                         \
  case TVI_DOUT_U8:                                                                                \
    TVI_VLOOP(N32, TVI_LOAD9(VI32, LD);                                                            \
              STF_U8((uint8_t *)dst + x,                                                           \
                     MAG(CVTF(XX(ADD32, SUB32, MUL32)), CVTF(XY(ADD32, SUB32, MUL32)))))           \
    break;                                                                                         \
  default:                                                                                         \
    TVI_VLOOP(N32, TVI_LOAD9(VI32, LD);                                                            \
              STF_U16((uint16_t *)dst + x,                                                         \
                      MAG(CVTF(XX(ADD32, SUB32, MUL32)), CVTF(XY(ADD32, SUB32, MUL32)))))          \
    break;                                                                                         \
  }

static void TVI_DN(tvi_mag3_u8_)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, void *dst,
                                 int out, size_t n, int scharr) {
  if (n < N32) {
    tvi_mag3_u8_scalar(r0, r1, r2, dst, out, n, scharr);
    return;
  }
  if (scharr) {
    TVI_MAG_LOOP(LD8_32, TVI_X_SCHARR_DX, TVI_X_SCHARR_DY)
  } else {
    TVI_MAG_LOOP(LD8_32, TVI_X_SOBEL_DX, TVI_X_SOBEL_DY)
  }
}

static void TVI_DN(tvi_mag3_u16_)(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2,
                                  void *dst, int out, size_t n, int scharr) {
  if (n < N32) {
    tvi_mag3_u16_scalar(r0, r1, r2, dst, out, n, scharr);
    return;
  }
  if (scharr) {
    TVI_MAG_LOOP(LD16_32, TVI_X_SCHARR_DX, TVI_X_SCHARR_DY)
  } else {
    TVI_MAG_LOOP(LD16_32, TVI_X_SOBEL_DX, TVI_X_SOBEL_DY)
  }
}

/* The table of this instruction set's kernels. */
#define TVI_DERIV_TABLE                                                                            \
  { TVI_DN(tvi_deriv3_u8_), TVI_DN(tvi_deriv3_u16_), TVI_DN(tvi_mag3_u8_), TVI_DN(tvi_mag3_u16_) }

#endif
