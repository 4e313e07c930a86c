import cliProgress from 'cli-progress';
import { formatDuration } from './format.js';

/** How progress is shown: an animated bar, occasional plain lines, or nothing. */
export type ProgressMode = 'bar' | 'plain' | 'silent';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Total steps (e.g. test samples, batches). */
  total: number;
  /** Shown before the bar or at the start of each plain line. */
  label: string;
  /** `auto` (default): a bar on a terminal, plain lines in CI or when output is not a terminal. */
  mode?: ProgressMode | 'auto';
  /** Where the bar and plain lines go; default `process.stderr` (keeps stdout for results). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Environment to read `CI` from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Whether stdout is a terminal; default `process.stdout.isTTY`. */
  stdoutIsTTY?: boolean;
  /** Plain mode: print a line each time progress crosses this many percent. Default 10. */
  plainPercentStep?: number;
  /** Plain mode: also print when this many ms passed since the last line. Default 30 000. */
  plainIntervalMs?: number;
  /** Plain mode: print a closing line on `stop`. Default true. */
  plainDoneLine?: boolean;
  /** Clock in ms; default `performance.now`. */
  now?: () => number;
}

/** A progress display. Call `update` or `increment`, then `stop` once (idempotent). */
export interface Progress {
  readonly mode: ProgressMode;
  update(done: number, info?: string): void;
  increment(step?: number, info?: string): void;
  stop(info?: string): void;
}

/** Resolves `auto`: a bar only when both stdout and the stream are terminals and `CI` is not set. */
export function resolveProgressMode(options: {
  mode?: ProgressMode | 'auto';
  stream?: { isTTY?: boolean };
  env?: Record<string, string | undefined>;
  stdoutIsTTY?: boolean;
}): ProgressMode {
  if (options.mode && options.mode !== 'auto') return options.mode;
  const env = options.env ?? process.env;
  const ci = !!env.CI && env.CI !== 'false' && env.CI !== '0';
  const streamTTY = (options.stream ?? process.stderr).isTTY;
  const stdoutTTY = options.stdoutIsTTY ?? process.stdout.isTTY;
  return !ci && streamTTY && stdoutTTY ? 'bar' : 'plain';
}

/**
 * A progress bar for long loops (cli-progress) that turns into occasional plain lines in CI or when
 * output is not a terminal, so logs stay readable.
 *
 * @example
 * ```ts
 * const bar = createProgress({ total: test.count, label: 'KNN' });
 * await knn.predict(X, { onProgress: (done) => bar.update(done) });
 * bar.stop();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const mode = resolveProgressMode(options);
  const stream = options.stream ?? process.stderr;
  const total = Math.max(0, options.total);
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  let done = 0;
  let stopped = false;

  if (mode === 'silent') {
    return {
      mode,
      update: (d) => {
        done = d;
      },
      increment: (s = 1) => {
        done += s;
      },
      stop: () => {
        stopped = true;
      },
    };
  }

  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | ETA {eta_formatted} {info}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '' });
    return {
      mode,
      update(d, info) {
        if (stopped) return;
        done = d;
        bar.update(d, { info: info ?? '' });
      },
      increment(step = 1, info) {
        if (stopped) return;
        done += step;
        bar.update(done, { info: info ?? '' });
      },
      stop(info) {
        if (stopped) return;
        stopped = true;
        if (info !== undefined) bar.update(done, { info });
        bar.stop();
      },
    };
  }

  const step = options.plainPercentStep ?? 10;
  const interval = options.plainIntervalMs ?? 30_000;
  let lastPct = 0;
  let lastAt = t0;
  const line = (info?: string) => {
    const pct = total > 0 ? (100 * done) / total : 100;
    const elapsed = formatDuration(now() - t0);
    stream.write(
      `${options.label}: ${pct.toFixed(0)}% (${done}/${total}) ${elapsed}${info ? ` ${info}` : ''}\n`,
    );
  };
  const maybe = (info?: string) => {
    const pct = total > 0 ? (100 * done) / total : 100;
    const t = now();
    if (Math.floor(pct / step) > Math.floor(lastPct / step) || t - lastAt >= interval) {
      lastPct = pct;
      lastAt = t;
      if (done < total) line(info);
    }
  };
  return {
    mode,
    update(d, info) {
      if (stopped) return;
      done = d;
      maybe(info);
    },
    increment(s = 1, info) {
      if (stopped) return;
      done += s;
      maybe(info);
    },
    stop(info) {
      if (stopped) return;
      stopped = true;
      if (options.plainDoneLine !== false) line(info ?? 'done');
    },
  };
}
