/* The stats family for avx512: the shared C kernels of stats_impl.h compiled with this file's
 * flags. SPDX-License-Identifier: Apache-2.0 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3") /* vectorize the one-channel loops even in -O2 builds */
#endif
#define TVI_STATS_ISA avx512
#include "stats_impl.h"

const tvi_stats_kernels tvi_stats_avx512 = TVI_STATS_TABLE;
