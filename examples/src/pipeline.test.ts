import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBenchReport, type BenchReport } from '@fmnist/bench/report';
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
function pipeline(
  args: string[],
  env: Record<string, string> = {},
  entry = 'src/pipeline.ts',
): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', '--import', 'tsx', entry, ...args],
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

function hasSklearn(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import sklearn']);
    return true;
  } catch {
    return false;
  }
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
    expect(ran.stdout).toContain('KNN vs CNN vs PRETRAINED-CPU');
    expect(ran.stdout).toContain('KNN vs scikit-learn KNeighborsClassifier');
    expect(ran.stdout).toContain('CNN vs the reference experiment and published references');
    expect(ran.stdout).toMatch(/│ Test accuracy +│ +\d+\.\d\d% │ +\d+\.\d\d% │ +\d+\.\d\d% │/);
    // The worker count, printed before training.
    expect(ran.stdout).toMatch(
      /CNN: preset tiny, .* \d+ workers? \(one per core; --workers to change\)/,
    );
    // A subset run says so before its tables.
    expect(ran.stdout).toContain(
      'NOTE: Subset run: 2,000 of 60,000 training and 500 of 10,000 test images.',
    );
    expect(ran.stderr).not.toContain('Hi, looks like you are running TensorFlow.js');
    expect(ran.stdout).not.toContain('Hi, looks like you are running TensorFlow.js');
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
    expect(report.dataset).toMatchObject({
      trainSize: 2000,
      testSize: 500,
      fullTrainSize: 60000,
      fullTestSize: 10000,
    });
    expect(report.config).toMatchObject({ subset: true, quick: true, sklearn: true });
    expect(report.dataset.classNames).toHaveLength(10);
    // KNN, the CNN trained here, then every shipped pretrained CNN (cpu first).
    const ids = report.models.map((m) => m.id);
    expect(ids).toEqual(['knn', 'cnn', 'pretrained-cpu', 'pretrained-accurate']);
    for (const m of report.models) {
      expect(m.testSize).toBe(500);
      expect(m.metrics.total).toBe(500);
      expect(m.metrics.confusion.flat().reduce((s, x) => s + x, 0)).toBe(500);
      expect(m.accuracy).toBeGreaterThan(0.3); // ten classes: chance is 0.1
      expect(m.timings.inferenceMs).toBeGreaterThan(0);
    }
    const cnn = report.models[1]!;
    const epochs = Number(cnn.params.epochs);
    expect(cnn.history!.acc).toHaveLength(epochs);
    expect(cnn.history!.valAcc).toHaveLength(epochs);
    // The CNN's parameter count (the tiny preset's network) and each epoch's wall time.
    expect(cnn.parameters).toBe(26_922);
    expect(cnn.history!.epochMs).toHaveLength(epochs);
    expect(cnn.history!.epochMs!.every((ms) => ms > 0)).toBe(true);
    expect(Number(cnn.params.workers)).toBeGreaterThanOrEqual(1);
    expect(report.config.workers).toBe(cnn.params.workers);
    // The shipped cpu weights, evaluated (not trained) here: 92.25% on the full test set.
    const shipped = report.models[2]!;
    expect(shipped).toMatchObject({ loaded: true, parameters: 155_566, testSize: 500 });
    expect(shipped.accuracy).toBeGreaterThan(0.88);
    expect(shipped.params.recordedTestAccuracy).toBeCloseTo(0.9225, 3);
    // scikit-learn runs by default where Debian's python3-sklearn is installed.
    const sk = report.external[0]!;
    if (hasSklearn()) {
      expect(sk).toMatchObject({ status: 'ran', trainSize: 2000, testSize: 500 });
      expect(sk.params.agreementWithKnn).toBe(1);
    } else {
      expect(sk.status).toBe('skipped');
    }
    expect(report.comparisons.map((c) => c.id)).toEqual(['knn-vs-sklearn', 'cnn-vs-references']);
    const cnnRows = report.comparisons[1]!.rows;
    expect(cnnRows.map((r) => r.source)).toEqual([
      ...report.models.slice(1).map(() => 'this run'),
      'reference experiment',
      'published reference',
      'published reference',
    ]);
    expect(report.references.map((r) => r.accuracy).sort()).toEqual([0.8554, 0.926, 0.935, 0.947]);
    expect(report.references.filter((r) => r.kind === 'experiment')).toHaveLength(2);
    expect(Object.keys(report.timings.phases)).toEqual(
      expect.arrayContaining(['load data', 'backend', 'knn', 'pretrained', 'cnn', 'report']),
    );
    expect(report.charts.map((c) => c.name).sort()).toEqual(
      [
        'accuracy-comparison',
        'training-curves-cnn',
        ...report.models.map((m) => `confusion-${m.id}`),
      ].sort(),
    );
  });

  it('writes a Markdown report holding the tables', async () => {
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    for (const h of [
      '> **Subset run: 2,000 of 60,000 training and 500 of 10,000 test images.',
      '## KNN vs CNN vs PRETRAINED-CPU',
      '## KNN vs scikit-learn KNeighborsClassifier',
      '## CNN vs the reference experiment and published references',
      '## Per-class precision, recall and F1',
      "## Training history: VGG-small CNN, 'tiny' preset (trained here)",
      "## Confusion matrix: VGG-small CNN, shipped 'cpu' weights",
      '## Confusion matrix: KNN (k=5)',
      '## Environment',
      '## Timings',
    ]) {
      expect(md).toContain(h);
    }
    expect(md).toContain('| VGG16 (26M parameters) * | 93.50% | published reference |');
    expect(md).toContain('| 3 Conv + pooling + 2 FC + dropout * | 92.60% | published reference |');
    expect(md).toContain('| Reference experiment: VGG-style CNN | 94.70% | reference experiment |');
    expect(md).toContain(
      '| Reference experiment: scikit-learn KNeighborsClassifier | 85.54% | reference experiment |',
    );
    expect(md).toMatch(/\| Test accuracy \| \d+\.\d\d% \| \d+\.\d\d% \| \d+\.\d\d% \|/);
    expect(md).toContain('| Parameters | — | 26,922 | 155,566 |');
    expect(md).toMatch(/\| Epoch \| Loss \| Accuracy \| Val loss \| Val accuracy \| Time \|/);
    expect(md.toLowerCase()).not.toContain('seed reference');
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
    // The accuracy chart marks the subset run in its title, subtitle and legend.
    const acc = await readFile(join(dir, 'accuracy-comparison.svg'), 'utf8');
    for (const text of [
      'Test accuracy: this run (a subset run) vs references',
      'Subset run: 2,000 of 60,000 training and 500 of 10,000 test images.',
      'this run (subset)',
      'reference experiment',
      'Reference experiment: VGG-style CNN',
    ]) {
      expect(acc).toContain(`>${text}<`);
    }
  });
});

describe('--pretrained', () => {
  it('evaluates the shipped CNNs beside KNN and trains nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fmnist-pretrained-'));
    try {
      const r = await pipeline([
        '--pretrained',
        '--quick',
        '--no-sklearn',
        '--no-charts',
        '--out',
        dir,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const report: BenchReport = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      expect(report.config.parts).toEqual(['knn', 'pretrained']);
      expect(report.models.map((m) => m.id)).toEqual([
        'knn',
        'pretrained-cpu',
        'pretrained-accurate',
      ]);
      expect(report.models.some((m) => m.id === 'cnn' || m.history)).toBe(false);
      expect(Object.keys(report.timings.phases)).not.toContain('cnn');
      expect(r.stdout).not.toContain('epoch 1/');
      expect(report.external).toEqual([]);
      expect(report.comparisons[0]!.rows[1]).toMatchObject({
        source: 'not run',
        details: 'skipped with --no-sklearn',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input gives a clear message and a non-zero exit, never a stack trace', () => {
  it.each([
    [['--epochs', 'x'], '--epochs must be a whole number'],
    [['--epoch', '3'], "Unknown option '--epoch'. Did you mean --epochs?"],
    [['--parts', 'svm'], '--parts takes a comma-separated list of knn, pretrained, cnn'],
    [['--workers', '0'], '--workers takes auto or a whole number of at least 1'],
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

  it.each([
    [['--backend', 'metal'], /error: --backend must be one of .*wasm.*cpu.*; got 'metal'\./],
    [['--knn-engine', 'gpu'], /error: --knn-engine must be one of auto, .*; got 'gpu'\./],
    [
      ['--out', '/etc/hostname/results'],
      /error: --out \/etc\/hostname\/results cannot be created: \/etc\/hostname is a file/,
    ],
    [['--out', '/etc/hostname'], /error: --out \/etc\/hostname is a file, not a folder/],
    // Any name of @fmnist/bench's candidates passes the name check (then the --out check stops it).
    [
      ['--backend', 'webgpu', '--out', '/etc/hostname'],
      /error: --out \/etc\/hostname is a file, not a folder/,
    ],
  ])('%j is rejected before the data or a backend loads', async (args, message) => {
    const r = await pipeline([...args, '--quick']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Run with --help');
    expect(r.stdout).toBe('');
    expectNoStackTrace(r.stderr);
  });

  it('--preset seed still works for one minor version, as the reference preset, with a note', async () => {
    const r = await pipeline(['--preset', 'seed', '--out', '/etc/hostname']);
    expect(r.stdout).toContain('note: --preset seed is deprecated; it is now --preset reference');
    // The name passed; the --out check (next) stops the run.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --out /etc/hostname is a file');
  });

  it('an unknown preset or an oversized subset stops before any heavy work', async () => {
    const preset = await pipeline([
      '--preset',
      'huge',
      '--quick',
      '--out',
      join(tmpdir(), 'never'),
    ]);
    expect(preset.code, preset.stderr).toBe(2);
    expect(preset.stderr).toMatch(/error: --preset must be one of .*cpu.*; got 'huge'/);
    const size = await pipeline(['--test-size', '20000', '--parts', 'knn']);
    expect(size.code, size.stderr).toBe(2);
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

  it('pnpm bench (src/bench.ts): --help and a bad flag answer at once, with no build log', async () => {
    const bad = await pipeline(['--', '--epoch', '3'], {}, 'src/bench.ts');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "error: Unknown option '--epoch'. Did you mean --epochs?\nRun with --help to see the options.\n",
    );
    expect(bad.stdout).toBe('');
    const help = await pipeline(['--', '--help'], {}, 'src/bench.ts');
    expect(help.code).toBe(0);
    expect(help.stdout.startsWith('Usage: pnpm bench')).toBe(true);
    expect(help.stdout).not.toMatch(/turbo|Tasks:|Packages built/);
    expect(help.stderr).toBe('');
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
      '--no-sklearn',
      '--workers',
      '--pretrained',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
