#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian + Node 20 machine: pnpm, the Fashion-MNIST dataset, the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
DATASET_DIR=/usr/share/datasets/fashion-mnist

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION" >&2
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq && APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${FMNIST_DATA_DIR:-}" ] && [ ! -f "$DATASET_DIR/t10k-labels-idx1-ubyte.gz" ]; then
  echo "setup: installing Debian's dataset-fashion-mnist" >&2
  apt_install dataset-fashion-mnist
fi

# Optional: scikit-learn as the reference the KNN results are compared with (tests and `--sklearn`
# skip it, saying so, where it is missing). Set FMNIST_SKIP_SKLEARN=1 to leave it out.
if [ -z "${FMNIST_SKIP_SKLEARN:-}" ] && ! /usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1; then
  echo "setup: installing Debian's python3-sklearn (the KNN reference)" >&2
  apt_install python3-sklearn || echo "setup: python3-sklearn not installed; scikit-learn comparisons will be skipped" >&2
fi

# Debian's Chromium: the browser the examples/web end-to-end test drives (headless, through
# playwright-core; the test is skipped, saying so, where it is missing). FMNIST_SKIP_CHROMIUM=1 leaves it out.
if [ -z "${FMNIST_SKIP_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium (the browser test of examples/web)" >&2
  apt_install chromium || echo "setup: chromium not installed; the browser test will be skipped" >&2
fi

# Debian's Vulkan loader (libvulkan1, 0.5 MB): with chromium's SwiftShader it lets the WebGPU tests
# (Dawn, npm `webgpu`) run on the CPU; they are skipped, saying so, where it is missing.
if [ -z "${FMNIST_SKIP_CHROMIUM:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  echo "setup: installing Debian's libvulkan1 (the Vulkan loader the WebGPU tests use)" >&2
  apt_install libvulkan1 || echo "setup: libvulkan1 not installed; the WebGPU tests will be skipped" >&2
fi

if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
