// Benchmark of the arith family against OpenCV: absdiff, add, subtract and multiply (with scale)
// on 4096 x 4096 u8 and u16 frames, with an agreement check of every output.
// SPDX-License-Identifier: Apache-2.0
#include <opencv2/core.hpp>

#include "benchutil.hpp"

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  int bad = 0;
  tvb::print_header();
  for (int depth : {CV_8U, CV_16U}) {
    const char *tn = depth == CV_8U ? "u8" : "u16";
    cv::Mat a(H, W, depth), b(H, W, depth), d_tv(H, W, depth), d_cv(H, W, depth);
    tvb::fill(a, 1);
    tvb::fill(b, 2);
    tv_image ta = tvb::wrap(a), tb = tvb::wrap(b), td = tvb::wrap(d_tv);
    const double mp = W * (double)H / 1e6, bytes = 3.0 * a.total() * a.elemSize();
    const double scale = depth == CV_8U ? 1.0 / 255.0 : 1.0 / 65535.0;
    bad |= !tvb::compare(
        ctx, "absdiff", tn, mp, bytes, [&] { return tv_absdiff(ctx, &ta, &tb, &td); },
        [&] { cv::absdiff(a, b, d_cv); });
    bad |= tvb::agreement(std::string("absdiff ") + tn, tvb::max_diff(d_tv, d_cv));
    bad |= !tvb::compare(
        ctx, "add", tn, mp, bytes, [&] { return tv_add(ctx, &ta, &tb, &td); },
        [&] { cv::add(a, b, d_cv); });
    bad |= tvb::agreement(std::string("add ") + tn, tvb::max_diff(d_tv, d_cv));
    bad |= !tvb::compare(
        ctx, "subtract", tn, mp, bytes, [&] { return tv_subtract(ctx, &ta, &tb, &td); },
        [&] { cv::subtract(a, b, d_cv); });
    bad |= tvb::agreement(std::string("subtract ") + tn, tvb::max_diff(d_tv, d_cv));
    bad |= !tvb::compare(
        ctx, "multiply scale", tn, mp, bytes,
        [&] { return tv_multiply(ctx, &ta, &tb, &td, scale); },
        [&] { cv::multiply(a, b, d_cv, scale); });
    bad |= tvb::agreement(std::string("multiply scale ") + tn, tvb::max_diff(d_tv, d_cv));
    bad |= !tvb::compare(
        ctx, "multiply 1", tn, mp, bytes, [&] { return tv_multiply(ctx, &ta, &tb, &td, 1.0); },
        [&] { cv::multiply(a, b, d_cv, 1.0); });
    bad |= tvb::agreement(std::string("multiply 1 ") + tn, tvb::max_diff(d_tv, d_cv));
  }
  // Agreement only (no timing) for s16 and f32, several scales.
  for (int depth : {CV_16S, CV_32F}) {
    cv::Mat a(512, 1000, depth), b(512, 1000, depth), d_tv(512, 1000, depth), d_cv;
    tvb::fill(a, 3);
    tvb::fill(b, 4);
    tv_image ta = tvb::wrap(a), tb = tvb::wrap(b), td = tvb::wrap(d_tv);
    const char *tn = depth == CV_16S ? "s16" : "f32";
    tv_add(ctx, &ta, &tb, &td);
    cv::add(a, b, d_cv);
    bad |= tvb::agreement(std::string("add ") + tn, tvb::max_diff(d_tv, d_cv));
    tv_subtract(ctx, &ta, &tb, &td);
    cv::subtract(a, b, d_cv);
    bad |= tvb::agreement(std::string("subtract ") + tn, tvb::max_diff(d_tv, d_cv));
    for (double s : {1.0, 1e-4, 1.0 / 3.0, 1.0 + 1e-9}) {
      tv_multiply(ctx, &ta, &tb, &td, s);
      cv::multiply(a, b, d_cv, s);
      bad |= tvb::agreement(std::string("multiply ") + tn + " scale " + std::to_string(s),
                            tvb::max_diff(d_tv, d_cv));
    }
  }
  tv_ctx_destroy(ctx);
  return bad;
}
