// Benchmark of the arith family against OpenCV: absdiff on 4096 x 4096 u8 and u16 frames.
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
    const double bytes = 3.0 * a.total() * a.elemSize();
    bad |= !tvb::compare(ctx, "absdiff", tn, W * (double)H / 1e6, bytes,
                         [&] { return tv_absdiff(ctx, &ta, &tb, &td); },
                         [&] { cv::absdiff(a, b, d_cv); });
    bad |= tvb::agreement(std::string("absdiff ") + tn, tvb::max_diff(d_tv, d_cv));
  }
  tv_ctx_destroy(ctx);
  return bad;
}
