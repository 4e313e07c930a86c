import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How to start a training worker: its script and `eval`. Built: `parallel/worker.js` (`.cjs` from
 * the CommonJS build; the `src/parallel/worker.ts` entry of tsup) beside the bundle. From source (tests, scripts, and a monorepo checkout whose
 * build lacks the worker entry): a bootstrap that registers tsx's loader in the worker, then
 * imports `worker.ts` (a worker's `execArgv` cannot carry `--import` in Node 20).
 */
export function workerEntry(): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  const cjs = here.endsWith('.cjs');
  const built = new URL(cjs ? './parallel/worker.cjs' : './parallel/worker.js', here);
  if (existsSync(fileURLToPath(built))) return { script: built, eval: false };
  const source = [new URL('./worker.ts', here), new URL('../src/parallel/worker.ts', here)].find(
    (u) => existsSync(fileURLToPath(u)),
  );
  if (!source) {
    throw new Error(
      `the training worker script is missing (looked for ${fileURLToPath(built)}): rebuild @fmnist/vgg-small`,
    );
  }
  // `require.resolve` gives the CommonJS build of tsx's API; its ESM twin sits beside it.
  const cjsApi = createRequire(fileURLToPath(here)).resolve('tsx/esm/api');
  const api = pathToFileURL(cjsApi.replace(/\.cjs$/, '.mjs')).href;
  return {
    script:
      `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); ` +
      `return import(${JSON.stringify(source.href)}); });`,
    eval: true,
  };
}
