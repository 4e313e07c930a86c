/**
 * `@fmnist/bench/report`: what a benchmark run reports and how. The `results.json` schema
 * ({@link BenchReport}: {@link ModelRun}s, {@link ExternalRun}s, {@link Comparison}s, `Reference`s,
 * {@link ChartEntry}s) and {@link assertBenchReport} to check a parsed one; comparison rows
 * ({@link modelRow}, {@link referenceRow}, {@link paramText}); {@link renderMarkdown} and
 * {@link renderTerminal}; {@link writeReport} (JSON, Markdown and the charts, each written atomically).
 * The metrics, timings and environment it holds come from the main entry.
 * @packageDocumentation
 */
import { basename, join } from 'node:path';
import type { BackendAttempt } from './backend.js';
import {
  type AccuracyBar,
  accuracyComparisonSpec,
  confusionMatrixSpec,
  type TrainingHistory,
  trainingCurvesSpec,
  writeChart,
} from './charts.js';
import type { Environment } from './environment.js';
import { InvalidArgumentError } from './errors.js';
import { formatBytes, formatDuration, formatPercent } from './format.js';
import { writeFileAtomic } from './fs.js';
import type { ClassificationReport } from './metrics.js';
import type { Reference } from './references.js';
import { markdownTable, type Table, terminalTable } from './table.js';
import type { MemoryStats } from './timing.js';

export type { Reference, ReferenceKind } from './references.js';

/** Parameter values recorded for a run (plain JSON scalars). */
export type Params = Record<string, string | number | boolean | null>;

/** One model's run: what it was, how well it did, how long it took. */
export interface ModelRun {
  /** Short stable id, e.g. `'knn'`, `'cnn'`. */
  id: string;
  /** Display name, e.g. `'KNN (k=5)'`. */
  name: string;
  params: Params;
  trainSize: number;
  testSize: number;
  /** Test accuracy (same as `metrics.accuracy`). */
  accuracy: number;
  /** Test loss, when the model has one. */
  loss?: number;
  /** Number of parameters (weights), for models that have them. */
  parameters?: number;
  /**
   * `true` when the model was loaded ready-made (e.g. shipped pretrained weights) rather than trained by
   * this run; `timings.trainMs` is then the loading time.
   */
  loaded?: boolean;
  metrics: ClassificationReport;
  /** `trainMs`: fitting/training (or loading); `inferenceMs`: predicting the whole test set. */
  timings: { trainMs: number; inferenceMs: number };
  memory?: MemoryStats;
  /** Per-epoch history, for trained models. */
  history?: TrainingHistory;
}

/** A run of an outside tool (e.g. scikit-learn), which may have been skipped or failed. */
export interface ExternalRun {
  name: string;
  status: 'ran' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason?: string;
  accuracy?: number;
  trainMs?: number;
  inferenceMs?: number;
  version?: string;
  params: Params;
  trainSize?: number;
  testSize?: number;
}

/**
 * Where a comparison row's figure comes from: measured by `this run`, reported by the `reference
 * experiment` (the one the benchmark reproduces), a `published reference`, or `not run` (with the
 * reason in `details`). `seed reference` is the deprecated name of `reference experiment`.
 */
export type ComparisonSource =
  | 'this run'
  | 'reference experiment'
  | 'published reference'
  | 'not run'
  | /** @deprecated Use `'reference experiment'`. */ 'seed reference';

/** One row of a comparison table. */
export interface ComparisonRow {
  name: string;
  accuracy: number | null;
  source: ComparisonSource;
  details: string;
  timeMs?: number;
  url?: string;
}

/** A titled comparison table (e.g. "CNN vs published references"). */
export interface Comparison {
  id: string;
  title: string;
  rows: ComparisonRow[];
  note?: string;
}

/** A chart written beside the report (paths relative to the report folder). */
export interface ChartEntry {
  name: string;
  title: string;
  svg: string;
  png?: string;
}

/** Everything a benchmark run reports; serialised as `results.json`. */
export interface BenchReport {
  schemaVersion: 1;
  title: string;
  environment: Environment;
  /** Every backend tried and why it did or did not run. */
  backendAttempts: BackendAttempt[];
  /** The options the run used (flags, presets...). */
  config: Record<string, unknown>;
  dataset: {
    name: string;
    dir?: string;
    /** Images used by this run. */
    trainSize: number;
    testSize: number;
    /**
     * Images in the full splits, when the run used fewer (`trainSize`/`testSize` below these): the
     * report and the accuracy chart then mark the run as a subset run.
     */
    fullTrainSize?: number;
    fullTestSize?: number;
    classNames: string[];
  };
  models: ModelRun[];
  external: ExternalRun[];
  comparisons: Comparison[];
  references: Reference[];
  timings: { totalMs: number; phases: Record<string, number> };
  charts: ChartEntry[];
}

/**
 * A comparison row for a reference figure: source `published reference` for `published` figures,
 * `reference experiment` otherwise.
 */
export function referenceRow(ref: Reference): ComparisonRow {
  const row: ComparisonRow = {
    name: ref.name,
    accuracy: ref.accuracy,
    source: ref.kind === 'published' ? 'published reference' : 'reference experiment',
    details: `${ref.details} — ${ref.source}`,
  };
  if (ref.url) row.url = ref.url;
  return row;
}

/**
 * A comparison row for a model of this run: its accuracy, its train + inference time, and `details`
 * (default: its parameters and its train/test sizes).
 */
export function modelRow(run: ModelRun, details?: string): ComparisonRow {
  return {
    name: run.name,
    accuracy: run.accuracy,
    source: 'this run',
    details: details ?? `${paramText(run.params)}; ${run.trainSize} train / ${run.testSize} test`,
    timeMs: run.timings.trainMs + run.timings.inferenceMs,
  };
}

/** `{ k: 5, metric: 'euclidean' }` → `'k=5, metric=euclidean'` (null values left out). */
export function paramText(params: Params): string {
  return Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Whether the run used fewer images than the full splits (see `BenchReport.dataset`). */
export function isSubsetRun(report: Pick<BenchReport, 'dataset'>): boolean {
  const d = report.dataset;
  return (
    (d.fullTrainSize !== undefined && d.trainSize < d.fullTrainSize) ||
    (d.fullTestSize !== undefined && d.testSize < d.fullTestSize)
  );
}

/** The subset warning, as two sentences. */
function subsetLines(report: BenchReport): [string, string] {
  const d = report.dataset;
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `Subset run: ${n(d.trainSize)} of ${n(d.fullTrainSize ?? d.trainSize)} training and ` +
      `${n(d.testSize)} of ${n(d.fullTestSize ?? d.testSize)} test images.`,
    'Its figures are not comparable with full-set results or the references.',
  ];
}

function subsetText(report: BenchReport): string {
  return subsetLines(report).join(' ');
}

function dash(v: number | undefined, f: (x: number) => string): string {
  return v === undefined || !Number.isFinite(v) ? '—' : f(v);
}

/** The models side by side: one column per model. */
function modelsTable(models: readonly ModelRun[]): Table {
  const row = (label: string, f: (m: ModelRun) => string) => [label, ...models.map(f)];
  return {
    headers: ['', ...models.map((m) => m.name)],
    align: ['left', ...models.map(() => 'right' as const)],
    rows: [
      row('Test accuracy', (m) => formatPercent(m.accuracy)),
      row('Macro F1', (m) => formatPercent(m.metrics.macro.f1)),
      row('Macro precision', (m) => formatPercent(m.metrics.macro.precision)),
      row('Macro recall', (m) => formatPercent(m.metrics.macro.recall)),
      row('Test loss', (m) => dash(m.loss, (x) => x.toFixed(4))),
      // Only when some model counts its parameters.
      ...(models.some((m) => m.parameters !== undefined)
        ? [row('Parameters', (m) => dash(m.parameters, (x) => x.toLocaleString('en-US')))]
        : []),
      row('Train / test samples', (m) =>
        m.loaded ? `— / ${m.testSize}` : `${m.trainSize} / ${m.testSize}`,
      ),
      row('Training (fit) time', (m) =>
        m.loaded
          ? `loaded in ${formatDuration(m.timings.trainMs)}, not trained here`
          : formatDuration(m.timings.trainMs),
      ),
      row('Inference time (test set)', (m) => formatDuration(m.timings.inferenceMs)),
      row('Inference per sample', (m) =>
        m.testSize ? `${(m.timings.inferenceMs / m.testSize).toFixed(3)} ms` : '—',
      ),
      row('Peak RSS (process)', (m) => dash(m.memory?.maxRssBytes, formatBytes)),
      row('Peak tfjs memory (sampled)', (m) => dash(m.memory?.tf?.sampledPeakBytes, formatBytes)),
    ],
  };
}

/** A comparison as a table. */
function comparisonTable(c: Comparison): Table {
  return {
    headers: ['Model', 'Test accuracy', 'Source', 'Time', 'Details'],
    align: ['left', 'right', 'left', 'right', 'left'],
    rows: c.rows.map((r) => [
      r.source === 'published reference' ? `${r.name} *` : r.name,
      r.accuracy === null ? '—' : formatPercent(r.accuracy),
      r.source === 'seed reference' ? 'reference experiment' : r.source,
      dash(r.timeMs, formatDuration),
      r.details,
    ]),
  };
}

/** Per-class precision / recall / F1 of each model. */
function perClassTable(models: readonly ModelRun[], classNames: readonly string[]): Table {
  const headers = ['Class', 'Support'];
  for (const m of models) headers.push(`${m.id} P`, `${m.id} R`, `${m.id} F1`);
  const n = Math.max(...models.map((m) => m.metrics.numClasses));
  const rows: string[][] = [];
  for (let c = 0; c < n; c++) {
    const support = models[0]?.metrics.perClass[c]?.support ?? 0;
    const row = [classNames[c] ?? String(c), String(support)];
    for (const m of models) {
      const pc = m.metrics.perClass[c];
      row.push(...[pc?.precision, pc?.recall, pc?.f1].map((v) => dash(v, (x) => x.toFixed(3))));
    }
    rows.push(row);
  }
  const macro = ['Macro average', ''];
  for (const m of models) {
    macro.push(
      ...[m.metrics.macro.precision, m.metrics.macro.recall, m.metrics.macro.f1].map((x) =>
        x.toFixed(3),
      ),
    );
  }
  rows.push(macro);
  return { headers, align: headers.map((_, i) => (i === 0 ? 'left' : 'right')), rows };
}

/** One row per epoch: loss, accuracy, validation loss and accuracy. */
function historyTable(h: TrainingHistory): Table {
  const timed = (h.epochMs?.length ?? 0) > 0;
  const headers = ['Epoch', 'Loss', 'Accuracy', 'Val loss', 'Val accuracy'];
  if (timed) headers.push('Time');
  return {
    headers,
    align: headers.map(() => 'right' as const),
    rows: h.loss.map((loss, i) => {
      const row = [
        String(i + 1),
        loss.toFixed(4),
        formatPercent(h.acc[i]!),
        dash(h.valLoss?.[i], (x) => x.toFixed(4)),
        dash(h.valAcc?.[i], formatPercent),
      ];
      if (timed) row.push(dash(h.epochMs?.[i], formatDuration));
      return row;
    }),
  };
}

/** The confusion matrix of a model (rows: true class, columns: predicted). */
function confusionTable(run: ModelRun, classNames: readonly string[]): Table {
  const names = run.metrics.confusion.map((_, i) => classNames[i] ?? String(i));
  return {
    headers: ['True \\ predicted', ...names],
    align: ['left', ...names.map(() => 'right' as const)],
    rows: run.metrics.confusion.map((r, i) => [names[i]!, ...r.map(String)]),
  };
}

function environmentTable(report: BenchReport): Table {
  const e = report.environment;
  return {
    headers: ['', ''],
    rows: [
      ['Backend', `${e.backend}${e.backendModule ? ` (${e.backendModule})` : ''}`],
      ...(e.adapter
        ? [
            [
              'GPU adapter',
              `${e.adapter.device || e.adapter.description || 'unnamed'} (${[e.adapter.vendor, e.adapter.architecture].filter(Boolean).join(' ')}, ${e.adapter.kind}${e.adapter.kind === 'software' ? ': runs on the CPU, not a GPU' : ''})`,
            ],
          ]
        : []),
      ['TensorFlow.js', e.tfjsVersion ?? '—'],
      ['Node.js', e.nodeVersion],
      ['OS', `${e.os} (${e.platform})`],
      ['CPU', `${e.cpuModel}, ${e.cores} cores`],
      ['Memory', formatBytes(e.totalMemoryBytes)],
      ['CI', String(e.ci)],
      ['Date', e.date],
    ],
  };
}

function attemptsTable(attempts: readonly BackendAttempt[]): Table {
  return {
    headers: ['Backend', 'Package', 'Status', 'Why'],
    rows: attempts.map((a) => [a.name, a.module, a.status, a.reason]),
  };
}

function timingsTable(report: BenchReport): Table {
  return {
    headers: ['Phase', 'Wall time'],
    align: ['left', 'right'],
    rows: [
      ...Object.entries(report.timings.phases).map(([k, v]) => [k, formatDuration(v)]),
      ['Total', formatDuration(report.timings.totalMs)],
    ],
  };
}

function modelsTitle(models: readonly ModelRun[]): string {
  return models.map((m) => m.id.toUpperCase()).join(' vs ');
}

/**
 * The Markdown report: headline tables (models side by side, comparisons with references marked as
 * such), per-class metrics, training history, confusion matrices, charts, environment and timings.
 */
export function renderMarkdown(report: BenchReport): string {
  const md: string[] = [`# ${report.title}`, ''];
  const e = report.environment;
  md.push(
    `Run on ${e.date} — backend **${e.backend}**, Node ${e.nodeVersion}, ${e.cpuModel} (${e.cores} cores), ${e.os}. ` +
      `Total time ${formatDuration(report.timings.totalMs)}.`,
    '',
  );
  if (isSubsetRun(report)) md.push(`> **${subsetText(report)}**`, '');
  if (report.models.length > 0) {
    md.push(`## ${modelsTitle(report.models)}`, '', markdownTable(modelsTable(report.models)), '');
  }
  for (const c of report.comparisons) {
    md.push(`## ${c.title}`, '', markdownTable(comparisonTable(c)), '');
    if (c.rows.some((r) => r.source === 'published reference')) {
      md.push(
        '\\* Published reference, not measured here ([Fashion-MNIST benchmark](https://github.com/zalandoresearch/fashion-mnist#benchmark)).',
        '',
      );
    }
    if (c.note) md.push(`_${c.note}_`, '');
  }
  const charts = new Map(report.charts.map((c) => [c.name, c]));
  const img = (name: string) => {
    const c = charts.get(name);
    if (c) md.push(`![${c.title}](${c.svg})`, '');
  };
  img('accuracy-comparison');
  if (report.models.length > 0) {
    md.push(
      '## Per-class precision, recall and F1',
      '',
      markdownTable(perClassTable(report.models, report.dataset.classNames)),
      '',
    );
  }
  for (const m of report.models) {
    if (!m.history) continue;
    md.push(`## Training history: ${m.name}`, '');
    img(`training-curves-${m.id}`);
    md.push(markdownTable(historyTable(m.history)), '');
  }
  for (const m of report.models) {
    md.push(`## Confusion matrix: ${m.name}`, '');
    img(`confusion-${m.id}`);
    md.push(markdownTable(confusionTable(m, report.dataset.classNames)), '');
  }
  md.push('## Environment', '', markdownTable(environmentTable(report)), '');
  if (report.backendAttempts.length > 0) {
    md.push('### Backend selection', '', markdownTable(attemptsTable(report.backendAttempts)), '');
  }
  md.push('## Timings', '', markdownTable(timingsTable(report)), '');
  md.push(
    '## Configuration',
    '',
    '```json',
    JSON.stringify({ dataset: report.dataset, config: report.config }, null, 2),
    '```',
    '',
  );
  return md.join('\n');
}

/** The headline tables for a terminal: models side by side and each comparison. */
export function renderTerminal(report: BenchReport): string {
  const out: string[] = [];
  if (isSubsetRun(report)) out.push(`NOTE: ${subsetText(report)}`, '');
  if (report.models.length > 0) {
    out.push(
      terminalTable(modelsTable(report.models), {
        title: modelsTitle(report.models),
        maxColumnWidth: 40,
      }),
      '',
    );
  }
  for (const c of report.comparisons) {
    out.push(terminalTable(comparisonTable(c), { title: c.title, maxColumnWidth: 60 }));
    if (c.rows.some((r) => r.source === 'published reference')) {
      out.push('* published reference, not measured here');
    }
    out.push('');
  }
  out.push(terminalTable(timingsTable(report), { title: 'Timings' }));
  return out.join('\n');
}

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Render charts (SVG, and PNG unless `png: false`). Default true. */
  charts?: boolean;
  png?: boolean;
  /**
   * Called after the charts are rendered, just before `report.md` and `results.json` are written:
   * the place to record the final timings (chart rendering included).
   */
  finalize?: (report: BenchReport) => void;
}

/** Paths written by {@link writeReport}. */
export interface ReportFiles {
  json: string;
  markdown: string;
  charts: ChartEntry[];
}

/**
 * Writes the report into `dir`: charts (`training-curves-<id>`, `confusion-<id>`,
 * `accuracy-comparison`, as SVG and PNG), `report.md` and `results.json`, each atomically.
 * Fills `report.charts` with the chart paths relative to `dir`.
 *
 * @example
 * ```ts
 * const files = await writeReport('results/2024-01-01', report);
 * console.log(renderTerminal(report), files.markdown);
 * ```
 */
export async function writeReport(
  dir: string,
  report: BenchReport,
  options: WriteReportOptions = {},
): Promise<ReportFiles> {
  const charts: ChartEntry[] = [];
  if (options.charts !== false) {
    const add = async (name: string, title: string, spec: Parameters<typeof writeChart>[2]) => {
      const files = await writeChart(dir, name, spec, { png: options.png });
      const entry: ChartEntry = { name, title, svg: basename(files.svg) };
      if (files.png) entry.png = basename(files.png);
      charts.push(entry);
    };
    for (const m of report.models) {
      if (m.history && m.history.acc.length > 0) {
        const title = `${m.name}: accuracy and loss per epoch`;
        await add(`training-curves-${m.id}`, title, trainingCurvesSpec(m.history, { title }));
      }
    }
    for (const m of report.models) {
      const title = `${m.name}: confusion matrix (${m.testSize} test images)`;
      await add(
        `confusion-${m.id}`,
        title,
        confusionMatrixSpec(m.metrics.confusion, report.dataset.classNames, { title }),
      );
    }
    const bars = accuracyBars(report);
    if (bars.length > 0) {
      const subset = isSubsetRun(report);
      const title = `Test accuracy: this run${subset ? ' (a subset run)' : ''} vs references`;
      const subtitle = subset ? subsetLines(report) : undefined;
      await add('accuracy-comparison', title, accuracyComparisonSpec(bars, { title, subtitle }));
    }
  }
  report.charts = charts;
  options.finalize?.(report);
  const markdown = join(dir, 'report.md');
  const json = join(dir, 'results.json');
  await writeFileAtomic(markdown, renderMarkdown(report));
  await writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  return { json, markdown, charts };
}

/** Sources as the chart's legend shows them: a subset run's own figures are marked as such. */
function barSource(source: ComparisonSource, subset: boolean): string {
  if (source === 'seed reference') return 'reference experiment';
  return source === 'this run' && subset ? 'this run (subset)' : source;
}

function accuracyBars(report: BenchReport): AccuracyBar[] {
  const subset = isSubsetRun(report);
  const seen = new Set<string>();
  const bars: AccuracyBar[] = [];
  for (const c of report.comparisons) {
    for (const r of c.rows) {
      if (r.accuracy === null || seen.has(r.name)) continue;
      seen.add(r.name);
      bars.push({ name: r.name, accuracy: r.accuracy, source: barSource(r.source, subset) });
    }
  }
  for (const m of report.models) {
    if (!seen.has(m.name)) {
      seen.add(m.name);
      bars.push({ name: m.name, accuracy: m.accuracy, source: barSource('this run', subset) });
    }
  }
  return bars;
}

function fail(path: string, what: string): never {
  throw new InvalidArgumentError({ message: `results JSON: ${path} ${what}` });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(obj: Record<string, unknown>, path: string, key: string, type: string): unknown {
  const v = obj[key];
  const ok =
    type === 'array'
      ? Array.isArray(v)
      : type === 'object'
        ? isObj(v)
        : type === 'number'
          ? typeof v === 'number' && Number.isFinite(v)
          : typeof v === type;
  if (!ok)
    fail(`${path}.${key}`, `must be ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}`);
  return v;
}

/**
 * Checks that a parsed `results.json` has every field of a {@link BenchReport} with the right type
 * (including each model's metrics and history); throws {@link InvalidArgumentError} naming the first
 * missing or wrong field.
 */
export function assertBenchReport(value: unknown): asserts value is BenchReport {
  if (!isObj(value)) fail('$', 'must be an object');
  if (value.schemaVersion !== 1) fail('$.schemaVersion', 'must be 1');
  need(value, '$', 'title', 'string');
  const env = need(value, '$', 'environment', 'object') as Record<string, unknown>;
  for (const k of ['backend', 'nodeVersion', 'platform', 'os', 'cpuModel', 'date']) {
    need(env, '$.environment', k, 'string');
  }
  need(env, '$.environment', 'cores', 'number');
  need(env, '$.environment', 'totalMemoryBytes', 'number');
  need(env, '$.environment', 'ci', 'boolean');
  if (env.adapter !== undefined) need(env, '$.environment', 'adapter', 'object');
  if (Number.isNaN(Date.parse(env.date as string)))
    fail('$.environment.date', 'must be an ISO date');
  need(value, '$', 'backendAttempts', 'array');
  need(value, '$', 'config', 'object');
  const ds = need(value, '$', 'dataset', 'object') as Record<string, unknown>;
  need(ds, '$.dataset', 'name', 'string');
  need(ds, '$.dataset', 'trainSize', 'number');
  need(ds, '$.dataset', 'testSize', 'number');
  for (const k of ['fullTrainSize', 'fullTestSize']) {
    if (ds[k] !== undefined) need(ds, '$.dataset', k, 'number');
  }
  need(ds, '$.dataset', 'classNames', 'array');
  const models = need(value, '$', 'models', 'array') as unknown[];
  models.forEach((m, i) => {
    const p = `$.models[${i}]`;
    if (!isObj(m)) fail(p, 'must be an object');
    for (const k of ['id', 'name']) need(m, p, k, 'string');
    for (const k of ['trainSize', 'testSize', 'accuracy']) need(m, p, k, 'number');
    if (m.parameters !== undefined) need(m, p, 'parameters', 'number');
    if (m.loaded !== undefined) need(m, p, 'loaded', 'boolean');
    need(m, p, 'params', 'object');
    const t = need(m, p, 'timings', 'object') as Record<string, unknown>;
    need(t, `${p}.timings`, 'trainMs', 'number');
    need(t, `${p}.timings`, 'inferenceMs', 'number');
    const mt = need(m, p, 'metrics', 'object') as Record<string, unknown>;
    for (const k of ['accuracy', 'correct', 'total', 'numClasses'])
      need(mt, `${p}.metrics`, k, 'number');
    for (const k of ['perClass', 'confusion']) need(mt, `${p}.metrics`, k, 'array');
    for (const k of ['macro', 'weighted']) {
      const a = need(mt, `${p}.metrics`, k, 'object') as Record<string, unknown>;
      for (const f of ['precision', 'recall', 'f1']) need(a, `${p}.metrics.${k}`, f, 'number');
    }
    if (m.history !== undefined) {
      const h = need(m, p, 'history', 'object') as Record<string, unknown>;
      for (const k of ['loss', 'acc']) need(h, `${p}.history`, k, 'array');
      if (h.epochMs !== undefined) need(h, `${p}.history`, 'epochMs', 'array');
    }
  });
  need(value, '$', 'external', 'array');
  const comps = need(value, '$', 'comparisons', 'array') as unknown[];
  comps.forEach((c, i) => {
    if (!isObj(c)) fail(`$.comparisons[${i}]`, 'must be an object');
    need(c, `$.comparisons[${i}]`, 'title', 'string');
    need(c, `$.comparisons[${i}]`, 'rows', 'array');
  });
  need(value, '$', 'references', 'array');
  const t = need(value, '$', 'timings', 'object') as Record<string, unknown>;
  need(t, '$.timings', 'totalMs', 'number');
  need(t, '$.timings', 'phases', 'object');
  need(value, '$', 'charts', 'array');
}
