import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BackendAttempt, BackendUnavailableError } from './errors.js';

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
}

/** The default order: native GPU, native CPU, WebAssembly, plain JavaScript. */
export const DEFAULT_BACKEND_CANDIDATES: readonly BackendCandidate[] = [
  { name: 'tfjs-node-gpu', module: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow', gpu: true },
  { name: 'tfjs-node', module: '@tensorflow/tfjs-node', backend: 'tensorflow' },
  { name: 'wasm', module: '@tensorflow/tfjs-backend-wasm', backend: 'wasm' },
  { name: 'cpu', module: '@tensorflow/tfjs-backend-cpu', backend: 'cpu' },
];

/** The part of the tfjs namespace {@link selectBackend} uses (structural, so tfjs stays optional). */
export interface TfBackendLike {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
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
   * Imports a backend package. Default: resolve it from `resolveFrom` (the app), else from this
   * package, then `import()` it.
   */
  importModule?: (specifier: string) => Promise<unknown>;
  /** Folder to resolve backend packages from; default `process.cwd()`. */
  resolveFrom?: string;
}

/** What {@link selectBackend} chose, and every attempt with its reason. */
export interface BackendSelection {
  /** Candidate name, e.g. `'wasm'`. */
  name: string;
  /** tfjs backend name now active (`tf.getBackend()`). */
  backend: string;
  module: string;
  gpu: boolean;
  attempts: BackendAttempt[];
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.trim();
}

function isNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  // Only the package itself missing counts; a missing native binding or transitive dependency is a failure.
  const msg = e.message ?? '';
  return msg.includes(`'${specifier}'`) || msg.includes(`"${specifier}"`);
}

/** Imports `specifier` resolved from `from` (the app), falling back to this package's own resolution. */
export async function importFrom(
  specifier: string,
  from: string = process.cwd(),
): Promise<unknown> {
  let resolved: string | undefined;
  try {
    resolved = createRequire(join(from, 'package.json')).resolve(specifier);
  } catch {
    resolved = undefined;
  }
  if (resolved) return import(pathToFileURL(resolved).href);
  return import(specifier);
}

function matches(c: BackendCandidate, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return c.name.toLowerCase() === w || c.backend.toLowerCase() === w || c.module === wanted;
}

/**
 * Picks a tfjs backend for an application: tries each candidate in order (by default tfjs-node-gpu,
 * tfjs-node, wasm, cpu), importing whichever package the user installed, and keeps the first that
 * initialises. Every attempt is reported with its reason, so an app can say why the others did not run.
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
  const importModule =
    options.importModule ?? ((spec: string) => importFrom(spec, options.resolveFrom));
  let order = [...all];
  if (options.prefer) {
    const wanted = all.filter((c) => matches(c, options.prefer!));
    if (wanted.length === 0) {
      throw new BackendUnavailableError(
        `Unknown backend '${options.prefer}'. Choose one of: ${all.map((c) => c.name).join(', ')}.`,
        [],
      );
    }
    order = options.fallback ? [...wanted, ...all.filter((c) => !wanted.includes(c))] : wanted;
  }
  const attempts: BackendAttempt[] = [];
  let chosen: BackendCandidate | undefined;
  for (const c of order) {
    const attempt: BackendAttempt = { ...pick(c), status: 'failed', reason: '', ms: 0 };
    attempts.push(attempt);
    if (chosen) {
      attempt.status = 'skipped';
      attempt.reason = `not tried: ${chosen.name} was selected first`;
      continue;
    }
    const t0 = performance.now();
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
        chosen = c;
      } else {
        attempt.reason = `tf.setBackend('${c.backend}') returned false (initialisation failed)`;
      }
    } catch (err) {
      attempt.ms = performance.now() - t0;
      attempt.reason = `initialising backend '${c.backend}' failed: ${firstLine(err)}`;
    }
  }
  if (!chosen) {
    const why = attempts.map((a) => `  - ${a.name}: ${a.reason}`).join('\n');
    const hint = options.prefer
      ? `Install ${order.map((c) => c.module).join(' or ')}, or choose another backend.`
      : 'Install one of them, e.g. `npm install @tensorflow/tfjs-backend-cpu`.';
    throw new BackendUnavailableError(
      `No TensorFlow.js backend could start:\n${why}\n${hint}`,
      attempts,
    );
  }
  return {
    name: chosen.name,
    backend: tf.getBackend(),
    module: chosen.module,
    gpu: !!chosen.gpu,
    attempts,
  };
}

function pick(c: BackendCandidate): Pick<BackendAttempt, 'name' | 'module' | 'backend'> {
  return { name: c.name, module: c.module, backend: c.backend };
}
