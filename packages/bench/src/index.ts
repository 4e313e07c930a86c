/**
 * `@fmnist/bench`: timing and memory helpers, classification metrics, tfjs backend selection,
 * reports (JSON, Markdown, terminal tables), charts (vega-lite → SVG/PNG) and progress bars.
 * Knows no model.
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
  type AccuracyBar,
  accuracyComparisonSpec,
  type ChartFiles,
  type ChartSpec,
  confusionMatrixSpec,
  type PngOptions,
  renderSvg,
  svgToPng,
  type TrainingHistory,
  trainingCurvesSpec,
  writeChart,
} from './charts.js';
export {
  type CollectEnvironmentOptions,
  collectEnvironment,
  type Environment,
} from './environment.js';
export {
  BackendUnavailableError,
  BenchError,
  type BenchErrorCode,
  InvalidArgumentError,
  type WebGpuProblem,
  WebGpuUnavailableError,
} from './errors.js';
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
export type { Reference, ReferenceKind } from './references.js';
export {
  assertBenchReport,
  type BenchReport,
  type ChartEntry,
  type Comparison,
  type ComparisonRow,
  type ComparisonSource,
  type ExternalRun,
  isSubsetRun,
  type ModelRun,
  modelRow,
  type Params,
  paramText,
  type ReportFiles,
  referenceRow,
  renderMarkdown,
  renderTerminal,
  type WriteReportOptions,
  writeReport,
} from './report.js';
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
export {
  type SetUpWebGpuOptions,
  SWIFTSHADER_ICDS,
  setUpWebGpu,
  type WebGpuAdapterInfo,
  type WebGpuSetup,
} from './webgpu.js';
