import { BackendUnavailableError, WebGpuUnavailableError } from './errors.js';
import { firstLine, type ImportOptions, importerOf, isNotFound } from './import.js';
import { setUpWebGpu, type WebGpuAdapterInfo } from './webgpu.js';

/** One attempt of {@link selectBackend}: which candidate, and why it did or did not run. */
export interface BackendAttempt {
  /** Candidate name, e.g. `'tfjs-node'`, `'wasm'`. */
  name: string;
  /** The package imported for it, e.g. `'@tensorflow/tfjs-backend-wasm'`. */
  module: string;
  /** The tfjs backend name it registers, e.g. `'tensorflow'`, `'wasm'`. */
  backend: string;
  /**
   * `ok`: selected; `not-installed`: the import found no package; `failed`: set-up, import or init
   * threw or returned false; `skipped`: not tried because an earlier candidate was selected, or not
   * chosen because its only adapter is a software one and the backend was not named.
   */
  status: 'ok' | 'not-installed' | 'failed' | 'skipped';
  /** Human-readable reason, e.g. the import error's first line. */
  reason: string;
  /** Milliseconds spent setting up, importing and initialising. */
  ms: number;
  /** The WebGPU adapter found, for the `webgpu` candidate (also a software one it declined). */
  adapter?: WebGpuAdapterInfo;
}

/** What a candidate's {@link BackendCandidate.setUp} is told. */
export interface BackendSetUpContext {
  /** True when the user named this backend (`prefer`), false when it is tried automatically. */
  named: boolean;
  importModule: (specifier: string) => Promise<unknown>;
}

/** A tfjs backend package the app may have installed. */
export interface BackendCandidate {
  /** Short name users type, e.g. `'wasm'`. */
  name: string;
  /** The package that registers the backend when imported. */
  module: string;
  /** The name the package registers with tfjs (`tf.setBackend(backend)`). */
  backend: string;
  /** Whether it runs on a GPU. */
  gpu?: boolean;
  /**
   * Runs before the package is imported (e.g. the `webgpu` candidate installs `navigator.gpu`). It
   * throws to decline the candidate: a {@link WebGpuUnavailableError} with problem `not-installed`
   * counts as not installed, `software-only` as skipped, anything else as failed.
   */
  setUp?: (context: BackendSetUpContext) => Promise<{ adapter?: WebGpuAdapterInfo } | undefined>;
}

/**
 * The `webgpu` candidate's set-up: Dawn (npm `webgpu`) as `navigator.gpu`, a hardware adapter when
 * tried automatically, SwiftShader accepted too when named. See {@link setUpWebGpu}.
 */
async function setUpWebGpuCandidate(
  context: BackendSetUpContext,
): Promise<{ adapter: WebGpuAdapterInfo }> {
  return setUpWebGpu({ allowSoftware: context.named, importModule: context.importModule });
}

/**
 * The default order: native GPU (libtensorflow), WebGPU on a hardware adapter (Dawn), native CPU,
 * WebAssembly, plain JavaScript. WebGPU on a software adapter (SwiftShader) runs only when named.
 */
export const DEFAULT_BACKEND_CANDIDATES: readonly BackendCandidate[] = [
  { name: 'tfjs-node-gpu', module: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow', gpu: true },
  {
    name: 'webgpu',
    module: '@tensorflow/tfjs-backend-webgpu',
    backend: 'webgpu',
    gpu: true,
    setUp: setUpWebGpuCandidate,
  },
  { name: 'tfjs-node', module: '@tensorflow/tfjs-node', backend: 'tensorflow' },
  { name: 'wasm', module: '@tensorflow/tfjs-backend-wasm', backend: 'wasm' },
  { name: 'cpu', module: '@tensorflow/tfjs-backend-cpu', backend: 'cpu' },
];

/** The part of the tfjs namespace {@link selectBackend} uses (structural, so tfjs stays optional). */
export interface TfBackendLike {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  /** tfjs's flags; used by `quiet` (optional so that a fake tfjs need not have it). */
  env?(): { set(flag: string, value: boolean): void };
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions extends ImportOptions {
  /**
   * The backend the user asked for: a candidate `name` (`'wasm'`), a tfjs backend name
   * (`'tensorflow'`), or a package name. Only matching candidates are tried, unless `fallback`.
   */
  prefer?: string;
  /** When the preferred backend cannot start, go on with the other candidates. Default false. */
  fallback?: boolean;
  /** Candidates in order of preference; default {@link DEFAULT_BACKEND_CANDIDATES}. */
  candidates?: readonly BackendCandidate[];
  /** The app's tfjs namespace; default `import('@tensorflow/tfjs-core')`. */
  tf?: TfBackendLike;
  /**
   * Once a backend is chosen, set tfjs's `PROD` flag (`tf.enableProdMode()`), which in tfjs 4.22 only
   * silences tfjs's console warnings, among them the cpu backend's "Hi, looks like you are running
   * TensorFlow.js in Node.js" banner; no kernel or result changes. Default true; false leaves tfjs's
   * flags alone.
   */
  quiet?: boolean;
}

/** What {@link selectBackend} chose, and every attempt with its reason. */
export interface BackendSelection {
  /** Candidate name, e.g. `'wasm'`. */
  name: string;
  /** tfjs backend name now active (`tf.getBackend()`). */
  backend: string;
  module: string;
  /** Runs on a GPU: false for `webgpu` on a software adapter (SwiftShader), which is a CPU. */
  gpu: boolean;
  /** The WebGPU adapter in use, when the `webgpu` backend was chosen: record it with the results. */
  adapter?: WebGpuAdapterInfo;
  attempts: BackendAttempt[];
}

function matches(c: BackendCandidate, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return c.name.toLowerCase() === w || c.backend.toLowerCase() === w || c.module === wanted;
}

/**
 * Picks a tfjs backend for an application: tries each candidate in order (by default tfjs-node-gpu,
 * webgpu on a hardware adapter, tfjs-node, wasm, cpu), importing whichever package the user
 * installed, and keeps the first that initialises. `webgpu` runs on a software adapter (SwiftShader)
 * only when named; the adapter is in the result (`adapter`). Every attempt is reported with its reason, so an app can say why the others did not run.
 * A `prefer`red backend that cannot start throws {@link BackendUnavailableError} (no silent fallback)
 * unless `fallback` is set.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const sel = await selectBackend({ tf });
 * console.log(sel.name, sel.attempts.map((a) => `${a.name}: ${a.status} (${a.reason})`));
 * ```
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const all = options.candidates ?? DEFAULT_BACKEND_CANDIDATES;
  const tf = options.tf ?? ((await import('@tensorflow/tfjs-core')) as unknown as TfBackendLike);
  const importModule = importerOf(options);
  let order = [...all];
  let wanted: BackendCandidate[] = [];
  if (options.prefer) {
    wanted = all.filter((c) => matches(c, options.prefer!));
    if (wanted.length === 0) {
      throw new BackendUnavailableError({
        attempts: [],
        requested: options.prefer,
        known: all.map((c) => c.name),
      });
    }
    order = options.fallback ? [...wanted, ...all.filter((c) => !wanted.includes(c))] : wanted;
  }
  const attempts: BackendAttempt[] = [];
  let chosen: BackendCandidate | undefined;
  let chosenAdapter: WebGpuAdapterInfo | undefined;
  for (const c of order) {
    const attempt: BackendAttempt = { ...pick(c), status: 'failed', reason: '', ms: 0 };
    attempts.push(attempt);
    if (chosen) {
      attempt.status = 'skipped';
      attempt.reason = `not tried: ${chosen.name} was selected first`;
      continue;
    }
    const t0 = performance.now();
    if (c.setUp) {
      try {
        const prepared = await c.setUp({ named: wanted.includes(c), importModule });
        if (prepared?.adapter) attempt.adapter = prepared.adapter;
      } catch (err) {
        attempt.ms = performance.now() - t0;
        if (WebGpuUnavailableError.isInstance(err) && err.problem === 'not-installed') {
          attempt.status = 'not-installed';
        } else if (WebGpuUnavailableError.isInstance(err) && err.problem === 'software-only') {
          attempt.status = 'skipped';
          if (err.adapter) attempt.adapter = err.adapter;
        }
        attempt.reason = firstLine(err);
        continue;
      }
    }
    try {
      await importModule(c.module);
    } catch (err) {
      attempt.ms = performance.now() - t0;
      if (isNotFound(err, c.module)) {
        attempt.status = 'not-installed';
        attempt.reason = `${c.module} is not installed`;
      } else {
        attempt.reason = `importing ${c.module} failed: ${firstLine(err)}`;
      }
      continue;
    }
    try {
      const ok = await tf.setBackend(c.backend);
      if (ok) await tf.ready();
      attempt.ms = performance.now() - t0;
      if (ok && tf.getBackend() === c.backend) {
        attempt.status = 'ok';
        attempt.reason = `${c.module} initialised backend '${c.backend}'`;
        if (attempt.adapter) {
          const a = attempt.adapter;
          attempt.reason += ` on ${a.vendor} ${a.architecture || a.device} (${a.kind})`;
        }
        chosen = c;
        chosenAdapter = attempt.adapter;
      } else {
        attempt.reason = `tf.setBackend('${c.backend}') returned false (initialisation failed)`;
      }
    } catch (err) {
      attempt.ms = performance.now() - t0;
      attempt.reason = `initialising backend '${c.backend}' failed: ${firstLine(err)}`;
      if (c.setUp && /not found in registry/.test(attempt.reason)) {
        attempt.reason += ` (was ${c.module} imported before its set-up ran? Import it only after selectBackend)`;
      }
    }
  }
  if (!chosen) {
    throw new BackendUnavailableError({ attempts, requested: options.prefer });
  }
  if (options.quiet ?? true) tf.env?.().set('PROD', true);
  return {
    name: chosen.name,
    backend: tf.getBackend(),
    module: chosen.module,
    // A software adapter (SwiftShader) is no GPU: apps size their work by this flag.
    gpu: !!chosen.gpu && chosenAdapter?.kind !== 'software',
    ...(chosenAdapter ? { adapter: chosenAdapter } : {}),
    attempts,
  };
}

function pick(c: BackendCandidate): Pick<BackendAttempt, 'name' | 'module' | 'backend'> {
  return { name: c.name, module: c.module, backend: c.backend };
}
