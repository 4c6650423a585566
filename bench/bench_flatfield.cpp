// Benchmark of flat-field correction against the equivalent OpenCV expression
// ((raw - dark) * gain with cv::subtract / cv::multiply in f32, then convertTo), 4096 x 4096.
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
    const double top = depth == CV_8U ? 255.0 : 65535.0;
    cv::Mat dark(H, W, depth), white(H, W, depth), raw(H, W, depth);
    cv::randu(dark, 0, top * 0.05);
    cv::randu(white, top * 0.6, top * 0.95);
    tvb::fill(raw, 3);
    tv_image tdk = tvb::wrap(dark), twh = tvb::wrap(white), traw = tvb::wrap(raw);
    tv_flatfield *ff = nullptr;
    if (tv_flatfield_create(ctx, &tdk, &twh, 0.0, &ff) != TV_OK) return 1;
    // OpenCV's side of the same calibration: dark and gain as f32 images, made once.
    cv::Mat darkf, diff, gain;
    dark.convertTo(darkf, CV_32F);
    cv::subtract(white, dark, diff, cv::noArray(), CV_32F);
    const double target = cv::mean(diff)[0];
    cv::divide(target, diff, gain, CV_32F);
    gain.setTo(0, diff <= 0);
    cv::Mat tmp, d_cv, d_tv(H, W, depth);
    tv_image td = tvb::wrap(d_tv);
    const double bytes = raw.total() * (2.0 * raw.elemSize() + raw.elemSize() + 4.0);
    bad |= !tvb::compare(
        ctx, "flatfield apply", tn, W * (double)H / 1e6, bytes,
        [&] { return tv_flatfield_apply(ctx, ff, &traw, &td); },
        [&] {
          cv::subtract(raw, darkf, tmp, cv::noArray(), CV_32F);
          cv::multiply(tmp, gain, tmp);
          tmp.convertTo(d_cv, depth);
        });
    // Same f32 arithmetic; OpenCV's f32 gain comes from f32 division (ours from f64), so a
    // sample may differ by 1 where the product sits at a rounding boundary.
    bad |= tvb::agreement(std::string("flatfield ") + tn, tvb::max_diff(d_tv, d_cv), 1.0);
    cv::Mat f_tv(H, W, CV_32F), f_cv;
    tv_image tf = tvb::wrap(f_tv);
    bad |= !tvb::compare(
        ctx, "flatfield apply ->f32", tn, W * (double)H / 1e6,
        raw.total() * (2.0 * raw.elemSize() + 8.0),
        [&] { return tv_flatfield_apply(ctx, ff, &traw, &tf); },
        [&] {
          cv::subtract(raw, darkf, f_cv, cv::noArray(), CV_32F);
          cv::multiply(f_cv, gain, f_cv);
        });
    tv_flatfield_destroy(ff);
  }
  tv_ctx_destroy(ctx);
  return bad;
}
