/**
 * Trains the CPU preset on the Fashion-MNIST training set (60,000 images, of which the preset holds
 * out 10% for validation), prints progress every 50 steps and per-epoch figures, the test accuracy and the training time, and
 * writes the weights (with those figures as metadata) to `pretrained/cpu/`, as shipped.
 *
 *   pnpm exec tsx scripts/train-cpu.ts                      # the shipped weights (seed 42, wasm)
 *   pnpm exec tsx scripts/train-cpu.ts --epochs 1 --no-save # a quick look
 *
 * Flags: --backend wasm|cpu, --seed N, --epochs N, --train-count N (first N training images),
 * --workers N|auto (data-parallel worker threads; default 1, the single-thread path),
 * --preset NAME (default cpu; others need --out or --no-save),
 * --model '<json partial config>', --training '<json partial options>', --checkpoint-dir DIR,
 * --out DIR, --no-save, --test-each-epoch (also print test accuracy after every epoch; the time it
 * takes is not counted as training time).
 *
 * Run heavy jobs one at a time on a shared machine: `flock /tmp/fmnist-bench.lock pnpm exec tsx …`.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadFashionMnist } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  countParams,
  createVggSmall,
  evaluateModel,
  PRESETS,
  type PresetName,
  pretrainedDir,
  registerWasmTrainingKernels,
  saveModel,
  type TrainOptions,
  trainVggSmall,
  type VggSmallConfig,
} from '../src/index.js';
import { evaluateFlipAveraged } from '../src/recipe/index.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '42' },
    epochs: { type: 'string' },
    'train-count': { type: 'string' },
    model: { type: 'string' },
    training: { type: 'string' },
    'checkpoint-dir': { type: 'string' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
    'test-each-epoch': { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    preset: { type: 'string', default: 'cpu' },
  },
});

const presetName = args.preset as PresetName;
if (!Object.keys(PRESETS).includes(presetName)) {
  throw new Error(`--preset ${presetName}: use one of ${Object.keys(PRESETS).join(', ')}`);
}
if (presetName !== 'cpu' && !args.out && !args['no-save']) {
  throw new Error(
    `--preset ${presetName}: give --out DIR (only the cpu preset saves to pretrained/cpu by default) or --no-save`,
  );
}
const preset = PRESETS[presetName];

const backend = args.backend!;
if (backend === 'wasm') registerWasmTrainingKernels();
await tf.setBackend(backend);
await tf.ready();

const seed = Number(args.seed);
const modelConfig: Partial<VggSmallConfig> = {
  ...preset.model,
  seed,
  ...(args.model ? JSON.parse(args.model) : {}),
};
const training: TrainOptions = {
  ...preset.training,
  ...(args.training ? JSON.parse(args.training) : {}),
  ...(args.epochs ? { epochs: Number(args.epochs) } : {}),
  seed,
};

const data = await loadFashionMnist();
let train = data.train;
if (args['train-count']) {
  const n = Math.min(train.count, Number(args['train-count']));
  train = {
    images: train.images.subarray(0, n * 784),
    labels: train.labels.subarray(0, n),
    count: n,
  };
}

const model = createVggSmall(modelConfig);
const params = countParams(model);
console.log(
  `backend ${tf.getBackend()} | ${cpus().length} cores | model ${JSON.stringify(modelConfig)} | ` +
    `${params.total} params | training ${JSON.stringify(training)} | ${train.count} images`,
);

// The clock starts at the end of each epoch's first step, so the rate counts the images since then
// (the last batch of an epoch is smaller: count sizes, not steps times the last size).
let epochStart = performance.now();
let timedImages = 0;
const result = await trainVggSmall(model, train, {
  ...training,
  workers: args.workers === 'auto' ? 'auto' : Number(args.workers),
  checkpointDir: args['checkpoint-dir'],
  onBatchEnd: (batch, l) => {
    const now = performance.now();
    if (batch === 0) {
      epochStart = now;
      timedImages = 0;
      return;
    }
    timedImages += l.size;
    if ((batch + 1) % 50 === 0 || batch + 1 === l.batches) {
      const seconds = (now - epochStart) / 1000;
      const perSecond = timedImages / seconds;
      const eta = ((l.batches - batch - 1) * (seconds / batch)) / 60;
      console.log(
        `  epoch ${l.epoch + 1} step ${batch + 1}/${l.batches}: loss ${l.loss.toFixed(4)} ` +
          `${perSecond.toFixed(1)} img/s, epoch ends in ${eta.toFixed(1)} min`,
      );
    }
  },
  onEpochEnd: async (epoch, l) => {
    let testAcc = '';
    if (args['test-each-epoch']) {
      testAcc = ` test_acc ${(await evaluateModel(model, data.test)).accuracy.toFixed(4)}`;
    }
    console.log(
      `epoch ${epoch + 1}/${training.epochs}: loss ${l.loss.toFixed(4)} acc ${l.acc.toFixed(4)} ` +
        `val_loss ${l.valLoss?.toFixed(4)} val_acc ${l.valAcc?.toFixed(4)}${testAcc} ` +
        `lr ${l.learningRate.toPrecision(3)} ${(l.timeMs / 1000).toFixed(1)} s`,
    );
  },
});
const trainingMinutes = result.totalTimeMs / 60_000;
const test = await evaluateModel(model, data.test, { batchSize: 500 });
console.log(
  `test accuracy ${(test.accuracy * 100).toFixed(2)}% (loss ${test.loss.toFixed(4)}) after ` +
    `${result.epochs} epochs, training ${trainingMinutes.toFixed(2)} min on ${tf.getBackend()} ` +
    `with ${result.workers} worker(s)`,
);
// A model trained on mirrored images also gets the test-time flip-averaged figure (the image and its
// mirror, averaged), reported apart from the plain one, which stays the headline.
const augment = training.augment;
const mirrored =
  typeof augment === 'object' && augment !== null && augment.transform?.horizontalFlip === true;
const flipTest = mirrored
  ? await evaluateFlipAveraged(model, data.test, { batchSize: 250 })
  : undefined;
if (flipTest) {
  console.log(
    `test accuracy with flip averaging ${(flipTest.accuracy * 100).toFixed(2)}% ` +
      `(loss ${flipTest.loss.toFixed(4)}; reported apart, not the headline figure)`,
  );
}

if (!args['no-save']) {
  const out = args.out ?? pretrainedDir('cpu');
  await saveModel(model, out, {
    metadata: {
      preset: presetName,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      ...(flipTest ? { testAccuracyFlipAveraged: flipTest.accuracy } : {}),
      epochs: result.epochs,
      trainingMinutes: Number(trainingMinutes.toFixed(2)),
      trainImages: train.count,
      seed,
      backend: tf.getBackend(),
      workers: result.workers,
      model: modelConfig,
      training,
      history: result.history,
      // The command as run (flags included), so that the weights say how to make them again.
      script: ['pnpm exec tsx scripts/train-cpu.ts', ...process.argv.slice(2)].join(' '),
      date: new Date().toISOString(),
    },
  });
  console.log(`weights written to ${out}`);
}
