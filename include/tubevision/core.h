/* tubevision core: status codes, version, execution context, CPU dispatch levels.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_CORE_H
#define TUBEVISION_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TV_STATIC_DEFINE)
#define TV_API
#elif defined(_WIN32)
#ifdef TV_BUILDING_LIBRARY
#define TV_API __declspec(dllexport)
#else
#define TV_API __declspec(dllimport)
#endif
#else
#define TV_API __attribute__((visibility("default")))
#endif

#define TV_VERSION_MAJOR 0
#define TV_VERSION_MINOR 1
#define TV_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, as returned by tv_version_number(). */
#define TV_VERSION_NUMBER (TV_VERSION_MAJOR * 10000 + TV_VERSION_MINOR * 100 + TV_VERSION_PATCH)

/* Status codes. The values are pinned forever; new codes are only appended. */
typedef enum tv_status {
  TV_OK = 0,
  TV_ERR_NULL = 1,        /* a required pointer argument is NULL */
  TV_ERR_ARG = 2,         /* an argument is out of range or inconsistent */
  TV_ERR_NOMEM = 3,       /* memory allocation failed */
  TV_ERR_TOO_LARGE = 4,   /* a size exceeds the context's limits or overflows */
  TV_ERR_IO = 5,          /* a file could not be opened, read or written */
  TV_ERR_FORMAT = 6,      /* the data is not in any format this build reads */
  TV_ERR_CORRUPT = 7,     /* the data is malformed or truncated */
  TV_ERR_UNSUPPORTED = 8, /* valid, but a feature this library does not handle */
  TV_ERR_SIZE = 9,        /* image sizes do not match */
  TV_ERR_TYPE = 10,       /* pixel type or channel count not accepted here */
  TV_ERR_THREAD = 11,     /* a thread could not be created */
  TV_ERR_INTERNAL = 12    /* a bug in tubevision: please report it */
} tv_status;

/* The name of a status ("TV_ERR_CORRUPT"), or "TV_ERR_UNKNOWN" for a value not listed.
 * Never NULL; the string is static. Thread-safe. */
TV_API const char *tv_status_str(tv_status status);

/* The library's version, MAJOR * 10000 + MINOR * 100 + PATCH. Compare with TV_VERSION_NUMBER to
 * check that the headers match the library at run time. Thread-safe. */
TV_API int32_t tv_version_number(void);
/* The version as "MAJOR.MINOR.PATCH". Static string. Thread-safe. */
TV_API const char *tv_version_string(void);

/* SIMD instruction-set levels. On x86-64 they are ordered SCALAR < SSE4 < AVX2 < AVX512; on
 * aarch64 SCALAR < NEON. Values are pinned. */
typedef enum tv_isa {
  TV_ISA_SCALAR = 0, /* portable C */
  TV_ISA_SSE4 = 1,   /* SSE4.1 and SSE4.2 (x86-64) */
  TV_ISA_AVX2 = 2,   /* AVX2 + FMA (x86-64), with OS support for YMM state */
  TV_ISA_AVX512 = 3, /* AVX-512 F/BW/DQ/VL (x86-64), with OS support for ZMM state */
  TV_ISA_NEON = 4    /* Advanced SIMD (aarch64) */
} tv_isa;

/* Name of a level: "scalar", "sse4", "avx2", "avx512", "neon"; "unknown" otherwise. */
TV_API const char *tv_isa_name(tv_isa isa);
/* The best level this CPU and operating system support, detected once per process (cpuid and
 * XGETBV on x86-64). Ignores TV_CPU. Thread-safe. */
TV_API tv_isa tv_cpu_isa(void);

/* The execution context: thread count, SIMD cap, limits, thread pool, scratch and the last error.
 * A context is used by one thread at a time (or guarded by the caller); create one per thread. */
typedef struct tv_ctx tv_ctx;

/* Context options, set and read by key. Values are pinned. */
typedef enum tv_ctx_option {
  /* Worker threads for operations that split work (>= 1). Default: online CPUs, at most 64. */
  TV_CTX_THREADS = 1,
  /* Highest SIMD level kernels may use (a tv_isa). The active level is the lowest of this cap,
   * the CPU's level and the TV_CPU environment variable. Default: the CPU's level. */
  TV_CTX_SIMD_CAP = 2,
  /* Largest image accepted, in pixels (width * height), checked before any allocation.
   * Default 2^28. Range 1 .. 2^40. */
  TV_CTX_MAX_PIXELS = 3,
  /* Read only: the active SIMD level (a tv_isa). */
  TV_CTX_ACTIVE_ISA = 4,
  /* 1: operations whose float results could depend on how work is split (CNN inference) compute
   * in a fixed order, bit-identical for any thread count and run to run. 0 (default): the fastest
   * order, still identical run to run for one thread count. */
  TV_CTX_DETERMINISTIC = 5
} tv_ctx_option;

/* Creates a context with default options and writes it to *out (NULL on failure). Reads the
 * environment variable TV_CPU (scalar|sse4|avx2|avx512|neon) to force a lower SIMD level; a level
 * above the CPU's is clamped to the CPU's, an unknown value is ignored. Statuses: TV_OK,
 * TV_ERR_NULL, TV_ERR_NOMEM. Thread-safe. */
TV_API tv_status tv_ctx_create(tv_ctx **out);
/* Destroys a context and joins its threads. Accepts NULL. */
TV_API void tv_ctx_destroy(tv_ctx *ctx);
/* Sets an option. Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG (unknown key, read-only key or value
 * out of range; the option keeps its old value). */
TV_API tv_status tv_ctx_set(tv_ctx *ctx, tv_ctx_option key, int64_t value);
/* Reads an option into *value (0 on failure). Statuses: TV_OK, TV_ERR_NULL, TV_ERR_ARG. */
TV_API tv_status tv_ctx_get(tv_ctx *ctx, tv_ctx_option key, int64_t *value);
/* The message of the most recent failed call on this context, "function: detail"; "" before any
 * failure. Successful calls leave it as it is. Borrowed: valid until the next call on ctx. Never
 * NULL (a NULL ctx gives ""). */
TV_API const char *tv_ctx_last_error(const tv_ctx *ctx);
/* The status of the most recent failed call on this context; TV_OK before any failure. */
TV_API tv_status tv_ctx_last_status(const tv_ctx *ctx);

/* Frees memory that a tubevision function returned to the caller (for example an encoded image
 * buffer). Accepts NULL. */
TV_API void tv_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
