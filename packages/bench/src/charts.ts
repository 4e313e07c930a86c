/**
 * `@fmnist/bench/charts`: charts of a run as vega-lite specs ({@link trainingCurvesSpec},
 * {@link confusionMatrixSpec}, {@link accuracyComparisonSpec}), rendered to SVG by vega
 * ({@link renderSvg}) and to PNG by resvg ({@link svgToPng}); {@link writeChart} writes both,
 * atomically. `writeReport` (`@fmnist/bench/report`) already draws these for a report; use this
 * subpath for charts of your own. vega, vega-lite and resvg are loaded only when a chart is drawn.
 * @packageDocumentation
 */
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from './errors.js';
import { writeFileAtomic } from './fs.js';

/** Per-epoch training figures (Keras `History.history` style). Validation series are optional. */
export interface TrainingHistory {
  loss: number[];
  acc: number[];
  valLoss?: number[];
  valAcc?: number[];
  /** Wall time of each epoch (ms), validation included. */
  epochMs?: number[];
}

/** A vega-lite specification (re-exported so callers need not depend on vega-lite). */
export type ChartSpec = TopLevelSpec;

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const BASE_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 12,
  axis: { labelFontSize: 12, titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 13 },
  title: { fontSize: 15, anchor: 'start' as const, offset: 12 },
  header: { labelFontSize: 13, titleFontSize: 13 },
};

/**
 * Training accuracy and loss per epoch, train and validation, side by side.
 *
 * @example
 * ```ts
 * const svg = await renderSvg(trainingCurvesSpec(history, { title: 'VGG-small on Fashion-MNIST' }));
 * ```
 */
export function trainingCurvesSpec(
  history: TrainingHistory,
  options: { title?: string } = {},
): ChartSpec {
  const epochs = history.acc.length;
  if (epochs === 0 || history.loss.length !== epochs) {
    throw new InvalidArgumentError({
      message: `history needs one acc and one loss value per epoch; got ${history.acc.length} acc and ${history.loss.length} loss.`,
    });
  }
  const values: { epoch: number; metric: string; split: string; value: number }[] = [];
  const push = (series: number[] | undefined, metric: string, split: string) => {
    if (!series?.length) return;
    if (series.length !== epochs) {
      throw new InvalidArgumentError({
        message: `history.${metric === 'accuracy' ? 'valAcc' : 'valLoss'} has ${series.length} values but there are ${epochs} epochs.`,
      });
    }
    series.forEach((value, i) => {
      values.push({ epoch: i + 1, metric, split, value });
    });
  };
  push(history.acc, 'accuracy', 'train');
  push(history.valAcc, 'accuracy', 'validation');
  push(history.loss, 'loss', 'train');
  push(history.valLoss, 'loss', 'validation');
  const panel = (metric: 'accuracy' | 'loss') => ({
    title: metric === 'accuracy' ? 'Accuracy per epoch' : 'Loss per epoch',
    width: 340,
    height: 240,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line' as const, point: epochs <= 60, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative' as const,
        title: 'Epoch',
        scale: { domain: [1, Math.max(2, epochs)] },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'value',
        type: 'quantitative' as const,
        title: metric === 'accuracy' ? 'Accuracy' : 'Loss (cross-entropy)',
        scale: { zero: false },
        axis: metric === 'accuracy' ? { format: '.0%' } : {},
      },
      color: {
        field: 'split',
        type: 'nominal' as const,
        title: 'Split',
        scale: {
          domain: history.valAcc?.length ? ['train', 'validation'] : ['train'],
          range: ['#1f77b4', '#ff7f0e'],
        },
      },
      tooltip: [
        { field: 'epoch', type: 'quantitative' as const },
        { field: 'split', type: 'nominal' as const },
        { field: 'value', type: 'quantitative' as const, format: '.4f' },
      ],
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    hconcat: [panel('accuracy'), panel('loss')],
    config: BASE_CONFIG,
  } as ChartSpec;
}

/**
 * A confusion-matrix heat map: rows are true classes, columns predicted ones; each cell shows its
 * count, coloured by the share of its row (recall for the diagonal).
 */
export function confusionMatrixSpec(
  confusion: readonly (readonly number[])[],
  classNames: readonly string[],
  options: { title?: string } = {},
): ChartSpec {
  const n = confusion.length;
  if (n === 0 || confusion.some((r) => r.length !== n)) {
    throw new InvalidArgumentError({
      message: 'confusion must be a non-empty square matrix (rows[t][p]).',
    });
  }
  if (classNames.length < n) {
    throw new InvalidArgumentError({
      message: `classNames has ${classNames.length} names for ${n} classes.`,
    });
  }
  const names = classNames.slice(0, n);
  const values: { actual: string; predicted: string; count: number; share: number }[] = [];
  confusion.forEach((row, t) => {
    const total = row.reduce((s, x) => s + x, 0);
    row.forEach((count, p) => {
      values.push({
        actual: names[t]!,
        predicted: names[p]!,
        count,
        share: total ? count / total : 0,
      });
    });
  });
  const cell = 44;
  const x = {
    field: 'predicted',
    type: 'nominal' as const,
    sort: names,
    title: 'Predicted class',
    axis: { labelAngle: -40, orient: 'bottom' as const },
  };
  const y = { field: 'actual', type: 'nominal' as const, sort: names, title: 'True class' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    width: cell * n,
    height: cell * n,
    layer: [
      {
        mark: { type: 'rect' as const },
        encoding: {
          x,
          y,
          color: {
            field: 'share',
            type: 'quantitative' as const,
            title: 'Share of row',
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: { format: '.0%', gradientLength: cell * n - 40 },
          },
          tooltip: [
            { field: 'actual', title: 'True' },
            { field: 'predicted', title: 'Predicted' },
            { field: 'count', type: 'quantitative' as const },
            { field: 'share', type: 'quantitative' as const, format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'text' as const, fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: 'count', type: 'quantitative' as const },
          color: {
            condition: { test: 'datum.share > 0.5', value: 'white' },
            value: '#222222',
          },
        },
      },
    ],
    config: { ...BASE_CONFIG, axis: { ...BASE_CONFIG.axis, grid: false, domain: false } },
  } as ChartSpec;
}

/** One entry of {@link accuracyComparisonSpec}. */
export interface AccuracyBar {
  name: string;
  /** Fraction in [0, 1]. */
  accuracy: number;
  /** `measured` (this run) or a reference kind, e.g. `published`. */
  source: string;
}

/** Colours of {@link accuracyComparisonSpec} by source: measured here stands out, references are muted. */
const SOURCE_COLORS: Record<string, string> = {
  'this run': '#1f77b4',
  'this run (subset)': '#9ecae1',
  'reference experiment': '#ff7f0e',
  'seed reference': '#ff7f0e',
  'published reference': '#8c8c8c',
};

/**
 * A dot plot comparing test accuracies, this run's against references. Dots rather than bars, since
 * the axis is zoomed to the range of the figures.
 */
export function accuracyComparisonSpec(
  bars: readonly AccuracyBar[],
  options: { title?: string; subtitle?: string | string[] } = {},
): ChartSpec {
  if (bars.length === 0)
    throw new InvalidArgumentError({ message: 'accuracyComparisonSpec needs at least one bar.' });
  const lo = Math.max(0, Math.floor(Math.min(...bars.map((b) => b.accuracy)) * 20) / 20 - 0.05);
  const order = [...bars].sort((a, b) => b.accuracy - a.accuracy).map((b) => b.name);
  const sources = [...new Set(bars.map((b) => b.source))];
  const y = {
    field: 'name',
    type: 'nominal' as const,
    sort: order,
    title: null,
    axis: { labelLimit: 480, grid: true },
  };
  const x = {
    field: 'accuracy',
    type: 'quantitative' as const,
    title: 'Test accuracy',
    scale: { domain: [lo, 1] },
    axis: { format: '.0%' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title
      ? {
          title: options.subtitle
            ? { text: options.title, subtitle: options.subtitle }
            : options.title,
        }
      : {}),
    data: { values: bars.map((b) => ({ ...b })) },
    width: 420,
    height: { step: 30 },
    layer: [
      {
        mark: { type: 'point' as const, filled: true, size: 160, opacity: 1 },
        encoding: {
          y,
          x,
          color: {
            field: 'source',
            type: 'nominal' as const,
            title: 'Source',
            scale: {
              domain: sources,
              range: sources.map(
                (s, i) => SOURCE_COLORS[s] ?? ['#2ca02c', '#9467bd', '#8c564b'][i % 3]!,
              ),
            },
            legend: { labelLimit: 240 },
          },
        },
      },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 10, fontSize: 12 },
        encoding: {
          y,
          x,
          text: { field: 'accuracy', type: 'quantitative' as const, format: '.2%' },
        },
      },
    ],
    config: BASE_CONFIG,
  } as ChartSpec;
}

/**
 * Renders a vega-lite spec to an SVG string in Node, without a browser (vega `View` with the
 * `none` renderer).
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Zoom factor; default 2 (sharp on high-DPI screens). */
  scale?: number;
  /** Background colour; default white. */
  background?: string;
  /** Extra font files (.ttf/.otf) to use besides the system fonts. */
  fontFiles?: string[];
}

/** Rasterises an SVG string to PNG bytes with resvg (system fonts; DejaVu Sans preferred). */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      fontFiles: options.fontFiles ?? [],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Paths written by {@link writeChart}. */
export interface ChartFiles {
  svg: string;
  png?: string;
}

/**
 * Renders `spec` and writes `<dir>/<name>.svg` (and `.png` unless `png: false`), atomically.
 *
 * @example
 * ```ts
 * await writeChart('results', 'training-curves', trainingCurvesSpec(history));
 * ```
 */
export async function writeChart(
  dir: string,
  name: string,
  spec: ChartSpec,
  options: { png?: boolean } & PngOptions = {},
): Promise<ChartFiles> {
  const svg = await renderSvg(spec);
  const files: ChartFiles = { svg: join(dir, `${name}.svg`) };
  await writeFileAtomic(files.svg, svg);
  if (options.png !== false) {
    files.png = join(dir, `${name}.png`);
    await writeFileAtomic(files.png, await svgToPng(svg, options));
  }
  return files;
}
