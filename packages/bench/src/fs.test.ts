import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './fs.js';

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
