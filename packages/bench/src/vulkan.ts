/**
 * What the machine offers a Vulkan driver (internal to `setUpWebGpu`): a GPU device node and
 * the Vulkan loader.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A GPU device node that a hardware Vulkan driver would use. @internal */
export function hasGpuDeviceNode(): boolean {
  try {
    if (readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))) return true;
  } catch {
    // no /dev/dri
  }
  return existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl') || existsSync('/dev/dxg');
}

/** The Vulkan loader's path if it is where the dynamic linker will look, else undefined. @internal */
export function findVulkanLoader(): string | undefined {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean),
    `/lib/${triplet}`,
    `/usr/lib/${triplet}`,
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
    '/usr/local/lib',
  ];
  return dirs.map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));
}
