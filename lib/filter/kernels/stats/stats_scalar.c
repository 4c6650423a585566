/* The stats family's scalar reference: the shared C kernels of stats_impl.h, not vectorized.
 * SPDX-License-Identifier: Apache-2.0 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "no-tree-vectorize") /* the reference stays scalar */
#endif
#define TVI_STATS_ISA scalar
#include "stats_impl.h"

const tvi_stats_kernels tvi_stats_scalar = TVI_STATS_TABLE;
