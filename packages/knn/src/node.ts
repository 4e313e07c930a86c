/**
 * `@fmnist/knn` under Node: everything of the universal entry point, plus worker threads. Node
 * resolves the package to this file (the `node` export condition); browsers and bundlers for the
 * web get `index.ts`, which imports nothing from Node.
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os';
import { WorkerExecutor } from './node-pool.js';
import { registerExecutorFactory } from './wasm/executor.js';

registerExecutorFactory(
  (heap, threads) => new WorkerExecutor(heap, threads),
  availableParallelism(),
);

export * from './index.js';
