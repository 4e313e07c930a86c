import { describe, expect, it } from 'vitest';
import { parsePipelineArgs, UsageError } from './args.js';

describe('parsePipelineArgs', () => {
  it('has the documented defaults', () => {
    expect(parsePipelineArgs([])).toEqual({
      parts: ['knn', 'cnn'],
      epochs: undefined,
      preset: undefined,
      batchSize: undefined,
      trainSize: undefined,
      testSize: undefined,
      k: 5,
      knnEngine: undefined,
      backend: undefined,
      seed: 42,
      out: undefined,
      dataDir: undefined,
      download: false,
      sklearn: false,
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
      '--seed',
      '0',
      '--out',
      'r',
      '--data-dir',
      'd',
      '--download',
      '--sklearn',
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
      seed: 0,
      out: 'r',
      dataDir: 'd',
      download: true,
      sklearn: true,
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
    [
      ['--knn-engine', 'gpu'],
      "--knn-engine must be one of auto, pruned, brute, tfjs, js; got 'gpu'.",
    ],
    [['--seed', '4294967296'], '--seed must fit in 32 bits, got 4294967296.'],
    [['--k', '2.5'], "--k must be a whole number, got '2.5'."],
    [['--parts', ','], "--parts takes knn, cnn or knn,cnn; got ','."],
    [['--out', ' '], '--out needs a folder path.'],
    [['--sklear'], "Unknown option '--sklear'. Did you mean --sklearn?"],
    [['--quick=yes'], "Option '--quick' does not take an argument"],
  ])('%j → %s', (args, message) => {
    expect(() => parsePipelineArgs(args)).toThrow(UsageError);
    expect(() => parsePipelineArgs(args)).toThrow(message);
  });
});
