/**
 * Every error class of the examples pipeline (CONTRIBUTING, "Errors"): one base, {@link PipelineError},
 * whose `code` is a union to switch on; options-object constructors; `static isInstance`.
 */
const MARKER = 'fmnist.examples.error';
const SYMBOL = Symbol.for(MARKER);

/** Stable codes of every pipeline error: switch on `error.code`. */
export type PipelineErrorCode = 'USAGE' | 'BUILD_FAILED';

/** @internal */
function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

/** Base class of every error the pipeline itself throws (the packages throw their own). */
export class PipelineError extends Error {
  readonly [SYMBOL] = true;
  readonly code: PipelineErrorCode;
  constructor({
    code,
    message,
    cause,
  }: { code: PipelineErrorCode; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }
  /** True for any pipeline error, also one from another copy of this module. */
  static isInstance(error: unknown): error is PipelineError {
    return hasMarker(error, MARKER);
  }
}

const USAGE = Symbol.for(`${MARKER}.UsageError`);
/**
 * A bad command line (unknown flag, bad value, unknown name, unusable `--out` folder): printed as one
 * line with a hint to run `--help`, exit code 2, before any heavy work. Code `USAGE`.
 */
export class UsageError extends PipelineError {
  readonly [USAGE] = true;
  declare readonly code: 'USAGE';
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ code: 'USAGE', message, cause });
  }
  static override isInstance(error: unknown): error is UsageError {
    return hasMarker(error, `${MARKER}.UsageError`);
  }
}

const BUILD_FAILED = Symbol.for(`${MARKER}.BuildFailedError`);
/** `pnpm bench` could not build the packages; `output` holds the build's log. Code `BUILD_FAILED`. */
export class BuildFailedError extends PipelineError {
  readonly [BUILD_FAILED] = true;
  declare readonly code: 'BUILD_FAILED';
  readonly output: string;
  constructor({
    exitCode,
    output,
    cause,
  }: { exitCode: number | null; output: string; cause?: unknown }) {
    super({
      code: 'BUILD_FAILED',
      message: `building the packages failed (turbo exit code ${exitCode}); its log is above. Fix the build (pnpm build) and run again.`,
      cause,
    });
    this.output = output;
  }
  static override isInstance(error: unknown): error is BuildFailedError {
    return hasMarker(error, `${MARKER}.BuildFailedError`);
  }
}
