/* The one place that decides OpenBLAS threading: always one thread, set once per process;
 * tubevision splits work across its context's threads itself, so cores are never oversubscribed.
 * SPDX-License-Identifier: Apache-2.0 */
#include <cblas.h>
#include <pthread.h>

#include "nn/blas.h"

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void blas_single_thread(void) { openblas_set_num_threads(1); }

void tvi_blas_init(void) { pthread_once(&blas_once, blas_single_thread); }

void tvi_sgemm(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *b,
               int32_t ldb, float *c, int32_t ldc, int accumulate) {
  tvi_blas_init();
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
              accumulate ? 1.0f : 0.0f, c, ldc);
}

const char *tvi_blas_config(void) {
  tvi_blas_init();
  return openblas_get_config();
}
