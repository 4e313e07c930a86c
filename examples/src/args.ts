import { parseArgs } from 'node:util';

/** A bad command line: printed with a hint to run `--help`, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The parts of the pipeline. */
export type Part = 'knn' | 'cnn';

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
  seed: number;
  out?: string;
  dataDir?: string;
  download: boolean;
  sklearn: boolean;
  /** `none`, `online` or `offline`; undefined: the preset's augmentation, or offline if it has none. */
  augment?: 'none' | 'online' | 'offline';
  quick: boolean;
  charts: boolean;
  help: boolean;
}

export const HELP = `Usage: pnpm bench [-- options]
       (or, in examples/: pnpm run pipeline [options])

Runs the Fashion-MNIST seed experiment: load data -> KNN (k=5) on the test set -> CNN training
with augmentation and random erasing -> evaluation -> report (JSON, Markdown, SVG/PNG charts).

Options:
  --parts <list>       Parts to run, comma-separated: knn,cnn (default: both)
  --quick              A first look in about 10 s: 2000/500-image subsets and the tiny CNN
                       preset (CI runs this)
  --preset <name>      CNN preset of @fmnist/vgg-small: seed (the seed network, 50 epochs, for
                       a GPU), cpu (a smaller network for CPUs) or tiny (default: seed on a GPU
                       backend, cpu otherwise, tiny with --quick)
  --augment <mode>     Augmentation + random erasing: offline (the seed's way: one augmented
                       copy appended, epochs take twice as long), online (new transforms every
                       epoch) or none (default: the preset's own, offline if it has none)
  --epochs <n>         Training epochs (default: the preset's)
  --batch-size <n>     Training batch size (default: the preset's)
  --train-size <n>     Use the first n training images (default: all 60000)
  --test-size <n>      Use the first n test images (default: all 10000)
  --k <n>              Neighbours for KNN (default: 5)
  --knn-engine <name>  @fmnist/knn search engine: auto, pruned, brute, tfjs or js (default: auto;
                       all give the same neighbours)
  --backend <name>     tfjs backend: tfjs-node-gpu, tfjs-node, wasm or cpu (default: the first
                       of these that is installed and starts)
  --seed <n>           Seed for every random choice (default: 42)
  --sklearn            Also run scikit-learn's KNeighborsClassifier with /usr/bin/python3
                       for the KNN vs scikit-learn table
  --out <dir>          Results folder (default: ./results/<timestamp>)
  --data-dir <dir>     Read the dataset from this folder only (default: FMNIST_DATA_DIR, the
                       cache ~/.cache/fmnist, then /usr/share/datasets/fashion-mnist)
  --download           Download the dataset (into --data-dir or the cache) when it is missing
  --no-charts          Skip the SVG/PNG charts
  -h, --help           Show this help

Environment: FMNIST_DATA_DIR points at a folder holding the four .gz files; CI=1 turns the
progress bars into plain lines.`;

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
  'seed',
  'sklearn',
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

/** The engines of `@fmnist/knn` (checked here so a typo fails before any work). */
export const KNN_ENGINES = ['auto', 'pruned', 'brute', 'tfjs', 'js'] as const;

function oneOf(
  flag: string,
  value: string | undefined,
  allowed: readonly string[],
): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}; got '${value}'.`);
  }
  return value;
}

function positiveInt(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`--${flag} must be a whole number, got '${value}'.`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be at least ${min}, got ${value}.`);
  }
  return n;
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
        seed: { type: 'string' },
        sklearn: { type: 'boolean', default: false },
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
    throw new UsageError(guess ? `${msg} Did you mean --${guess}?` : msg);
  }
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected argument '${positionals[0]}'; options start with --.`);
  }
  let parts: Part[] = ['knn', 'cnn'];
  if (values.parts !== undefined) {
    const list = String(values.parts)
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const bad = list.filter((p) => p !== 'knn' && p !== 'cnn');
    if (list.length === 0 || bad.length > 0) {
      throw new UsageError(
        `--parts takes knn, cnn or knn,cnn; got '${values.parts}'${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}.`,
      );
    }
    parts = (['knn', 'cnn'] as const).filter((p) => list.includes(p));
  }
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  const seed = positiveInt('seed', str(values.seed), 0) ?? 42;
  if (seed > 0xffffffff) throw new UsageError(`--seed must fit in 32 bits, got ${seed}.`);
  const out = str(values.out);
  if (out !== undefined && out.trim() === '') throw new UsageError('--out needs a folder path.');
  return {
    parts,
    epochs: positiveInt('epochs', str(values.epochs)),
    preset: str(values.preset),
    batchSize: positiveInt('batch-size', str(values['batch-size'])),
    trainSize: positiveInt('train-size', str(values['train-size'])),
    testSize: positiveInt('test-size', str(values['test-size'])),
    k: positiveInt('k', str(values.k)) ?? 5,
    knnEngine: oneOf('knn-engine', str(values['knn-engine']), KNN_ENGINES),
    backend: str(values.backend),
    seed,
    out,
    dataDir: str(values['data-dir']),
    download: !!values.download,
    sklearn: !!values.sklearn,
    augment: oneOf('augment', str(values.augment), ['none', 'online', 'offline']) as
      | PipelineOptions['augment']
      | undefined,
    quick: !!values.quick,
    charts: !values['no-charts'],
    help: !!values.help,
  };
}
