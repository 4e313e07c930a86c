import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { collectEnvironment } from './environment.js';

describe('collectEnvironment', () => {
  it('records backend, Node, CPU, cores, OS and date', () => {
    const date = new Date('2024-05-01T12:00:00Z');
    const env = collectEnvironment({
      backend: 'wasm',
      backendModule: '@tensorflow/tfjs-backend-wasm',
      tfjsVersion: '4.22.0',
      date,
      env: { CI: 'true' },
    });
    expect(env).toMatchObject({
      backend: 'wasm',
      backendModule: '@tensorflow/tfjs-backend-wasm',
      tfjsVersion: '4.22.0',
      nodeVersion: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpuModel: os.cpus()[0]!.model.trim(),
      cores: os.availableParallelism(),
      date: '2024-05-01T12:00:00.000Z',
      ci: true,
    });
    expect(env.os).toContain(os.release());
    expect(env.totalMemoryBytes).toBe(os.totalmem());
    expect(collectEnvironment({ env: {} })).toMatchObject({ backend: 'none', ci: false });
    expect(collectEnvironment({ env: { CI: 'false' } }).ci).toBe(false);
  });
});
