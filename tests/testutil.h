/* Helpers shared by the Check tests: contexts, random images, the shared corpora, the runner.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVT_TESTUTIL_H
#define TVT_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "tubevision/tubevision.h"

/* Exit code that ctest reports as "skipped". */
#define TVT_SKIP 77

/* Folder holding datasets/ and corpora/ (TV_SHARED_DIR in the environment, else ../shared beside
 * the source tree), or NULL when it does not exist. */
const char *tvt_shared_dir(void);
/* path = shared/<rel>; returns NULL (and prints why) when ../shared or rel is missing. The string
 * is malloc'd. */
char *tvt_shared_path(const char *rel);
/* path = <source tree>/<rel>, malloc'd. */
char *tvt_source_path(const char *rel);

/* Reads a whole file (malloc'd, *size bytes); NULL if it cannot. */
uint8_t *tvt_read_file(const char *path, size_t *size);

/* A context with default options; fails the test if it cannot be made. */
tv_ctx *tvt_ctx(void);

/* Deterministic pseudo-random numbers (xorshift64*). */
uint64_t tvt_rand(uint64_t *state);
/* Fills every sample with random values (integer types: full range; f32: [-1000, 1000)). */
void tvt_fill_random(tv_image *img, uint64_t seed);
/* Whether two images have equal size, type, channels and samples (ignoring row padding). */
int tvt_images_equal(const tv_image *a, const tv_image *b);

/* Runs a suite with Check's runner and returns the process exit code (0 when all passed). */
int tvt_run(Suite *suite);

/* Asserts a status, showing the context's last error when it differs. */
#define tvt_assert_status(ctx, expr, want)                                                         \
  do {                                                                                             \
    tv_status tvt_got_ = (expr);                                                                   \
    ck_assert_msg(tvt_got_ == (want), "%s returned %s (%s), want %s", #expr,                       \
                  tv_status_str(tvt_got_), tv_ctx_last_error(ctx), tv_status_str(want));           \
  } while (0)
#define tvt_assert_ok(ctx, expr) tvt_assert_status(ctx, expr, TV_OK)

/* Asserts that the context's last error contains the text. */
#define tvt_assert_error_has(ctx, text)                                                            \
  ck_assert_msg(strstr(tv_ctx_last_error(ctx), (text)) != NULL, "error \"%s\" lacks \"%s\"",       \
                tv_ctx_last_error(ctx), (text))

#endif
