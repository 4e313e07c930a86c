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

if [ -z "${FMNIST_DATA_DIR:-}" ] && [ ! -f "$DATASET_DIR/t10k-labels-idx1-ubyte.gz" ]; then
  echo "setup: installing Debian's dataset-fashion-mnist" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
