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
 * and for the separable passes:
 *   SET16(k), SET32(k), MULV16(a, b), MULV32(a, b)   broadcast, lane-by-lane products
 *   LDS32(p), STS32(p, v)   N32 int32 lanes;  ST16_S32(p, v)  N16 int16 lanes stored as int32
 *   VD, ND (= N32 / 2)      vectors of ND double lanes: SETD ADDD MULD LDD STD
 *   LDF_D(p)             ND f32 samples as doubles;  CVTD_LO(v), CVTD_HI(v)  halves of N32 int32
 *   STD_S16(p, d)        ND doubles stored as s16 as tvi_round_s16;  STD_F32(p, d)  as f32
 *   STI_S16(p, d)        as STD_S16 for doubles that are not NaN (integer sums times a finite
 * scale) Every operator's result, and every partial sum below, fits its lanes (u8 sources: |value|
 * <= 4080 in int16; u16 sources: |value| <= 16 * 65535 in int32), so the lanes compute the exact
 * integers of the reference. */
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
#define TVI_X_DXX(A, S, M)                                                                         \
  A(S(A(A(a0, a2), A(c0, c2)), M(A(a1, c1), 2)), M(S(A(b0, b2), A(b1, b1)), 2))
#define TVI_X_DYY(A, S, M)                                                                         \
  A(S(A(A(a0, c0), A(a2, c2)), M(A(b0, b2), 2)), M(S(A(a1, c1), A(b1, b1)), 2))
#define TVI_X_DXY(A, S, M) A(S(a0, a2), S(c2, c0))
#define TVI_X_DXX1(A, S, M) S(A(b0, b2), A(b1, b1))
#define TVI_X_DYY1(A, S, M) S(A(a1, c1), A(b1, b1))

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

/* Stores N32 int32 lanes s at dst + x as s * scale + delta (f64) in s16 or f32, by out. */
static inline void TVI_DN(tvi_aff32_)(VI32 s, void *dst, size_t x, int out, VD sc, VD de) {
  if (out == TVI_DOUT_S16) {
    STI_S16((int16_t *)dst + x, ADDD(MULD(CVTD_LO(s), sc), de));
    STI_S16((int16_t *)dst + x + ND, ADDD(MULD(CVTD_HI(s), sc), de));
  } else {
    STD_F32((float *)dst + x, ADDD(MULD(CVTD_LO(s), sc), de));
    STD_F32((float *)dst + x + ND, ADDD(MULD(CVTD_HI(s), sc), de));
  }
}
/* The same for N16 int16 lanes (widened through memory). */
static inline void TVI_DN(tvi_aff16_)(VI16 s, void *dst, size_t x, int out, VD sc, VD de) {
  int32_t t[N16];
  ST16_S32(t, s);
  TVI_DN(tvi_aff32_)(LDS32(t), dst, x, out, sc, de);
  TVI_DN(tvi_aff32_)(LDS32(t + N32), dst, x + N32, out, sc, de);
}

#define TVI_D3_U8_CASE(K, X)                                                                       \
  case K:                                                                                          \
    if (!plain) {                                                                                  \
      TVI_VLOOP(N16, TVI_LOAD9(VI16, LD8_16);                                                      \
                TVI_DN(tvi_aff16_)(X(ADD16, SUB16, MUL16), dst, x, out, sc, de))                   \
    } else if (out == TVI_DOUT_F32) {                                                              \
      TVI_VLOOP(N16, TVI_LOAD9(VI16, LD8_16); ST16_F32((float *)dst + x, X(ADD16, SUB16, MUL16)))  \
    } else {                                                                                       \
      TVI_VLOOP(N16, TVI_LOAD9(VI16, LD8_16);                                                      \
                ST16_S16((int16_t *)dst + x, X(ADD16, SUB16, MUL16)))                              \
    }                                                                                              \
    break;

#define TVI_D3_U16_CASE(K, X)                                                                      \
  case K:                                                                                          \
    if (!plain) {                                                                                  \
      TVI_VLOOP(N32, TVI_LOAD9(VI32, LD16_32);                                                     \
                TVI_DN(tvi_aff32_)(X(ADD32, SUB32, MUL32), dst, x, out, sc, de))                   \
    } else if (out == TVI_DOUT_F32) {                                                              \
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
  CASE(TVI_D3_DY1, TVI_X_DY1)                                                                      \
  CASE(TVI_D3_DXX, TVI_X_DXX)                                                                      \
  CASE(TVI_D3_DYY, TVI_X_DYY)                                                                      \
  CASE(TVI_D3_DXY, TVI_X_DXY)                                                                      \
  CASE(TVI_D3_DXX1, TVI_X_DXX1)                                                                    \
  CASE(TVI_D3_DYY1, TVI_X_DYY1)

/* scale 1 and delta 0 store D directly (the same values as the affine step gives). */
static void TVI_DN(tvi_deriv3_u8_)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                                   void *dst, int out, size_t n, int kind, double scale,
                                   double delta) {
  if (n < N16) {
    tvi_deriv3_u8_scalar(r0, r1, r2, dst, out, n, kind, scale, delta);
    return;
  }
  const int plain = scale == 1.0 && delta == 0.0;
  const VD sc = SETD(scale), de = SETD(delta);
  switch (kind) {
    TVI_D3_CASES(TVI_D3_U8_CASE)
  default: tvi_deriv3_u8_scalar(r0, r1, r2, dst, out, n, kind, scale, delta); break;
  }
}

static void TVI_DN(tvi_deriv3_u16_)(const uint16_t *r0, const uint16_t *r1, const uint16_t *r2,
                                    void *dst, int out, size_t n, int kind, double scale,
                                    double delta) {
  if (n < N32) {
    tvi_deriv3_u16_scalar(r0, r1, r2, dst, out, n, kind, scale, delta);
    return;
  }
  const int plain = scale == 1.0 && delta == 0.0;
  const VD sc = SETD(scale), de = SETD(delta);
  switch (kind) {
    TVI_D3_CASES(TVI_D3_U16_CASE)
  default: tvi_deriv3_u16_scalar(r0, r1, r2, dst, out, n, kind, scale, delta); break;
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

/* ---- separable passes ---------------------------------------------------------------------- */

/* The passes are written for a constant tap count and instantiated for 1..TVI_DTAPS, so that the
 * tap loops unroll and the taps and row pointers stay in registers. */
#define TVI_DINL static inline __attribute__((always_inline))
#define TVI_BY_NT(C)                                                                               \
  switch (nt) {                                                                                    \
  case 1: C(1); break;                                                                             \
  case 2: C(2); break;                                                                             \
  case 3: C(3); break;                                                                             \
  case 4: C(4); break;                                                                             \
  case 5: C(5); break;                                                                             \
  case 6: C(6); break;                                                                             \
  default: C(7); break;                                                                            \
  }

/* u8 column pass in int16 lanes: the contract (sum |k| <= 128) keeps every partial sum exact. */
TVI_DINL void TVI_DN(tvi_dcol_u8_nt_)(const uint8_t *const *rows, const int32_t *k, const int nt,
                                      int32_t *dst, size_t n) {
  const uint8_t *p[TVI_DTAPS];
  VI16 kv[TVI_DTAPS];
  for (int i = 0; i < nt; i++) {
    p[i] = rows[i];
    kv[i] = SET16(k[i]);
  }
  TVI_VLOOP(N16, VI16 s = MULV16(LD8_16(p[0] + x), kv[0]);
            for (int i = 1; i < nt; i++) s = ADD16(s, MULV16(LD8_16(p[i] + x), kv[i]));
            ST16_S32(dst + x, s))
}

static void TVI_DN(tvi_dcol_u8_)(const uint8_t *const *rows, const int32_t *k, int nt, int32_t *dst,
                                 size_t n) {
  if (n < N16 || nt < 1 || nt > TVI_DTAPS) {
    tvi_dcol_u8_scalar(rows, k, nt, dst, n);
    return;
  }
#define TVI_C(N) TVI_DN(tvi_dcol_u8_nt_)(rows, k, N, dst, n)
  TVI_BY_NT(TVI_C)
#undef TVI_C
}

TVI_DINL void TVI_DN(tvi_dcol_u16_nt_)(const uint16_t *const *rows, const int32_t *k, const int nt,
                                       int32_t *dst, size_t n) {
  const uint16_t *p[TVI_DTAPS];
  VI32 kv[TVI_DTAPS];
  for (int i = 0; i < nt; i++) {
    p[i] = rows[i];
    kv[i] = SET32(k[i]);
  }
  TVI_VLOOP(N32, VI32 s = MULV32(LD16_32(p[0] + x), kv[0]);
            for (int i = 1; i < nt; i++) s = ADD32(s, MULV32(LD16_32(p[i] + x), kv[i]));
            STS32(dst + x, s))
}

static void TVI_DN(tvi_dcol_u16_)(const uint16_t *const *rows, const int32_t *k, int nt,
                                  int32_t *dst, size_t n) {
  if (n < N32 || nt < 1 || nt > TVI_DTAPS) {
    tvi_dcol_u16_scalar(rows, k, nt, dst, n);
    return;
  }
#define TVI_C(N) TVI_DN(tvi_dcol_u16_nt_)(rows, k, N, dst, n)
  TVI_BY_NT(TVI_C)
#undef TVI_C
}

/* f32 column pass: the same f64 operations in the same order as the scalar reference. */
static void TVI_DN(tvi_dcol_f32_)(const float *const *rows, const int32_t *k, int nt, double *dst,
                                  size_t n) {
  if (n < ND || nt < 1 || nt > TVI_DTAPS) {
    tvi_dcol_f32_scalar(rows, k, nt, dst, n);
    return;
  }
  const float *p[TVI_DTAPS];
  VD kv[TVI_DTAPS];
  for (int i = 0; i < nt; i++) {
    p[i] = rows[i];
    kv[i] = SETD((double)k[i]);
  }
  TVI_VLOOP(ND, VD s = SETD(0.0);
            for (int i = 0; i < nt; i++) s = ADDD(s, MULD(kv[i], LDF_D(p[i] + x))); STD(dst + x, s))
}

/* Row pass sums: s over N32 int32 lanes, sd over ND double lanes. */
#define TVI_DROW_S32_SUM                                                                           \
  VI32 s = acc ? LDS32(acc + x) : SET32(0);                                                        \
  for (int i = 0; i < nt; i++) s = ADD32(s, MULV32(LDS32(v + x + o[i]), kv[i]))
#define TVI_DROW_F64_SUM                                                                           \
  VD s = acc ? LDD(acc + x) : SETD(0.0);                                                           \
  for (int i = 0; i < nt; i++) s = ADDD(s, MULD(kv[i], LDD(v + x + o[i])))

TVI_DINL void TVI_DN(tvi_drow_s32_nt_)(const int32_t *v, const int32_t *off, const int32_t *k,
                                       const int nt, const int32_t *acc, void *dst, int out,
                                       size_t n, double scale, double delta) {
  size_t o[TVI_DTAPS];
  VI32 kv[TVI_DTAPS];
  for (int i = 0; i < nt; i++) {
    o[i] = (size_t)off[i];
    kv[i] = SET32(k[i]);
  }
  /* s * 1 + 0 is s exactly, and s16 / f32 of an int32 round once as rint / (float) of it. */
  const int plain = scale == 1.0 && delta == 0.0;
  const VD sc = SETD(scale), de = SETD(delta);
  if (out == TVI_DOUT_ACC) {
    TVI_VLOOP(N32, TVI_DROW_S32_SUM; STS32((int32_t *)dst + x, s))
  } else if (out == TVI_DOUT_S16 && plain) {
    TVI_VLOOP(N32, TVI_DROW_S32_SUM; ST32_S16((int16_t *)dst + x, s))
  } else if (plain) {
    TVI_VLOOP(N32, TVI_DROW_S32_SUM; ST32_F32((float *)dst + x, s))
  } else {
    TVI_VLOOP(N32, TVI_DROW_S32_SUM; TVI_DN(tvi_aff32_)(s, dst, x, out, sc, de))
  }
}

static void TVI_DN(tvi_drow_s32_)(const int32_t *v, const int32_t *off, const int32_t *k, int nt,
                                  const int32_t *acc, void *dst, int out, size_t n, double scale,
                                  double delta) {
  if (n < N32 || nt < 1 || nt > TVI_DTAPS) {
    tvi_drow_s32_scalar(v, off, k, nt, acc, dst, out, n, scale, delta);
    return;
  }
#define TVI_C(N) TVI_DN(tvi_drow_s32_nt_)(v, off, k, N, acc, dst, out, n, scale, delta)
  TVI_BY_NT(TVI_C)
#undef TVI_C
}

static void TVI_DN(tvi_drow_f64_)(const double *v, const int32_t *off, const int32_t *k, int nt,
                                  const double *acc, void *dst, int out, size_t n, double scale,
                                  double delta) {
  if (n < ND || nt < 1 || nt > TVI_DTAPS) {
    tvi_drow_f64_scalar(v, off, k, nt, acc, dst, out, n, scale, delta);
    return;
  }
  size_t o[TVI_DTAPS];
  VD kv[TVI_DTAPS];
  for (int i = 0; i < nt; i++) {
    o[i] = (size_t)off[i];
    kv[i] = SETD((double)k[i]);
  }
  const VD sc = SETD(scale), de = SETD(delta);
  if (out == TVI_DOUT_ACC) {
    TVI_VLOOP(ND, TVI_DROW_F64_SUM; STD((double *)dst + x, s))
  } else if (out == TVI_DOUT_S16) {
    TVI_VLOOP(ND, TVI_DROW_F64_SUM; STD_S16((int16_t *)dst + x, ADDD(MULD(s, sc), de)))
  } else {
    TVI_VLOOP(ND, TVI_DROW_F64_SUM; STD_F32((float *)dst + x, ADDD(MULD(s, sc), de)))
  }
}

/* The table of this instruction set's kernels. */
#define TVI_DERIV_TABLE                                                                            \
  {                                                                                                \
    TVI_DN(tvi_deriv3_u8_), TVI_DN(tvi_deriv3_u16_), TVI_DN(tvi_mag3_u8_), TVI_DN(tvi_mag3_u16_),  \
        TVI_DN(tvi_dcol_u8_), TVI_DN(tvi_dcol_u16_), TVI_DN(tvi_dcol_f32_), TVI_DN(tvi_drow_s32_), \
        TVI_DN(tvi_drow_f64_)                                                                      \
  }

#endif
