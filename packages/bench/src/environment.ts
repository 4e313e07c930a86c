import os from 'node:os';
import type { WebGpuAdapterInfo } from './webgpu.js';

/** Where a benchmark ran. Plain JSON. */
export interface Environment {
  /** tfjs backend name (`tf.getBackend()`), or `'none'` when no tfjs was involved. */
  backend: string;
  /** The package that provided the backend, when known. */
  backendModule?: string;
  /** TensorFlow.js version, when known. */
  tfjsVersion?: string;
  /** The WebGPU adapter, when the backend is `webgpu` (a `software` one measures no GPU). */
  adapter?: WebGpuAdapterInfo;
  nodeVersion: string;
  /** `process.platform`-`process.arch`. */
  platform: string;
  /** `os.type()` and `os.release()`, e.g. `'Linux 6.1.0'`. */
  os: string;
  cpuModel: string;
  /** Logical cores (`os.availableParallelism()`). */
  cores: number;
  totalMemoryBytes: number;
  /** ISO 8601 date and time the environment was collected. */
  date: string;
  /** `true` when the `CI` environment variable is set. */
  ci: boolean;
}

/** Options of {@link collectEnvironment}. */
export interface CollectEnvironmentOptions {
  backend?: string;
  backendModule?: string;
  tfjsVersion?: string;
  /** The WebGPU adapter (`BackendSelection.adapter` of {@link selectBackend}). */
  adapter?: WebGpuAdapterInfo;
  /** The date to record; default now. */
  date?: Date;
  env?: Record<string, string | undefined>;
}

/**
 * Describes the machine and runtime: backend, Node version, CPU model and cores, OS, memory, date.
 *
 * @example
 * ```ts
 * const env = collectEnvironment({ backend: tf.getBackend(), tfjsVersion: tf.version_core });
 * ```
 */
export function collectEnvironment(options: CollectEnvironmentOptions = {}): Environment {
  const cpus = os.cpus();
  const env = options.env ?? process.env;
  const result: Environment = {
    backend: options.backend ?? 'none',
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    os: `${os.type()} ${os.release()}`,
    cpuModel: cpus[0]?.model?.trim() || 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    totalMemoryBytes: os.totalmem(),
    date: (options.date ?? new Date()).toISOString(),
    ci: !!env.CI && env.CI !== 'false' && env.CI !== '0',
  };
  if (options.backendModule) result.backendModule = options.backendModule;
  if (options.tfjsVersion) result.tfjsVersion = options.tfjsVersion;
  if (options.adapter) result.adapter = { ...options.adapter };
  return result;
}
