const MARKER = 'fmnist.vgg-small.error';
const SYMBOL = Symbol.for(MARKER);

/** Codes of {@link ModelDirError}: which part of a saved-model directory is missing or broken. */
export type ModelDirErrorCode =
  | 'MODEL_DIR_NOT_FOUND'
  | 'MODEL_JSON_MISSING'
  | 'MODEL_JSON_INVALID'
  | 'WEIGHTS_MISSING'
  | 'WEIGHTS_SIZE_MISMATCH'
  | 'MANIFEST_MISMATCH';

/** Codes of {@link CheckpointError}. */
export type CheckpointErrorCode = 'CHECKPOINT_INVALID' | 'CHECKPOINT_MISMATCH';

/** Codes of {@link ModelSourceError}. */
export type ModelSourceErrorCode =
  | 'INVALID_URL'
  | 'INVALID_SOURCE'
  | 'NO_FETCH'
  | 'UNSUPPORTED_MODEL';

/** Stable codes of every `@fmnist/vgg-small` error: switch on `error.code`. */
export type VggSmallErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_DATA'
  | ModelDirErrorCode
  | CheckpointErrorCode
  | ModelSourceErrorCode
  | 'WASM_BACKEND_NOT_LOADED'
  | 'UNSUPPORTED_KERNEL_INPUT'
  | 'WORKER_FAILED'
  | 'ABORTED';

/** Base class of every error thrown by `@fmnist/vgg-small`. `code` is stable and safe to switch on. */
export class VggSmallError extends Error {
  private readonly [SYMBOL] = true;
  readonly code: VggSmallErrorCode;
  constructor({
    code,
    message,
    cause,
  }: {
    code: VggSmallErrorCode;
    message: string;
    cause?: unknown;
  }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }
  /** True for any `@fmnist/vgg-small` error, also one thrown by another copy of the package. */
  static isInstance(error: unknown): error is VggSmallError {
    return hasMarker(error, MARKER);
  }
}

/** @internal */
function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

const INVALID_CONFIG = Symbol.for(`${MARKER}.InvalidConfigError`);
/**
 * A model or training option is out of range or inconsistent. Code `INVALID_CONFIG`. `option` names
 * it; the message says what it must be.
 */
export class InvalidConfigError extends VggSmallError {
  private readonly [INVALID_CONFIG] = true;
  declare readonly code: 'INVALID_CONFIG';
  /** The option at fault, e.g. `'batchSize'` or `'augment.copies'`. */
  readonly option: string;
  constructor({
    option,
    expected,
    value,
    cause,
  }: {
    option: string;
    /** What the option must be, as a phrase: `'an integer ≥ 1'`, `"'online' or 'offline'"`. */
    expected: string;
    /** The value given (omit when the fault is not one value). */
    value?: unknown;
    cause?: unknown;
  }) {
    const got = value === undefined ? '' : `, got ${describe(value)}`;
    super({ code: 'INVALID_CONFIG', message: `${option} must be ${expected}${got}.`, cause });
    this.option = option;
  }
  static override isInstance(error: unknown): error is InvalidConfigError {
    return hasMarker(error, `${MARKER}.InvalidConfigError`);
  }
}

const INVALID_DATA = Symbol.for(`${MARKER}.InvalidDataError`);
/**
 * The images or labels handed to training or evaluation do not fit the model. Code `INVALID_DATA`.
 * `what` names the argument (`'data'`, `'validationData.images'`…); the message says what to pass.
 */
export class InvalidDataError extends VggSmallError {
  private readonly [INVALID_DATA] = true;
  declare readonly code: 'INVALID_DATA';
  readonly what: string;
  constructor({ what, problem, cause }: { what: string; problem: string; cause?: unknown }) {
    super({ code: 'INVALID_DATA', message: `${what}: ${problem}`, cause });
    this.what = what;
  }
  static override isInstance(error: unknown): error is InvalidDataError {
    return hasMarker(error, `${MARKER}.InvalidDataError`);
  }
}

const MODEL_DIR = Symbol.for(`${MARKER}.ModelDirError`);
/**
 * A saved model cannot be read: its directory (or URL) is missing, partial or corrupt. `code` says
 * which ({@link ModelDirErrorCode}), `dir` where, and `file` which file when one is to blame.
 */
export class ModelDirError extends VggSmallError {
  private readonly [MODEL_DIR] = true;
  declare readonly code: ModelDirErrorCode;
  readonly dir: string;
  readonly file: string | undefined;
  constructor({
    code,
    dir,
    file,
    problem,
    cause,
  }: {
    code: ModelDirErrorCode;
    dir: string;
    file?: string;
    /** What is wrong and what to do about it (the message). */
    problem: string;
    cause?: unknown;
  }) {
    super({ code, message: problem, cause });
    this.dir = dir;
    this.file = file;
  }
  static override isInstance(error: unknown): error is ModelDirError {
    return hasMarker(error, `${MARKER}.ModelDirError`);
  }
}

const CHECKPOINT = Symbol.for(`${MARKER}.CheckpointError`);
/**
 * A checkpoint cannot be used to resume this run: `CHECKPOINT_INVALID` (unreadable or corrupt) or
 * `CHECKPOINT_MISMATCH` (it belongs to another setup). `dir` is the checkpoint's directory.
 */
export class CheckpointError extends VggSmallError {
  private readonly [CHECKPOINT] = true;
  declare readonly code: CheckpointErrorCode;
  readonly dir: string;
  constructor({
    code,
    dir,
    reason,
    cause,
  }: {
    code: CheckpointErrorCode;
    dir: string;
    /** For `CHECKPOINT_INVALID`: why it cannot be read. */
    reason?: string;
    cause?: unknown;
  }) {
    super({
      code,
      message:
        code === 'CHECKPOINT_MISMATCH'
          ? `The checkpoint in ${dir} comes from a different setup (model, data, seed, batch size, ` +
            'learning rate or augmentation). Use another checkpointDir, or pass resume: false to start over.'
          : `Checkpoint ${dir} cannot be read (${reason ?? 'unknown reason'}). Delete it to resume from ` +
            'an older one, or pass resume: false to start over.',
      cause,
    });
    this.dir = dir;
  }
  static override isInstance(error: unknown): error is CheckpointError {
    return hasMarker(error, `${MARKER}.CheckpointError`);
  }
}

const MODEL_SOURCE = Symbol.for(`${MARKER}.ModelSourceError`);
/**
 * A model cannot be loaded from, or saved to, what was given: `INVALID_URL` (not an absolute http(s)
 * URL), `INVALID_SOURCE` (an IO handler that cannot load), `NO_FETCH` (no `fetch()` in this runtime)
 * or `UNSUPPORTED_MODEL` (not a layers model, so it cannot be saved to a directory).
 */
export class ModelSourceError extends VggSmallError {
  private readonly [MODEL_SOURCE] = true;
  declare readonly code: ModelSourceErrorCode;
  constructor({
    code,
    problem,
    cause,
  }: {
    code: ModelSourceErrorCode;
    /** What is wrong and what to do about it (the message). */
    problem: string;
    cause?: unknown;
  }) {
    super({ code, message: problem, cause });
  }
  static override isInstance(error: unknown): error is ModelSourceError {
    return hasMarker(error, `${MARKER}.ModelSourceError`);
  }
}

const WASM_MISSING = Symbol.for(`${MARKER}.WasmBackendMissingError`);
/**
 * `registerWasmTrainingKernels()` was called before `@tensorflow/tfjs-backend-wasm` was imported.
 * Code `WASM_BACKEND_NOT_LOADED`.
 */
export class WasmBackendMissingError extends VggSmallError {
  private readonly [WASM_MISSING] = true;
  declare readonly code: 'WASM_BACKEND_NOT_LOADED';
  constructor({ cause }: { cause?: unknown } = {}) {
    super({
      code: 'WASM_BACKEND_NOT_LOADED',
      message:
        'The wasm backend has no kernels registered. Import it first:\n' +
        "  import '@tensorflow/tfjs-backend-wasm';\n" +
        '  registerWasmTrainingKernels();\n' +
        "  await tf.setBackend('wasm');",
      cause,
    });
  }
  static override isInstance(error: unknown): error is WasmBackendMissingError {
    return hasMarker(error, `${MARKER}.WasmBackendMissingError`);
  }
}

const UNSUPPORTED_KERNEL = Symbol.for(`${MARKER}.UnsupportedKernelInputError`);
/**
 * The wasm training kernels were asked for a data layout they do not implement (they take NHWC).
 * Code `UNSUPPORTED_KERNEL_INPUT`.
 */
export class UnsupportedKernelInputError extends VggSmallError {
  private readonly [UNSUPPORTED_KERNEL] = true;
  declare readonly code: 'UNSUPPORTED_KERNEL_INPUT';
  readonly kernel: string;
  constructor({
    kernel,
    dataFormat,
    cause,
  }: {
    kernel: string;
    dataFormat: string;
    cause?: unknown;
  }) {
    super({
      code: 'UNSUPPORTED_KERNEL_INPUT',
      message: `${kernel} on wasm supports NHWC data only (got ${dataFormat}); transpose to NHWC first.`,
      cause,
    });
    this.kernel = kernel;
  }
  static override isInstance(error: unknown): error is UnsupportedKernelInputError {
    return hasMarker(error, `${MARKER}.UnsupportedKernelInputError`);
  }
}

const WORKER_FAILED = Symbol.for(`${MARKER}.WorkerFailedError`);
/**
 * A training worker thread failed: it threw, ran out of memory or exited. Code `WORKER_FAILED`.
 * `worker` is its 0-based index, `cause` what happened to it. Every other worker has been stopped,
 * and the last checkpoint (written after the last complete epoch) is intact.
 */
export class WorkerFailedError extends VggSmallError {
  private readonly [WORKER_FAILED] = true;
  declare readonly code: 'WORKER_FAILED';
  readonly worker: number;
  constructor({ worker, reason, cause }: { worker: number; reason: string; cause?: unknown }) {
    super({
      code: 'WORKER_FAILED',
      message:
        `Training worker ${worker} failed: ${reason}. Every worker was stopped; the last checkpoint ` +
        'holds the last complete epoch. Fix the cause (e.g. fewer workers or a smaller batch when out ' +
        'of memory) and call trainVggSmall again with the same checkpointDir to resume.',
      cause,
    });
    this.worker = worker;
  }
  static override isInstance(error: unknown): error is WorkerFailedError {
    return hasMarker(error, `${MARKER}.WorkerFailedError`);
  }
}

const ABORTED = Symbol.for(`${MARKER}.AbortedError`);
/**
 * Training was stopped through the `signal` option. Code `ABORTED`. `epochsCompleted` epochs finished
 * before it; `cause` is the signal's reason.
 */
export class AbortedError extends VggSmallError {
  private readonly [ABORTED] = true;
  declare readonly code: 'ABORTED';
  readonly epochsCompleted: number;
  constructor({ epochsCompleted, cause }: { epochsCompleted: number; cause?: unknown }) {
    super({
      code: 'ABORTED',
      message:
        `Training was aborted after ${epochsCompleted} complete epoch(s). ` +
        'Call trainVggSmall again with the same checkpointDir and seed to resume.',
      cause,
    });
    this.epochsCompleted = epochsCompleted;
  }
  static override isInstance(error: unknown): error is AbortedError {
    return hasMarker(error, `${MARKER}.AbortedError`);
  }
}

/**
 * @deprecated Use {@link AbortedError} (code `ABORTED`); this alias goes in the next minor version.
 * @alias
 */
export const TrainingAbortedError = AbortedError;
/** @deprecated Use {@link AbortedError}. */
export type TrainingAbortedError = AbortedError;

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}
