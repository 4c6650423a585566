/* The morph family for AVX-512 (BW): 512-bit vectors, from the shared vector code in morph_tmpl.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include <immintrin.h>

#include "morph.h"

#define MINS(a, b) ((a) < (b) ? (a) : (b))
#define MAXS(a, b) ((a) > (b) ? (a) : (b))

#define MV __m512i
#define ML(p) _mm512_loadu_si512((const void *)(p))
#define MS(p, v) _mm512_storeu_si512((void *)(p), v)

#define MT uint8_t
#define MN (64 / 1)
#define MOP _mm512_min_epu8
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_u8_avx512
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP _mm512_max_epu8
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_u8_avx512
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#undef MN
#undef MT

#define MT uint16_t
#define MN (64 / 2)
#define MOP _mm512_min_epu16
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_u16_avx512
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP _mm512_max_epu16
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_u16_avx512
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
#define MV __m512
#define MN (64 / 4)
#define ML(p) _mm512_loadu_ps(p)
#define MS(p, v) _mm512_storeu_ps(p, v)
#define MOP _mm512_min_ps
#define MSOP MINS
#define MNAME(x) tvi_morph_##x##_min_f32_avx512
#include "morph_tmpl.h"
#undef MOP
#undef MSOP
#undef MNAME
#define MOP _mm512_max_ps
#define MSOP MAXS
#define MNAME(x) tvi_morph_##x##_max_f32_avx512
#include "morph_tmpl.h"

const tvi_morph_kernels tvi_morph_avx512 = {
    {{tvi_morph_vred_min_u8_avx512, tvi_morph_vred_max_u8_avx512},
     {tvi_morph_vred_min_u16_avx512, tvi_morph_vred_max_u16_avx512},
     {tvi_morph_vred_min_f32_avx512, tvi_morph_vred_max_f32_avx512}},
    {{tvi_morph_hred_min_u8_avx512, tvi_morph_hred_max_u8_avx512},
     {tvi_morph_hred_min_u16_avx512, tvi_morph_hred_max_u16_avx512},
     {tvi_morph_hred_min_f32_avx512, tvi_morph_hred_max_f32_avx512}},
};
