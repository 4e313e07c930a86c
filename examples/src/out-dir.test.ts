import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { checkOutDir } from './out-dir.js';

describe('checkOutDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmnist-out-'));
    await writeFile(join(dir, 'a-file'), 'x');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts an existing folder and a missing one under a writable folder, creating nothing', async () => {
    await expect(checkOutDir(dir)).resolves.toBeUndefined();
    await expect(checkOutDir(join(dir, 'new', 'deeper'))).resolves.toBeUndefined();
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('rejects a file, or a path under a file, saying what to pass', async () => {
    const file = join(dir, 'a-file');
    const err = await checkOutDir(file).catch((e: unknown) => e);
    expect(UsageError.isInstance(err)).toBe(true);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('USAGE');
    expect((err as Error).message).toBe(
      `--out ${file} is a file, not a folder; pass a folder (it is created if missing).`,
    );
    await expect(checkOutDir(join(file, 'sub'))).rejects.toThrow(
      `--out ${join(file, 'sub')} cannot be created: ${file} is a file; pass another folder.`,
    );
  });

  it.runIf(process.getuid?.() !== 0)('rejects a folder that cannot be written', async () => {
    const { chmod, mkdir } = await import('node:fs/promises');
    const ro = join(dir, 'read-only');
    await mkdir(ro);
    await chmod(ro, 0o500);
    try {
      await expect(checkOutDir(join(ro, 'results'))).rejects.toThrow(/is not writable \(EACCES\)/);
    } finally {
      await chmod(ro, 0o700);
    }
  });
});
