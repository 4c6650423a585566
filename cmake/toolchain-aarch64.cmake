# Cross build for aarch64 (Debian's gcc-aarch64-linux-gnu and arm64 multiarch packages); binaries
# run under qemu-user. Use: cmake -S . -B build-arm64 --toolchain cmake/toolchain-aarch64.cmake
# SPDX-License-Identifier: Apache-2.0
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(TV_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${TV_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${TV_CROSS_TRIPLE}-g++)

# Headers and libraries: the cross toolchain's libc under /usr/aarch64-linux-gnu, the arm64
# multiarch packages (libpng-dev:arm64, check:arm64, ...) under /usr/lib/aarch64-linux-gnu.
set(CMAKE_FIND_ROOT_PATH /usr/${TV_CROSS_TRIPLE})
set(CMAKE_LIBRARY_ARCHITECTURE ${TV_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config must see only the arm64 .pc files, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${TV_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# ctest, add_test and try_run start the aarch64 binaries through qemu-user, with the arm64
# multiarch loader and C library (libc6:arm64, /lib/aarch64-linux-gnu), the ones the arm64 -dev
# packages come with. Not -L /usr/aarch64-linux-gnu: that loader (libc6-arm64-cross) then loads
# the multiarch libc.so.6 of another build, and the mismatched pair hangs in pthread_create and
# fork (OpenBLAS's threads, the library's thread pool, Check's forked tests).
find_program(TV_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${TV_QEMU_AARCH64} -L /)
