import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackages } from './build.js';
import { BuildFailedError, PipelineError } from './errors.js';

/** A folder whose `node_modules/.bin/turbo` is a shell script: `buildPackages` runs it. */
async function fakeRepo(script: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'fmnist-build-'));
  await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
  const turbo = join(root, 'node_modules', '.bin', 'turbo');
  await writeFile(turbo, `#!/bin/sh\n${script}\n`);
  await chmod(turbo, 0o755);
  return root;
}

describe('buildPackages', () => {
  const roots: string[] = [];
  afterAll(async () => {
    await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
  });

  it('runs turbo quietly: nothing printed, the wall time returned', async () => {
    const root = await fakeRepo('echo "turbo log line"; echo "$@" > args.txt');
    roots.push(root);
    const ms = await buildPackages(root);
    expect(ms).toBeGreaterThan(0);
    expect((await readFile(join(root, 'args.txt'), 'utf8')).trim()).toBe(
      'run build --filter=./packages/* --output-logs=errors-only',
    );
  });

  it('a failed build throws BuildFailedError holding the whole log', async () => {
    const root = await fakeRepo('echo "building..."; echo "src/x.ts: error TS2304" >&2; exit 3');
    roots.push(root);
    const err = await buildPackages(root).catch((e: unknown) => e);
    expect(BuildFailedError.isInstance(err)).toBe(true);
    expect(PipelineError.isInstance(err)).toBe(true);
    const e = err as BuildFailedError;
    expect(e.code).toBe('BUILD_FAILED');
    expect(e.output).toContain('building...');
    expect(e.output).toContain('src/x.ts: error TS2304');
    expect(e.message).toContain('turbo exit code 3');
    expect(e.message).toContain('Fix the build (pnpm build) and run again.');
  });
});
