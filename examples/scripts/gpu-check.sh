#!/usr/bin/env bash
# Runs the GPU check on a machine that has only the repository and the packed folder
# (examples/scripts/gpu-check-pack.ts): unpacks Node, Dawn and the dataset, finds the Vulkan loader
# and the NVIDIA Vulkan driver, and runs gpu-check.mjs. Usage, from the repository root:
#
#   bash examples/scripts/gpu-check.sh [.cache/gpucheck] [gpu-check flags, e.g. --out $OUT/gpu-check.json]
#
# The Vulkan loader must be found when Node starts (glibc reads LD_LIBRARY_PATH only then), so this
# script, which starts Node, sets it.
set -euo pipefail
PACK="${1:-.cache/gpucheck}"
shift || true
PACK="$(cd "$PACK" && pwd)"
WORK="${TMPDIR:-/tmp}/fmnist-gpucheck"
mkdir -p "$WORK/data"

unxz_to() { # unxz_to SRC DEST: xz if present, else python3's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

# Node: the machine's own when it is 20 or newer (unless FMNIST_PACKED_NODE=1), else the packed one.
NODE="$(command -v node || true)"
if [ -n "${FMNIST_PACKED_NODE:-}" ] || [ -z "$NODE" ] || ! "$NODE" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  [ -x "$WORK/node" ] || { unxz_to "$PACK/node.xz" "$WORK/node"; chmod +x "$WORK/node"; }
  NODE="$WORK/node"
fi

# Dawn, and the script beside it so that `import "webgpu"` resolves.
mkdir -p "$WORK/app/node_modules/webgpu/dist/linux-x64"
cp "$PACK/node_modules/webgpu/package.json" "$PACK/node_modules/webgpu/index.js" "$WORK/app/node_modules/webgpu/"
[ -f "$WORK/app/node_modules/webgpu/dist/linux-x64/dawn.node" ] ||
  unxz_to "$PACK/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$WORK/app/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$PACK/gpu-check.mjs" "$PACK/gpu-check-torch.py" "$WORK/app/"

# The dataset (training images were packed as xz).
cp "$PACK"/data/*.gz "$WORK/data/"
[ -f "$WORK/data/train-images-idx3-ubyte.gz" ] || {
  unxz_to "$PACK/data/train-images-idx3-ubyte.xz" "$WORK/data/train-images-idx3-ubyte"
  gzip -1 -f "$WORK/data/train-images-idx3-ubyte"
}
export FMNIST_DATA_DIR="$WORK/data" FMNIST_WASM_DIR="$PACK/wasm"

# The Vulkan loader: the system's, else the packed Debian libvulkan1, unpacked beside (not over /).
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  deb="$(ls "$PACK"/deb/libvulkan1_*.deb 2>/dev/null | head -1 || true)"
  if [ -n "$deb" ]; then
    dpkg -x "$deb" "$WORK/vulkan"
    export LD_LIBRARY_PATH="$WORK/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "gpu-check.sh: Vulkan loader from $deb" >&2
  else
    echo "gpu-check.sh: no libvulkan.so.1 and no packed libvulkan1: WebGPU will report no adapter" >&2
  fi
fi
# The NVIDIA driver's libraries (the manifest names libGLX_nvidia.so.0 without a folder).
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && case ":${LD_LIBRARY_PATH:-}:" in *":$d:"*) ;; *) export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;; esac
done
# The NVIDIA driver's Vulkan manifest, where the container mounts the driver outside the loader's
# search path (FMNIST_VULKAN_ICD or VK_ICD_FILENAMES override it).
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}${FMNIST_VULKAN_ICD:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_ICD_FILENAMES="$icd"; echo "gpu-check.sh: Vulkan driver $icd" >&2; break; fi
  done
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true

cd "$WORK/app"
exec "$NODE" gpu-check.mjs "$@"
