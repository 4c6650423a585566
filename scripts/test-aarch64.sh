#!/usr/bin/env bash
# The aarch64 stage: cross-build with Debian's gcc-aarch64-linux-gnu and arm64 multiarch packages,
# run the kernel tests under qemu-user so every NEON variant is checked against its scalar one.
# SPDX-License-Identifier: Apache-2.0
#
# Environment: TV_AARCH64_BUILD (build folder, default build-aarch64), TV_AARCH64_TESTS (ctest -R
# regex of the tests to run), TV_AARCH64_SCALAR_TESTS (regex run again with TV_CPU=scalar; empty
# skips that run), TV_AARCH64_QUICK (default 1: the tests' quick mode, TV_TEST_QUICK, which
# shrinks their size loops; 0 runs the full grids, far slower under emulation),
# TV_AARCH64_TIMEOUT_MULTIPLIER (default 1: each Check test gets its tcase's timeout, 120 to 600 s,
# times this). Installs its packages when missing (as root, or through sudo). Prints the wall time
# of each stage and the total.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
build=${TV_AARCH64_BUILD:-build-aarch64}
case $build in /*) ;; *) build="$root/$build" ;; esac
tests=${TV_AARCH64_TESTS:-'^test_(filter|convert|core|image)'}
scalar_tests=${TV_AARCH64_SCALAR_TESTS-'^test_(core|image|convert_kernels)$'}
# Check forks every test and stops it after its tcase's timeout (CK_FORK=no would turn that off).
export CK_TIMEOUT_MULTIPLIER=${TV_AARCH64_TIMEOUT_MULTIPLIER:-1}
unset CK_FORK
start=$(date +%s)
# tubevision runs OpenBLAS single-threaded anyway (lib/nn/blas.c): start no idle OpenBLAS threads
# that would only take emulated CPU time.
export OPENBLAS_NUM_THREADS=1
# The tests' quick mode (tests/testquick.h): every variant, border mode and odd length still runs,
# at fewer sizes.
if [ "${TV_AARCH64_QUICK:-1}" != 0 ]; then export TV_TEST_QUICK=1; else unset TV_TEST_QUICK; fi
step() { printf '\n=== aarch64: %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

step "packages (arm64 multiarch, cross gcc, qemu-user)"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static pkg-config libpng-dev:arm64
      libturbojpeg0-dev:arm64 libopenblas-dev:arm64 libcjson-dev:arm64 check:arm64)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
  echo "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

packages_done=$(date +%s)
step "configure and build (aarch64-linux-gnu-gcc, -Werror)"
cmake -S . -B "$build" --toolchain "$root/cmake/toolchain-aarch64.cmake" -DTV_WERROR=ON \
  -DTV_BUILD_EXAMPLES=OFF >/dev/null
# Only the test executables the stage runs (and the library they link).
mapfile -t targets < <(cd tests && ls test_*.c | sed 's/\.c$//' | grep -E "$tests" || true)
[ ${#targets[@]} -gt 0 ] || { echo "no test matches $tests"; exit 1; }
cmake --build "$build" -j"$jobs" --target tubevision "${targets[@]}"

# The CPU level the library detects under qemu (the NEON kernels must be the ones selected), and
# the level TV_CPU=scalar leaves active.
step "CPU level under qemu"
probe="$build/tv_cpu_probe"
cat >"$probe.c" <<'EOF'
#include <stdio.h>
#include "tubevision/tubevision.h"
int main(void) {
  tv_ctx *ctx = NULL;
  int64_t active = -1;
  if (tv_ctx_create(&ctx) != TV_OK || tv_ctx_get(ctx, TV_CTX_ACTIVE_ISA, &active) != TV_OK) return 1;
  printf("tv CPU level %s, active level %s\n", tv_isa_name(tv_cpu_isa()),
         tv_isa_name((tv_isa)active));
  tv_ctx_destroy(ctx);
  return 0;
}
EOF
aarch64-linux-gnu-gcc -std=c11 -I include "$probe.c" -L "$build" -ltubevision -o "$probe"
# -L /: the multiarch loader and libc (libc6:arm64), as in cmake/toolchain-aarch64.cmake.
qemu=(qemu-aarch64-static -L / -E "LD_LIBRARY_PATH=$build")
level=$("${qemu[@]}" "$probe")
echo "$level"
case "$level" in
*"level neon, active level neon") ;;
*) echo "aarch64: expected the NEON level under qemu"; exit 1 ;;
esac
TV_CPU=scalar "${qemu[@]}" "$probe" | tee /dev/stderr | grep -q "active level scalar"

# A crash or a hang fails that Check test only, and the run goes on.
step "tests under qemu (every NEON variant against scalar, every SIMD cap; quick ${TV_TEST_QUICK:-0})"
(cd "$build" && ctest --output-on-failure -j"$jobs" -R "$tests")

if [ -n "$scalar_tests" ]; then
  step "tests under qemu with TV_CPU=scalar"
  (cd "$build" && TV_CPU=scalar ctest --output-on-failure -j"$jobs" -R "$scalar_tests")
fi

step "done"
end=$(date +%s)
echo "aarch64: $((end - packages_done))s without the packages step, $((end - start))s in all"
