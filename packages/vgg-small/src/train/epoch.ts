import { permutation } from '@fmnist/data';
import { AbortedError } from '../errors.js';
import { deriveSeed, STREAM } from '../seeds.js';
import type { ResolvedOptions, TrainOptions } from './options.js';
import type { StepRates } from './rates.js';
import type { Stepper } from './stepper.js';

/** Throws {@link AbortedError} when `signal` has fired; `completed` epochs are done. */
export function throwIfAborted(signal: AbortSignal | undefined, completed: number): void {
  if (signal?.aborted) throw new AbortedError({ epochsCompleted: completed, cause: signal.reason });
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * One epoch: the seeded order of this epoch, cut into batches, each a step of `stepper`; the signal
 * is checked before every step and `onBatchEnd` awaited after it; `rates` gives each step's
 * learning rate (and momentum). Returns the epoch's mean loss and accuracy over its images, and the
 * learning rate of its last step.
 */
export async function runEpoch(
  stepper: Stepper,
  count: number,
  epoch: number,
  rates: (epoch: number, batch: number) => StepRates,
  o: ResolvedOptions,
  options: Pick<TrainOptions, 'signal' | 'onBatchEnd'>,
): Promise<{ loss: number; acc: number; learningRate: number }> {
  const batches = Math.ceil(count / o.batchSize);
  const order = permutation(count, deriveSeed(o.seed, STREAM.shuffle, epoch));
  stepper.beginEpoch(epoch);
  let lossSum = 0;
  let correctSum = 0;
  let learningRate = Number.NaN;
  for (let b = 0; b < batches; b++) {
    throwIfAborted(options.signal, epoch);
    const start = b * o.batchSize;
    const indices = order.subarray(start, Math.min(count, start + o.batchSize));
    const size = indices.length;
    const r = rates(epoch, b);
    learningRate = r.learningRate;
    const { loss, correct } = await stepper.step({ epoch, batch: b, indices, ...r });
    lossSum += loss * size;
    correctSum += correct;
    if (options.onBatchEnd) {
      await options.onBatchEnd(b, { epoch, batch: b, batches, loss, acc: correct / size, size });
    }
    await yieldToEventLoop();
  }
  return { loss: lossSum / count, acc: correctSum / count, learningRate };
}
