import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBenchReport, type BenchReport } from '@fmnist/bench';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the pipeline as users do (a child process), with CI=1 so progress prints plain lines. */
function pipeline(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', '--import', 'tsx', 'src/pipeline.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, CI: '1', FMNIST_DEBUG: '', ...env },
        maxBuffer: 32 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - t0 });
      },
    );
  });
}

function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function parseSvg(svg: string) {
  const valid = XMLValidator.validate(svg);
  expect(valid).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
  expect(doc.svg).toBeDefined();
  expect(doc.svg['@_xmlns']).toBe('http://www.w3.org/2000/svg');
  return doc.svg;
}

describe('pnpm bench -- --quick (end to end)', () => {
  let dir: string;
  let ran: Ran;
  let report: BenchReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmnist-pipeline-'));
    ran = await pipeline(['--', '--quick', '--out', dir]);
    if (ran.code !== 0)
      throw new Error(`pipeline failed (${ran.code}):\n${ran.stderr}\n${ran.stdout}`);
    report = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 and prints the tables to the terminal', () => {
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('KNN vs CNN');
    expect(ran.stdout).toContain('KNN vs scikit-learn KNeighborsClassifier');
    expect(ran.stdout).toContain('CNN vs published references');
    expect(ran.stdout).toMatch(/│ Test accuracy +│ +\d+\.\d\d% │ +\d+\.\d\d% │/);
    expect(ran.stdout).toContain(join(dir, 'report.md'));
    expectNoStackTrace(ran.stderr);
  });

  it('writes a results JSON with every field', () => {
    expect(() => assertBenchReport(report)).not.toThrow();
    const env = report.environment;
    expect(env.backend).toMatch(/^(wasm|cpu|tensorflow)$/);
    expect(env.nodeVersion).toBe(process.version);
    expect(env.cores).toBeGreaterThan(0);
    expect(env.cpuModel.length).toBeGreaterThan(0);
    expect(env.tfjsVersion).toBe('4.22.0');
    expect(report.backendAttempts.some((a) => a.status === 'ok')).toBe(true);
    expect(report.dataset).toMatchObject({ trainSize: 2000, testSize: 500 });
    expect(report.dataset.classNames).toHaveLength(10);
    expect(report.models.map((m) => m.id)).toEqual(['knn', 'cnn']);
    for (const m of report.models) {
      expect(m.testSize).toBe(500);
      expect(m.metrics.total).toBe(500);
      expect(m.metrics.confusion.flat().reduce((s, x) => s + x, 0)).toBe(500);
      expect(m.accuracy).toBeGreaterThan(0.3); // ten classes: chance is 0.1
      expect(m.timings.inferenceMs).toBeGreaterThan(0);
    }
    const cnn = report.models[1]!;
    expect(cnn.history!.acc).toHaveLength(Number(cnn.params.epochs));
    expect(cnn.history!.valAcc).toHaveLength(Number(cnn.params.epochs));
    expect(report.comparisons.map((c) => c.id)).toEqual(['knn-vs-sklearn', 'cnn-vs-references']);
    expect(report.references.map((r) => r.accuracy).sort()).toEqual([0.8554, 0.926, 0.935, 0.947]);
    expect(Object.keys(report.timings.phases)).toEqual(
      expect.arrayContaining(['load data', 'backend', 'knn', 'cnn', 'report']),
    );
    expect(report.charts.map((c) => c.name).sort()).toEqual(
      ['accuracy-comparison', 'confusion-cnn', 'confusion-knn', 'training-curves-cnn'].sort(),
    );
  });

  it('writes a Markdown report holding the tables', async () => {
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    for (const h of [
      '## KNN vs CNN',
      '## KNN vs scikit-learn KNeighborsClassifier',
      '## CNN vs published references',
      '## Per-class precision, recall and F1',
      '## Training history: VGG-small CNN',
      '## Confusion matrix: KNN (k=5)',
      '## Environment',
      '## Timings',
    ]) {
      expect(md).toContain(h);
    }
    expect(md).toContain('| VGG16 (26M parameters) * | 93.50% | published reference |');
    expect(md).toContain('| 3 Conv + pooling + 2 FC + dropout * | 92.60% | published reference |');
    expect(md).toContain('| Seed CNN (VGG-style) | 94.70% | seed reference |');
    expect(md).toContain('| scikit-learn KNeighborsClassifier | 85.54% | seed reference |');
    expect(md).toMatch(/\| Test accuracy \| \d+\.\d\d% \| \d+\.\d\d% \|/);
  });

  it('writes charts that parse as SVG, with PNGs beside them', async () => {
    for (const c of report.charts) {
      const svg = parseSvg(await readFile(join(dir, c.svg), 'utf8'));
      expect(Number(svg['@_width'])).toBeGreaterThan(200);
      const png = await readFile(join(dir, c.png!));
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    const cm = await readFile(join(dir, 'confusion-cnn.svg'), 'utf8');
    for (const name of ['T-shirt/top', 'Ankle boot', 'Predicted class', 'True class']) {
      expect(cm).toContain(`>${name}<`);
    }
  });
});

describe('bad input gives a clear message and a non-zero exit, never a stack trace', () => {
  it.each([
    [['--epochs', 'x'], '--epochs must be a whole number'],
    [['--epoch', '3'], "Unknown option '--epoch'. Did you mean --epochs?"],
    [['--parts', 'svm'], '--parts takes knn, cnn or knn,cnn'],
    [['--out'], "Option '--out <value>' argument missing"],
    [['--train-size', '0'], '--train-size must be at least 1'],
    [['stray'], "Unexpected argument 'stray'"],
  ])('%j', async (args, message) => {
    const r = await pipeline(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${message}`);
    expect(r.stderr).toContain('Run with --help');
    expectNoStackTrace(r.stderr);
    expect(r.stdout).toBe('');
  });

  it('an unknown preset or an oversized subset stops before any heavy work', async () => {
    const preset = await pipeline([
      '--preset',
      'huge',
      '--quick',
      '--out',
      join(tmpdir(), 'never'),
    ]);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/error: --preset must be one of .*cpu.*; got 'huge'/);
    const size = await pipeline(['--test-size', '20000', '--parts', 'knn']);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain(
      'error: --test-size is 20000 but the split holds only 10000 images.',
    );
    expect(existsSync(join(tmpdir(), 'never'))).toBe(false);
    expectNoStackTrace(preset.stderr + size.stderr);
  });

  it('a missing dataset says where it looked and how to fix it', async () => {
    const r = await pipeline(['--data-dir', '/nonexistent/fmnist', '--quick']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [DATASET_NOT_FOUND]: Fashion-MNIST was not found');
    expect(r.stderr).toContain('/nonexistent/fmnist');
    expect(r.stderr).toContain('--download');
    expectNoStackTrace(r.stderr);
  });

  it('a backend that is not installed is named with the reason', async () => {
    const r = await pipeline(['--backend', 'tfjs-node', '--quick', '--parts', 'knn']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [BACKEND_UNAVAILABLE]');
    expect(r.stderr).toContain('@tensorflow/tfjs-node is not installed');
    expectNoStackTrace(r.stderr);
  });

  it('--help prints the options and exits 0', async () => {
    const r = await pipeline(['--', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--parts',
      '--quick',
      '--preset',
      '--epochs',
      '--train-size',
      '--backend',
      '--seed',
      '--out',
      '--sklearn',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
