/* SHA-256 for conformance tests that compare decoded pixels with published digests.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVT_SHA256_H
#define TVT_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct tvt_sha256 {
  uint32_t h[8];
  uint64_t bytes;
  uint8_t buf[64];
  size_t fill;
} tvt_sha256;

void tvt_sha256_init(tvt_sha256 *s);
void tvt_sha256_update(tvt_sha256 *s, const void *data, size_t n);
/* Writes the digest as 64 lowercase hex digits plus NUL into hex[65]. */
void tvt_sha256_final_hex(tvt_sha256 *s, char hex[65]);

#endif
