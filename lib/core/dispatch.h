/* Kernel dispatch: pick the best variant of a kernel family for a context's SIMD level.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_DISPATCH_H
#define TVI_DISPATCH_H

#include "internal.h"

#if defined(__x86_64__) || defined(_M_X64)
#define TV_ARCH_X86 1
#else
#define TV_ARCH_X86 0
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#define TV_ARCH_ARM64 1
#else
#define TV_ARCH_ARM64 0
#endif

/* Whether a kernel built for `isa` may run at the active level `active`. */
int tvi_isa_allowed(tv_isa active, tv_isa isa);

/* The lower of two levels on this architecture (an unknown level counts as scalar). */
tv_isa tvi_isa_min(tv_isa a, tv_isa b);
/* Whether a level exists on this architecture. */
int tvi_isa_exists(tv_isa isa);

/* A kernel family is a list file (<family>.inc) with one line per variant, best first, scalar
 * last:   TV_KERNEL(TV_ISA_AVX2, tvi_absdiff_u8_avx2)
 * and a table made from it:
 *   static const struct { tv_isa isa; absdiff_fn fn; const char *name; } absdiff_table[] = {
 *   #define TV_KERNEL(isa, fn) {isa, fn, #fn},
 *   #include "absdiff.inc"
 *   #undef TV_KERNEL
 *   };
 * TVI_SELECT gives the index of the first variant the context may run; the scalar entry last
 * guarantees one. Tests iterate over the same table to compare every variant with the scalar. */
#define TVI_SELECT(ctx, table)                                                                     \
  tvi_select_index((ctx)->active, &(table)[0].isa, sizeof((table)[0]),                             \
                   sizeof(table) / sizeof((table)[0]))
size_t tvi_select_index(tv_isa active, const tv_isa *first, size_t elem_size, size_t count);

#endif
