#!/usr/bin/env bash
# Installs the Debian 12 packages tubevision needs to build and test (as root, or through sudo).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
pkgs=(build-essential cmake pkg-config libpng-dev libturbojpeg0-dev libopenblas-dev libcjson-dev check clang
      libclang-rt-14-dev clang-format python3-numpy python3-pytest python3-venv python3-pip
      python3-distributed)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
