import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEnvironment } from './environment.js';
import { InvalidArgumentError } from './errors.js';
import { classificationReport } from './metrics.js';
import { SEED_REFERENCES } from './references.js';
import {
  assertBenchReport,
  type BenchReport,
  cnnVsReferencesComparison,
  knnVsSklearnComparison,
  type ModelRun,
  renderMarkdown,
  renderTerminal,
  writeReport,
} from './report.js';
import { parseSvg, pngSize } from './svg-test-utils.js';

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

function makeReport(withSklearn: boolean): BenchReport {
  const knn = run('knn', 'KNN (k=5)', knnPred);
  const cnn = run('cnn', 'VGG-small CNN', cnnPred, {
    params: { preset: 'quick', epochs: 2 },
    loss: 0.41234,
    history: { loss: [0.9, 0.5], acc: [0.6, 0.8], valLoss: [0.7, 0.45], valAcc: [0.7, 0.85] },
    timings: { trainMs: 95_000, inferenceMs: 800 },
  });
  return {
    schemaVersion: 1,
    title: 'Fashion-MNIST: KNN vs CNN',
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
    models: [knn, cnn],
    external: [],
    comparisons: [
      knnVsSklearnComparison(
        knn,
        withSklearn
          ? {
              name: 'scikit-learn KNeighborsClassifier',
              status: 'ran',
              accuracy: 0.75,
              version: '1.2.1',
              trainMs: 5,
              inferenceMs: 300,
              params: { n_neighbors: 5, algorithm: 'brute' },
              trainSize: 100,
              testSize: 8,
            }
          : undefined,
      ),
      cnnVsReferencesComparison(cnn),
    ],
    references: Object.values(SEED_REFERENCES),
    timings: { totalMs: 120_000, phases: { load: 900, knn: 3412, cnn: 95_800, report: 500 } },
    charts: [],
  };
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('comparisons', () => {
  it('KNN vs scikit-learn: this run, the measured sklearn (or why not) and the seed figure', () => {
    const knn = run('knn', 'KNN (k=5)', knnPred);
    const without = knnVsSklearnComparison(knn);
    expect(without.rows.map((r) => r.source)).toEqual(['this run', 'not run', 'seed reference']);
    expect(without.rows[1]!.details).toBe('not measured in this run');
    expect(without.rows[2]!.accuracy).toBe(0.8554);
    const failed = knnVsSklearnComparison(knn, {
      name: 'scikit-learn KNeighborsClassifier',
      status: 'skipped',
      reason: '/usr/bin/python3 has no sklearn',
      params: {},
    });
    expect(failed.rows[1]).toMatchObject({
      accuracy: null,
      details: '/usr/bin/python3 has no sklearn',
    });
  });

  it('CNN vs references marks the published figures', () => {
    const c = cnnVsReferencesComparison(run('cnn', 'CNN', cnnPred));
    expect(c.rows.map((r) => [r.accuracy, r.source])).toEqual([
      [0.875, 'this run'],
      [0.947, 'seed reference'],
      [0.935, 'published reference'],
      [0.926, 'published reference'],
    ]);
  });
});

describe('renderMarkdown and renderTerminal', () => {
  it('holds the seed tables with the figures', () => {
    const md = renderMarkdown(makeReport(true));
    for (const h of [
      '# Fashion-MNIST: KNN vs CNN',
      '## KNN vs CNN',
      '## KNN vs scikit-learn KNeighborsClassifier',
      '## CNN vs published references',
      '## Per-class precision, recall and F1',
      '## Training history: VGG-small CNN',
      '## Confusion matrix: KNN (k=5)',
      '## Environment',
      '### Backend selection',
      '## Timings',
    ]) {
      expect(md).toContain(h);
    }
    expect(md).toContain('| Test accuracy | 75.00% | 87.50% |');
    expect(md).toContain('| VGG16 (26M parameters) * | 93.50% | published reference |');
    expect(md).toContain('| 3 Conv + pooling + 2 FC + dropout * | 92.60% | published reference |');
    expect(md).toContain('| Seed CNN (VGG-style) | 94.70% | seed reference |');
    expect(md).toContain('| scikit-learn KNeighborsClassifier | 85.54% | seed reference |');
    expect(md).toContain('| scikit-learn KNeighborsClassifier 1.2.1 | 75.00% | this run |');
    expect(md).toContain('\\* Published reference, not measured here');
    expect(md).toContain('| 2 | 0.5000 | 80.00% | 0.4500 | 85.00% |');
    expect(md).toContain('| T-shirt/top | 2 | 0 | 1 |');
    expect(md).toContain('| tfjs-node | @tensorflow/tfjs-node | not-installed |');
    expect(md).toContain('| Total | 2 min 00 s |');
    const tables = md.split('\n').filter((l) => /^\| :?---/.test(l));
    expect(tables.length).toBeGreaterThanOrEqual(9);
  });

  it('prints the headline tables for a terminal', () => {
    const text = renderTerminal(makeReport(false));
    expect(text).toContain('KNN vs CNN');
    expect(text).toContain('CNN vs published references');
    expect(text).toContain('VGG16 (26M parameters) *');
    expect(text).toContain('not run');
    expect(text).toContain('* published reference, not measured here');
    expect(text).toMatch(/│ Test accuracy +│ +75\.00% │ +87\.50% │/);
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
        'confusion-cnn.png',
        'confusion-cnn.svg',
        'confusion-knn.png',
        'confusion-knn.svg',
        'report.md',
        'results.json',
        'training-curves-cnn.png',
        'training-curves-cnn.svg',
      ].sort(),
    );
    const json = JSON.parse(await readFile(files.json, 'utf8'));
    assertBenchReport(json);
    expect(json.charts.map((c) => c.name)).toEqual([
      'training-curves-cnn',
      'confusion-knn',
      'confusion-cnn',
      'accuracy-comparison',
    ]);
    expect(json.models[1]!.history!.valAcc).toEqual([0.7, 0.85]);
    expect(json.environment.backend).toBe('wasm');
    const md = await readFile(files.markdown, 'utf8');
    expect(md).toContain('![VGG-small CNN: accuracy and loss per epoch](training-curves-cnn.svg)');
    expect(md).toContain('![Test accuracy: this run vs references](accuracy-comparison.svg)');
    for (const c of json.charts) {
      const { texts } = parseSvg(await readFile(join(dir, c.svg), 'utf8'));
      expect(texts.length).toBeGreaterThan(5);
      expect(pngSize(new Uint8Array(await readFile(join(dir, c.png!)))).width).toBeGreaterThan(300);
    }
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
