/* tubevision: surface-defect inspection for tubes and pipes. The one public header.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef TUBEVISION_H
#define TUBEVISION_H

#include "core.h"
#include "image.h"
#include "io.h"
#include "filter.h"
#include "nn.h"
#include "inspect.h"

#endif
