/* The one door to OpenBLAS: single-threaded sgemm, with the BLAS thread count set once.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TVI_BLAS_H
#define TVI_BLAS_H

#include <stdint.h>

/* Makes OpenBLAS single-threaded (openblas_set_num_threads(1), once per process through
 * pthread_once). tubevision splits work across its context's threads itself, so the cores are
 * never oversubscribed. Called by tvi_sgemm; safe to call from any thread, any number of times. */
void tvi_blas_init(void);

/* Row-major C[m][n] = A[m][k] * B[k][n] (+ C when accumulate), with leading dimensions lda, ldb,
 * ldc. Runs on the calling thread only. Each element is summed in an order that depends only on
 * m, n, k and the operands' layout, not on other calls. */
void tvi_sgemm(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *b,
               int32_t ldb, float *c, int32_t ldc, int accumulate);

/* OpenBLAS's description of itself ("OpenBLAS 0.3.21 ... SkylakeX"), for benchmarks. */
const char *tvi_blas_config(void);

#endif
