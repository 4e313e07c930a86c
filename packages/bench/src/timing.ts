import { InvalidArgumentError } from './errors.js';

/** The part of the tfjs namespace the timing helpers use (structural, so tfjs stays optional). */
export interface TfMemoryLike {
  memory(): { numTensors: number; numBytes: number };
}

/** Summary statistics of a list of durations in milliseconds. */
export interface TimingStats {
  /** Every timed repeat, in order (warm-up runs excluded). */
  samples: number[];
  meanMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  stdMs: number;
}

/** Mean, median, min, max and standard deviation of `samples` (milliseconds). */
export function summarize(samples: readonly number[]): TimingStats {
  if (samples.length === 0) {
    throw new InvalidArgumentError({ message: 'summarize() needs at least one sample.' });
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    samples: [...samples],
    meanMs: mean,
    medianMs: median,
    minMs: sorted[0]!,
    maxMs: sorted[n - 1]!,
    stdMs: Math.sqrt(variance),
  };
}

/** Options of {@link timeIt}. */
export interface TimeItOptions {
  /** Untimed runs first, to warm caches and JITs (and compile tfjs kernels). Default 1. */
  warmup?: number;
  /** Timed runs. Default 5. */
  repeats?: number;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

/**
 * Times `fn` with warm-up and repeats: wall time of each awaited call.
 *
 * @example
 * ```ts
 * const { medianMs, result } = await timeIt(() => knn.predict(X), { warmup: 1, repeats: 3 });
 * ```
 */
export async function timeIt<T>(
  fn: () => T | Promise<T>,
  options: TimeItOptions = {},
): Promise<TimingStats & { result: T; warmup: number; repeats: number }> {
  const warmup = options.warmup ?? 1;
  const repeats = options.repeats ?? 5;
  const now = options.now ?? (() => performance.now());
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new InvalidArgumentError({
      message: `warmup must be a non-negative integer, got ${warmup}.`,
    });
  }
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new InvalidArgumentError({
      message: `repeats must be a positive integer, got ${repeats}.`,
    });
  }
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < repeats; i++) {
    const t0 = now();
    result = await fn();
    samples.push(now() - t0);
  }
  return { ...summarize(samples), result, warmup, repeats };
}

/** The process's resident-set high-water mark in bytes since it started (`process.resourceUsage().maxRSS`). */
export function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Memory figures of one {@link measure} call. */
export interface MemoryStats {
  /** Process RSS high-water mark after the call (since process start; it never goes down). */
  maxRssBytes: number;
  /** Highest RSS seen by sampling during the call (sampling only runs while `fn` awaits). */
  sampledPeakRssBytes: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** tfjs figures, when a `tf` was given. */
  tf?: {
    numTensorsBefore: number;
    numTensorsAfter: number;
    numBytesBefore: number;
    numBytesAfter: number;
    /** Highest `tf.memory().numBytes` seen by sampling during the call. */
    sampledPeakBytes: number;
  };
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** The app's tfjs namespace, to record `tf.memory()` as well. */
  tf?: TfMemoryLike;
  /** Memory sampling interval in ms. Default 100. */
  sampleIntervalMs?: number;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

/**
 * Runs `fn` once and reports its wall time and memory: the RSS high-water mark, RSS sampled while
 * `fn` awaits, and `tf.memory()` when `tf` is given.
 *
 * @example
 * ```ts
 * const { result, wallMs, memory } = await measure(() => trainVggSmall(model, split, opts), { tf });
 * console.log(wallMs, memory.maxRssBytes, memory.tf?.sampledPeakBytes);
 * ```
 */
export async function measure<T>(
  fn: () => T | Promise<T>,
  options: MeasureOptions = {},
): Promise<{ result: T; wallMs: number; memory: MemoryStats }> {
  const { tf } = options;
  const now = options.now ?? (() => performance.now());
  const rssBefore = process.memoryUsage.rss();
  const tfBefore = tf?.memory();
  let peakRss = rssBefore;
  let peakTf = tfBefore?.numBytes ?? 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
    if (tf) {
      const bytes = tf.memory().numBytes;
      if (bytes > peakTf) peakTf = bytes;
    }
  };
  const timer = setInterval(sample, options.sampleIntervalMs ?? 100);
  timer.unref();
  const t0 = now();
  let result: T;
  try {
    result = await fn();
  } finally {
    clearInterval(timer);
  }
  const wallMs = now() - t0;
  sample();
  const tfAfter = tf?.memory();
  const memory: MemoryStats = {
    maxRssBytes: maxRssBytes(),
    sampledPeakRssBytes: peakRss,
    rssBeforeBytes: rssBefore,
    rssAfterBytes: process.memoryUsage.rss(),
  };
  if (tfBefore && tfAfter) {
    memory.tf = {
      numTensorsBefore: tfBefore.numTensors,
      numTensorsAfter: tfAfter.numTensors,
      numBytesBefore: tfBefore.numBytes,
      numBytesAfter: tfAfter.numBytes,
      sampledPeakBytes: peakTf,
    };
  }
  return { result, wallMs, memory };
}

/**
 * Named phase timings for a pipeline: `await phases.time('knn', () => ...)`, then `phases.toJSON()`.
 */
export class PhaseTimer {
  private readonly phases: Record<string, number> = {};
  private readonly started: number;
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
    this.started = now();
  }

  /** Runs `fn`, adds its wall time to phase `name` and returns its result. */
  async time<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const t0 = this.now();
    try {
      return await fn();
    } finally {
      this.phases[name] = (this.phases[name] ?? 0) + (this.now() - t0);
    }
  }

  /** Milliseconds since the timer was created. */
  elapsedMs(): number {
    return this.now() - this.started;
  }

  /** `{ totalMs, phases: { name: ms } }`. */
  toJSON(): { totalMs: number; phases: Record<string, number> } {
    return { totalMs: this.elapsedMs(), phases: { ...this.phases } };
  }
}
