/**
 * The Fashion-MNIST seed experiment, end to end: load data → KNN (k=5) on the test set → CNN
 * training with augmentation and random erasing → evaluation → report (results.json, report.md,
 * SVG/PNG charts) in a results folder, with the headline tables printed to the terminal.
 *
 * Run it with `pnpm bench` from the repository root (`pnpm bench -- --help` for the flags).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BenchReport,
  type Comparison,
  cnnVsReferencesComparison,
  collectEnvironment,
  type ExternalRun,
  formatDuration,
  formatPercent,
  knnVsSklearnComparison,
  type ModelRun,
  PhaseTimer,
  renderTerminal,
  SEED_REFERENCES,
  selectBackend,
  writeReport,
} from '@fmnist/bench';
import { loadFashionMnist } from '@fmnist/data';
import type { EngineName } from '@fmnist/knn';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { HELP, type PipelineOptions, parsePipelineArgs, UsageError } from './args.js';
import { resolveCnnPlan, runCnn } from './cnn-part.js';
import { runSklearnKnn } from './sklearn.js';
import { firstN } from './subset.js';

/** Where the pipeline writes: injectable for tests. */
export interface PipelineIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Subset sizes of `--quick` (unless --train-size/--test-size say otherwise). */
export const QUICK_SIZES = { train: 2000, test: 500 } as const;

function timestamp(d = new Date()): string {
  return d
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
}

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Runs the pipeline with parsed options; returns the report and where it was written. */
export async function runPipeline(
  opts: PipelineOptions,
  io: PipelineIo,
): Promise<{ report: BenchReport; dir: string }> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const phases = new PhaseTimer();
  const outDir = resolve(opts.out ?? `results/${timestamp()}`);

  const data = await phases.time('load data', () =>
    loadFashionMnist(
      opts.dataDir
        ? // Only this folder: no environment variable, cache or system folder.
          {
            dir: opts.dataDir,
            cacheDir: opts.dataDir,
            systemDirs: [],
            env: {},
            download: opts.download,
          }
        : { env: io.env, download: opts.download },
    ),
  );
  const train = firstN(
    data.train,
    opts.trainSize ?? (opts.quick ? QUICK_SIZES.train : undefined),
    'train-size',
  );
  const test = firstN(
    data.test,
    opts.testSize ?? (opts.quick ? QUICK_SIZES.test : undefined),
    'test-size',
  );
  say(`Fashion-MNIST from ${data.dir}: ${train.count} training and ${test.count} test images.`);

  const backend = await phases.time('backend', () => selectBackend({ tf, prefer: opts.backend }));
  for (const a of backend.attempts) {
    if (a.status !== 'skipped') say(`  backend ${a.name}: ${a.status} (${a.reason})`);
  }
  say(`Backend: ${backend.name} (tfjs ${tf.version_core}).`);
  // Validate the CNN choices before spending minutes on KNN.
  const plan = opts.parts.includes('cnn') ? resolveCnnPlan(opts, backend.gpu) : undefined;

  const models: ModelRun[] = [];
  const external: ExternalRun[] = [];
  const comparisons: Comparison[] = [];
  const config: Record<string, unknown> = {
    parts: opts.parts,
    quick: opts.quick,
    seed: opts.seed,
    k: opts.k,
    knnEngine: opts.knnEngine ?? 'auto',
    backendRequested: opts.backend ?? null,
    sklearn: opts.sklearn,
    trainSize: train.count,
    testSize: test.count,
  };

  if (opts.parts.includes('knn')) {
    say(`\nKNN k=${opts.k}: ${train.count} × ${test.count} distances...`);
    const { runKnn } = await import('./knn-part.js');
    const knn = await phases.time('knn', () =>
      runKnn(train, test, {
        k: opts.k,
        engine: opts.knnEngine as EngineName | undefined,
        classNames: data.classNames,
        signal: io.signal,
        tf,
      }),
    );
    models.push(knn.run);
    say(
      `KNN accuracy ${formatPercent(knn.run.accuracy)} in ${formatDuration(knn.run.timings.inferenceMs)}.`,
    );
    let sklearn: ExternalRun | undefined;
    if (opts.sklearn) {
      say('scikit-learn KNeighborsClassifier (brute force) on the same data...');
      const sk = await phases.time('sklearn', () => runSklearnKnn(train, test, opts.k));
      sklearn = sk.run;
      if (sk.predictions) {
        sklearn.params.agreementWithKnn = Number(
          agreement(sk.predictions, knn.predictions).toFixed(6),
        );
      }
      external.push(sklearn);
      say(
        sklearn.status === 'ran'
          ? `scikit-learn accuracy ${formatPercent(sklearn.accuracy!)}; same prediction as ours on ${formatPercent(Number(sklearn.params.agreementWithKnn))} of images.`
          : `scikit-learn ${sklearn.status}: ${sklearn.reason}`,
      );
    }
    comparisons.push(
      knnVsSklearnComparison(
        knn.run,
        sklearn ?? {
          name: 'scikit-learn KNeighborsClassifier',
          status: 'skipped',
          reason: 'not requested (run with --sklearn)',
          params: {},
        },
      ),
    );
  }

  if (plan) {
    say(
      `\nCNN: preset ${plan.presetName}, ${plan.training.epochs} epoch(s), batch ${plan.training.batchSize}, ` +
        `${train.count} images; augmentation: ${plan.augmentation}.`,
    );
    const cnn = await phases.time('cnn', () =>
      runCnn(train, test, plan, {
        tf,
        backend: backend.backend,
        classNames: data.classNames,
        seed: opts.seed,
        signal: io.signal,
        say,
      }),
    );
    models.push(cnn);
    config.cnn = plan;
    say(
      `CNN accuracy ${formatPercent(cnn.accuracy)}; training ${formatDuration(cnn.timings.trainMs)}.`,
    );
    comparisons.push(cnnVsReferencesComparison(cnn));
  }

  const report: BenchReport = {
    schemaVersion: 1,
    title: `Fashion-MNIST: ${models.map((m) => m.id.toUpperCase()).join(' vs ')}`,
    environment: collectEnvironment({
      backend: backend.backend,
      backendModule: backend.module,
      tfjsVersion: tf.version_core,
      env: io.env,
    }),
    backendAttempts: backend.attempts,
    config,
    dataset: {
      name: 'Fashion-MNIST',
      dir: data.dir,
      trainSize: train.count,
      testSize: test.count,
      classNames: [...data.classNames],
    },
    models,
    external,
    comparisons,
    references: Object.values(SEED_REFERENCES),
    timings: phases.toJSON(),
    charts: [],
  };
  const reportStart = performance.now();
  await writeReport(outDir, report, {
    charts: opts.charts,
    finalize: (r) => {
      const t = phases.toJSON();
      t.phases.report = performance.now() - reportStart;
      r.timings = t;
    },
  });
  say(`\n${renderTerminal(report)}`);
  say(`\nReport: ${resolve(outDir, 'report.md')}\nResults: ${resolve(outDir, 'results.json')}`);
  return { report, dir: outDir };
}

/** Command-line entry: parses `argv`, runs, prints clear errors; resolves to the exit code. */
export async function main(argv: readonly string[], io: PipelineIo): Promise<number> {
  let opts: PipelineOptions;
  try {
    opts = parsePipelineArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\nRun with --help to see the options.\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    await runPipeline(opts, io);
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (io.signal?.aborted) {
      io.stderr.write('\ninterrupted.\n');
      return 130;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\nRun with --help to see the options.\n`);
      return 2;
    }
    const code = typeof e?.code === 'string' ? ` [${e.code}]` : '';
    io.stderr.write(`error${code}: ${e?.message ?? String(err)}\n`);
    if (e?.code === 'DATASET_NOT_FOUND') {
      io.stderr.write('From this command: pass --data-dir <folder> or --download.\n');
    }
    if (io.env.FMNIST_DEBUG) io.stderr.write(`${e?.stack ?? ''}\n`);
    else if (!code) io.stderr.write('(set FMNIST_DEBUG=1 to see the stack trace)\n');
    return 1;
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping (Ctrl-C again to force)...\n');
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: ac.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
