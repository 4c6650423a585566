/* The morph family for AVX2: 256-bit vectors, from the shared vector code in morph_tmpl.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "morph.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))

#define MV __m256i
#define ML(p) _mm256_loadu_si256((const void *)(p))
#define MS(p, v) _mm256_storeu_si256((void *)(p), v)

#define MT uint8_t
#define MN (32 / 1)
#define MOP _mm256_min_epu8
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_u8_avx2
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP _mm256_max_epu8
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_u8_avx2
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#undef MN
#undef MT

#define MT uint16_t
#define MN (32 / 2)
#define MOP _mm256_min_epu16
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_u16_avx2
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP _mm256_max_epu16
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_u16_avx2
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#undef MN
#undef MT
#undef MV
#undef ML
#undef MS

#define MT float
#define MV __m256
#define MN (32 / 4)
#define ML(p) _mm256_loadu_ps(p)
#define MS(p, v) _mm256_storeu_ps(p, v)
#define MOP _mm256_min_ps
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_f32_avx2
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP _mm256_max_ps
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_f32_avx2
#include "morph_tmpl.h"

const tvi_morph_kernels tvi_morph_avx2 = {
    {{tvi_morph_vred_min_u8_avx2, tvi_morph_vred_max_u8_avx2},
     {tvi_morph_vred_min_u16_avx2, tvi_morph_vred_max_u16_avx2},
     {tvi_morph_vred_min_f32_avx2, tvi_morph_vred_max_f32_avx2}},
    {{tvi_morph_hred_min_u8_avx2, tvi_morph_hred_max_u8_avx2},
     {tvi_morph_hred_min_u16_avx2, tvi_morph_hred_max_u16_avx2},
     {tvi_morph_hred_min_f32_avx2, tvi_morph_hred_max_f32_avx2}},
};
