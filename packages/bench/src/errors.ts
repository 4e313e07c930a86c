/** Base class of every error thrown by `@fmnist/bench`. `code` is stable and safe to switch on. */
export class BenchError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument is out of range or inconsistent (lengths differ, label out of range, ...). */
export class InvalidArgumentError extends BenchError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** One attempt of {@link selectBackend}: which candidate, and why it did or did not run. */
export interface BackendAttempt {
  /** Candidate name, e.g. `'tfjs-node'`, `'wasm'`. */
  name: string;
  /** The package imported for it, e.g. `'@tensorflow/tfjs-backend-wasm'`. */
  module: string;
  /** The tfjs backend name it registers, e.g. `'tensorflow'`, `'wasm'`. */
  backend: string;
  /** `ok`: selected; `not-installed`: the import found no package; `failed`: import or init threw or returned false; `skipped`: not tried because an earlier candidate was selected. */
  status: 'ok' | 'not-installed' | 'failed' | 'skipped';
  /** Human-readable reason, e.g. the import error's first line. */
  reason: string;
  /** Milliseconds spent importing and initialising. */
  ms: number;
}

/** No candidate backend could be initialised (or the one the user named could not). */
export class BackendUnavailableError extends BenchError {
  readonly attempts: readonly BackendAttempt[];
  constructor(message: string, attempts: readonly BackendAttempt[]) {
    super('BACKEND_UNAVAILABLE', message);
    this.attempts = attempts;
  }
}
