import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEnvironment } from './environment.js';
import { InvalidArgumentError } from './errors.js';
import { classificationReport } from './metrics.js';
import type { Reference } from './references.js';
import {
  assertBenchReport,
  type BenchReport,
  type Comparison,
  isSubsetRun,
  type ModelRun,
  modelRow,
  paramText,
  referenceRow,
  renderMarkdown,
  renderTerminal,
  writeReport,
} from './report.js';
import { expectContainsAll, parseSvg, pngSize } from './test-helpers/index.js';

/** Reference figures of a made-up study: bench knows no model, so the tests use their own. */
const REFS = {
  study: {
    name: 'Original study model',
    accuracy: 0.947,
    kind: 'experiment',
    details: '50 epochs',
    source: 'the original study',
  },
  paper: {
    name: 'Paper net',
    accuracy: 0.935,
    kind: 'published',
    details: 'no preprocessing',
    source: 'a benchmark table',
    url: 'https://example.invalid/table',
  },
} as const satisfies Record<string, Reference>;

/** A comparison built from the generic row helpers, as an app would. */
function versusReferences(run: ModelRun): Comparison {
  return {
    id: 'b-vs-references',
    title: 'Model B vs references',
    rows: [modelRow(run), referenceRow(REFS.study), referenceRow(REFS.paper)],
    note: 'Published figures were not re-run here.',
  };
}

const classNames = ['T-shirt/top', 'Trouser', 'Pullover'];
const yTrue = [0, 0, 1, 1, 2, 2, 2, 0];
const knnPred = [0, 2, 1, 1, 2, 0, 2, 0];
const cnnPred = [0, 0, 1, 1, 2, 2, 2, 2];

function run(id: string, name: string, pred: number[], extra: Partial<ModelRun> = {}): ModelRun {
  const metrics = classificationReport(yTrue, pred, { classNames });
  return {
    id,
    name,
    params: { k: 5 },
    trainSize: 100,
    testSize: yTrue.length,
    accuracy: metrics.accuracy,
    metrics,
    timings: { trainMs: 12, inferenceMs: 3400 },
    ...extra,
  };
}

function makeReport(withExternal: boolean): BenchReport {
  const a = run('a', 'Model A', knnPred);
  const b = run('b', 'Model B', cnnPred, {
    params: { preset: 'quick', epochs: 2 },
    loss: 0.41234,
    parameters: 155_566,
    history: {
      loss: [0.9, 0.5],
      acc: [0.6, 0.8],
      valLoss: [0.7, 0.45],
      valAcc: [0.7, 0.85],
      epochMs: [61_000, 34_000],
    },
    timings: { trainMs: 95_000, inferenceMs: 800 },
  });
  const c = run('c', 'Model C (shipped)', cnnPred, {
    loaded: true,
    parameters: 1234,
    timings: { trainMs: 150, inferenceMs: 700 },
  });
  return {
    schemaVersion: 1,
    title: 'Toy: A vs B',
    environment: collectEnvironment({
      backend: 'wasm',
      backendModule: '@tensorflow/tfjs-backend-wasm',
    }),
    backendAttempts: [
      {
        name: 'tfjs-node',
        module: '@tensorflow/tfjs-node',
        backend: 'tensorflow',
        status: 'not-installed',
        reason: '@tensorflow/tfjs-node is not installed',
        ms: 1,
      },
      {
        name: 'wasm',
        module: '@tensorflow/tfjs-backend-wasm',
        backend: 'wasm',
        status: 'ok',
        reason: 'ok',
        ms: 50,
      },
    ],
    config: { quick: true, seed: 42 },
    dataset: { name: 'Fashion-MNIST', trainSize: 100, testSize: yTrue.length, classNames },
    models: [a, b, c],
    external: withExternal
      ? [
          {
            name: 'Outside tool',
            status: 'ran',
            accuracy: 0.75,
            params: { n: 5 },
            version: '1.2.1',
          },
        ]
      : [],
    comparisons: [
      {
        id: 'a-vs-tool',
        title: 'Model A vs an outside tool',
        rows: [
          modelRow(a),
          withExternal
            ? { name: 'Outside tool 1.2.1', accuracy: 0.75, source: 'this run', details: 'n=5' }
            : { name: 'Outside tool', accuracy: null, source: 'not run', details: 'not installed' },
        ],
      },
      versusReferences(b),
    ],
    references: Object.values(REFS),
    timings: { totalMs: 120_000, phases: { load: 900, a: 3412, b: 95_800, report: 500 } },
    charts: [],
  };
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('comparison rows', () => {
  it('modelRow: this run, with the params and sizes; referenceRow: marked by kind', () => {
    const b = run('b', 'Model B', cnnPred);
    expect(modelRow(b)).toEqual({
      name: 'Model B',
      accuracy: 0.875,
      source: 'this run',
      details: 'k=5; 100 train / 8 test',
      timeMs: 3412,
    });
    expect(modelRow(b, 'mine').details).toBe('mine');
    expect(versusReferences(b).rows.map((r) => [r.accuracy, r.source])).toEqual([
      [0.875, 'this run'],
      [0.947, 'reference experiment'],
      [0.935, 'published reference'],
    ]);
    expect(referenceRow(REFS.paper)).toMatchObject({
      details: 'no preprocessing — a benchmark table',
      url: 'https://example.invalid/table',
    });
    // The deprecated kind 'seed' still reads as the reference experiment.
    expect(referenceRow({ ...REFS.study, kind: 'seed' }).source).toBe('reference experiment');
    expect(paramText({ k: 5, metric: 'euclidean', none: null })).toBe('k=5, metric=euclidean');
  });
});

describe('renderMarkdown and renderTerminal', () => {
  it('holds every table with the figures', () => {
    const md = renderMarkdown(makeReport(true));
    expectContainsAll(md, [
      '# Toy: A vs B',
      '## A vs B vs C',
      '## Model A vs an outside tool',
      '## Model B vs references',
      '## Per-class precision, recall and F1',
      '## Training history: Model B',
      '## Confusion matrix: Model A',
      '## Environment',
      '### Backend selection',
      '## Timings',
    ]);
    expect(md).toContain('| Test accuracy | 75.00% | 87.50% | 87.50% |');
    expect(md).toContain('| Parameters | — | 155,566 | 1,234 |');
    expect(md).toContain('| Train / test samples | 100 / 8 | 100 / 8 | — / 8 |');
    expect(md).toContain(
      '| Training (fit) time | 12 ms | 1 min 35 s | loaded in 150 ms, not trained here |',
    );
    expect(md).toContain('| Paper net * | 93.50% | published reference |');
    expect(md).toContain('| Original study model | 94.70% | reference experiment |');
    expect(md).toContain('| Outside tool 1.2.1 | 75.00% | this run |');
    expect(md).toContain('\\* Published reference, not measured here');
    expect(md).toContain('_Published figures were not re-run here._');
    expect(md).toContain('| Epoch | Loss | Accuracy | Val loss | Val accuracy | Time |');
    expect(md).toContain('| 2 | 0.5000 | 80.00% | 0.4500 | 85.00% | 34.0 s |');
    expect(md).toContain('| T-shirt/top | 2 | 0 | 1 |');
    expect(md).toContain('| tfjs-node | @tensorflow/tfjs-node | not-installed |');
    expect(md).toContain('| Total | 2 min 00 s |');
    expect(md).not.toContain('Subset run');
    expect(md).not.toContain('GPU adapter');
    const tables = md.split('\n').filter((l) => /^\| :?---/.test(l));
    expect(tables.length).toBeGreaterThanOrEqual(10);
  });

  it('names the WebGPU adapter, and says when it is software', () => {
    const r = makeReport(false);
    r.environment = collectEnvironment({
      backend: 'webgpu',
      adapter: {
        vendor: 'google',
        architecture: 'swiftshader',
        device: 'swiftshader-device',
        description: 'SwiftShader driver',
        kind: 'software',
        driver: '/usr/lib/chromium/vk_swiftshader_icd.json',
      },
    });
    expect(renderMarkdown(r)).toContain(
      '| GPU adapter | swiftshader-device (google swiftshader, software: runs on the CPU, not a GPU) |',
    );
  });

  it('leaves out the parameters row and the time column when no model has them', () => {
    const r = makeReport(false);
    r.models = r.models.map(({ parameters, ...m }) => ({
      ...m,
      ...(m.history ? { history: { loss: m.history.loss, acc: m.history.acc } } : {}),
    }));
    const md = renderMarkdown(r);
    expect(md).not.toContain('| Parameters |');
    expect(md).toContain('| Epoch | Loss | Accuracy | Val loss | Val accuracy |\n');
  });

  it('prints the headline tables for a terminal', () => {
    const text = renderTerminal(makeReport(false));
    expect(text).toContain('A vs B vs C');
    expect(text).toContain('Model B vs references');
    expect(text).toContain('Paper net *');
    expect(text).toContain('not run');
    expect(text).toContain('* published reference, not measured here');
    expect(text).toMatch(/│ Test accuracy +│ +75\.00% │ +87\.50% │/);
    expect(text).not.toContain('Subset run');
  });

  it('marks a subset run in the Markdown, on the terminal and nowhere else', () => {
    const r = makeReport(false);
    expect(isSubsetRun(r)).toBe(false);
    r.dataset.fullTrainSize = 100;
    r.dataset.fullTestSize = 8;
    expect(isSubsetRun(r)).toBe(false);
    r.dataset.fullTrainSize = 60_000;
    r.dataset.fullTestSize = 10_000;
    expect(isSubsetRun(r)).toBe(true);
    const note = 'Subset run: 100 of 60,000 training and 8 of 10,000 test images.';
    expect(renderMarkdown(r)).toContain(`> **${note} Its figures are not comparable`);
    expect(renderTerminal(r).split('\n')[0]).toContain(`NOTE: ${note}`);
  });
});

describe('writeReport', () => {
  it('writes results.json, report.md and every chart as SVG and PNG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    dirs.push(dir);
    const report = makeReport(true);
    const files = await writeReport(dir, report);
    expect((await readdir(dir)).sort()).toEqual(
      [
        'accuracy-comparison.png',
        'accuracy-comparison.svg',
        'confusion-a.png',
        'confusion-a.svg',
        'confusion-b.png',
        'confusion-b.svg',
        'confusion-c.png',
        'confusion-c.svg',
        'report.md',
        'results.json',
        'training-curves-b.png',
        'training-curves-b.svg',
      ].sort(),
    );
    const json = JSON.parse(await readFile(files.json, 'utf8'));
    assertBenchReport(json);
    expect(json.charts.map((c) => c.name)).toEqual([
      'training-curves-b',
      'confusion-a',
      'confusion-b',
      'confusion-c',
      'accuracy-comparison',
    ]);
    expect(json.models[1]!.history!.valAcc).toEqual([0.7, 0.85]);
    expect(json.models[1]!.history!.epochMs).toEqual([61_000, 34_000]);
    expect(json.models[1]!.parameters).toBe(155_566);
    expect(json.models[2]!.loaded).toBe(true);
    expect(json.environment.backend).toBe('wasm');
    const md = await readFile(files.markdown, 'utf8');
    expect(md).toContain('![Model B: accuracy and loss per epoch](training-curves-b.svg)');
    expect(md).toContain('![Test accuracy: this run vs references](accuracy-comparison.svg)');
    for (const c of json.charts) {
      const { texts } = parseSvg(await readFile(join(dir, c.svg), 'utf8'));
      expect(texts.length).toBeGreaterThan(5);
      expect(pngSize(new Uint8Array(await readFile(join(dir, c.png!)))).width).toBeGreaterThan(300);
    }
    const chart = parseSvg(await readFile(join(dir, 'accuracy-comparison.svg'), 'utf8')).texts;
    expect(chart).toContain('this run');
    expect(chart).toContain('reference experiment');
    expect(chart.join(' ')).not.toContain('subset');
  });

  it('marks a subset run on the accuracy chart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    dirs.push(dir);
    const report = makeReport(false);
    report.dataset.fullTrainSize = 60_000;
    report.dataset.fullTestSize = 10_000;
    await writeReport(dir, report, { png: false });
    const { texts } = parseSvg(await readFile(join(dir, 'accuracy-comparison.svg'), 'utf8'));
    expect(texts).toContain('Test accuracy: this run (a subset run) vs references');
    expect(texts).toContain('Subset run: 100 of 60,000 training and 8 of 10,000 test images.');
    expect(texts).toContain('this run (subset)');
    expect(texts).not.toContain('this run');
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('> **Subset run: 100 of 60,000 training and 8 of 10,000 test images.');
  });

  it('can skip charts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    dirs.push(dir);
    let seenCharts: unknown;
    await writeReport(dir, makeReport(false), {
      charts: false,
      finalize: (r) => {
        seenCharts = r.charts;
        r.timings.totalMs = 123_456;
      },
    });
    expect(seenCharts).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['report.md', 'results.json']);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(json.timings.totalMs).toBe(123_456);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('| Total | 2 min 03 s |');
  });
});

describe('assertBenchReport', () => {
  it('accepts a full report and names the first missing or wrong field', () => {
    const good = JSON.parse(JSON.stringify(makeReport(false)));
    expect(() => assertBenchReport(good)).not.toThrow();
    // biome-ignore lint/suspicious/noExplicitAny: the cases mutate parsed JSON freely
    const cases: [(r: Record<string, any>) => void, RegExp][] = [
      [(r) => delete r.environment.cpuModel, /\$\.environment\.cpuModel must be a string/],
      [(r) => (r.environment.date = 'yesterday'), /\$\.environment\.date must be an ISO date/],
      [(r) => delete r.models[1].metrics.macro.f1, /\$\.models\[1\]\.metrics\.macro\.f1/],
      [(r) => (r.models[0].accuracy = null), /\$\.models\[0\]\.accuracy must be a number/],
      [(r) => delete r.timings, /\$\.timings must be an object/],
      [(r) => (r.schemaVersion = 2), /schemaVersion must be 1/],
      [(r) => (r.models[1].parameters = '155k'), /\$\.models\[1\]\.parameters must be a number/],
      [(r) => (r.models[2].loaded = 'yes'), /\$\.models\[2\]\.loaded must be a boolean/],
      [
        (r) => (r.models[1].history.epochMs = 5),
        /\$\.models\[1\]\.history\.epochMs must be an array/,
      ],
      [(r) => (r.dataset.fullTestSize = '10k'), /\$\.dataset\.fullTestSize must be a number/],
      [
        (r) => (r.models[1].history = { loss: [] }),
        /\$\.models\[1\]\.history\.acc must be an array/,
      ],
    ];
    for (const [mutate, msg] of cases) {
      const r = JSON.parse(JSON.stringify(good));
      mutate(r);
      expect(() => assertBenchReport(r)).toThrow(InvalidArgumentError);
      expect(() => assertBenchReport(r)).toThrow(msg);
    }
    expect(() => assertBenchReport([])).toThrow(/\$ must be an object/);
  });
});
