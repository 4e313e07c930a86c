import { AbortedError } from '../errors.js';
import type { KernelName, WasmHeap } from './runtime.js';

/** One call of a kernel, run by one thread. */
export interface KernelCall {
  fn: KernelName;
  args: number[];
}

export interface RunOptions {
  /** Called on the main thread after each job, in completion order. */
  onJobDone?: (job: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs kernel jobs on one or more threads sharing a {@link WasmHeap}'s memory. `job(i, slot)`
 * builds job i for thread `slot` (0 ≤ slot < size), so each thread can use its own scratch.
 */
export interface Executor {
  readonly size: number;
  run(
    jobs: number,
    job: (index: number, slot: number) => KernelCall,
    options?: RunOptions,
  ): Promise<void>;
  dispose(): void;
}

/** Makes a multi-thread executor, or returns undefined when threads are not available. */
export type ExecutorFactory = (heap: WasmHeap, threads: number) => Executor | undefined;

let factory: ExecutorFactory | undefined;
let defaultThreads = 1;

/**
 * Installs the worker-thread executor (done by the Node entry point, `@fmnist/knn` under Node).
 * @internal
 */
export function registerExecutorFactory(f: ExecutorFactory, threads: number): void {
  factory = f;
  defaultThreads = Math.max(1, threads);
}

/** The number of threads used when the `threads` option is not given: all cores in Node, 1 elsewhere. */
export function defaultThreadCount(): number {
  return factory ? defaultThreads : 1;
}

/** Whether worker threads are available (Node entry point loaded). */
export function threadsAvailable(): boolean {
  return factory !== undefined;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError({ cause: signal.reason });
}

/** How long the main-thread executor works before yielding to the event loop (ms). */
const SLICE_MS = 25;

/** Runs every job on the calling thread, yielding to the event loop between slices. */
class MainThreadExecutor implements Executor {
  readonly size = 1;
  constructor(private readonly heap: WasmHeap) {}

  async run(
    jobs: number,
    job: (index: number, slot: number) => KernelCall,
    options: RunOptions = {},
  ): Promise<void> {
    const kernels = this.heap.kernels as unknown as Record<string, (...a: number[]) => void>;
    let sliceStart = Date.now();
    for (let i = 0; i < jobs; i++) {
      throwIfAborted(options.signal);
      const { fn, args } = job(i, 0);
      kernels[fn](...args);
      options.onJobDone?.(i);
      if (Date.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setTimeout(r, 0));
        sliceStart = Date.now();
      }
    }
    throwIfAborted(options.signal);
  }

  dispose(): void {}
}

/** A multi-thread executor when requested and possible, else the main-thread one. */
export function createExecutor(heap: WasmHeap, threads: number): Executor {
  if (threads > 1 && factory && heap.shared) {
    const e = factory(heap, threads);
    if (e) return e;
  }
  return new MainThreadExecutor(heap);
}
