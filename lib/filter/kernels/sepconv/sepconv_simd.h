/* The sepconv family's vector kernels, written once over per-ISA primitives. An ISA file defines
 * TVI_ISA (its suffix), the vector types VU16/VU32/VS32/VF, the lane counts N16/N32 and the static
 * inline primitives used below, then includes this file. Tails go to the scalar kernels.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_SEPCONV_SIMD_H
#define TVI_SEPCONV_SIMD_H

#include "sepconv.h"

#if defined(__clang__) /* GCC does not contract across statements in ISO C mode */
#pragma STDC FP_CONTRACT OFF
#endif

#define TVI_CAT3_(a, b, c) a##b##c
#define TVI_CAT3(a, b, c) TVI_CAT3_(a, b, c)
#define TVI_K(name) TVI_CAT3(tvi_sepconv_, name, TVI_ISA)

static void TVI_K(row_q8_)(const uint8_t *in, uint16_t *out, size_t n, const uint16_t *k, int kn,
                           int cn) {
  size_t i = 0;
  for (; i + N16 <= n; i += N16) {
    VU16 acc = mul16(ld_u8_u16(in + i), set16(k[0]));
    for (int j = 1; j < kn; j++)
      acc = add16(acc, mul16(ld_u8_u16(in + i + (size_t)j * (size_t)cn), set16(k[j])));
    st_u16(out + i, acc);
  }
  tvi_sepconv_row_q8_scalar(in + i, out + i, n - i, k, kn, cn);
}

static void TVI_K(col_q8_w16_)(const uint16_t *const *rows, uint8_t *out, size_t n,
                               const uint16_t *k, int kn, int shift) {
  const VU16 rnd = set16((uint16_t)((1u << shift) >> 1)), top = set16(255);
  size_t i = 0;
  for (; i + N16 <= n; i += N16) {
    VU16 acc = mul16(ld_u16(rows[0] + i), set16(k[0]));
    for (int j = 1; j < kn; j++) acc = add16(acc, mul16(ld_u16(rows[j] + i), set16(k[j])));
    st_u16_u8(out + i, min16u(srl16(add16(acc, rnd), shift), top));
  }
  if (i < n) {
    const uint16_t *r[1024];
    for (int j = 0; j < kn; j++) r[j] = rows[j] + i;
    tvi_sepconv_col_q8_w16_scalar(r, out + i, n - i, k, kn, shift);
  }
}

static void TVI_K(col_q8_w32_)(const uint16_t *const *rows, uint8_t *out, size_t n,
                               const uint16_t *k, int kn, int shift) {
  const VU32 rnd = set32((1u << shift) >> 1), top = set32(255);
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    VU32 acc = mul32(ld_u16_u32(rows[0] + i), set32(k[0]));
    for (int j = 1; j < kn; j++) acc = add32(acc, mul32(ld_u16_u32(rows[j] + i), set32(k[j])));
    st_u32_u8(out + i, min32u(srl32(add32(acc, rnd), shift), top));
  }
  if (i < n) {
    const uint16_t *r[1024];
    for (int j = 0; j < kn; j++) r[j] = rows[j] + i;
    tvi_sepconv_col_q8_w32_scalar(r, out + i, n - i, k, kn, shift);
  }
}

static void TVI_K(row_q16_)(const uint16_t *in, uint32_t *out, size_t n, const uint32_t *k, int kn,
                            int cn) {
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    VU32 acc = mul32(ld_u16_u32(in + i), set32(k[0]));
    for (int j = 1; j < kn; j++)
      acc = add32(acc, mul32(ld_u16_u32(in + i + (size_t)j * (size_t)cn), set32(k[j])));
    st_u32(out + i, acc);
  }
  tvi_sepconv_row_q16_scalar(in + i, out + i, n - i, k, kn, cn);
}

/* sum k * r = 2^16 * sum k * (r >> 16) + sum k * (r & 0xffff), both sums exact in 32 bits. */
static void TVI_K(col_q16_)(const uint32_t *const *rows, uint16_t *out, size_t n, const uint32_t *k,
                            int kn) {
  const VU32 lo = set32(0xffff), half = set32(1u << 15), top = set32(65535);
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    VU32 a = set32(0), b = set32(0);
    for (int j = 0; j < kn; j++) {
      const VU32 r = ld_u32(rows[j] + i), kk = set32(k[j]);
      a = add32(a, mul32(srl32(r, 16), kk));
      b = add32(b, mul32(and32(r, lo), kk));
    }
    st_u32_u16(out + i, min32u(srl32(add32(add32(a, srl32(b, 16)), half), 16), top));
  }
  if (i < n) {
    const uint32_t *r[1024];
    for (int j = 0; j < kn; j++) r[j] = rows[j] + i;
    tvi_sepconv_col_q16_scalar(r, out + i, n - i, k, kn);
  }
}

#define TVI_ROW_F32_SIMD(name, T, load)                                                            \
  static void TVI_K(row_f32_##name##_)(const T *in, float *out, size_t n, const float *k, int kn,  \
                                       int cn) {                                                   \
    size_t i = 0;                                                                                  \
    for (; i + N32 <= n; i += N32) {                                                               \
      VF acc = addf(setf(0.0f), mulf(setf(k[0]), load(in + i)));                                   \
      for (int j = 1; j < kn; j++)                                                                 \
        acc = addf(acc, mulf(setf(k[j]), load(in + i + (size_t)j * (size_t)cn)));                  \
      stf(out + i, acc);                                                                           \
    }                                                                                              \
    tvi_sepconv_row_f32_##name##_scalar(in + i, out + i, n - i, k, kn, cn);                        \
  }
static inline VF tvi_ld_u8_f(const uint8_t *p) { return cvt_u32_f(ld_u8_u32(p)); }
static inline VF tvi_ld_u16_f(const uint16_t *p) { return cvt_u32_f(ld_u16_u32(p)); }
TVI_ROW_F32_SIMD(u8, uint8_t, tvi_ld_u8_f)
TVI_ROW_F32_SIMD(u16, uint16_t, tvi_ld_u16_f)
TVI_ROW_F32_SIMD(f32, float, ldf)

/* The first product is added to 0.0f as the scalar kernel does (it keeps -0.0 the same). */
static inline VF tvi_col_sum_f(const float *const *rows, size_t i, const float *k, int kn,
                               VF delta) {
  VF acc = addf(setf(0.0f), mulf(setf(k[0]), ldf(rows[0] + i)));
  for (int j = 1; j < kn; j++) acc = addf(acc, mulf(setf(k[j]), ldf(rows[j] + i)));
  return addf(acc, delta);
}

#define TVI_COL_F32_SIMD(name, T, lo, hi, store)                                                   \
  static void TVI_K(col_f32_##name##_)(const float *const *rows, T *out, size_t n, const float *k, \
                                       int kn, float delta) {                                      \
    const VF d = setf(delta), l = setf(lo), h = setf(hi);                                          \
    size_t i = 0;                                                                                  \
    for (; i + N32 <= n; i += N32)                                                                 \
      store(out + i, cvt_f_s32(minf(maxf(tvi_col_sum_f(rows, i, k, kn, d), l), h)));               \
    if (i < n) {                                                                                   \
      const float *r[64];                                                                          \
      for (int j = 0; j < kn; j++) r[j] = rows[j] + i;                                             \
      tvi_sepconv_col_f32_##name##_scalar(r, out + i, n - i, k, kn, delta);                        \
    }                                                                                              \
  }
TVI_COL_F32_SIMD(u8, uint8_t, 0.0f, 255.0f, st_s32_u8)
TVI_COL_F32_SIMD(u16, uint16_t, 0.0f, 65535.0f, st_s32_u16)
TVI_COL_F32_SIMD(s16, int16_t, -32768.0f, 32767.0f, st_s32_s16)

static void TVI_K(col_f32_f32_)(const float *const *rows, float *out, size_t n, const float *k,
                                int kn, float delta) {
  const VF d = setf(delta);
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    /* Same order as the scalar kernel: 0.0f + k0 * r0 + ... */
    stf(out + i, tvi_col_sum_f(rows, i, k, kn, d));
  }
  if (i < n) {
    const float *r[64];
    for (int j = 0; j < kn; j++) r[j] = rows[j] + i;
    tvi_sepconv_col_f32_f32_scalar(r, out + i, n - i, k, kn, delta);
  }
}

/* Box row sums of up to 16 taps summed directly (exact, so equal to the running sum). */
static void TVI_K(box_row_u8_u16_)(const uint8_t *in, uint16_t *out, size_t n, int kw, int cn) {
  size_t i = 0;
  if (kw <= 16) {
    for (; i + N16 <= n; i += N16) {
      VU16 acc = ld_u8_u16(in + i);
      for (int j = 1; j < kw; j++) acc = add16(acc, ld_u8_u16(in + i + (size_t)j * (size_t)cn));
      st_u16(out + i, acc);
    }
  }
  tvi_sepconv_box_row_u8_u16_scalar(in + i, out + i, n - i, kw, cn);
}

/* Box row sums into s32 of up to 16 taps summed directly; longer windows run the running sum. */
static void TVI_K(box_row_u8_s32_)(const uint8_t *in, int32_t *out, size_t n, int kw, int cn) {
  size_t i = 0;
  if (kw <= 16) {
    for (; i + N32 <= n; i += N32) {
      VU32 acc = ld_u8_u32(in + i);
      for (int j = 1; j < kw; j++) acc = add32(acc, ld_u8_u32(in + i + (size_t)j * (size_t)cn));
      st_u32((uint32_t *)out + i, acc);
    }
  }
  tvi_sepconv_box_row_u8_s32_scalar(in + i, out + i, n - i, kw, cn);
}

static void TVI_K(box_row_u16_s32_)(const uint16_t *in, int32_t *out, size_t n, int kw, int cn) {
  size_t i = 0;
  if (kw <= 16) {
    for (; i + N32 <= n; i += N32) {
      VU32 acc = ld_u16_u32(in + i);
      for (int j = 1; j < kw; j++) acc = add32(acc, ld_u16_u32(in + i + (size_t)j * (size_t)cn));
      st_u32((uint32_t *)out + i, acc);
    }
  }
  tvi_sepconv_box_row_u16_s32_scalar(in + i, out + i, n - i, kw, cn);
}

static void TVI_K(box_col_u16_u8_)(uint16_t *sum, const uint16_t *add, const uint16_t *sub,
                                   uint8_t *out, size_t n, uint32_t ds, uint32_t dd,
                                   int normalize) {
  const VU32 m = set32(0xffff), vds = set32(ds), vdd = set32(dd), top = set32(255);
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    const VU32 s = and32(add32(ld_u16_u32(sum + i), ld_u16_u32(add + i)), m);
    const VU32 o = normalize ? srl32(mul32(add32(s, vdd), vds), 23) : min32u(s, top);
    st_u32_u8(out + i, o);
    st_u32_u16(sum + i, and32(sub32(s, ld_u16_u32(sub + i)), m));
  }
  tvi_sepconv_box_col_u16_u8_scalar(sum + i, add + i, sub + i, out + i, n - i, ds, dd, normalize);
}

#define TVI_BOX_COL_S32_SIMD(name, T, lo, hi, store)                                               \
  static void TVI_K(box_col_s32_##name##_)(int32_t * sum, const int32_t *add, const int32_t *sub,  \
                                           T *out, size_t n, float scale, int normalize) {         \
    const VF sc = setf(scale), l = setf(lo), h = setf(hi);                                         \
    const VS32 il = sets32((int32_t)lo), ih = sets32((int32_t)hi);                                 \
    size_t i = 0;                                                                                  \
    for (; i + N32 <= n; i += N32) {                                                               \
      const VS32 s = adds32(lds32(sum + i), lds32(add + i));                                       \
      const VS32 o = normalize ? cvt_f_s32(minf(maxf(mulf(cvt_s32_f(s), sc), l), h))               \
                               : mins32(maxs32(s, il), ih);                                        \
      store(out + i, o);                                                                           \
      sts32(sum + i, subs32(s, lds32(sub + i)));                                                   \
    }                                                                                              \
    tvi_sepconv_box_col_s32_##name##_scalar(sum + i, add + i, sub + i, out + i, n - i, scale,      \
                                            normalize);                                            \
  }
TVI_BOX_COL_S32_SIMD(u8, uint8_t, 0.0f, 255.0f, st_s32_u8)
TVI_BOX_COL_S32_SIMD(u16, uint16_t, 0.0f, 65535.0f, st_s32_u16)

static void TVI_K(box_col_s32_f32_)(int32_t *sum, const int32_t *add, const int32_t *sub,
                                    float *out, size_t n, float scale, int normalize) {
  const VF sc = setf(normalize ? scale : 1.0f);
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    const VS32 s = adds32(lds32(sum + i), lds32(add + i));
    const VF f = cvt_s32_f(s);
    stf(out + i, normalize ? mulf(f, sc) : f);
    sts32(sum + i, subs32(s, lds32(sub + i)));
  }
  tvi_sepconv_box_col_s32_f32_scalar(sum + i, add + i, sub + i, out + i, n - i, scale, normalize);
}

#define TVI_SEPCONV_TABLE                                                                          \
  {                                                                                                \
    TVI_K(row_q8_), TVI_K(col_q8_w16_), TVI_K(col_q8_w32_), TVI_K(row_q16_), TVI_K(col_q16_),      \
        TVI_K(row_f32_u8_), TVI_K(row_f32_u16_), TVI_K(row_f32_f32_), TVI_K(col_f32_u8_),          \
        TVI_K(col_f32_u16_), TVI_K(col_f32_s16_), TVI_K(col_f32_f32_), TVI_K(box_row_u8_u16_),     \
        TVI_K(box_row_u8_s32_), TVI_K(box_row_u16_s32_), TVI_K(box_col_u16_u8_),                   \
        TVI_K(box_col_s32_u8_), TVI_K(box_col_s32_u16_), TVI_K(box_col_s32_f32_),                  \
  }

#endif
