/** Base class of every error thrown by `@fmnist/vgg-small`. `code` is stable and safe to switch on. */
export class VggSmallError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A model or training option is out of range or inconsistent. */
export class InvalidConfigError extends VggSmallError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

/** The images/labels handed to training or evaluation do not fit the model. */
export class InvalidDataError extends VggSmallError {
  constructor(message: string) {
    super('INVALID_DATA', message);
  }
}

/** Codes of {@link ModelDirError}. */
export type ModelDirErrorCode =
  | 'MODEL_DIR_NOT_FOUND'
  | 'MODEL_JSON_MISSING'
  | 'MODEL_JSON_INVALID'
  | 'WEIGHTS_MISSING'
  | 'WEIGHTS_SIZE_MISMATCH'
  | 'MANIFEST_MISMATCH';

/**
 * A saved-model directory cannot be read: it is missing, partial or corrupt. `code` says which
 * ({@link ModelDirErrorCode}), `dir` where, and `file` which file when one is to blame.
 */
export class ModelDirError extends VggSmallError {
  override readonly code: ModelDirErrorCode;
  readonly dir: string;
  readonly file: string | undefined;
  constructor(
    code: ModelDirErrorCode,
    dir: string,
    message: string,
    options?: { file?: string; cause?: unknown },
  ) {
    super(code, message, { cause: options?.cause });
    this.code = code;
    this.dir = dir;
    this.file = options?.file;
  }
}

/** A checkpoint cannot be used to resume this run (corrupt, or from another configuration). */
export class CheckpointError extends VggSmallError {
  readonly dir: string;
  constructor(
    code: 'CHECKPOINT_INVALID' | 'CHECKPOINT_MISMATCH',
    dir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.dir = dir;
  }
}

/** `registerWasmTrainingKernels()` was called before `@tensorflow/tfjs-backend-wasm` was imported. */
export class WasmBackendMissingError extends VggSmallError {
  constructor() {
    super(
      'WASM_BACKEND_NOT_LOADED',
      'The wasm backend has no kernels registered. Import it first:\n' +
        "  import '@tensorflow/tfjs-backend-wasm';\n" +
        '  registerWasmTrainingKernels();\n' +
        "  await tf.setBackend('wasm');",
    );
  }
}

/** The wasm training kernels were asked for something they do not support (e.g. NCHW data). */
export class UnsupportedKernelInputError extends VggSmallError {
  constructor(message: string) {
    super('UNSUPPORTED_KERNEL_INPUT', message);
  }
}

/** Training was stopped through the `signal` option. `epochsCompleted` finished before it. */
export class TrainingAbortedError extends VggSmallError {
  readonly epochsCompleted: number;
  constructor(epochsCompleted: number, options?: { cause?: unknown }) {
    super(
      'TRAINING_ABORTED',
      `Training was aborted after ${epochsCompleted} complete epoch(s). ` +
        'Call trainVggSmall again with the same checkpointDir and seed to resume.',
      options,
    );
    this.epochsCompleted = epochsCompleted;
  }
}
