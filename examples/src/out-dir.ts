import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Checks, before any work, that the results can be written to `dir`: it is a writable folder, or the
 * nearest folder above it that exists is writable (it will be created at the end, with the report).
 * Creates nothing. Throws {@link UsageError} saying what to pass instead.
 */
export async function checkOutDir(dir: string): Promise<void> {
  const wanted = resolve(dir);
  let path = wanted;
  for (;;) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw new UsageError({
        message: `--out ${wanted}: cannot read ${path} (${err.code}); pass another folder.`,
        cause: err,
      });
    });
    if (info) {
      if (!info.isDirectory()) {
        throw new UsageError({
          message:
            path === wanted
              ? `--out ${wanted} is a file, not a folder; pass a folder (it is created if missing).`
              : `--out ${wanted} cannot be created: ${path} is a file; pass another folder.`,
        });
      }
      try {
        await access(path, constants.W_OK | constants.X_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError({
          message: `--out ${wanted}: ${path} is not writable (${code}); pass a folder you can write to.`,
          cause: err,
        });
      }
      return;
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}
