/**
 * `@fmnist/bench/webgpu`: TensorFlow.js's WebGPU backend in Node, through Dawn (the optional peer
 * `webgpu`): {@link setUpWebGpu} installs `navigator.gpu` and reports the adapter
 * ({@link WebGpuAdapterInfo}); {@link SWIFTSHADER_ICDS} lists where the software adapter's driver is
 * looked for. `selectBackend` (main entry) calls it for its `webgpu` candidate, so an app needs this
 * subpath only to set WebGPU up itself or to name the adapter type. The error it throws,
 * `WebGpuUnavailableError`, is on the main entry with the other errors.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { WebGpuUnavailableError } from './errors.js';
import { firstLine, type ImportOptions, importerOf, isNotFound } from './import.js';
import { findVulkanLoader, hasGpuDeviceNode } from './vulkan.js';

/**
 * The WebGPU adapter TensorFlow.js runs on, as {@link selectBackend} and {@link setUpWebGpu} report it.
 * Record it with a benchmark: a software adapter (SwiftShader) is a correctness check, not a GPU.
 */
export interface WebGpuAdapterInfo {
  /** e.g. `'nvidia'`, `'google'` (SwiftShader), `'intel'`; empty when the driver does not say. */
  vendor: string;
  /** e.g. `'ampere'`, `'swiftshader'`; empty when the driver does not say. */
  architecture: string;
  /** e.g. `'NVIDIA H200'`, `'swiftshader-device-subzero-'`. */
  device: string;
  /** The driver's own description, e.g. `'SwiftShader driver 5.0.0'`. */
  description: string;
  /** `'software'` for a CPU implementation (SwiftShader, lavapipe), else `'hardware'`. */
  kind: 'hardware' | 'software';
  /**
   * Which Vulkan driver manifest Dawn was given: the path set in `VK_ICD_FILENAMES`, or `'system'`
   * (the loader's own search: `/usr/share/vulkan/icd.d`, `/etc/vulkan/icd.d`), or `'navigator.gpu'`
   * when the app provided its own WebGPU implementation.
   */
  driver: string;
}

/** Options of {@link setUpWebGpu}. */
export interface SetUpWebGpuOptions extends ImportOptions {
  /**
   * Accept a software adapter (SwiftShader). Default false: it is slower than wasm, so only a run
   * that names the backend (`--backend webgpu`) uses it.
   */
  allowSoftware?: boolean;
  /**
   * A Vulkan driver manifest (ICD JSON) to use instead of the system's. Default: the environment
   * variable `FMNIST_VULKAN_ICD`. A `VK_ICD_FILENAMES` or `VK_DRIVER_FILES` the user set is respected.
   */
  icd?: string;
  /** SwiftShader manifests to look for when software is allowed; default {@link SWIFTSHADER_ICDS}. */
  swiftShaderIcds?: readonly string[];
  /**
   * Whether this machine has a GPU device node (`/dev/dri/renderD*`, `/dev/nvidia*`, `/dev/dxg`).
   * Default: looked up. Without one, the system's Vulkan drivers are not probed (saves loading Dawn
   * and its driver warnings on a CPU-only machine).
   */
  hasGpuDevice?: boolean;
}

/** What {@link setUpWebGpu} set up: `navigator.gpu` is installed and this adapter answers it. */
export interface WebGpuSetup {
  adapter: WebGpuAdapterInfo;
}

/**
 * Where Chromium and Chrome put SwiftShader's Vulkan driver manifest (Debian's `chromium-common`,
 * Fedora, Ubuntu's old deb, Google Chrome). SwiftShader is the CPU Vulkan driver Dawn accepts; Mesa's
 * lavapipe is refused by Dawn (missing features).
 */
export const SWIFTSHADER_ICDS: readonly string[] = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib64/chromium-browser/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
];

/** The structural part of npm `webgpu` (Dawn's Node binding) used here. */
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<AdapterLike | null | undefined>;
}
interface AdapterLike {
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}

let installed: { gpu: GpuLike; adapter: WebGpuAdapterInfo } | undefined;

/**
 * Gives this Node process a WebGPU implementation for `@tensorflow/tfjs-backend-webgpu`: Dawn from
 * the npm package `webgpu`, with a Vulkan driver chosen here, installed as `navigator.gpu` (with the
 * `GPUBufferUsage`-style constants) **before** the backend package is imported, which registers the
 * `webgpu` backend only if `navigator.gpu` exists at import time. {@link selectBackend} calls it for
 * the `webgpu` candidate; call it yourself only to import the backend package on your own.
 *
 * The driver: a manifest named by `icd` / `FMNIST_VULKAN_ICD` (set as `VK_ICD_FILENAMES`); else the
 * user's own `VK_ICD_FILENAMES` / `VK_DRIVER_FILES`; else the system's drivers when the machine has a
 * GPU device node; else, when `allowSoftware`, Chromium's SwiftShader. The Vulkan loader
 * (`libvulkan.so.1`) must be on the library path when Node starts (glibc reads `LD_LIBRARY_PATH`
 * only then): install `libvulkan1`, or start Node with `LD_LIBRARY_PATH` naming its folder.
 *
 * @throws {@link WebGpuUnavailableError} saying what to install or set when no adapter is found,
 * or when only a software one is and `allowSoftware` is false.
 */
export async function setUpWebGpu(options: SetUpWebGpuOptions = {}): Promise<WebGpuSetup> {
  const allowSoftware = options.allowSoftware ?? false;
  if (installed) return { adapter: accept(installed.adapter, allowSoftware) };

  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      throw new WebGpuUnavailableError({
        problem: 'no-adapter',
        detail: 'the navigator.gpu already present returned no adapter',
      });
    }
    const info = describe(adapter, 'navigator.gpu');
    installed = { gpu: nav.gpu, adapter: info };
    return { adapter: accept(info, allowSoftware) };
  }

  const dawn = await importDawn(options);
  const env = process.env;
  const tried: string[] = [];
  let found: { gpu: GpuLike; adapter: WebGpuAdapterInfo } | undefined;

  const icd = options.icd ?? env.FMNIST_VULKAN_ICD;
  if (icd) {
    if (!existsSync(icd)) {
      throw new WebGpuUnavailableError({
        problem: 'no-adapter',
        detail: `the Vulkan driver manifest ${icd} (FMNIST_VULKAN_ICD or icd) does not exist`,
      });
    }
    env.VK_ICD_FILENAMES = icd;
    found = await probe(dawn, icd);
    tried.push(icd);
  } else if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) {
    const user = (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES)!;
    found = await probe(dawn, user);
    tried.push(user);
  } else {
    if (process.platform !== 'linux' || (options.hasGpuDevice ?? hasGpuDeviceNode())) {
      found = await probe(dawn, 'system');
      tried.push('the system drivers');
    } else {
      tried.push(
        'no GPU device node (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg), so no system driver',
      );
    }
    if ((!found || found.adapter.kind === 'software') && allowSoftware) {
      const swiftShader = (options.swiftShaderIcds ?? SWIFTSHADER_ICDS).find((p) => existsSync(p));
      if (swiftShader) {
        env.VK_ICD_FILENAMES = swiftShader;
        // Mesa's device-select layer has nothing to select among one software driver, and only
        // prints display-server errors on a headless machine.
        env.NODEVICE_SELECT ??= '1';
        found = (await probe(dawn, swiftShader)) ?? found;
        tried.push(swiftShader);
      } else {
        tried.push('no SwiftShader (install chromium)');
      }
    }
  }

  if (!found) {
    if (process.platform === 'linux' && !findVulkanLoader()) {
      throw new WebGpuUnavailableError({
        problem: 'no-vulkan-loader',
        detail: `Dawn found no adapter and no libvulkan.so.1 is on the library path (tried ${tried.join(', ')})`,
      });
    }
    throw new WebGpuUnavailableError({
      problem: 'no-adapter',
      detail: `Dawn found no adapter (tried ${tried.join(', ')})`,
    });
  }
  installNavigatorGpu(found.gpu, dawn.globals);
  installed = found;
  return { adapter: accept(found.adapter, allowSoftware) };
}

function accept(adapter: WebGpuAdapterInfo, allowSoftware: boolean): WebGpuAdapterInfo {
  if (adapter.kind === 'software' && !allowSoftware) {
    throw new WebGpuUnavailableError({
      problem: 'software-only',
      detail: `the adapter is ${adapter.vendor || '?'} ${adapter.architecture || adapter.device} (software)`,
      adapter: { ...adapter },
    });
  }
  return { ...adapter };
}

async function importDawn(options: SetUpWebGpuOptions): Promise<DawnModule> {
  const importModule = importerOf(options);
  let mod: unknown;
  try {
    mod = await importModule('webgpu');
  } catch (err) {
    if (isNotFound(err, 'webgpu')) {
      throw new WebGpuUnavailableError({
        problem: 'not-installed',
        detail: 'the npm package webgpu (Dawn for Node) is not installed',
        cause: err,
      });
    }
    const platform = /dawn\.node/.test(String((err as Error)?.message));
    throw new WebGpuUnavailableError({
      problem: platform ? 'unsupported-platform' : 'not-installed',
      detail: `importing webgpu failed: ${firstLine(err)}`,
      cause: err,
    });
  }
  const dawn = ((mod as { default?: DawnModule }).default ?? mod) as DawnModule;
  if (typeof dawn?.create !== 'function') {
    throw new WebGpuUnavailableError({
      problem: 'not-installed',
      detail: 'the package webgpu has no create(): install webgpu@0.6.2',
    });
  }
  return dawn;
}

async function probe(
  dawn: DawnModule,
  driver: string,
): Promise<{ gpu: GpuLike; adapter: WebGpuAdapterInfo } | undefined> {
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? { gpu, adapter: describe(adapter, driver) } : undefined;
}

function describe(adapter: AdapterLike, driver: string): WebGpuAdapterInfo {
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    /swiftshader|llvmpipe|lavapipe|softpipe/i.test(text);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    kind: software ? 'software' : 'hardware',
    driver,
  };
}

/** Sets `navigator.gpu` (Node 20 has no `navigator`; Node 21+ has one without `gpu`) and the constants. */
function installNavigatorGpu(gpu: GpuLike, globals: Record<string, unknown>): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals ?? {})) {
    if (!(name in g)) g[name] = value;
  }
  const nav = g.navigator as object | undefined;
  if (nav) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, enumerable: true });
  } else {
    Object.defineProperty(g, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
}
