/* Reference conv2d in plain C: the specification and test oracle for the convolution engine.
 * SPDX-License-Identifier: Apache-2.0 */
#include "nn/nn_internal.h"

void tvi_ref_conv2d(const tvi_conv_params *p, const float *weight, const float *bias,
                    const float *in, float *out, int32_t n, int32_t h, int32_t w) {
  const int64_t oh =
      ((int64_t)h + p->pad_t + p->pad_b - (int64_t)p->dil_h * (p->kh - 1) - 1) / p->stride_h + 1;
  const int64_t ow =
      ((int64_t)w + p->pad_l + p->pad_r - (int64_t)p->dil_w * (p->kw - 1) - 1) / p->stride_w + 1;
  const int32_t cig = p->cin / p->groups, cog = p->cout / p->groups;
  for (int32_t b = 0; b < n; b++)
    for (int32_t co = 0; co < p->cout; co++) {
      const int32_t g = co / cog;
      const float *wk = weight + (int64_t)co * cig * p->kh * p->kw;
      float *o = out + ((int64_t)b * p->cout + co) * oh * ow;
      for (int64_t y = 0; y < oh; y++)
        for (int64_t x = 0; x < ow; x++) {
          float s = 0.0f;
          for (int32_t ci = 0; ci < cig; ci++) {
            const float *ip = in + ((int64_t)b * p->cin + (int64_t)g * cig + ci) * h * w;
            for (int32_t ky = 0; ky < p->kh; ky++) {
              const int64_t iy = y * p->stride_h - p->pad_t + (int64_t)ky * p->dil_h;
              if (iy < 0 || iy >= h) continue;
              for (int32_t kx = 0; kx < p->kw; kx++) {
                const int64_t ix = x * p->stride_w - p->pad_l + (int64_t)kx * p->dil_w;
                if (ix < 0 || ix >= w) continue;
                s += ip[iy * w + ix] * wk[((int64_t)ci * p->kh + ky) * p->kw + kx];
              }
            }
          }
          if (bias) s += bias[co];
          o[y * ow + x] = tvi_act_apply(p->act, p->act_a, p->act_b, s);
        }
    }
}
