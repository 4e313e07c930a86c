import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('without @tensorflow/tfjs-core (an optional peer)', () => {
  it('loads, classifies plain arrays with every CPU engine; the tfjs engine says what to install', () => {
    const child = fileURLToPath(new URL('./test-helpers/no-tfjs.child.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
    expect(out.tfjsLoadable).toBe(false);
    for (const engine of ['auto', 'matmul', 'brute', 'js']) expect(out[engine]).toEqual([0, 1]);
    expect(out.tfjs.code).toBe('UNSUPPORTED_ENGINE');
    expect(out.tfjs.message).toContain('npm i @tensorflow/tfjs-core');
  }, 60_000);
});
