/**
 * `@fmnist/knn/engines`: what the search engines are and what they did, for code that reports on a
 * run or picks an engine itself: the engine names, what `KNeighborsClassifier#engineInfo`
 * holds (the `auto` estimate, the pruning counters), and what this runtime offers (worker
 * threads, WebAssembly SIMD). The main entry `@fmnist/knn` covers fitting and predicting; nothing
 * here is needed for it.
 *
 * Like the main entry, this one runs in browsers; under Node it resolves to `engines-node.ts`, which
 * also gives the WebAssembly engines worker threads (as the main entry does there).
 *
 * @example
 * ```ts
 * import { KNeighborsClassifier } from '@fmnist/knn';
 * import { type EngineInfo, KNN_ENGINES, threadsAvailable } from '@fmnist/knn/engines';
 *
 * console.log(KNN_ENGINES, threadsAvailable()); // [ 'auto', 'pruned', … ] true (under Node)
 * const knn = new KNeighborsClassifier({ k: 3 }).fit([[0], [1], [9]], [0, 0, 1]);
 * await knn.predict([[8]]);
 * const info: EngineInfo | undefined = knn.engineInfo; // { engine: 'pruned', threads: …, … }
 * ```
 * @packageDocumentation
 */
export type { EngineInfo } from './classifier.js';
export type { AutoEstimate } from './engines/select.js';
export { KNN_ENGINES, type ResolvedEngineName } from './engines/types.js';
export { defaultThreadCount, threadsAvailable } from './wasm/executor.js';
export { wasmSimdSupported } from './wasm/runtime.js';
export type { PruneStats } from './wasm/search.js';
