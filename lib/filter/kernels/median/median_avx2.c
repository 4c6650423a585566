/* The median family for AVX2: 256-bit vectors, from the shared vector code in median_tmpl.h (the
 * histogram kernels are the scalar ones). SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "median.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))
#define MV __m256i
#define ML(p) _mm256_loadu_si256((const void *)(p))
#define MS(p, v) _mm256_storeu_si256((void *)(p), v)
#define MSMIN MINS
#define MSMAX MAXS

#define MT uint8_t
#define MN 32
#define MMIN _mm256_min_epu8
#define MMAX _mm256_max_epu8
#define MNAME(x) tvi_median_##x##_u8_avx2
#include "median_tmpl.h"
#undef MT
#undef MN
#undef MMIN
#undef MMAX
#undef MNAME

#define MT uint16_t
#define MN (32 / 2)
#define MMIN _mm256_min_epu16
#define MMAX _mm256_max_epu16
#define MNAME(x) tvi_median_##x##_u16_avx2
#include "median_tmpl.h"

const tvi_median_kernels tvi_median_avx2 = {
    {tvi_median_med3_u8_avx2, tvi_median_med3_u16_avx2},
    {{tvi_median_colsort5_u8_avx2, tvi_median_colsort7_u8_avx2},
     {tvi_median_colsort5_u16_avx2, tvi_median_colsort7_u16_avx2}},
    {{tvi_median_row5_u8_avx2, tvi_median_row7_u8_avx2},
     {tvi_median_row5_u16_avx2, tvi_median_row7_u16_avx2}},
    {tvi_median_hist_u8_scalar, tvi_median_hist_u16_scalar},
};
