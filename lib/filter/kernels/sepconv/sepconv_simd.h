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

/* Symmetric kernels (every Gaussian) add mirrored taps before multiplying: the same value mod 2^16.
 * 3 and 5 taps are unrolled. */
static inline int tvi_symmetric16(const uint16_t *k, int kn) {
  for (int j = 0; j < kn / 2; j++)
    if (k[j] != k[kn - 1 - j]) return 0;
  return kn % 2;
}

static void TVI_K(row_q8_)(const uint8_t *in, uint16_t *out, size_t n, const uint16_t *k, int kn,
                           int cn) {
  size_t i = 0;
  const size_t c = (size_t)cn;
  if (kn == 3 && tvi_symmetric16(k, kn)) {
    const VU16 k0 = set16(k[0]), k1 = set16(k[1]);
    for (; i + N16 <= n; i += N16) {
      const VU16 e = add16(ld_u8_u16(in + i), ld_u8_u16(in + i + 2 * c));
      st_u16(out + i, add16(mul16(e, k0), mul16(ld_u8_u16(in + i + c), k1)));
    }
  } else if (kn == 5 && tvi_symmetric16(k, kn)) {
    const VU16 k0 = set16(k[0]), k1 = set16(k[1]), k2 = set16(k[2]);
    for (; i + N16 <= n; i += N16) {
      const VU16 e0 = add16(ld_u8_u16(in + i), ld_u8_u16(in + i + 4 * c));
      const VU16 e1 = add16(ld_u8_u16(in + i + c), ld_u8_u16(in + i + 3 * c));
      st_u16(out + i,
             add16(add16(mul16(e0, k0), mul16(e1, k1)), mul16(ld_u8_u16(in + i + 2 * c), k2)));
    }
  } else if (tvi_symmetric16(k, kn)) {
    const int h = kn / 2;
    for (; i + N16 <= n; i += N16) {
      VU16 acc = mul16(ld_u8_u16(in + i + (size_t)h * c), set16(k[h]));
      for (int j = 0; j < h; j++)
        acc = add16(acc, mul16(add16(ld_u8_u16(in + i + (size_t)j * c),
                                     ld_u8_u16(in + i + (size_t)(kn - 1 - j) * c)),
                               set16(k[j])));
      st_u16(out + i, acc);
    }
  } else {
    for (; i + N16 <= n; i += N16) {
      VU16 acc = mul16(ld_u8_u16(in + i), set16(k[0]));
      for (int j = 1; j < kn; j++)
        acc = add16(acc, mul16(ld_u8_u16(in + i + (size_t)j * c), set16(k[j])));
      st_u16(out + i, acc);
    }
  }
  tvi_sepconv_row_q8_scalar(in + i, out + i, n - i, k, kn, cn);
}

static void TVI_K(col_q8_w16_)(const uint16_t *const *rows, uint8_t *out, size_t n,
                               const uint16_t *k, int kn, int shift) {
  const VU16 rnd = set16((uint16_t)((1u << shift) >> 1)), top = set16(255);
  size_t i = 0;
  if (kn == 3 && tvi_symmetric16(k, kn)) {
    const VU16 k0 = set16(k[0]), k1 = set16(k[1]);
    const uint16_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    for (; i + N16 <= n; i += N16) {
      const VU16 acc =
          add16(mul16(add16(ld_u16(r0 + i), ld_u16(r2 + i)), k0), mul16(ld_u16(r1 + i), k1));
      st_u16_u8(out + i, min16u(srl16(add16(acc, rnd), shift), top));
    }
  } else if (kn == 5 && tvi_symmetric16(k, kn)) {
    const VU16 k0 = set16(k[0]), k1 = set16(k[1]), k2 = set16(k[2]);
    const uint16_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3], *r4 = rows[4];
    for (; i + N16 <= n; i += N16) {
      const VU16 acc = add16(add16(mul16(add16(ld_u16(r0 + i), ld_u16(r4 + i)), k0),
                                   mul16(add16(ld_u16(r1 + i), ld_u16(r3 + i)), k1)),
                             mul16(ld_u16(r2 + i), k2));
      st_u16_u8(out + i, min16u(srl16(add16(acc, rnd), shift), top));
    }
  } else {
    for (; i + N16 <= n; i += N16) {
      VU16 acc = mul16(ld_u16(rows[0] + i), set16(k[0]));
      for (int j = 1; j < kn; j++) acc = add16(acc, mul16(ld_u16(rows[j] + i), set16(k[j])));
      st_u16_u8(out + i, min16u(srl16(add16(acc, rnd), shift), top));
    }
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

static inline int tvi_symmetric32(const uint32_t *k, int kn) {
  for (int j = 0; j < kn / 2; j++)
    if (k[j] != k[kn - 1 - j]) return 0;
  return kn % 2;
}

/* log2 of a power of two, else -1 (power-of-two taps multiply by shifting: the same mod 2^32). */
static inline int tvi_log2_32(uint32_t v) {
  if (v == 0 || (v & (v - 1)) != 0) return -1;
  int p = 0;
  while (v >>= 1) p++;
  return p;
}

/* Symmetric kernels add mirrored taps first (the same value mod 2^32). */
static void TVI_K(row_q16_)(const uint16_t *in, uint32_t *out, size_t n, const uint32_t *k, int kn,
                            int cn) {
  size_t i = 0;
  const size_t c = (size_t)cn;
  const int p0 = kn == 3 ? tvi_log2_32(k[0]) : -1, p1 = kn == 3 ? tvi_log2_32(k[1]) : -1;
  if (kn == 3 && tvi_symmetric32(k, kn) && p0 >= 0 && p1 >= 0) { /* 3x3: 2^14 (1 2 1) */
    for (; i + N32 <= n; i += N32) {
      const VU32 e = add32(ld_u16_u32(in + i), ld_u16_u32(in + i + 2 * c));
      st_u32(out + i, add32(sll32(e, p0), sll32(ld_u16_u32(in + i + c), p1)));
    }
  } else if (kn == 3 && tvi_symmetric32(k, kn)) {
    const VU32 k0 = set32(k[0]), k1 = set32(k[1]);
    for (; i + N32 <= n; i += N32) {
      const VU32 e = add32(ld_u16_u32(in + i), ld_u16_u32(in + i + 2 * c));
      st_u32(out + i, add32(mul32(e, k0), mul32(ld_u16_u32(in + i + c), k1)));
    }
  } else if (tvi_symmetric32(k, kn)) {
    const int h = kn / 2;
    for (; i + N32 <= n; i += N32) {
      VU32 acc = mul32(ld_u16_u32(in + i + (size_t)h * c), set32(k[h]));
      for (int j = 0; j < h; j++)
        acc = add32(acc, mul32(add32(ld_u16_u32(in + i + (size_t)j * c),
                                     ld_u16_u32(in + i + (size_t)(kn - 1 - j) * c)),
                               set32(k[j])));
      st_u32(out + i, acc);
    }
  } else {
    for (; i + N32 <= n; i += N32) {
      VU32 acc = mul32(ld_u16_u32(in + i), set32(k[0]));
      for (int j = 1; j < kn; j++)
        acc = add32(acc, mul32(ld_u16_u32(in + i + (size_t)j * c), set32(k[j])));
      st_u32(out + i, acc);
    }
  }
  tvi_sepconv_row_q16_scalar(in + i, out + i, n - i, k, kn, cn);
}

/* sum k * r = 2^16 * sum k * (r >> 16) + sum k * (r & 0xffff), both sums exact in 32 bits (sum k
 * <= 2^16); symmetric kernels add the mirrored halves first, which keeps both sums the same. */
static void TVI_K(col_q16_)(const uint32_t *const *rows, uint16_t *out, size_t n, const uint32_t *k,
                            int kn) {
  const VU32 lo = set32(0xffff), half = set32(1u << 15), top = set32(65535);
  size_t i = 0;
  const int p0 = kn == 3 ? tvi_log2_32(k[0]) : -1, p1 = kn == 3 ? tvi_log2_32(k[1]) : -1;
  if (kn == 3 && tvi_symmetric32(k, kn) && p0 >= 0 && p1 >= 0) { /* power-of-two taps: shifts */
    const uint32_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    for (; i + N32 <= n; i += N32) {
      const VU32 x0 = ld_u32(r0 + i), x1 = ld_u32(r1 + i), x2 = ld_u32(r2 + i);
      const VU32 a =
          add32(sll32(add32(srl32(x0, 16), srl32(x2, 16)), p0), sll32(srl32(x1, 16), p1));
      const VU32 b =
          add32(sll32(add32(and32(x0, lo), and32(x2, lo)), p0), sll32(and32(x1, lo), p1));
      st_u32_u16(out + i, min32u(srl32(add32(add32(a, srl32(b, 16)), half), 16), top));
    }
  } else if (kn == 3 && tvi_symmetric32(k, kn)) {
    const VU32 k0 = set32(k[0]), k1 = set32(k[1]);
    const uint32_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    for (; i + N32 <= n; i += N32) {
      const VU32 x0 = ld_u32(r0 + i), x1 = ld_u32(r1 + i), x2 = ld_u32(r2 + i);
      const VU32 a =
          add32(mul32(add32(srl32(x0, 16), srl32(x2, 16)), k0), mul32(srl32(x1, 16), k1));
      const VU32 b =
          add32(mul32(add32(and32(x0, lo), and32(x2, lo)), k0), mul32(and32(x1, lo), k1));
      st_u32_u16(out + i, min32u(srl32(add32(add32(a, srl32(b, 16)), half), 16), top));
    }
  } else if (tvi_symmetric32(k, kn)) {
    const int h = kn / 2;
    for (; i + N32 <= n; i += N32) {
      const VU32 xc = ld_u32(rows[h] + i), kc = set32(k[h]);
      VU32 a = mul32(srl32(xc, 16), kc), b = mul32(and32(xc, lo), kc);
      for (int j = 0; j < h; j++) {
        const VU32 x = ld_u32(rows[j] + i), y = ld_u32(rows[kn - 1 - j] + i), kk = set32(k[j]);
        a = add32(a, mul32(add32(srl32(x, 16), srl32(y, 16)), kk));
        b = add32(b, mul32(add32(and32(x, lo), and32(y, lo)), kk));
      }
      st_u32_u16(out + i, min32u(srl32(add32(add32(a, srl32(b, 16)), half), 16), top));
    }
  } else {
    for (; i + N32 <= n; i += N32) {
      VU32 a = set32(0), b = set32(0);
      for (int j = 0; j < kn; j++) {
        const VU32 r = ld_u32(rows[j] + i), kk = set32(k[j]);
        a = add32(a, mul32(srl32(r, 16), kk));
        b = add32(b, mul32(and32(r, lo), kk));
      }
      st_u32_u16(out + i, min32u(srl32(add32(add32(a, srl32(b, 16)), half), 16), top));
    }
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

/* Integer sources: each sample is converted to float once (exactly) into a block on the stack, and
 * the taps read floats from there; the products and sums are those of the direct loop. */
enum { TVI_ROW_BLOCK = 512, TVI_ROW_SPAN = 256 };
/* m outputs (a multiple of N32) from the float block; called with constant kn for short kernels,
 * so that the taps unroll and their weights stay in registers. */
static inline void tvi_row_f32_block(const float *buf, float *out, size_t m, const float *k,
                                     const int kn, size_t cn) {
  for (size_t b = 0; b < m; b += N32) {
    VF acc = addf(setf(0.0f), mulf(setf(k[0]), ldf(buf + b)));
    for (int j = 1; j < kn; j++) acc = addf(acc, mulf(setf(k[j]), ldf(buf + b + (size_t)j * cn)));
    stf(out + b, acc);
  }
}
#define TVI_ROW_F32_INT_SIMD(name, T, load)                                                        \
  static void TVI_K(row_f32_##name##_)(const T *in, float *out, size_t n, const float *k, int kn,  \
                                       int cn) {                                                   \
    float buf[TVI_ROW_BLOCK + TVI_ROW_SPAN];                                                       \
    const size_t span = (size_t)(kn - 1) * (size_t)cn;                                             \
    size_t i = 0;                                                                                  \
    if (span <= TVI_ROW_SPAN)                                                                      \
      while (i + N32 <= n) {                                                                       \
        size_t m = n - i < TVI_ROW_BLOCK ? n - i : TVI_ROW_BLOCK;                                  \
        m -= m % N32;                                                                              \
        size_t t = 0;                                                                              \
        for (; t + N32 <= m + span; t += N32) stf(buf + t, load(in + i + t));                      \
        for (; t < m + span; t++) buf[t] = (float)in[i + t];                                       \
        switch (kn) {                                                                              \
        case 3: tvi_row_f32_block(buf, out + i, m, k, 3, (size_t)cn); break;                       \
        case 5: tvi_row_f32_block(buf, out + i, m, k, 5, (size_t)cn); break;                       \
        case 7: tvi_row_f32_block(buf, out + i, m, k, 7, (size_t)cn); break;                       \
        default: tvi_row_f32_block(buf, out + i, m, k, kn, (size_t)cn); break;                     \
        }                                                                                          \
        i += m;                                                                                    \
      }                                                                                            \
    tvi_sepconv_row_f32_##name##_scalar(in + i, out + i, n - i, k, kn, cn);                        \
  }
TVI_ROW_F32_INT_SIMD(u8, uint8_t, tvi_ld_u8_f)
TVI_ROW_F32_INT_SIMD(u16, uint16_t, tvi_ld_u16_f)
TVI_ROW_F32_SIMD(f32, float, ldf)

/* The first product is added to 0.0f as the scalar kernel does (it keeps -0.0 the same). */
static inline VF tvi_col_sum_f(const float *const *rows, size_t i, const float *k, int kn,
                               VF delta) {
  VF acc = addf(setf(0.0f), mulf(setf(k[0]), ldf(rows[0] + i)));
  for (int j = 1; j < kn; j++) acc = addf(acc, mulf(setf(k[j]), ldf(rows[j] + i)));
  return addf(acc, delta);
}

/* The column loop, called with constant kn for short kernels (unrolled, weights and row pointers
 * in registers). Returns the number of samples done. */
#define TVI_COL_FIX_MAX 7
#define TVI_COL_F32_SIMD(name, T, lo, hi, store)                                                   \
  static inline size_t TVI_K(col_f32_##name##_run_)(const float *const *rows, T *out, size_t n,    \
                                                    const float *k, const int kn, float delta) {   \
    const VF d = setf(delta), l = setf(lo), h = setf(hi);                                          \
    size_t i = 0;                                                                                  \
    if (kn <= TVI_COL_FIX_MAX) {                                                                   \
      VF kv[TVI_COL_FIX_MAX];                                                                      \
      const float *r[TVI_COL_FIX_MAX];                                                             \
      for (int j = 0; j < kn; j++) {                                                               \
        kv[j] = setf(k[j]);                                                                        \
        r[j] = rows[j];                                                                            \
      }                                                                                            \
      for (; i + N32 <= n; i += N32) {                                                             \
        VF acc = addf(setf(0.0f), mulf(kv[0], ldf(r[0] + i)));                                     \
        for (int j = 1; j < kn; j++) acc = addf(acc, mulf(kv[j], ldf(r[j] + i)));                  \
        store(out + i, cvt_f_s32(minf(maxf(addf(acc, d), l), h)));                                 \
      }                                                                                            \
    } else {                                                                                       \
      for (; i + N32 <= n; i += N32)                                                               \
        store(out + i, cvt_f_s32(minf(maxf(tvi_col_sum_f(rows, i, k, kn, d), l), h)));             \
    }                                                                                              \
    return i;                                                                                      \
  }                                                                                                \
  static void TVI_K(col_f32_##name##_)(const float *const *rows, T *out, size_t n, const float *k, \
                                       int kn, float delta) {                                      \
    size_t i;                                                                                      \
    switch (kn) {                                                                                  \
    case 3: i = TVI_K(col_f32_##name##_run_)(rows, out, n, k, 3, delta); break;                    \
    case 5: i = TVI_K(col_f32_##name##_run_)(rows, out, n, k, 5, delta); break;                    \
    case 7: i = TVI_K(col_f32_##name##_run_)(rows, out, n, k, 7, delta); break;                    \
    default: i = TVI_K(col_f32_##name##_run_)(rows, out, n, k, kn, delta); break;                  \
    }                                                                                              \
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

/* Box row sums. Short windows sum their taps directly; longer ones on one channel run the running
 * sum on vectors: d[i] = in[i + kw - 1] - in[i - 1], out = prefix sum of d (in-register scan plus
 * the previous vector's last lane), so the cost does not depend on the window. Exact in 32-bit
 * wrapping arithmetic (every out is a true window sum), hence equal to the scalar running sum. */
#define TVI_BOX_DIRECT_MAX 9
#define TVI_BOX_SCAN(T, load, store)                                                               \
  do {                                                                                             \
    if (cn == 1 && kw > TVI_BOX_DIRECT_MAX && n > N32) {                                           \
      uint32_t s0 = 0;                                                                             \
      for (int j = 0; j < kw; j++) s0 += in[j];                                                    \
      VU32 carry = set32(s0);                                                                      \
      out[0] = (T)s0;                                                                              \
      for (i = 1; i + N32 <= n; i += N32) {                                                        \
        const VU32 p = add32(scan32(sub32(load(in + i + kw - 1), load(in + i - 1))), carry);       \
        store(out + i, p);                                                                         \
        carry = last32(p);                                                                         \
      }                                                                                            \
    }                                                                                              \
  } while (0)

static void TVI_K(box_row_u8_u16_)(const uint8_t *in, uint16_t *out, size_t n, int kw, int cn) {
  size_t i = 0;
  if (kw <= TVI_BOX_DIRECT_MAX || cn != 1) {
    if (kw <= 16)
      for (; i + N16 <= n; i += N16) {
        VU16 acc = ld_u8_u16(in + i);
        for (int j = 1; j < kw; j++) acc = add16(acc, ld_u8_u16(in + i + (size_t)j * (size_t)cn));
        st_u16(out + i, acc);
      }
  } else if (kw <= 257) { /* true sums fit 16 bits (longer windows: the scalar sums mod 2^16) */
#ifdef TVI_HAVE_SCAN16
    /* The same running sum on 16-bit lanes: exact mod 2^16, and every true sum fits 16 bits. */
    if (cn == 1 && n > N16) {
      uint32_t s0 = 0;
      for (int j = 0; j < kw; j++) s0 += in[j];
      VU16 carry = set16((uint16_t)s0);
      out[0] = (uint16_t)s0;
      for (i = 1; i + N16 <= n; i += N16) {
        const VU16 p =
            add16(scan16(sub16(ld_u8_u16(in + i + kw - 1), ld_u8_u16(in + i - 1))), carry);
        st_u16(out + i, p);
        carry = last16(p);
      }
    }
#else
    TVI_BOX_SCAN(uint16_t, ld_u8_u32, st_u32_u16); /* sums <= 257 * 255: the narrowing is exact */
#endif
  }
  tvi_sepconv_box_row_u8_u16_scalar(in + i, out + i, n - i, kw, cn);
}

static inline void tvi_box_st_s32(int32_t *p, VU32 v) { st_u32((uint32_t *)p, v); }

static void TVI_K(box_row_u8_s32_)(const uint8_t *in, int32_t *out, size_t n, int kw, int cn) {
  size_t i = 0;
  if (kw <= TVI_BOX_DIRECT_MAX || cn != 1) {
    if (kw <= 16)
      for (; i + N32 <= n; i += N32) {
        VU32 acc = ld_u8_u32(in + i);
        for (int j = 1; j < kw; j++) acc = add32(acc, ld_u8_u32(in + i + (size_t)j * (size_t)cn));
        st_u32((uint32_t *)out + i, acc);
      }
  } else {
    TVI_BOX_SCAN(int32_t, ld_u8_u32, tvi_box_st_s32);
  }
  tvi_sepconv_box_row_u8_s32_scalar(in + i, out + i, n - i, kw, cn);
}

static void TVI_K(box_row_u16_s32_)(const uint16_t *in, int32_t *out, size_t n, int kw, int cn) {
  size_t i = 0;
  if (kw <= TVI_BOX_DIRECT_MAX || cn != 1) {
    if (kw <= 16)
      for (; i + N32 <= n; i += N32) {
        VU32 acc = ld_u16_u32(in + i);
        for (int j = 1; j < kw; j++) acc = add32(acc, ld_u16_u32(in + i + (size_t)j * (size_t)cn));
        st_u32((uint32_t *)out + i, acc);
      }
  } else {
    TVI_BOX_SCAN(int32_t, ld_u16_u32, tvi_box_st_s32);
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

static void TVI_K(box_col_w16_s32_u8_)(int32_t *sum, const uint16_t *add, const uint16_t *sub,
                                       uint8_t *out, size_t n, float scale, int normalize) {
  const VF sc = setf(scale), l = setf(0.0f), h = setf(255.0f);
  const VS32 il = sets32(0), ih = sets32(255);
  size_t i = 0;
  for (; i + N32 <= n; i += N32) {
    const VS32 s = adds32(lds32(sum + i), as_s32(ld_u16_u32(add + i)));
    const VS32 o =
        normalize ? cvt_f_s32(minf(maxf(mulf(cvt_s32_f(s), sc), l), h)) : mins32(maxs32(s, il), ih);
    st_s32_u8(out + i, o);
    sts32(sum + i, subs32(s, as_s32(ld_u16_u32(sub + i))));
  }
  tvi_sepconv_box_col_w16_s32_u8_scalar(sum + i, add + i, sub + i, out + i, n - i, scale,
                                        normalize);
}

#define TVI_SEPCONV_TABLE                                                                          \
  {                                                                                                \
    TVI_K(row_q8_), TVI_K(col_q8_w16_), TVI_K(col_q8_w32_), TVI_K(row_q16_), TVI_K(col_q16_),      \
        TVI_K(row_f32_u8_), TVI_K(row_f32_u16_), TVI_K(row_f32_f32_), TVI_K(col_f32_u8_),          \
        TVI_K(col_f32_u16_), TVI_K(col_f32_s16_), TVI_K(col_f32_f32_), TVI_K(box_row_u8_u16_),     \
        TVI_K(box_row_u8_s32_), TVI_K(box_row_u16_s32_), TVI_K(box_col_u16_u8_),                   \
        TVI_K(box_col_s32_u8_), TVI_K(box_col_s32_u16_), TVI_K(box_col_s32_f32_),                  \
        TVI_K(box_col_w16_s32_u8_),                                                                \
  }

#endif
