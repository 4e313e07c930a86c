import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AbortedError, WorkerFailedError } from './errors.js';
import {
  type Executor,
  type KernelCall,
  type RunOptions,
  registerExecutorFactory,
} from './wasm/executor.js';
import type { WasmHeap } from './wasm/runtime.js';

/**
 * The worker body, evaluated from a string (so no file has to be located next to the bundle): it
 * instantiates the kernels on the shared memory and runs the calls it is sent. Evaluated code is
 * CommonJS (workers get no `execArgv`; should a caller's flags ever reach it as ES module code, only
 * `process.getBuiltinModule`, Node ≥ 20.16, reaches the module).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } =
  typeof require === 'function'
    ? require('node:worker_threads')
    : process.getBuiltinModule('node:worker_threads');
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
const kernels = instance.exports;
parentPort.on('message', (call) => {
  try {
    kernels[call.fn](...call.args);
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.stack) || e) });
  }
});
`;

type Reply = { ok: true } | { ok: false; error: string };

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Worker[]>((workers) => {
        for (const w of workers) void w.terminate();
      })
    : undefined;

/**
 * Runs kernel jobs on `size` worker threads sharing the heap's memory. Idle workers are `unref`ed,
 * so they never keep the process alive; they end with {@link dispose} (or when the executor is
 * garbage-collected).
 */
class WorkerExecutor implements Executor {
  readonly size: number;
  private readonly workers: Worker[];
  private readonly handlers: (((r: Reply) => void) | undefined)[];
  private broken: Error | undefined;

  constructor(heap: WasmHeap, size: number) {
    this.size = size;
    this.handlers = new Array(size).fill(undefined);
    this.workers = [];
    for (let s = 0; s < size; s++) {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        // The body is plain JavaScript: the parent's loaders (`--import tsx`, `--require …`) are
        // not needed, and each would cost every worker its start-up (0.5 s of a 2 s search, measured
        // with tsx). V8 flags are process-wide, so nothing else is lost.
        execArgv: [],
        workerData: { module: heap.module, memory: heap.memory },
      });
      w.unref();
      w.on('message', (r: Reply) => this.handlers[s]?.(r));
      const fail = (e: unknown) => {
        this.broken = new WorkerFailedError({
          detail: String(e instanceof Error ? e.message : e),
          cause: e,
        });
        this.handlers[s]?.({ ok: false, error: this.broken.message });
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (this.handlers[s]) fail(`thread exited with code ${code}`);
      });
      this.workers.push(w);
    }
    registry?.register(this, this.workers, this);
  }

  run(
    jobs: number,
    job: (index: number, slot: number) => KernelCall,
    options: RunOptions = {},
  ): Promise<void> {
    const { signal, onJobDone } = options;
    return new Promise<void>((resolve, reject) => {
      if (this.broken) {
        reject(this.broken);
        return;
      }
      let next = 0;
      let inFlight = 0;
      let failure: Error | undefined;
      const idle: number[] = [];
      for (let s = this.size - 1; s >= 0; s--) idle.push(s);
      const finish = () => {
        signal?.removeEventListener('abort', pump);
        for (const w of this.workers) w.unref();
        if (failure) reject(failure);
        else if (signal?.aborted && next < jobs) reject(new AbortedError({ cause: signal.reason }));
        else resolve();
      };
      const pump = () => {
        if (!failure && !signal?.aborted) {
          while (idle.length > 0 && next < jobs) {
            const slot = idle.pop() as number;
            const i = next++;
            inFlight++;
            const call = job(i, slot);
            this.handlers[slot] = (r) => {
              this.handlers[slot] = undefined;
              inFlight--;
              idle.push(slot);
              if (!r.ok) failure ??= new WorkerFailedError({ detail: r.error });
              else onJobDone?.(i);
              pump();
            };
            this.workers[slot].ref();
            this.workers[slot].postMessage(call);
          }
        }
        if (inFlight === 0 && (next >= jobs || failure || signal?.aborted)) finish();
      };
      signal?.addEventListener('abort', pump);
      pump();
    });
  }

  dispose(): void {
    registry?.unregister(this);
    for (const w of this.workers) void w.terminate();
  }
}

/**
 * Gives the WebAssembly engines worker threads, all cores by default: what each Node entry point
 * (`node.ts`, `engines-node.ts`) runs when loaded. Calling it again changes nothing.
 */
export function registerWorkerThreads(): void {
  registerExecutorFactory(
    (heap, threads) => new WorkerExecutor(heap, threads),
    availableParallelism(),
  );
}
