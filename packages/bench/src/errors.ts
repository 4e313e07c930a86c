/**
 * Every error class of `@fmnist/bench` (CONTRIBUTING, "Errors"): one base, {@link BenchError}, whose
 * `code` is a union to switch on; one options-object constructor per class that builds a message
 * saying what to do; `static isInstance` recognising errors from another copy of the package.
 */
import type { BackendAttempt } from './backend.js';
import type { WebGpuAdapterInfo } from './webgpu.js';

const MARKER = 'fmnist.bench.error';
const SYMBOL = Symbol.for(MARKER);

/** Stable codes of every `@fmnist/bench` error: switch on `error.code`. */
export type BenchErrorCode = 'INVALID_ARGUMENT' | 'BACKEND_UNAVAILABLE' | 'WEBGPU_UNAVAILABLE';

/** @internal */
function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

/** Base class of every error thrown by `@fmnist/bench`. */
export class BenchError extends Error {
  private readonly [SYMBOL] = true;
  readonly code: BenchErrorCode;
  constructor({
    code,
    message,
    cause,
  }: { code: BenchErrorCode; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }
  /** True for any `@fmnist/bench` error, also one thrown by another copy of the package. */
  static isInstance(error: unknown): error is BenchError {
    return hasMarker(error, MARKER);
  }
}

const INVALID_ARGUMENT = Symbol.for(`${MARKER}.InvalidArgumentError`);
/**
 * An argument is out of range or inconsistent (lengths differ, label out of range, ...). Code
 * `INVALID_ARGUMENT`. The message names the argument and what to pass instead.
 */
export class InvalidArgumentError extends BenchError {
  private readonly [INVALID_ARGUMENT] = true;
  declare readonly code: 'INVALID_ARGUMENT';
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ code: 'INVALID_ARGUMENT', message, cause });
  }
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, `${MARKER}.InvalidArgumentError`);
  }
}

const BACKEND_UNAVAILABLE = Symbol.for(`${MARKER}.BackendUnavailableError`);
/**
 * No candidate backend could start, or the one the user named is unknown or could not start (no
 * silent fallback). Code `BACKEND_UNAVAILABLE`; `attempts` says why each candidate did not run.
 */
export class BackendUnavailableError extends BenchError {
  private readonly [BACKEND_UNAVAILABLE] = true;
  declare readonly code: 'BACKEND_UNAVAILABLE';
  /** Every candidate tried, with its reason (empty when the requested name is unknown). */
  readonly attempts: readonly BackendAttempt[];
  /** The backend the user asked for, if any. */
  readonly requested: string | undefined;
  constructor({
    attempts,
    requested,
    known,
    cause,
  }: {
    attempts: readonly BackendAttempt[];
    /** The name the user asked for (`prefer`). */
    requested?: string;
    /** Every candidate name; given when `requested` matches none of them. */
    known?: readonly string[];
    cause?: unknown;
  }) {
    let message: string;
    if (known && requested !== undefined) {
      message = `Unknown backend '${requested}'. Choose one of: ${known.join(', ')}.`;
    } else {
      const why = attempts.map((a) => `  - ${a.name}: ${a.reason}`).join('\n');
      const missing = attempts.filter((a) => a.status === 'not-installed').map((a) => a.module);
      const hint =
        requested === undefined
          ? 'Install one of them, e.g. `npm install @tensorflow/tfjs-backend-cpu`.'
          : missing.length === attempts.length
            ? `Install ${missing.join(' or ')}, or choose another backend.`
            : 'Do what the reason above says, or choose another backend.';
      message = `No TensorFlow.js backend could start:\n${why}\n${hint}`;
    }
    super({ code: 'BACKEND_UNAVAILABLE', message, cause });
    this.attempts = attempts;
    this.requested = requested;
  }
  static override isInstance(error: unknown): error is BackendUnavailableError {
    return hasMarker(error, `${MARKER}.BackendUnavailableError`);
  }
}

/** Why {@link WebGpuUnavailableError} was thrown. */
export type WebGpuProblem =
  /** The npm package `webgpu` (Dawn's Node binding) or `@tensorflow/tfjs-backend-webgpu` is missing. */
  | 'not-installed'
  /** This platform has no Dawn build in the `webgpu` package. */
  | 'unsupported-platform'
  /** No Vulkan loader (`libvulkan.so.1`) on the library path. */
  | 'no-vulkan-loader'
  /** The loader is there but no Vulkan driver (ICD) gave Dawn an adapter. */
  | 'no-adapter'
  /** Only a software adapter (e.g. SwiftShader) exists and software was not allowed. */
  | 'software-only';

const WEBGPU_UNAVAILABLE = Symbol.for(`${MARKER}.WebGpuUnavailableError`);
/**
 * WebGPU (through Dawn, npm `webgpu`) cannot give TensorFlow.js an adapter here. Code
 * `WEBGPU_UNAVAILABLE`; `problem` says which step failed, the message what to install or set.
 */
export class WebGpuUnavailableError extends BenchError {
  private readonly [WEBGPU_UNAVAILABLE] = true;
  declare readonly code: 'WEBGPU_UNAVAILABLE';
  readonly problem: WebGpuProblem;
  /** The adapter that was found but not accepted (`software-only`). */
  readonly adapter: WebGpuAdapterInfo | undefined;
  constructor({
    problem,
    detail,
    adapter,
    cause,
  }: {
    problem: WebGpuProblem;
    /** Facts for the message: the missing package, the drivers tried, the adapter found. */
    detail: string;
    adapter?: WebGpuAdapterInfo;
    cause?: unknown;
  }) {
    const fix: Record<WebGpuProblem, string> = {
      'not-installed':
        'install both: `npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0`.',
      'unsupported-platform':
        'the `webgpu` package ships Dawn for linux-x64, linux-arm64, darwin and win32 only; use wasm here.',
      'no-vulkan-loader':
        'install the Vulkan loader (Debian/Ubuntu: `apt-get install libvulkan1`), or start node with ' +
        'LD_LIBRARY_PATH set to a folder holding libvulkan.so.1 (e.g. /usr/lib/chromium).',
      'no-adapter':
        "no Vulkan driver for this GPU: install the vendor's Vulkan ICD (NVIDIA: the driver's " +
        'nvidia_icd.json; Mesa: mesa-vulkan-drivers), or point VK_ICD_FILENAMES (or ' +
        'FMNIST_VULKAN_ICD) at a driver manifest; for a software run install chromium, whose ' +
        'SwiftShader is used when the backend is named.',
      'software-only':
        'only a software adapter exists: it is slower than wasm, so it runs only when asked for ' +
        '(`--backend webgpu`, `selectBackend({ prefer: "webgpu" })`).',
    };
    super({
      code: 'WEBGPU_UNAVAILABLE',
      message: `WebGPU unavailable: ${detail}; ${fix[problem]}`,
      cause,
    });
    this.problem = problem;
    this.adapter = adapter;
  }
  static override isInstance(error: unknown): error is WebGpuUnavailableError {
    return hasMarker(error, `${MARKER}.WebGpuUnavailableError`);
  }
}
