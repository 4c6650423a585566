// Benchmark of the core conversions against OpenCV: convertTo (u8 -> f32, u16 -> u8 scale 1/257,
// f32 -> u8) and cvtColor RGB2GRAY u8 on 4096 x 4096 frames, with agreement checks.
// SPDX-License-Identifier: Apache-2.0
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "benchutil.hpp"

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  const double mp = W * (double)H / 1e6;
  int bad = 0;
  tvb::print_header();
  struct pair {
    const char *name;
    int from, to;
    double scale;
  } pairs[] = {{"convert u8->f32", CV_8U, CV_32F, 1.0},
               {"convert u16->u8 /257", CV_16U, CV_8U, 1.0 / 257.0},
               {"convert f32->u8", CV_32F, CV_8U, 1.0 / 4.0}};
  for (const pair &p : pairs) {
    cv::Mat s(H, W, p.from), d_tv(H, W, p.to), d_cv(H, W, p.to);
    tvb::fill(s, 5);
    if (p.from == CV_32F) s = s * 1.0; // [0, 1000): /4 covers the u8 range and saturates
    tv_image ts = tvb::wrap(s), td = tvb::wrap(d_tv);
    const double bytes = (double)s.total() * (s.elemSize() + d_tv.elemSize());
    bad |= !tvb::compare(
        ctx, p.name, "-", mp, bytes, [&] { return tv_image_convert(ctx, &ts, &td, p.scale, 0.0); },
        [&] { s.convertTo(d_cv, p.to, p.scale); });
    bad |= tvb::agreement(p.name, tvb::max_diff(d_tv, d_cv));
  }
  for (int depth : {CV_8U, CV_16U}) {
    const char *tn = depth == CV_8U ? "u8" : "u16";
    cv::Mat s(H, W, CV_MAKETYPE(depth, 3)), d_tv(H, W, depth), d_cv(H, W, depth);
    tvb::fill(s, 6);
    tv_image ts = tvb::wrap(s), td = tvb::wrap(d_tv);
    const double bytes = (double)s.total() * (s.elemSize() + d_tv.elemSize());
    bad |= !tvb::compare(
        ctx, "rgb2gray", tn, mp, bytes, [&] { return tv_image_to_grey(ctx, &ts, &td); },
        [&] { cv::cvtColor(s, d_cv, cv::COLOR_RGB2GRAY); });
    bad |= tvb::agreement(std::string("rgb2gray ") + tn, tvb::max_diff(d_tv, d_cv));
  }
  tv_ctx_destroy(ctx);
  return bad;
}
