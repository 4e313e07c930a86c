// The entry of a data-parallel training worker thread (see trainer.ts): builds a Replica from its
// workerData, then answers the coordinator's requests one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import type { ReplicaInit, Reply, Request } from './protocol.js';
import { Replica } from './replica.js';
import { StopRequested } from './shared-memory.js';

const port = parentPort!;
const { init, maxBatch } = workerData as { init: ReplicaInit; maxBatch: number };
const post = (r: Reply) => port.postMessage(r);
const fail = (e: unknown) => {
  if (e instanceof StopRequested) post({ type: 'stopped' });
  else
    post({
      type: 'failed',
      message: String((e as Error)?.message ?? e),
      stack: (e as Error)?.stack,
    });
};

// A promise chain, not top-level await: this file is built as CommonJS too.
Replica.create(init, maxBatch).then((replica) => {
  port.on('message', async (req: Request) => {
    try {
      if (req.type === 'step') post({ type: 'stepped', ...replica.step(req) });
      else if (req.type === 'weights') post({ type: 'weights', weights: replica.weights() });
      else if (req.type === 'memory') post({ type: 'memory', ...replica.memory() });
      else if (req.type === 'average') post({ type: 'average', average: replica.average() });
      else post({ type: 'optimizerState', state: await replica.optimizerState() });
    } catch (e) {
      fail(e);
    }
  });
  post({ type: 'ready' });
}, fail);
