/* The sepconv kernel family: row (horizontal) and column (vertical) passes of separable filters.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_SEPCONV_H
#define TVI_SEPCONV_H

#include <stddef.h>
#include <stdint.h>

/* Every kernel writes n samples. Row kernels read `in` from the first tap of sample 0: tap j of
 * output sample i is in[i + j * cn] (cn = channels, the distance between two pixels). Column
 * kernels combine rows[0..kn) sample by sample. Integer kernels are exact: every variant gives the
 * scalar result bit for bit. Float kernels accumulate acc = acc + k[j] * x[j] from j = 0 with
 * separate roundings (no fused multiply-add), so they too agree bit for bit.
 *
 * Fixed-point Gaussian (OpenCV's GaussianBlur for 8U and 16U):
 *   row_q8:   out = sum k[j] * in (mod 2^16)                          u8 -> u16
 *   col_q8_w16: out = min(255, ((sum k[j] * rows[j]) mod 2^16 + rnd) >> shift), rnd = 2^shift / 2;
 *             only when the exact sum plus rnd fits 16 bits
 *   col_q8_w32: out = min(255, (sum k[j] * rows[j] + rnd) >> shift), the sum exact in 32 bits
 *   row_q16:  out = sum k[j] * in (mod 2^32)                          u16 -> u32
 *   col_q16:  out = min(65535, (sum k[j] * rows[j] + 2^31) >> 32), exact (64-bit); requires
 *             sum k[j] <= 2^16 (the kernel's fixed-point one)
 * Float (separable filters with float kernels, in f32):
 *   row_f32_<src>: out = sum k[j] * (float)in
 *   col_f32_<dst>: out = saturate(round_half_even(sum k[j] * rows[j] + delta)); f32: no rounding
 * Box (running sums; cost independent of the window):
 *   box_row_<src>_<sum>: out = sum of in[i + j * cn], j < kw (u16 sums mod 2^16)
 *   box_col_<sum>_<dst>: s = sum + add; out = f(s); sum = s - sub. f: see box.c (OpenCV's rules:
 *             u16 sums -> u8: min(255, ((s + dd) * ds) >> 23) in u32 (normalize) or min(s, 255);
 * s32: round_half_even((float)s * scale) saturated (normalize) or s saturated; f64 sums:
 *             round_half_even(s * scale) saturated, or (float)(s * scale) for f32). */
typedef struct tvi_sepconv_kernels {
  void (*row_q8)(const uint8_t *in, uint16_t *out, size_t n, const uint16_t *k, int kn, int cn);
  void (*col_q8_w16)(const uint16_t *const *rows, uint8_t *out, size_t n, const uint16_t *k, int kn,
                     int shift);
  void (*col_q8_w32)(const uint16_t *const *rows, uint8_t *out, size_t n, const uint16_t *k, int kn,
                     int shift);
  void (*row_q16)(const uint16_t *in, uint32_t *out, size_t n, const uint32_t *k, int kn, int cn);
  void (*col_q16)(const uint32_t *const *rows, uint16_t *out, size_t n, const uint32_t *k, int kn);

  void (*row_f32_u8)(const uint8_t *in, float *out, size_t n, const float *k, int kn, int cn);
  void (*row_f32_u16)(const uint16_t *in, float *out, size_t n, const float *k, int kn, int cn);
  void (*row_f32_f32)(const float *in, float *out, size_t n, const float *k, int kn, int cn);
  void (*col_f32_u8)(const float *const *rows, uint8_t *out, size_t n, const float *k, int kn,
                     float delta);
  void (*col_f32_u16)(const float *const *rows, uint16_t *out, size_t n, const float *k, int kn,
                      float delta);
  void (*col_f32_s16)(const float *const *rows, int16_t *out, size_t n, const float *k, int kn,
                      float delta);
  void (*col_f32_f32)(const float *const *rows, float *out, size_t n, const float *k, int kn,
                      float delta);

  void (*box_row_u8_u16)(const uint8_t *in, uint16_t *out, size_t n, int kw, int cn);
  void (*box_row_u8_s32)(const uint8_t *in, int32_t *out, size_t n, int kw, int cn);
  void (*box_row_u16_s32)(const uint16_t *in, int32_t *out, size_t n, int kw, int cn);
  void (*box_col_u16_u8)(uint16_t *sum, const uint16_t *add, const uint16_t *sub, uint8_t *out,
                         size_t n, uint32_t ds, uint32_t dd, int normalize);
  void (*box_col_s32_u8)(int32_t *sum, const int32_t *add, const int32_t *sub, uint8_t *out,
                         size_t n, float scale, int normalize);
  void (*box_col_s32_u16)(int32_t *sum, const int32_t *add, const int32_t *sub, uint16_t *out,
                          size_t n, float scale, int normalize);
  void (*box_col_s32_f32)(int32_t *sum, const int32_t *add, const int32_t *sub, float *out,
                          size_t n, float scale, int normalize);
  /* s32 sums of u16 row sums (u8 windows over 256 pixels but at most 257 wide): as box_col_s32_u8
   * with add and sub widened from u16. */
  void (*box_col_w16_s32_u8)(int32_t *sum, const uint16_t *add, const uint16_t *sub, uint8_t *out,
                             size_t n, float scale, int normalize);
} tvi_sepconv_kernels;

extern const tvi_sepconv_kernels tvi_sepconv_scalar;
extern const tvi_sepconv_kernels tvi_sepconv_sse4;
extern const tvi_sepconv_kernels tvi_sepconv_avx2;
extern const tvi_sepconv_kernels tvi_sepconv_avx512;
extern const tvi_sepconv_kernels tvi_sepconv_neon;

/* Scalar kernels, for ISA files to fall back on (tails and entries without a faster version). */
void tvi_sepconv_row_q8_scalar(const uint8_t *in, uint16_t *out, size_t n, const uint16_t *k,
                               int kn, int cn);
void tvi_sepconv_col_q8_w16_scalar(const uint16_t *const *rows, uint8_t *out, size_t n,
                                   const uint16_t *k, int kn, int shift);
void tvi_sepconv_col_q8_w32_scalar(const uint16_t *const *rows, uint8_t *out, size_t n,
                                   const uint16_t *k, int kn, int shift);
void tvi_sepconv_row_q16_scalar(const uint16_t *in, uint32_t *out, size_t n, const uint32_t *k,
                                int kn, int cn);
void tvi_sepconv_col_q16_scalar(const uint32_t *const *rows, uint16_t *out, size_t n,
                                const uint32_t *k, int kn);
void tvi_sepconv_row_f32_u8_scalar(const uint8_t *in, float *out, size_t n, const float *k, int kn,
                                   int cn);
void tvi_sepconv_row_f32_u16_scalar(const uint16_t *in, float *out, size_t n, const float *k,
                                    int kn, int cn);
void tvi_sepconv_row_f32_f32_scalar(const float *in, float *out, size_t n, const float *k, int kn,
                                    int cn);
void tvi_sepconv_col_f32_u8_scalar(const float *const *rows, uint8_t *out, size_t n, const float *k,
                                   int kn, float delta);
void tvi_sepconv_col_f32_u16_scalar(const float *const *rows, uint16_t *out, size_t n,
                                    const float *k, int kn, float delta);
void tvi_sepconv_col_f32_s16_scalar(const float *const *rows, int16_t *out, size_t n,
                                    const float *k, int kn, float delta);
void tvi_sepconv_col_f32_f32_scalar(const float *const *rows, float *out, size_t n, const float *k,
                                    int kn, float delta);
void tvi_sepconv_box_row_u8_u16_scalar(const uint8_t *in, uint16_t *out, size_t n, int kw, int cn);
void tvi_sepconv_box_row_u8_s32_scalar(const uint8_t *in, int32_t *out, size_t n, int kw, int cn);
void tvi_sepconv_box_row_u16_s32_scalar(const uint16_t *in, int32_t *out, size_t n, int kw, int cn);
void tvi_sepconv_box_col_u16_u8_scalar(uint16_t *sum, const uint16_t *add, const uint16_t *sub,
                                       uint8_t *out, size_t n, uint32_t ds, uint32_t dd,
                                       int normalize);
void tvi_sepconv_box_col_s32_u8_scalar(int32_t *sum, const int32_t *add, const int32_t *sub,
                                       uint8_t *out, size_t n, float scale, int normalize);
void tvi_sepconv_box_col_s32_u16_scalar(int32_t *sum, const int32_t *add, const int32_t *sub,
                                        uint16_t *out, size_t n, float scale, int normalize);
void tvi_sepconv_box_col_s32_f32_scalar(int32_t *sum, const int32_t *add, const int32_t *sub,
                                        float *out, size_t n, float scale, int normalize);
void tvi_sepconv_box_col_w16_s32_u8_scalar(int32_t *sum, const uint16_t *add, const uint16_t *sub,
                                           uint8_t *out, size_t n, float scale, int normalize);

#endif
