/**
 * The training recipe tfjs lacks: learning-rate schedules, label smoothing, decoupled weight decay,
 * SGD with Nesterov momentum (tfjs's own, checked), weight averaging and test-time flip averaging.
 * @module
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
