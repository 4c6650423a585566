/* tubevision filters: arithmetic, statistics, convolution, derivatives, morphology, median,
 * thresholds, flat-field and shading correction, resizing, connected components.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_FILTER_H
#define TUBEVISION_FILTER_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Conventions for every function here, unless its comment says otherwise:
 * - src and dst are images made by the caller (tv_image_create, tv_image_wrap, views); dst must
 *   already have the size and type the operation writes. Nothing is allocated per call beyond
 *   scratch rows, and the context's threads split the work in row bands.
 * - dst may be the same image as src only where the comment says "in place"; any other overlap
 *   gives TV_ERR_ARG.
 * - Statuses: TV_OK; TV_ERR_NULL (a NULL pointer); TV_ERR_ARG (a parameter out of range, bad
 *   overlap); TV_ERR_SIZE (sizes or channel counts differ); TV_ERR_TYPE (a pixel type or channel
 *   count the operation does not take); TV_ERR_NOMEM. On failure dst is left untouched.
 * - Thread-safe for different contexts; a context is used by one thread at a time. */

/* How pixels outside the image are made up, as OpenCV defines them:
 * REPLICATE   aaaaaa|abcdefgh|hhhhhhh
 * REFLECT101  fedcb|abcdefgh|gfedcba
 * CONSTANT    vvvvvv|abcdefgh|vvvvvvv (v = border_value) */
typedef enum tv_border {
  TV_BORDER_REPLICATE = 0,
  TV_BORDER_REFLECT101 = 1,
  TV_BORDER_CONSTANT = 2
} tv_border;

/* ---- arithmetic (u8, u16, s16, f32; any channel count; in place allowed) ----------------------
 */

/* dst = |a - b|. a, b and dst have the same size, channels and type. */
TV_API tv_status tv_absdiff(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst);
/* dst = saturate(a + b). */
TV_API tv_status tv_add(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst);
/* dst = saturate(a - b). */
TV_API tv_status tv_subtract(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst);
/* dst = saturate(round(a * b * scale)), rounding half to even, computed as cv::multiply does:
 * u8, u16 and s16 as ((float)scale * a) * b in f32; f32 in f32 when scale is within FLT_EPSILON
 * of 1, else (scale * a) * b in double rounded to f32. Two deliberate differences from OpenCV:
 * products of 2^31 or more saturate (OpenCV's conversion overflows there), and OpenCV computes the
 * last (samples mod 16) of a row in double when scale is not 1, where an exact halfway case can
 * round differently by 1. scale must be finite. */
TV_API tv_status tv_multiply(tv_ctx *ctx, const tv_image *a, const tv_image *b, tv_image *dst,
                             double scale);

/* ---- statistics --------------------------------------------------------------------------------
 */

/* Per-channel minimum and maximum of src (any type); min[c], max[c] for c < channels (arrays of 4;
 * the rest set to 0). NaN samples are ignored. */
TV_API tv_status tv_min_max(tv_ctx *ctx, const tv_image *src, double min[4], double max[4]);
/* Per-channel mean and population standard deviation of src (any type). */
TV_API tv_status tv_mean_stddev(tv_ctx *ctx, const tv_image *src, double mean[4], double stddev[4]);
/* Histogram of a 1-channel u8 or u16 image. hist has nbins entries: for u8 nbins = 256; for u16
 * nbins is a power of two from 256 to 65536 and bin = value >> (16 - log2(nbins)). hist is
 * overwritten. */
TV_API tv_status tv_histogram(tv_ctx *ctx, const tv_image *src, uint64_t *hist, int32_t nbins);

/* ---- convolution (u8, u16, f32; 1, 3 or 4 channels) -------------------------------------------
 */

/* Separable convolution: each row with kx[0..kx_len), then each column with ky[0..ky_len),
 * anchored at the kernel centres (lengths odd, 1..63), plus delta; the result saturated and
 * rounded to dst's type. src and dst have the same size and channels; dst's type may differ
 * (u8 -> f32, u8 -> s16, ...; dst u8, u16, s16 or f32). Computed in f32, products and sums rounded
 * separately in a fixed order, so every SIMD level gives the same bits: f32 destinations within
 * 1e-4 of the exact sum relative to sum|kx| * sum|ky| * max|src| (kernels whose terms cancel lose
 * relative accuracy); integer destinations (rounded half to even) within 1 of it. Not in place:
 * any overlap of src and dst gives TV_ERR_ARG. */
TV_API tv_status tv_sep_filter(tv_ctx *ctx, const tv_image *src, tv_image *dst, const float *kx,
                               int32_t kx_len, const float *ky, int32_t ky_len, double delta,
                               tv_border border, double border_value);
/* Gaussian blur, the kernel as OpenCV's getGaussianKernel: ksize_x/ksize_y odd, or 0 to derive it
 * from sigma (round(sigma * (u8 ? 3 : 4) * 2 + 1) | 1); sigma <= 0 derives sigma from ksize
 * (0.3 * ((ksize - 1) * 0.5 - 1) + 0.8); sigma_y 0 means sigma_x. u8 output equals
 * cv::GaussianBlur bit for bit, and so does u16 (OpenCV 4.6's Q8 and Q16 fixed point; the kernel's
 * exp comes from libm where OpenCV uses its softfloat exp, which could in principle move one
 * fixed-point tap at an exact rounding tie); f32 within 1e-5 relative (f32 sums). ksize at most
 * 1023; as OpenCV, a 1-row (1-column) image is not blurred vertically (horizontally) unless the
 * border is CONSTANT. CONSTANT uses border_value rounded and saturated to src's type.
 * src and dst same size, channels and type; in place allowed. */
TV_API tv_status tv_gaussian(tv_ctx *ctx, const tv_image *src, tv_image *dst, double sigma_x,
                             double sigma_y, int32_t ksize_x, int32_t ksize_y, tv_border border,
                             double border_value);
/* Box (mean) filter over kw x kh (1..1023 each, anchored at the centre, even sizes anchor at
 * size / 2); normalize != 0 divides by kw * kh (as cv::blur), otherwise the sum saturated to dst.
 * Cost does not depend on the window size. Same size and channels; dst type same as src, or f32.
 * In place allowed. u8 and u16 results equal cv::boxFilter (sums and rounding as OpenCV 4.6 picks
 * them: u8 windows up to 256 pixels in 16-bit sums with its 23-bit reciprocal, else 32-bit sums
 * scaled in float, u16 windows over 32768 pixels and f32 in double), except that OpenCV scales
 * the last (width * channels mod its vector width) samples of a row in double instead of float:
 * there, with 32-bit sums, a result can differ by 1. */
TV_API tv_status tv_box(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t kw, int32_t kh,
                        int32_t normalize, tv_border border, double border_value);

/* ---- derivatives (1-channel u8, u16 or f32 source; s16 or f32 destination) --------------------
 */

/* Sobel derivative of order dx, dy (0..2, dx + dy >= 1) with aperture ksize 1, 3, 5 or 7, as
 * cv::Sobel: dst = saturate(derivative * scale + delta). */
TV_API tv_status tv_sobel(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t dx, int32_t dy,
                          int32_t ksize, double scale, double delta, tv_border border,
                          double border_value);
/* 3x3 Scharr derivative (dx, dy) = (1, 0) or (0, 1), as cv::Scharr. */
TV_API tv_status tv_scharr(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t dx, int32_t dy,
                           double scale, double delta, tv_border border, double border_value);
/* Laplacian with ksize 1 or 3, as cv::Laplacian. */
TV_API tv_status tv_laplacian(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t ksize,
                              double scale, double delta, tv_border border, double border_value);
/* Accuracy of the derivatives against OpenCV 4.6: u8 sources exact for every kind, order, ksize,
 * border, scale and delta; u16 sources exact except Sobel ksize 7, where OpenCV's f32 sums pass
 * 2^24 and lose precision (ours is the exact value; OpenCV's is up to 1 off for s16 and about
 * 2^-22 of the largest output off for f32); f32 sources are summed in double (within 1 for s16;
 * for f32 within 2^-20 of |scale| * sum |kernel| * max |src|, OpenCV's f32 rounding, measured up
 * to 8.1e-7 of the largest output). u16 -> s16 Laplacian and f32 -> s16, which OpenCV lacks,
 * follow the same definition. Fused single-pass SIMD paths cover the 3x3 (and ksize 1) operators
 * on u8/u16; other cases use a separable SIMD path (exact int32 for u8/u16, f64 for f32). */
/* Gradient magnitude sqrt(gx^2 + gy^2) of the 3x3 Sobel (or Scharr when scharr != 0) derivatives,
 * to an f32 dst (or u8/u16, saturated and rounded). */
TV_API tv_status tv_gradient_magnitude(tv_ctx *ctx, const tv_image *src, tv_image *dst,
                                       int32_t scharr, tv_border border, double border_value);

/* ---- morphology (rectangular structuring element; u8, u16, f32; 1 channel) --------------------
 */

typedef enum tv_morph_op {
  TV_MORPH_ERODE = 0,
  TV_MORPH_DILATE = 1,
  TV_MORPH_OPEN = 2,    /* erode then dilate */
  TV_MORPH_CLOSE = 3,   /* dilate then erode */
  TV_MORPH_TOPHAT = 4,  /* src - open(src) */
  TV_MORPH_BLACKHAT = 5 /* close(src) - src */
} tv_morph_op;

/* Morphology with a kw x kh rectangle (1..4095 each, anchored at the centre), at a cost that
 * does not depend on its size (van Herk / Gil-Werman). Borders: REPLICATE or REFLECT101, or
 * CONSTANT where border_value NaN means "neutral" (OpenCV's default: +max for erode, -max for
 * dilate). Equals cv::morphologyEx. In place allowed. */
TV_API tv_status tv_morphology(tv_ctx *ctx, const tv_image *src, tv_image *dst, tv_morph_op op,
                               int32_t kw, int32_t kh, tv_border border, double border_value);

/* ---- median (1-channel u8 or u16; REPLICATE border, as cv::medianBlur) ------------------------
 */

/* Median over ksize x ksize, ksize odd 3..255: selection networks for 3, 5 and 7, a histogram
 * method whose cost does not depend on ksize above. Equals cv::medianBlur. */
TV_API tv_status tv_median(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t ksize);

/* ---- thresholds (1-channel; dst same type as src unless said) ---------------------------------
 */

typedef enum tv_threshold_kind {
  TV_THRESH_BINARY = 0,     /* dst = src > t ? maxval : 0 */
  TV_THRESH_BINARY_INV = 1, /* dst = src > t ? 0 : maxval */
  TV_THRESH_TRUNC = 2,      /* dst = src > t ? t : src */
  TV_THRESH_TOZERO = 3,     /* dst = src > t ? src : 0 */
  TV_THRESH_TOZERO_INV = 4  /* dst = src > t ? 0 : src */
} tv_threshold_kind;

/* Fixed threshold, as cv::threshold (u8/u16/s16: t is floored, maxval rounded and saturated;
 * f32: both converted to float, NaN samples are never > t). u8, u16, s16, f32; any channel count;
 * in place allowed. Equals cv::threshold bit for bit, including its shortcut for t outside the
 * type's range (s16 TRUNC with t < -32768 gives 0); a t beyond the int range, which OpenCV's
 * cvFloor cannot hold, acts as the nearest value outside the type's range. NaN thresh or maxval:
 * TV_ERR_ARG. */
TV_API tv_status tv_threshold(tv_ctx *ctx, const tv_image *src, tv_image *dst, double thresh,
                              double maxval, tv_threshold_kind kind);
/* Otsu's threshold of a 1-channel u8 or u16 image, applied as tv_threshold; the threshold chosen
 * goes to *thresh_out (may be NULL). Equals cv::threshold with THRESH_OTSU for u8 and u16. */
TV_API tv_status tv_threshold_otsu(tv_ctx *ctx, const tv_image *src, tv_image *dst, double maxval,
                                   tv_threshold_kind kind, double *thresh_out);
/* Adaptive threshold against the local mean over block x block (odd, 3..1023, REPLICATE border):
 * BINARY: dst = src > mean - c ? maxval : 0; BINARY_INV the opposite (other kinds: TV_ERR_ARG).
 * As OpenCV, the comparison is src - mean > -ceil(c) (BINARY) or <= -floor(c) (BINARY_INV) in
 * integers, maxval is rounded and saturated, and maxval < 0 gives all 0. The mean: u8 as OpenCV's
 * boxFilter, float(sum) * float(1 / block^2) rounded half to even (the exactly rounded mean up to
 * block 163; above, OpenCV's scalar tail columns, width % 16, use double and may differ by one
 * level); u16 the exactly rounded sum / block^2. u8 equals
 * cv::adaptiveThreshold(ADAPTIVE_THRESH_MEAN_C). 1 channel; dst has src's type and must not
 * overlap src. */
TV_API tv_status tv_adaptive_threshold(tv_ctx *ctx, const tv_image *src, tv_image *dst,
                                       double maxval, tv_threshold_kind kind, int32_t block,
                                       double c);
/* Hysteresis threshold: pixels > high are seeds; pixels > low connected to a seed (4- or
 * 8-connected) are kept. dst is a 1-channel u8 mask (255 kept, 0 not), not overlapping src; src
 * u8, u16 or f32 (NaN samples are never kept). low <= high, else TV_ERR_ARG. Linear time; the fill
 * stack holds at most every kept pixel once. */
TV_API tv_status tv_hysteresis(tv_ctx *ctx, const tv_image *src, tv_image *dst, double low,
                               double high, int32_t connectivity);

/* ---- flat field and shading --------------------------------------------------------------------
 */

/* A flat-field calibration: per-pixel gain from dark and white reference frames. Immutable after
 * creation; may be shared by threads. */
typedef struct tv_flatfield tv_flatfield;
/* Builds a calibration from 1-channel dark and white frames of the same size and type (u8, u16 or
 * f32): gain = target / (white - dark), where target is the mean of (white - dark) over the frame
 * when target <= 0. Pixels where white - dark <= 0 get gain 0 (dead pixels). Writes *out. */
TV_API tv_status tv_flatfield_create(tv_ctx *ctx, const tv_image *dark, const tv_image *white,
                                     double target, tv_flatfield **out);
TV_API void tv_flatfield_destroy(tv_flatfield *ff);
/* dst = saturate(round((raw - dark) * gain)); raw and dst the calibration's size; raw of its
 * type; dst u8, u16 or f32. In place allowed. */
TV_API tv_status tv_flatfield_apply(tv_ctx *ctx, const tv_flatfield *ff, const tv_image *raw,
                                    tv_image *dst);

typedef enum tv_shading_method {
  TV_SHADING_COLUMN_PROFILE = 0, /* background = per-column mean (shading across the tube) */
  TV_SHADING_ROW_PROFILE = 1,    /* background = per-row mean */
  TV_SHADING_GAUSSIAN = 2        /* background = Gaussian blur with sigma = param */
} tv_shading_method;
/* Self-calibrating shading removal: dst = saturate(round(src / background * target_mean)), where
 * background is estimated from src itself by `method` (param: the Gaussian's sigma in pixels, or
 * for the profiles the smoothing window along the profile, 0 = none); target_mean <= 0 keeps src's
 * mean. 1-channel u8, u16 or f32; dst same size, any of those types. */
TV_API tv_status tv_shading_correct(tv_ctx *ctx, const tv_image *src, tv_image *dst,
                                    tv_shading_method method, double param, double target_mean);

/* ---- resize -------------------------------------------------------------------------------------
 */

/* Area downscale by integer factors: dst = (src.width / fx) x (src.height / fy) (floor; the
 * remainder columns/rows are dropped), each pixel the rounded mean of an fx x fy block. Equals
 * cv::resize(INTER_AREA) when the factors divide the size. u8, u16, f32; any channels. */
TV_API tv_status tv_resize_area(tv_ctx *ctx, const tv_image *src, tv_image *dst, int32_t fx,
                                int32_t fy);
/* Bilinear resize to dst's size (pixel centres aligned, as cv::resize(INTER_LINEAR)); u8 uses
 * OpenCV's 11-bit fixed point and equals it bit for bit. u8, u16, f32; any channels. */
TV_API tv_status tv_resize_bilinear(tv_ctx *ctx, const tv_image *src, tv_image *dst);

/* ---- connected components ----------------------------------------------------------------------
 */

/* One component's statistics. Fixed layout, 8-byte aligned. */
typedef struct tv_component {
  int32_t label;         /* 1..count, as in the label image */
  int32_t x, y;          /* bounding box: left, top */
  int32_t width, height; /* bounding box size */
  int32_t reserved;      /* 0 */
  int64_t area;          /* pixels */
  double cx, cy;         /* centroid */
  double mean;           /* mean of `intensity` over the component, 0 without one */
} tv_component;

/* Labels the nonzero pixels of a 1-channel u8 or u16 mask, 4- or 8-connected, in raster order of
 * each component's first pixel. The components, areas, boxes and centroids equal
 * cv::connectedComponentsWithStats's; OpenCV's block-based scan may number them in another order
 * (its label image equals ours up to relabelling). labels (1-channel s32, mask's size, not
 * overlapping mask or intensity) may be NULL; it gets 0 for background and the label otherwise.
 * intensity (1-channel, mask's size, any type) may be NULL. stats[0..capacity) receives the
 * components (background excluded) and *count their number; stats may be NULL when capacity is 0.
 * When count > capacity the call fails with TV_ERR_SIZE, *count says how many there are, and
 * neither stats nor labels is written. A mask that could hold 2^31 runs of nonzero pixels
 * ((width + 1) / 2 * height > 2^31 - 1, over about 4 gigapixels) gives TV_ERR_TOO_LARGE. Memory:
 * 4 bytes per run of nonzero pixels (address space for the most runs the mask could hold is
 * reserved, 2 bytes per pixel, and touched as used), 1 bit per pixel, and the components' sums
 * per thread. */
TV_API tv_status tv_components(tv_ctx *ctx, const tv_image *mask, const tv_image *intensity,
                               int32_t connectivity, tv_image *labels, tv_component *stats,
                               int32_t capacity, int32_t *count);

#ifdef __cplusplus
}
#endif
#endif
