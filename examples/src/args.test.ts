import { describe, expect, it } from 'vitest';
import { checkNames, parsePipelineArgs, UsageError } from './args.js';

describe('parsePipelineArgs', () => {
  it('has the documented defaults', () => {
    expect(parsePipelineArgs([])).toEqual({
      parts: ['knn', 'pretrained', 'cnn'],
      epochs: undefined,
      preset: undefined,
      batchSize: undefined,
      trainSize: undefined,
      testSize: undefined,
      k: 5,
      knnEngine: undefined,
      backend: undefined,
      workers: 'auto',
      seed: 42,
      out: undefined,
      dataDir: undefined,
      download: false,
      sklearn: true,
      augment: undefined,
      quick: false,
      charts: true,
      help: false,
    });
  });

  it('reads every flag, and skips the `--` that `pnpm bench -- …` passes through', () => {
    const o = parsePipelineArgs([
      '--',
      '--parts',
      'cnn,knn',
      '--epochs=3',
      '--preset',
      'cpu',
      '--batch-size',
      '32',
      '--train-size',
      '1000',
      '--test-size',
      '100',
      '--k',
      '7',
      '--knn-engine',
      'brute',
      '--backend',
      'cpu',
      '--workers',
      '3',
      '--seed',
      '0',
      '--out',
      'r',
      '--data-dir',
      'd',
      '--download',
      '--no-sklearn',
      '--augment',
      'online',
      '--quick',
      '--no-charts',
      '-h',
    ]);
    expect(o).toEqual({
      parts: ['knn', 'cnn'],
      epochs: 3,
      preset: 'cpu',
      batchSize: 32,
      trainSize: 1000,
      testSize: 100,
      k: 7,
      knnEngine: 'brute',
      backend: 'cpu',
      workers: 3,
      seed: 0,
      out: 'r',
      dataDir: 'd',
      download: true,
      sklearn: false,
      augment: 'online',
      quick: true,
      charts: false,
      help: true,
    });
  });

  it.each([
    [
      ['--augment', 'sometimes'],
      "--augment must be one of none, online, offline; got 'sometimes'.",
    ],
    [['--workers', '0'], "--workers takes auto or a whole number of at least 1, got '0'."],
    [['--workers', 'all'], "--workers takes auto or a whole number of at least 1, got 'all'."],
    [['--pretrained', '--parts', 'cnn'], '--pretrained skips training, but --parts asks for cnn'],
    [['--sklearn', '--no-sklearn'], '--sklearn and --no-sklearn contradict each other'],
    [
      ['--parts', 'svm'],
      "--parts takes a comma-separated list of knn, pretrained, cnn; got 'svm' (unknown: svm).",
    ],
    [['--seed', '4294967296'], '--seed must fit in 32 bits, got 4294967296.'],
    [['--k', '2.5'], "--k must be a whole number, got '2.5'."],
    [['--parts', ','], "--parts takes a comma-separated list of knn, pretrained, cnn; got ','."],
    [['--out', ' '], '--out needs a folder path.'],
    [['--sklear'], "Unknown option '--sklear'. Did you mean --sklearn?"],
    [['--quick=yes'], "Option '--quick' does not take an argument"],
  ])('%j → %s', (args, message) => {
    expect(() => parsePipelineArgs(args)).toThrow(UsageError);
    expect(() => parsePipelineArgs(args)).toThrow(message);
  });
});

describe('--pretrained, --parts, --workers', () => {
  it('--pretrained alone evaluates the shipped models and KNN, and never trains', () => {
    expect(parsePipelineArgs(['--pretrained']).parts).toEqual(['knn', 'pretrained']);
    expect(parsePipelineArgs(['--pretrained', '--parts', 'knn']).parts).toEqual([
      'knn',
      'pretrained',
    ]);
    expect(parsePipelineArgs(['--parts', 'cnn,pretrained']).parts).toEqual(['pretrained', 'cnn']);
    expect(parsePipelineArgs(['--workers', 'auto']).workers).toBe('auto');
    expect(parsePipelineArgs(['--workers=1']).workers).toBe(1);
    expect(parsePipelineArgs(['--sklearn']).sklearn).toBe(true);
  });
});

describe('checkNames', () => {
  const opts = parsePipelineArgs([]);
  const known = {
    presets: ['reference', 'cpu', 'tiny'],
    backends: ['webgpu', 'wasm', 'cpu'],
    backendAliases: ['@tensorflow/tfjs-backend-wasm'],
    engines: ['auto', 'brute'],
  };

  it('accepts the names the packages list, in any case, and the backend aliases', () => {
    expect(() => checkNames({ ...opts, preset: 'cpu', backend: 'WebGPU' }, known)).not.toThrow();
    expect(() =>
      checkNames({ ...opts, backend: '@tensorflow/tfjs-backend-wasm', knnEngine: 'brute' }, known),
    ).not.toThrow();
    // A list the caller did not load is not checked.
    expect(() => checkNames({ ...opts, preset: 'accurate' }, {})).not.toThrow();
  });

  it.each([
    [{ preset: 'accurate' }, "--preset must be one of reference, cpu, tiny; got 'accurate'."],
    [{ backend: 'metal' }, "--backend must be one of webgpu, wasm, cpu; got 'metal'."],
    [{ knnEngine: 'gpu' }, "--knn-engine must be one of auto, brute; got 'gpu'."],
  ])('%j → %s', (bad, message) => {
    expect(() => checkNames({ ...opts, ...bad }, known)).toThrow(UsageError);
    expect(() => checkNames({ ...opts, ...bad }, known)).toThrow(message);
  });
});
