import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export { UsageError };

/** The parts of the pipeline: KNN, training the CNN, evaluating the shipped pretrained CNNs. */
export type Part = 'knn' | 'cnn' | 'pretrained';

/** Every part, in the order they run. */
export const PARTS: readonly Part[] = ['knn', 'pretrained', 'cnn'];

/** Everything the command line controls. `undefined` means "use the default for the backend/mode". */
export interface PipelineOptions {
  parts: Part[];
  epochs?: number;
  preset?: string;
  batchSize?: number;
  trainSize?: number;
  testSize?: number;
  k: number;
  knnEngine?: string;
  backend?: string;
  /** Training worker threads: `'auto'` (every core) or a count; 1 trains on the main thread. */
  workers: 'auto' | number;
  seed: number;
  out?: string;
  dataDir?: string;
  download: boolean;
  /** Run scikit-learn's KNN too, where Python and scikit-learn exist (default true). */
  sklearn: boolean;
  /** `none`, `online` or `offline`; undefined: the preset's augmentation, or offline if it has none. */
  augment?: 'none' | 'online' | 'offline';
  quick: boolean;
  charts: boolean;
  help: boolean;
}

export const HELP = `Usage: pnpm bench [-- options]
       (or, in examples/: pnpm run pipeline [options])

Reproduces the reference experiment on Fashion-MNIST: load data -> KNN (k=5) on the test set,
beside scikit-learn's -> the shipped pretrained CNNs on the test set -> CNN training with
augmentation and random erasing -> evaluation -> report (JSON, Markdown, SVG/PNG charts).

Options:
  --parts <list>       Parts to run, comma-separated: knn, pretrained, cnn (default: all three)
  --pretrained         Evaluate the shipped pretrained CNNs and skip training (with KNN):
                       the same as --parts knn,pretrained
  --quick              A first look in about 10 s: 2000/500-image subsets and the tiny CNN
                       preset (CI runs this); the report marks it as a subset run
  --preset <name>      CNN preset of @fmnist/vgg-small, e.g. cpu (a smaller network for CPUs),
                       tiny, or the reference experiment's network (for a GPU); the list is
                       checked before any work (default: the reference network on a GPU
                       backend, cpu otherwise, tiny with --quick)
  --augment <mode>     Augmentation + random erasing: offline (the reference experiment's way:
                       one augmented copy appended, epochs take twice as long), online (new
                       transforms every epoch) or none (default: the preset's own, offline if
                       it has none)
  --epochs <n>         Training epochs (default: the preset's)
  --batch-size <n>     Training batch size (default: the preset's)
  --workers <n|auto>   Training worker threads (default: auto, one per core; 1: no workers)
  --train-size <n>     Use the first n training images (default: all 60000; a subset run)
  --test-size <n>      Use the first n test images (default: all 10000; a subset run)
  --k <n>              Neighbours for KNN (default: 5)
  --knn-engine <name>  @fmnist/knn search engine, e.g. auto, pruned, brute (default: auto;
                       all give the same neighbours)
  --backend <name>     tfjs backend, e.g. tfjs-node, wasm, cpu, webgpu (default: the first of
                       @fmnist/bench's candidates that is installed and starts)
  --seed <n>           Seed for every random choice (default: 42)
  --no-sklearn         Skip scikit-learn's KNeighborsClassifier (default: run it where
                       Python with scikit-learn is found: FMNIST_PYTHON, /usr/bin/python3,
                       python3)
  --out <dir>          Results folder (default: ./results/<timestamp>); checked first
  --data-dir <dir>     Read the dataset from this folder only (default: FMNIST_DATA_DIR, the
                       cache ~/.cache/fmnist, then /usr/share/datasets/fashion-mnist)
  --download           Download the dataset (into --data-dir or the cache) when it is missing
  --no-charts          Skip the SVG/PNG charts
  -h, --help           Show this help

Environment: FMNIST_DATA_DIR points at a folder holding the four .gz files; FMNIST_PYTHON at a
Python with scikit-learn; CI=1 turns the progress bars into plain lines; FMNIST_DEBUG=1 shows
stack traces.`;

const OPTION_NAMES = [
  'parts',
  'quick',
  'preset',
  'epochs',
  'batch-size',
  'train-size',
  'test-size',
  'k',
  'knn-engine',
  'backend',
  'workers',
  'pretrained',
  'seed',
  'sklearn',
  'no-sklearn',
  'out',
  'data-dir',
  'download',
  'no-charts',
  'augment',
  'help',
];

/** The option within edit distance 2 of `name`, if any (for "did you mean"). */
function closest(name: string, names: readonly string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      }
    }
    return d[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const dd = dist(name, n);
    if (dd < bestD) {
      bestD = dd;
      best = n;
    }
  }
  return best;
}

function oneOf(
  flag: string,
  value: string | undefined,
  allowed: readonly string[],
): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) {
    throw new UsageError({
      message: `--${flag} must be one of ${allowed.join(', ')}; got '${value}'.`,
    });
  }
  return value;
}

function positiveInt(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError({ message: `--${flag} must be a whole number, got '${value}'.` });
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError({ message: `--${flag} must be at least ${min}, got ${value}.` });
  }
  return n;
}

function positiveIntOrAuto(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError({
      message: `--workers takes auto or a whole number of at least 1, got '${text}'.`,
    });
  }
  return Number(text);
}

/** The names a run may use, from the packages that define them (see {@link checkNames}). */
export interface KnownNames {
  /** `@fmnist/vgg-small`'s `PRESETS` keys. */
  presets?: readonly string[];
  /** `@fmnist/bench`'s backend candidates' names (listed in the message). */
  backends?: readonly string[];
  /** Other names `--backend` accepts: the candidates' tfjs backend and package names. */
  backendAliases?: readonly string[];
  /** `@fmnist/knn`'s engine names. */
  engines?: readonly string[];
}

/**
 * Checks the names given on the command line against the lists the packages define (so a new preset,
 * backend or engine needs no change here); throws {@link UsageError} listing the known ones.
 */
export function checkNames(opts: PipelineOptions, known: KnownNames): void {
  const check = (
    flag: string,
    value: string | undefined,
    list: readonly string[] | undefined,
    aliases: readonly string[] = [],
  ) => {
    if (value === undefined || list === undefined) return;
    const v = value.toLowerCase();
    if (![...list, ...aliases].some((name) => name.toLowerCase() === v)) {
      throw new UsageError({
        message: `--${flag} must be one of ${list.join(', ')}; got '${value}'.`,
      });
    }
  };
  check('preset', opts.preset, known.presets);
  check('backend', opts.backend, known.backends, known.backendAliases);
  check('knn-engine', opts.knnEngine, known.engines);
}

/**
 * Parses the pipeline's command line with `node:util` `parseArgs` (strict: unknown flags and missing
 * values are errors). Throws {@link UsageError} with a message that says what to fix.
 */
export function parsePipelineArgs(argv: readonly string[]): PipelineOptions {
  // `pnpm bench -- --quick` passes a literal `--` through; skip it.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        parts: { type: 'string' },
        quick: { type: 'boolean', default: false },
        preset: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        'train-size': { type: 'string' },
        'test-size': { type: 'string' },
        k: { type: 'string' },
        'knn-engine': { type: 'string' },
        backend: { type: 'string' },
        workers: { type: 'string' },
        pretrained: { type: 'boolean', default: false },
        seed: { type: 'string' },
        sklearn: { type: 'boolean', default: false },
        'no-sklearn': { type: 'boolean', default: false },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
        download: { type: 'boolean', default: false },
        'no-charts': { type: 'boolean', default: false },
        augment: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    // parseArgs errors are clear already ("Unknown option '--epoch'", "Option '--out <value>' argument missing").
    let msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    msg = msg.split('\n').slice(0, 2).join(' ');
    const unknown = /Unknown option '--?([^']+)'/.exec(msg)?.[1];
    const guess = unknown && closest(unknown, OPTION_NAMES);
    throw new UsageError({ message: guess ? `${msg} Did you mean --${guess}?` : msg });
  }
  if (positionals.length > 0) {
    throw new UsageError({
      message: `Unexpected argument '${positionals[0]}'; options start with --.`,
    });
  }
  let parts: Part[] = [...PARTS];
  if (values.parts !== undefined) {
    const list = String(values.parts)
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const bad = list.filter((p) => !PARTS.includes(p as Part));
    if (list.length === 0 || bad.length > 0) {
      throw new UsageError({
        message: `--parts takes a comma-separated list of ${PARTS.join(', ')}; got '${values.parts}'${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}.`,
      });
    }
    parts = PARTS.filter((p) => list.includes(p));
  }
  if (values.pretrained) {
    if (values.parts !== undefined && parts.includes('cnn')) {
      throw new UsageError({
        message: '--pretrained skips training, but --parts asks for cnn; drop one of them.',
      });
    }
    const asked = values.parts === undefined ? ['knn'] : parts;
    parts = PARTS.filter((p) => p === 'pretrained' || asked.includes(p));
  }
  if (values.sklearn && values['no-sklearn']) {
    throw new UsageError({
      message: '--sklearn and --no-sklearn contradict each other; drop one.',
    });
  }
  const workersText = values.workers === undefined ? undefined : String(values.workers).trim();
  const workers: 'auto' | number =
    workersText === undefined || workersText === 'auto' ? 'auto' : positiveIntOrAuto(workersText);
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  const seed = positiveInt('seed', str(values.seed), 0) ?? 42;
  if (seed > 0xffffffff) {
    throw new UsageError({ message: `--seed must fit in 32 bits, got ${seed}.` });
  }
  const out = str(values.out);
  if (out !== undefined && out.trim() === '') {
    throw new UsageError({ message: '--out needs a folder path.' });
  }
  return {
    parts,
    epochs: positiveInt('epochs', str(values.epochs)),
    preset: str(values.preset),
    batchSize: positiveInt('batch-size', str(values['batch-size'])),
    trainSize: positiveInt('train-size', str(values['train-size'])),
    testSize: positiveInt('test-size', str(values['test-size'])),
    k: positiveInt('k', str(values.k)) ?? 5,
    knnEngine: str(values['knn-engine']),
    backend: str(values.backend),
    workers,
    seed,
    out,
    dataDir: str(values['data-dir']),
    download: !!values.download,
    sklearn: !values['no-sklearn'],
    augment: oneOf('augment', str(values.augment), ['none', 'online', 'offline']) as
      | PipelineOptions['augment']
      | undefined,
    quick: !!values.quick,
    charts: !values['no-charts'],
    help: !!values.help,
  };
}
