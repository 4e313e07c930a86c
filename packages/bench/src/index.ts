/**
 * `@fmnist/bench`: timing and memory helpers, classification metrics, tfjs backend selection,
 * reports (JSON, Markdown, terminal tables), charts (vega-lite → SVG/PNG) and progress bars.
 * Knows no model.
 * @packageDocumentation
 */
export {
  type BackendCandidate,
  type BackendSelection,
  DEFAULT_BACKEND_CANDIDATES,
  importFrom,
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
  type BackendAttempt,
  BackendUnavailableError,
  BenchError,
  InvalidArgumentError,
} from './errors.js';
export { formatBytes, formatDuration, formatPercent } from './format.js';
export { writeFileAtomic } from './fs.js';
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
export { type Reference, type ReferenceKind, SEED_REFERENCES } from './references.js';
export {
  assertBenchReport,
  type BenchReport,
  type ChartEntry,
  type Comparison,
  type ComparisonRow,
  cnnVsReferencesComparison,
  comparisonTable,
  confusionTable,
  type ExternalRun,
  historyTable,
  knnVsSklearnComparison,
  type ModelRun,
  modelsTable,
  type Params,
  perClassTable,
  type ReportFiles,
  renderMarkdown,
  renderTerminal,
  type WriteReportOptions,
  writeReport,
} from './report.js';
export { type Align, markdownTable, type Table, terminalTable } from './table.js';
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
