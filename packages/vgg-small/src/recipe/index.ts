/**
 * `@fmnist/vgg-small/recipe`: the training recipe tfjs lacks, as building blocks for a training loop
 * of your own: learning-rate schedules (one-cycle, warm-up + cosine), label smoothing, decoupled and
 * coupled weight decay, SGD with Nesterov momentum (tfjs's own, checked), weight averaging and
 * test-time flip averaging. Each is checked against PyTorch or hand computations (see the README's
 * "The training recipe").
 *
 * `trainVggSmall` (main entry point) already uses all of them through its options (`schedule`,
 * `labelSmoothing`, `weightDecay`, `optimizer: 'sgd-nesterov'`, `weightAveraging`): import this
 * entry point only to write the loop yourself, or for flip-averaged evaluation.
 *
 * @example
 * ```ts
 * import { createVggSmall, evaluateModel } from '@fmnist/vgg-small';
 * import { evaluateFlipAveraged, oneCycleSchedule } from '@fmnist/vgg-small/recipe';
 *
 * const lr = oneCycleSchedule({ maxLearningRate: 0.05 });
 * lr(0, 1000); // 0.002 (0.05 / 25): step 0 of 1000, the start of the cycle
 * const model = createVggSmall({ blockFilters: [8, 16], denseUnits: [32] });
 * const plain = await evaluateModel(model, test);
 * const flipped = await evaluateFlipAveraged(model, test); // the mean of the image and its mirror
 * ```
 * @packageDocumentation
 */
export {
  evaluateFlipAveraged,
  predictFlipAveraged,
} from './flip-average.js';
export { labelSmoothingLoss, smoothedCrossEntropy, smoothLabels } from './label-smoothing.js';
export {
  type NesterovSgdOptimizer,
  nesterovSgd,
  setLearningRate,
  setMomentum,
} from './optimizer.js';
export {
  type OneCycleOptions,
  oneCycleMomentumSchedule,
  oneCycleSchedule,
  type Schedule,
  type WarmupCosineOptions,
  warmupCosineSchedule,
} from './schedules.js';
export { createRecipeUpdate, type RecipeStep, type RecipeUpdateOptions } from './update.js';
export {
  WeightAverage,
  type WeightAverageOptions,
  type WeightAverageState,
} from './weight-average.js';
export {
  addWeightDecayToGradients,
  applyDecoupledWeightDecay,
  type DecoupledWeightDecayOptions,
  decayKernelsOnly,
  type NamedGradient,
  type WeightDecayPredicate,
  type WeightInfo,
} from './weight-decay.js';
