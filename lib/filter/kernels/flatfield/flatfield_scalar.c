/* The flatfield family's scalar reference kernels: the specification of every variant.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>

/* One sample at a time: the loop in flatfield_body.h's tail is the whole kernel. */
#define TVI_ISA scalar
#define TVI_VN 1
#define TVI_V float
#define TVI_LD_U8(p) ((float)*(p))
#define TVI_LD_U16(p) ((float)*(p))
#define TVI_LD_F32(p) (*(p))
#define TVI_SUB(a, b) ((a) - (b))
#define TVI_MUL(a, b) ((a) * (b))
#define TVI_ST_U8(p, v) (*(p) = (uint8_t)tvi_ff_clamp((v), 255.0f))
#define TVI_ST_U16(p, v) (*(p) = (uint16_t)tvi_ff_clamp((v), 65535.0f))
#define TVI_ST_F32(p, v) (*(p) = (v))
#include "flatfield_body.h"
