/**
 * `@fmnist/bench`: timing and memory helpers, classification metrics, tfjs backend selection,
 * the environment of a run, progress bars, number formatting and the errors. Knows no model.
 *
 * The rest is behind subpaths, so this entry point stays small:
 * - `@fmnist/bench/report`: the `results.json` schema (`BenchReport`, `ModelRun`, `Comparison`,
 *   `Reference`...), comparison rows, Markdown and terminal rendering, `writeReport`;
 * - `@fmnist/bench/charts`: vega-lite chart specs, SVG and PNG rendering, `writeChart`;
 * - `@fmnist/bench/webgpu`: `setUpWebGpu` (Dawn in Node), `SWIFTSHADER_ICDS`, the adapter types.
 * @packageDocumentation
 */
export {
  type BackendAttempt,
  type BackendCandidate,
  type BackendSelection,
  type BackendSetUpContext,
  DEFAULT_BACKEND_CANDIDATES,
  type SelectBackendOptions,
  selectBackend,
  type TfBackendLike,
} from './backend.js';
export {
  type CollectEnvironmentOptions,
  collectEnvironment,
  type Environment,
} from './environment.js';
// Every error class and code of the package (errors.ts exports nothing else).
export * from './errors.js';
export { formatBytes, formatDuration, formatPercent } from './format.js';
export {
  type AveragedMetrics,
  accuracy,
  type ClassificationReport,
  type ClassificationReportOptions,
  type ClassMetrics,
  type ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  confusionRows,
  f1Score,
  type Labels,
} from './metrics.js';
export {
  createProgress,
  type Progress,
  type ProgressMode,
  type ProgressOptions,
  resolveProgressMode,
} from './progress.js';
export {
  type MeasureOptions,
  type MemoryStats,
  maxRssBytes,
  measure,
  PhaseTimer,
  summarize,
  type TfMemoryLike,
  type TimeItOptions,
  type TimingStats,
  timeIt,
} from './timing.js';
