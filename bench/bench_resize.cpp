// Benchmark of resizing against OpenCV: area 0.5 and 0.25, bilinear 0.67 and 1.5x, 4096 x 4096.
// SPDX-License-Identifier: Apache-2.0
#include <opencv2/imgproc.hpp>

#include "benchutil.hpp"

int main() {
  tvb::print_environment();
  tv_ctx *ctx = nullptr;
  if (tv_ctx_create(&ctx) != TV_OK) return 1;
  const int W = 4096, H = 4096;
  int bad = 0;
  // Agreement of the generic area paths (factors other than 2) on small odd images, 1 and 3
  // channels: u16 17x17 takes the f32 accumulation path (sum beyond 2^24).
  for (int depth : {CV_8U, CV_16U, CV_32F})
    for (int cn : {1, 3})
      for (int f : {3, 5, 17}) {
        cv::Mat s(13 * f, 11 * f, CV_MAKETYPE(depth, cn)), d_tv(13, 11, s.type()), d_cv;
        tvb::fill(s, 3 + f);
        tv_image ts = tvb::wrap(s), td = tvb::wrap(d_tv);
        if (tv_resize_area(ctx, &ts, &td, f, f) != TV_OK) bad = 1;
        cv::resize(s, d_cv, d_tv.size(), 0, 0, cv::INTER_AREA);
        bad |= tvb::agreement("resize area small 1/" + std::to_string(f) + " " +
                                  (depth == CV_8U    ? "u8"
                                   : depth == CV_16U ? "u16"
                                                     : "f32") +
                                  " cn" + std::to_string(cn),
                              tvb::max_diff(d_tv, d_cv));
      }
  tvb::print_header();
  for (int depth : {CV_8U, CV_16U, CV_32F}) {
    const char *tn = depth == CV_8U ? "u8" : depth == CV_16U ? "u16" : "f32";
    cv::Mat src(H, W, depth);
    tvb::fill(src, 1);
    tv_image ts = tvb::wrap(src);
    const double mp = W * (double)H / 1e6;
    for (int f : {2, 4}) {
      cv::Mat d_tv(H / f, W / f, depth), d_cv;
      tv_image td = tvb::wrap(d_tv);
      const double bytes = src.total() * src.elemSize() * (1.0 + 1.0 / (f * f));
      const std::string op = "resize area 1/" + std::to_string(f);
      bad |= !tvb::compare(
          ctx, op, tn, mp, bytes, [&] { return tv_resize_area(ctx, &ts, &td, f, f); },
          [&] { cv::resize(src, d_cv, d_tv.size(), 0, 0, cv::INTER_AREA); });
      bad |= tvb::agreement(op + " " + tn, tvb::max_diff(d_tv, d_cv));
    }
    for (int k : {0, 1}) {
      const cv::Size ds = k == 0 ? cv::Size(2731, 2731) : cv::Size(6144, 6144);
      cv::Mat d_tv(ds, depth), d_cv;
      tv_image td = tvb::wrap(d_tv);
      const double bytes = src.total() * src.elemSize() + d_tv.total() * d_tv.elemSize();
      const std::string op = k == 0 ? "resize bilinear 0.667" : "resize bilinear 1.5";
      bad |= !tvb::compare(
          ctx, op, tn, mp, bytes, [&] { return tv_resize_bilinear(ctx, &ts, &td); },
          [&] { cv::resize(src, d_cv, ds, 0, 0, cv::INTER_LINEAR); });
      bad |= tvb::agreement(op + " " + tn, tvb::max_diff(d_tv, d_cv));
    }
  }
  tv_ctx_destroy(ctx);
  return bad;
}
