/**
 * `@fmnist/knn/engines` under Node: everything of `engines.ts`, with worker threads registered, so
 * `threadsAvailable()` and `defaultThreadCount()` answer for Node whichever entry point was
 * loaded first. Node resolves the subpath to this file (the `node` export condition).
 * @packageDocumentation
 */
import { registerWorkerThreads } from './node-pool.js';

registerWorkerThreads();

export * from './engines.js';
