import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  CheckpointError,
  InvalidConfigError,
  InvalidDataError,
  ModelDirError,
  ModelSourceError,
  TrainingAbortedError,
  UnsupportedKernelInputError,
  VggSmallError,
  WasmBackendMissingError,
  WorkerFailedError,
} from './errors.js';

const cause = new Error('root cause');
const cases = [
  [
    new InvalidConfigError({ option: 'batchSize', expected: 'an integer ≥ 1', value: 0 }),
    InvalidConfigError,
    'INVALID_CONFIG',
    /batchSize must be an integer ≥ 1, got 0/,
  ],
  [
    new InvalidDataError({ what: 'data', problem: 'give one label per image.' }),
    InvalidDataError,
    'INVALID_DATA',
    /data: give one label per image/,
  ],
  [
    new ModelDirError({
      code: 'WEIGHTS_MISSING',
      dir: '/m',
      file: 'w.bin',
      problem: 'Save it again.',
    }),
    ModelDirError,
    'WEIGHTS_MISSING',
    /Save it again/,
  ],
  [
    new CheckpointError({ code: 'CHECKPOINT_MISMATCH', dir: '/c/epoch-0001' }),
    CheckpointError,
    'CHECKPOINT_MISMATCH',
    /resume: false/,
  ],
  [
    new CheckpointError({ code: 'CHECKPOINT_INVALID', dir: '/c', reason: 'truncated', cause }),
    CheckpointError,
    'CHECKPOINT_INVALID',
    /truncated\). Delete it/,
  ],
  [
    new ModelSourceError({ code: 'NO_FETCH', problem: 'pass options.fetch' }),
    ModelSourceError,
    'NO_FETCH',
    /options\.fetch/,
  ],
  [
    new WasmBackendMissingError(),
    WasmBackendMissingError,
    'WASM_BACKEND_NOT_LOADED',
    /import '@tensorflow\/tfjs-backend-wasm'/,
  ],
  [
    new UnsupportedKernelInputError({ kernel: 'Conv2D', dataFormat: 'NCHW' }),
    UnsupportedKernelInputError,
    'UNSUPPORTED_KERNEL_INPUT',
    /transpose to NHWC/,
  ],
  [
    new WorkerFailedError({ worker: 3, reason: 'out of memory', cause }),
    WorkerFailedError,
    'WORKER_FAILED',
    /worker 3 failed: out of memory.*fewer workers/s,
  ],
  [
    new AbortedError({ epochsCompleted: 2, cause }),
    AbortedError,
    'ABORTED',
    /after 2 complete.*to resume/s,
  ],
] as const;

describe('errors', () => {
  it.each(cases)(
    '%s: class, code, isInstance, a message that says what to do',
    (e, cls, code, fix) => {
      expect(e).toBeInstanceOf(cls);
      expect(e).toBeInstanceOf(VggSmallError);
      expect(e.code).toBe(code);
      expect(e.name).toBe(cls.name);
      expect(cls.isInstance(e)).toBe(true);
      expect(VggSmallError.isInstance(e)).toBe(true);
      expect(e.message).toMatch(fix);
    },
  );

  it('isInstance tells the classes apart, and accepts look-alikes from another copy of the package', () => {
    expect(AbortedError.isInstance(new WorkerFailedError({ worker: 0, reason: 'x' }))).toBe(false);
    expect(VggSmallError.isInstance(new Error('x'))).toBe(false);
    expect(VggSmallError.isInstance(null)).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('fmnist.vgg-small.error')]: true,
      [Symbol.for('fmnist.vgg-small.error.AbortedError')]: true,
    });
    expect(AbortedError.isInstance(foreign)).toBe(true);
    expect(WorkerFailedError.isInstance(foreign)).toBe(false);
  });

  it('keeps the cause, and TrainingAbortedError is a deprecated alias of AbortedError', () => {
    expect(new WorkerFailedError({ worker: 1, reason: 'x', cause }).cause).toBe(cause);
    expect(new AbortedError({ epochsCompleted: 0 }).cause).toBeUndefined();
    expect(TrainingAbortedError).toBe(AbortedError);
    expect(new TrainingAbortedError({ epochsCompleted: 1 }).code).toBe('ABORTED');
    expect(new WorkerFailedError({ worker: 1, reason: 'x' }).worker).toBe(1);
    expect(new InvalidConfigError({ option: 'workers', expected: 'x' }).option).toBe('workers');
  });
});
