/* Quick mode of the variant tests (TV_TEST_QUICK=1), for runs under an emulator such as qemu-user.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVT_TESTQUICK_H
#define TVT_TESTQUICK_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the environment variable TV_TEST_QUICK is set to anything but "" or "0", else 0. The only
 * place that reads it. In quick mode the variant tests run fewer lengths, sizes, parameters and
 * thread counts, but still odd lengths, misaligned starts, every border mode and every variant
 * the CPU runs against the scalar reference. */
static inline int tvt_quick(void) {
  const char *e = getenv("TV_TEST_QUICK");
  return e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
}

/* The next row length after n in quick mode: every length up to 40 (the scalar tails after zero,
 * one and two 16-byte vectors), then steps of 13 (odd, so both parities, and a different
 * remainder modulo 16 each time). */
static inline size_t tvt_quick_next(size_t n) { return n + (n < 40 ? 1 : 13); }

#endif
