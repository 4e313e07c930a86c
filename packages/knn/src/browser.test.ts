import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { defaultThreadCount, threadsAvailable } from './engines.js';
import { KNeighborsClassifier } from './index.js';
import { refKneighbors } from './test-helpers/index.js';

describe('the universal (browser) entry point', () => {
  it.each(['./index.ts', './engines.ts'])(
    '%s bundles for the browser with no Node built-in module',
    async (file) => {
      const entry = fileURLToPath(new URL(file, import.meta.url));
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        external: ['@tensorflow/tfjs-core', 'pure-rand'],
        logLevel: 'silent',
      });
      const imports = Object.values(result.metafile.inputs).flatMap((i) =>
        i.imports.map((x) => x.path),
      );
      expect(
        imports.filter(
          (p) => p.startsWith('node:') || ['os', 'worker_threads', 'fs', 'path'].includes(p),
        ),
      ).toEqual([]);
      expect(Object.keys(result.metafile.inputs).some((f) => f.includes('node-pool'))).toBe(false);
    },
  );

  it('runs single-threaded on a plain WebAssembly memory, with the same answers', async () => {
    expect(threadsAvailable()).toBe(false);
    expect(defaultThreadCount()).toBe(1);
    const n = 3000;
    const d = 40;
    const data = Uint8Array.from({ length: n * d }, (_, i) => ((i * 2654435761) >>> 24) & 0xff);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const q = data.slice(0, 30 * d).map((v) => 255 - v);
    for (const engine of ['pruned', 'brute'] as const) {
      const knn = new KNeighborsClassifier({ k: 4, engine, threads: 4 }).fit(
        { data, shape: [n, d] },
        labels,
      );
      const nb = await knn.kneighbors({ data: q, shape: [30, d] });
      expect(knn.engineInfo?.threads).toBe(1);
      const ref = refKneighbors({
        metric: 'sqeuclidean',
        train: data,
        n: n,
        queries: q,
        m: 30,
        d: d,
        k: 4,
      });
      expect(Array.from(nb.indices)).toEqual(Array.from(ref.indices));
      expect(Array.from(nb.distances)).toEqual(Array.from(ref.distances.map(Math.sqrt)));
      knn.dispose();
    }
  });
});
