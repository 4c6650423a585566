/* CPU feature detection (cpuid + XGETBV on x86-64, NEON on aarch64) and ISA ordering.
 * SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>

#include "dispatch.h"

#if TV_ARCH_X86
#include <cpuid.h>

static uint64_t tvi_xgetbv0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static tv_isa tvi_detect(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return TV_ISA_SCALAR;
  const int sse41 = (c >> 19) & 1, sse42 = (c >> 20) & 1, popcnt = (c >> 23) & 1;
  const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (!(sse41 && sse42 && popcnt)) return TV_ISA_SCALAR;
  tv_isa level = TV_ISA_SSE4;
  if (!(osxsave && avx && fma)) return level;
  /* The OS must save XMM and YMM state (XCR0 bits 1, 2) for AVX code to be safe. */
  const uint64_t xcr0 = tvi_xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return level;
  if (__get_cpuid_max(0, 0) < 7) return level;
  __cpuid_count(7, 0, a, b, c, d);
  const int avx2 = (b >> 5) & 1, bmi1 = (b >> 3) & 1, bmi2 = (b >> 8) & 1;
  if (!(avx2 && bmi1 && bmi2)) return level;
  level = TV_ISA_AVX2;
  const int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
  /* Opmask, upper ZMM0-15 and ZMM16-31 state (XCR0 bits 5, 6, 7). */
  if (f && dq && bw && vl && (xcr0 & 0xe0) == 0xe0) level = TV_ISA_AVX512;
  return level;
}
#elif TV_ARCH_ARM64
static tv_isa tvi_detect(void) { return TV_ISA_NEON; } /* Advanced SIMD is mandatory on ARMv8-A */
#else
static tv_isa tvi_detect(void) { return TV_ISA_SCALAR; }
#endif

static pthread_once_t tvi_cpu_once = PTHREAD_ONCE_INIT;
static tv_isa tvi_cpu_level = TV_ISA_SCALAR;

static void tvi_cpu_init(void) { tvi_cpu_level = tvi_detect(); }

tv_isa tv_cpu_isa(void) {
  pthread_once(&tvi_cpu_once, tvi_cpu_init);
  return tvi_cpu_level;
}

const char *tv_isa_name(tv_isa isa) {
  switch (isa) {
  case TV_ISA_SCALAR: return "scalar";
  case TV_ISA_SSE4: return "sse4";
  case TV_ISA_AVX2: return "avx2";
  case TV_ISA_AVX512: return "avx512";
  case TV_ISA_NEON: return "neon";
  }
  return "unknown";
}

/* Rank of a level on this architecture; -1 when it does not exist here. */
static int tvi_isa_rank(tv_isa isa) {
  switch (isa) {
  case TV_ISA_SCALAR: return 0;
#if TV_ARCH_X86
  case TV_ISA_SSE4: return 1;
  case TV_ISA_AVX2: return 2;
  case TV_ISA_AVX512: return 3;
#endif
#if TV_ARCH_ARM64
  case TV_ISA_NEON: return 1;
#endif
  default: return -1;
  }
}

int tvi_isa_allowed(tv_isa active, tv_isa isa) {
  const int r = tvi_isa_rank(isa);
  return r >= 0 && r <= tvi_isa_rank(active);
}

/* The lower of two levels that exist here (an unknown level counts as scalar). */
tv_isa tvi_isa_min(tv_isa a, tv_isa b) {
  const int ra = tvi_isa_rank(a), rb = tvi_isa_rank(b);
  if (ra < 0 || rb < 0) return TV_ISA_SCALAR;
  return ra <= rb ? a : b;
}

int tvi_isa_exists(tv_isa isa) { return tvi_isa_rank(isa) >= 0; }

size_t tvi_select_index(tv_isa active, const tv_isa *first, size_t elem_size, size_t count) {
  const unsigned char *p = (const unsigned char *)first;
  for (size_t i = 0; i < count; i++) {
    const tv_isa isa = *(const tv_isa *)(const void *)(p + i * elem_size);
    if (tvi_isa_allowed(active, isa)) return i;
  }
  return count - 1; /* the scalar reference is always last */
}
