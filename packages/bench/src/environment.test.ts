import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEnvironment } from './environment.js';
import { writeFileAtomic } from './fs.js';

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

describe('writeFileAtomic', () => {
  it('creates folders, replaces files and leaves no temp file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-fs-'));
    try {
      const path = join(dir, 'a', 'b', 'out.json');
      await writeFileAtomic(path, '{"v":1}');
      await writeFileAtomic(path, new Uint8Array([123, 125]));
      expect(await readFile(path, 'utf8')).toBe('{}');
      expect(await readdir(join(dir, 'a', 'b'))).toEqual(['out.json']);
      // A folder where the file should go: the write fails and cleans up its temp file.
      await writeFile(join(dir, 'file'), 'x');
      await expect(writeFileAtomic(join(dir, 'a'), 'x')).rejects.toThrow();
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
