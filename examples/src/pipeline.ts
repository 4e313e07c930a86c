/**
 * The Fashion-MNIST reference experiment, end to end: load data → KNN (k=5) on the test set, beside
 * scikit-learn's → the shipped pretrained CNNs on the test set → CNN training with augmentation and
 * random erasing → evaluation → report (results.json, report.md, SVG/PNG charts) in a results folder,
 * with the headline tables printed to the terminal.
 *
 * Run it with `pnpm bench` from the repository root (`pnpm bench -- --help` for the flags), or
 * `pnpm run pipeline` here. Fails fast: the flags are parsed with nothing but this file's own modules
 * loaded (so `--help` needs no build), then every name and the `--out` folder are checked before the
 * data, the backend or a model is touched.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchReport, Comparison, ExternalRun, ModelRun } from '@fmnist/bench/report';
import {
  checkNames,
  HELP,
  type KnownNames,
  type PipelineOptions,
  parsePipelineArgs,
} from './args.js';
import { buildPackages } from './build.js';
import { BuildFailedError, UsageError } from './errors.js';
import { checkOutDir } from './out-dir.js';

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

/** The names the flags may use, read from the packages that define them. */
async function knownNames(opts: PipelineOptions): Promise<KnownNames> {
  const bench = await import('@fmnist/bench');
  const candidates = bench.DEFAULT_BACKEND_CANDIDATES;
  const known: KnownNames = {
    backends: candidates.map((c) => c.name),
    backendAliases: candidates.flatMap((c) => [c.backend, c.module]),
  };
  if (opts.knnEngine !== undefined) {
    const { KNN_ENGINES } = await import('@fmnist/knn/engines');
    known.engines = KNN_ENGINES;
  }
  if (opts.preset !== undefined) {
    const { PRESETS } = await import('@fmnist/vgg-small');
    known.presets = Object.keys(PRESETS);
  }
  return known;
}

/** Runs the pipeline with parsed options; returns the report and where it was written. */
export async function runPipeline(
  opts: PipelineOptions,
  io: PipelineIo,
): Promise<{ report: BenchReport; dir: string }> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const known = await knownNames(opts);
  if (
    opts.preset === 'seed' &&
    known.presets?.includes('reference') &&
    !known.presets.includes('seed')
  ) {
    // `seed` now only means the RNG seed; the preset is `reference` (the old name works for one minor).
    say(
      "note: --preset seed is deprecated; it is now --preset reference (the reference experiment's network).",
    );
    opts = { ...opts, preset: 'reference' };
  }
  checkNames(opts, known);
  const outDir = resolve(opts.out ?? `results/${timestamp()}`);
  await checkOutDir(outDir);

  const [bench, { renderTerminal, writeReport }, { loadFashionMnist }, tf] = await Promise.all([
    import('@fmnist/bench'),
    import('@fmnist/bench/report'),
    import('@fmnist/data'),
    import('@tensorflow/tfjs-core'),
  ]);
  await import('@tensorflow/tfjs-layers');
  const { firstN } = await import('./subset.js');
  const phases = new bench.PhaseTimer();

  // 2. The backend (a named one that cannot start fails here, with every attempt's reason).
  const backend = await phases.time('backend', () =>
    bench.selectBackend({ tf, prefer: opts.backend }),
  );
  for (const a of backend.attempts) {
    if (a.status !== 'skipped') say(`  backend ${a.name}: ${a.status} (${a.reason})`);
  }
  say(`Backend: ${backend.name} (tfjs ${tf.version_core}).`);
  // The CNN plan (preset, epochs, workers) before minutes of KNN.
  const { resolveCnnPlan, resolveWorkers } = await import('./cnn-part.js');
  const plan = opts.parts.includes('cnn') ? resolveCnnPlan(opts, backend.gpu) : undefined;

  // 3. The data.
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
  const subset = train.count < data.train.count || test.count < data.test.count;
  say(
    `Fashion-MNIST from ${data.dir}: ${train.count} training and ${test.count} test images` +
      `${subset ? ` (a subset run: the full splits hold ${data.train.count} and ${data.test.count})` : ''}.`,
  );

  const models: ModelRun[] = [];
  const external: ExternalRun[] = [];
  const comparisons: Comparison[] = [];
  const config: Record<string, unknown> = {
    parts: opts.parts,
    quick: opts.quick,
    subset,
    seed: opts.seed,
    k: opts.k,
    knnEngine: opts.knnEngine ?? 'auto',
    backendRequested: opts.backend ?? null,
    sklearn: opts.sklearn,
    trainSize: train.count,
    testSize: test.count,
  };
  const { cnnVsReferencesComparison, knnVsSklearnComparison } = await import('./comparisons.js');
  const { REFERENCES } = await import('./references.js');

  if (opts.parts.includes('knn')) {
    say(`\nKNN k=${opts.k}: ${train.count} × ${test.count} distances...`);
    const { runKnn } = await import('./knn-part.js');
    const knn = await phases.time('knn', () =>
      runKnn(train, test, {
        k: opts.k,
        engine: opts.knnEngine as Parameters<typeof runKnn>[2]['engine'],
        classNames: data.classNames,
        signal: io.signal,
        tf,
      }),
    );
    models.push(knn.run);
    say(
      `KNN accuracy ${bench.formatPercent(knn.run.accuracy)} in ${bench.formatDuration(knn.run.timings.inferenceMs)}.`,
    );
    let sklearn: ExternalRun;
    if (opts.sklearn) {
      say('scikit-learn KNeighborsClassifier (brute force) on the same data...');
      const { pythonCandidates, runSklearnKnn } = await import('./sklearn.js');
      const sk = await phases.time('sklearn', () =>
        runSklearnKnn({ train, test, k: opts.k, pythons: pythonCandidates(io.env) }),
      );
      sklearn = sk.run;
      if (sk.predictions) {
        sklearn.params.agreementWithKnn = Number(
          agreement(sk.predictions, knn.predictions).toFixed(6),
        );
      }
      external.push(sklearn);
      say(
        sklearn.status === 'ran'
          ? `scikit-learn accuracy ${bench.formatPercent(sklearn.accuracy!)}; same prediction as ours on ${bench.formatPercent(Number(sklearn.params.agreementWithKnn))} of images.`
          : `scikit-learn ${sklearn.status}: ${sklearn.reason}`,
      );
    } else {
      sklearn = {
        name: 'scikit-learn KNeighborsClassifier',
        status: 'skipped',
        reason: 'skipped with --no-sklearn',
        params: {},
      };
    }
    comparisons.push(knnVsSklearnComparison(knn.run, sklearn));
  }

  const cnns: ModelRun[] = [];
  if (opts.parts.includes('pretrained')) {
    say(`\nShipped pretrained CNNs on ${test.count} test images:`);
    const { evaluatePretrained } = await import('./pretrained-part.js');
    const runs = await phases.time('pretrained', () =>
      evaluatePretrained(test, { classNames: data.classNames, tf, say }),
    );
    cnns.push(...runs);
    config.pretrained = runs.map((r) => r.params.weights);
  }

  if (plan) {
    const workers = resolveWorkers(plan.workers, plan.training.batchSize);
    say(
      `\nCNN: preset ${plan.presetName}, ${plan.training.epochs} epoch(s), batch ${plan.training.batchSize}, ` +
        `${train.count} images, ${workers} worker${workers === 1 ? '' : 's'}` +
        `${plan.workers === 'auto' ? ' (one per core; --workers to change)' : ''}; augmentation: ${plan.augmentation}.`,
    );
    const { runCnn } = await import('./cnn-part.js');
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
    cnns.unshift(cnn);
    config.cnn = plan;
    config.workers = cnn.params.workers;
    say(
      `CNN accuracy ${bench.formatPercent(cnn.accuracy)}; training ${bench.formatDuration(cnn.timings.trainMs)} ` +
        `on ${cnn.params.workers} worker(s); ${cnn.parameters?.toLocaleString('en-US')} parameters.`,
    );
  }
  if (cnns.length > 0) {
    models.push(...cnns);
    comparisons.push(cnnVsReferencesComparison(cnns));
  }

  const ids = [
    ...new Set(
      models.map((m) => (m.id.startsWith('pretrained') ? 'PRETRAINED' : m.id.toUpperCase())),
    ),
  ];
  const report: BenchReport = {
    schemaVersion: 1,
    title: `Fashion-MNIST: ${ids.join(' vs ')}${subset ? ' (subset run)' : ''}`,
    environment: bench.collectEnvironment({
      backend: backend.backend,
      backendModule: backend.module,
      tfjsVersion: tf.version_core,
      // The WebGPU adapter (vendor, architecture, software or not) when the webgpu backend runs.
      ...(backend.adapter ? { adapter: backend.adapter } : {}),
      env: io.env,
    }),
    backendAttempts: backend.attempts,
    config,
    dataset: {
      name: 'Fashion-MNIST',
      dir: data.dir,
      trainSize: train.count,
      testSize: test.count,
      fullTrainSize: data.train.count,
      fullTestSize: data.test.count,
      classNames: [...data.classNames],
    },
    models,
    external,
    comparisons,
    references: Object.values(REFERENCES),
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

/** Options of {@link main}. */
export interface MainOptions {
  /** Build the packages first (quietly, after the flags are parsed): what `pnpm bench` does. */
  build?: boolean;
}

function usage(io: PipelineIo, message: string): number {
  io.stderr.write(`error: ${message}\nRun with --help to see the options.\n`);
  return 2;
}

/** Command-line entry: parses `argv`, runs, prints clear errors; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io: PipelineIo,
  options: MainOptions = {},
): Promise<number> {
  let opts: PipelineOptions;
  try {
    opts = parsePipelineArgs(argv);
  } catch (err) {
    if (UsageError.isInstance(err)) return usage(io, err.message);
    throw err;
  }
  if (opts.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    if (options.build) {
      const ms = await buildPackages();
      io.stdout.write(`Packages built in ${(ms / 1000).toFixed(1)} s (turbo).\n`);
    }
    await runPipeline(opts, io);
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (io.signal?.aborted) {
      io.stderr.write('\ninterrupted.\n');
      return 130;
    }
    if (UsageError.isInstance(err)) return usage(io, err.message);
    if (BuildFailedError.isInstance(err)) io.stderr.write(err.output);
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

/** Runs {@link main} on this process's command line, with Ctrl-C stopping between batches. */
export function runFromCommandLine(options: MainOptions = {}): void {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping (Ctrl-C again to force)...\n');
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  main(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: ac.signal },
    options,
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) runFromCommandLine();
