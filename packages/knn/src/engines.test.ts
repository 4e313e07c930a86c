import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import * as engines from './engines-node.js';
import * as main from './index.js';

describe('@fmnist/knn/engines', () => {
  it('holds the engine introspection, which the main entry no longer exports', () => {
    const names = ['KNN_ENGINES', 'defaultThreadCount', 'threadsAvailable', 'wasmSimdSupported'];
    expect(Object.keys(engines).sort()).toEqual([...names].sort());
    for (const name of names) expect(main).not.toHaveProperty(name);
    expect(engines.KNN_ENGINES).toEqual(['auto', 'pruned', 'matmul', 'brute', 'tfjs', 'js']);
  });

  it('under Node, gives the engines worker threads even when loaded alone', async () => {
    expect(engines.threadsAvailable()).toBe(true);
    expect(engines.defaultThreadCount()).toBe(Math.max(1, availableParallelism()));
    const knn = new main.KNeighborsClassifier({ k: 1, engine: 'brute' }).fit(
      { data: Uint8Array.from({ length: 64 * 8 }, (_, i) => (i * 37) % 251), shape: [64, 8] },
      Int32Array.from({ length: 64 }, (_, i) => i % 2),
    );
    await knn.predict({ data: new Uint8Array(8), shape: [1, 8] });
    const info: engines.EngineInfo | undefined = knn.engineInfo;
    expect(info?.engine).toBe('brute');
    knn.dispose();
  });
});
