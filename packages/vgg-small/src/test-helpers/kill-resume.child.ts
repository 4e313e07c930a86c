// Child process of train.test.ts's kill-and-resume tests: trains with checkpoints until the parent
// kills it (SIGKILL, no chance to clean up). Arguments: the checkpoint directory, then the worker
// count (default 1). Not part of the package.
import { loadFashionMnist } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createVggSmall } from '../model.js';
import { PRESETS } from '../presets.js';
import { trainVggSmall } from '../train.js';
import { registerWasmTrainingKernels } from '../wasm-kernels.js';
import { KILL_RESUME_OPTIONS, killResumeData } from './index.js';

registerWasmTrainingKernels();
await tf.setBackend('wasm');
const data = await loadFashionMnist();
const model = createVggSmall(PRESETS.tiny.model);
await trainVggSmall(model, killResumeData(data.train), {
  ...KILL_RESUME_OPTIONS,
  checkpointDir: process.argv[2],
  workers: Number(process.argv[3] ?? 1),
  onEpochEnd: () => {
    process.stdout.write('epoch\n');
  },
});
process.stdout.write('finished\n');
