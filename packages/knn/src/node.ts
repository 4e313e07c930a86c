/**
 * `@fmnist/knn` under Node: everything of the universal entry point, plus worker threads. Node
 * resolves the package to this file (the `node` export condition); browsers and bundlers for the
 * web get `index.ts`, which imports nothing from Node.
 * @packageDocumentation
 */
import { registerWorkerThreads } from './node-pool.js';

registerWorkerThreads();

export * from './index.js';
