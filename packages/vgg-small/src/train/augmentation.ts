import { createAugmenter, createRandomEraser } from '@fmnist/augment';
import type { AugmentSettings } from './options.js';

/** The augmenter of `settings` (transforms, then random erasing when set), from `@fmnist/augment`. */
export function createAugmentation(settings: Required<AugmentSettings>) {
  const eraser = settings.erasing ? createRandomEraser(settings.erasing) : undefined;
  return createAugmenter({
    ...settings.transform,
    ...(eraser ? { preprocessingFunction: eraser } : {}),
  });
}
