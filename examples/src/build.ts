import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildFailedError } from './errors.js';

/** The repository root (this file is `examples/src/build.ts`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Builds the `@fmnist` packages the pipeline imports (turbo, cached: about a second when nothing
 * changed), quietly: turbo's log is kept and shown only when the build fails, which then throws
 * {@link BuildFailedError}. Resolves to the wall time in ms.
 */
export async function buildPackages(root: string = REPO_ROOT): Promise<number> {
  const t0 = performance.now();
  const local = join(root, 'node_modules', '.bin', 'turbo');
  const [cmd, args] = existsSync(local)
    ? [local, [] as string[]]
    : ['pnpm', ['exec', 'turbo'] as string[]];
  const child = spawn(
    cmd,
    [...args, 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new BuildFailedError({ exitCode: null, output, cause: err })),
    );
    child.once('close', resolve);
  });
  if (code !== 0) throw new BuildFailedError({ exitCode: code, output });
  return performance.now() - t0;
}
