// Benchmark of morphology and median against OpenCV on 4096 x 4096 frames: erode 3x3, 5x5, 31x31,
// open 3x3 (u8, u16), median 3, 5, 7 (u8) and 3, 5 (u16), with agreement checks.
// SPDX-License-Identifier: Apache-2.0
#include <cmath>
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
  for (int depth : {CV_8U, CV_16U}) {
    const char *tn = depth == CV_8U ? "u8" : "u16";
    cv::Mat src(H, W, depth), d_tv(H, W, depth), d_cv(H, W, depth);
    tvb::fill(src, 1);
    tv_image ts = tvb::wrap(src), td = tvb::wrap(d_tv);
    const double bytes = 2.0 * src.total() * src.elemSize();
    struct morph_case {
      const char *name;
      tv_morph_op op;
      int cv_op, k;
    } cases[] = {{"erode 3x3", TV_MORPH_ERODE, cv::MORPH_ERODE, 3},
                 {"erode 5x5", TV_MORPH_ERODE, cv::MORPH_ERODE, 5},
                 {"erode 31x31", TV_MORPH_ERODE, cv::MORPH_ERODE, 31},
                 {"open 3x3", TV_MORPH_OPEN, cv::MORPH_OPEN, 3}};
    for (const morph_case &c : cases) {
      const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(c.k, c.k));
      bad |= !tvb::compare(
          ctx, c.name, tn, mp, bytes,
          [&] { return tv_morphology(ctx, &ts, &td, c.op, c.k, c.k, TV_BORDER_CONSTANT, NAN); },
          [&] { cv::morphologyEx(src, d_cv, c.cv_op, kernel); });
      bad |= tvb::agreement(std::string(c.name) + " " + tn, tvb::max_diff(d_tv, d_cv));
    }
    // Agreement of every operation and border on a smaller frame (odd size, non-square kernel).
    {
      cv::Mat s(301, 517, depth), a(301, 517, depth), b(301, 517, depth);
      tvb::fill(s, 7);
      tv_image t_s = tvb::wrap(s), t_a = tvb::wrap(a);
      double worst = 0;
      const int borders[][2] = {{TV_BORDER_REPLICATE, cv::BORDER_REPLICATE},
                                {TV_BORDER_REFLECT101, cv::BORDER_REFLECT101},
                                {TV_BORDER_CONSTANT, cv::BORDER_CONSTANT}};
      for (int op = 0; op <= 5; op++)
        for (const auto &bd : borders)
          for (int k : {1, 2, 3, 4, 7, 22, 45}) {
            // OpenCV numbers MORPH_GRADIENT 4, MORPH_TOPHAT 5, MORPH_BLACKHAT 6
            const int cv_op = op >= TV_MORPH_TOPHAT ? op + 1 : op;
            const cv::Mat kernel =
                cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, (k * 3) / 2 + 1));
            if (tv_morphology(ctx, &t_s, &t_a, (tv_morph_op)op, k, (k * 3) / 2 + 1,
                              (tv_border)bd[0], NAN) != TV_OK)
              bad = 1;
            cv::morphologyEx(s, b, cv_op, kernel, cv::Point(-1, -1), 1, bd[1]);
            worst = std::max(worst, tvb::max_diff(a, b));
            if (bd[0] == TV_BORDER_CONSTANT) { // an explicit border value
              tv_morphology(ctx, &t_s, &t_a, (tv_morph_op)op, k, (k * 3) / 2 + 1,
                            TV_BORDER_CONSTANT, 100.0);
              cv::morphologyEx(s, b, cv_op, kernel, cv::Point(-1, -1), 1, bd[1], cv::Scalar(100));
              worst = std::max(worst, tvb::max_diff(a, b));
            }
          }
      bad |= tvb::agreement(std::string("morphology all ops/borders/sizes ") + tn, worst);
    }
    for (int k : {3, 5, 7}) {
      if (depth == CV_16U && k > 5) continue; // OpenCV's medianBlur takes u16 only up to 5
      const std::string name = "median " + std::to_string(k);
      bad |= !tvb::compare(
          ctx, name, tn, mp, bytes, [&] { return tv_median(ctx, &ts, &td, k); },
          [&] { cv::medianBlur(src, d_cv, k); });
      bad |= tvb::agreement(name + " " + tn, tvb::max_diff(d_tv, d_cv));
    }
  }
  tv_ctx_destroy(ctx);
  return bad;
}
