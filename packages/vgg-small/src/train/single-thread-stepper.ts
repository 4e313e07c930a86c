import { createRng, type Rng } from '@fmnist/augment';
import { dispose, type Optimizer, type Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type NamedTensor, type PlainAverage, readOptimizerState } from '../checkpoint.js';
import { fillBatch } from '../evaluate.js';
import { deriveSeed, STREAM } from '../seeds.js';
import { applyUpdate } from './apply-update.js';
import { createAugmentation } from './augmentation.js';
import { createTrainingAverage, plainAverage } from './average.js';
import type { TrainingSet } from './data.js';
import { dropoutLayers } from './dropout.js';
import { batchGradients } from './gradients.js';
import type { ResolvedOptions } from './options.js';
import type { StepInput, StepOutput, Stepper } from './stepper.js';

/**
 * The single-thread path (`workers: 1`): every step on the calling thread and its backend, the
 * model's variables updated in place. The random streams are the ones of earlier versions (one
 * augmentation stream per epoch, one dropout seed per layer and batch), so results are unchanged.
 */
export function createSingleThreadStepper(
  model: LayersModel,
  optimizer: Optimizer,
  train: TrainingSet,
  imageShape: [number, number, number],
  classes: number,
  o: ResolvedOptions,
  average: PlainAverage | null = null,
): Stepper {
  const [H, W, C] = imageShape;
  const size = H * W * C;
  const capacity = Math.min(train.count, o.batchSize);
  const xBuf = new Float32Array(capacity * size);
  const yBuf = new Int32Array(capacity);
  const online = o.augment?.mode === 'online' ? createAugmentation(o.augment) : undefined;
  const augBuf = online ? new Float32Array(xBuf.length) : undefined;
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const dropouts = dropoutLayers(model);
  let augRng: Rng | undefined;
  const ema = createTrainingAverage(model, o, average);

  return {
    workers: 1,
    beginEpoch(epoch) {
      augRng = online ? createRng(deriveSeed(o.seed, STREAM.augment, epoch)) : undefined;
    },
    async step({ epoch, batch, indices, learningRate, momentum }: StepInput): Promise<StepOutput> {
      const count = indices.length;
      for (let j = 0; j < count; j++) {
        const i = indices[j]!;
        fillBatch(train.images, size, i, i + 1, xBuf.subarray(j * size, (j + 1) * size));
        yBuf[j] = train.labels[i]!;
      }
      let x: Float32Array = xBuf.subarray(0, count * size);
      if (online && augBuf && augRng) {
        x = online.augmentBatch(x, [count, H, W, C], augRng, {
          out: augBuf.subarray(0, count * size),
        });
      }
      const r = dropouts.withSeeds(
        (k) => deriveSeed(o.seed, STREAM.dropout, epoch, batch, k),
        () =>
          batchGradients(
            model,
            vars,
            x,
            [count, H, W, C],
            yBuf.subarray(0, count),
            classes,
            o.labelSmoothing,
          ),
      );
      try {
        const gradients: NamedTensor[] = vars.map((v) => ({
          name: v.name,
          tensor: r.grads[v.name]!,
        }));
        applyUpdate({
          optimizer,
          gradients,
          learningRate,
          ...(momentum === undefined ? {} : { momentum }),
          weightDecay: o.weightDecay,
          variables: vars,
        });
        ema?.update();
        const loss = (await r.loss.data())[0]!;
        const correct = (await r.correct.data())[0]!;
        return { loss, correct };
      } finally {
        dispose([r.loss, r.correct, ...Object.values(r.grads)]);
      }
    },
    async syncModel() {},
    async optimizerState() {
      const state = await readOptimizerState(optimizer);
      return ema ? { ...state, average: plainAverage(ema, model) } : state;
    },
    async average() {
      return ema ? plainAverage(ema, model) : null;
    },
    async dispose() {
      ema?.dispose();
    },
  };
}
