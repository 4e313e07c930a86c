import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadModel, readModelMetadata } from './io.js';
import type { PretrainedName } from './pretrained-names.js';

/** What `pretrained/<name>/model.json` records about how its weights were made. */
export interface PretrainedInfo {
  preset: string;
  /** Accuracy on the 10,000 Fashion-MNIST test images. */
  testAccuracy: number;
  /**
   * Accuracy on the test images when each prediction averages the image's and its mirror's
   * (test-time augmentation); recorded for weights trained on mirrored images, reported apart from
   * {@link PretrainedInfo.testAccuracy}, the headline figure.
   */
  testAccuracyFlipAveraged?: number;
  testLoss: number;
  epochs: number;
  /** Wall time of training (minutes) on the machine that made them. */
  trainingMinutes: number;
  seed: number;
  backend: string;
  /** The command that produced the weights. */
  script: string;
  date: string;
  [key: string]: unknown;
}

function packageRoot(): string {
  // dist/index.js, dist/index.cjs and src/pretrained.ts all sit one level below the package root.
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, '..');
}

/** Directory of the pretrained weights inside the installed package. */
export function pretrainedDir(name: PretrainedName = 'cpu'): string {
  return join(packageRoot(), 'pretrained', name);
}

/**
 * Loads pretrained weights shipped with the package (Node; reads the package's `pretrained/`
 * folder), ready to classify 28×28 Fashion-MNIST images: `'cpu'` (the default: small and fast) or
 * `'accurate'` (the most accurate; `PRETRAINED_NAMES` lists them).
 *
 * @example
 * ```ts
 * const model = await loadPretrained('accurate');
 * const classes = await predictClasses(model, data.test.images);
 * ```
 */
export async function loadPretrained(name: PretrainedName = 'cpu'): Promise<LayersModel> {
  return loadModel(pretrainedDir(name));
}

/** How the shipped weights were trained and the test accuracy they reach. */
export async function pretrainedInfo(name: PretrainedName = 'cpu'): Promise<PretrainedInfo> {
  return (await readModelMetadata(pretrainedDir(name))) as PretrainedInfo;
}
