import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SHA256, sha256 } from './checksum.js';
import {
  AbortedError,
  ChecksumMismatchError,
  type DownloadAttempt,
  DownloadError,
  FmnistDataError,
  InvalidArgumentError,
} from './errors.js';
import { maybeGunzipAsync } from './gzip.js';
import { defaultCacheDir, FILES } from './paths.js';

/**
 * The official mirrors, tried in order. Keras's HTTPS mirror comes first (it is what
 * `keras.datasets.fashion_mnist.load_data()` uses); Zalando's own S3 website (plain HTTP) and the
 * GitHub repository follow. Every file is checked against {@link SHA256} whatever its source.
 */
export const DEFAULT_MIRRORS: readonly string[] = [
  'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];

/** Progress of one file's download, reported after every chunk received. */
export interface DownloadProgress {
  /** File name, e.g. `train-images-idx3-ubyte.gz`. */
  file: string;
  url: string;
  /** Bytes of this file received so far (in this try). */
  receivedBytes: number;
  /** Size announced by the server (`Content-Length`), when it announced one. */
  totalBytes: number | undefined;
  /** 0-based index of this file among those being fetched, and their number. */
  fileIndex: number;
  fileCount: number;
  /** 1-based try of this URL. */
  attempt: number;
}

/** Options of {@link downloadFashionMnist} (also accepted by `loadFashionMnist`). */
export interface DownloadOptions {
  /** Where to store the files; default `$XDG_CACHE_HOME/fmnist` or `~/.cache/fmnist`. */
  cacheDir?: string;
  /** Environment to read `XDG_CACHE_HOME` from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Base URLs to try in order (a file's URL is the base + its name). Default {@link DEFAULT_MIRRORS}. */
  mirrors?: readonly string[];
  /** File names to fetch; default the four of {@link FILES}. */
  files?: readonly string[];
  /**
   * Expected SHA-256 (hex) of each file's decompressed content, by file name. Default
   * {@link SHA256}. A file with no entry is refused: nothing unverified reaches the cache.
   */
  checksums?: Readonly<Record<string, string>>;
  /** Called after every chunk received. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels the download; an {@link AbortedError} is thrown and nothing is left behind. */
  signal?: AbortSignal;
  /**
   * Give up a try when no byte arrives for this long (waiting for the response or in the middle of
   * the body: a stalled server). Default 30,000 ms.
   */
  timeoutMs?: number;
  /** Extra tries of each mirror after a transient failure (network, timeout, 5xx). Default 2. */
  retries?: number;
  /** Wait before the first retry; it doubles at each retry of the same mirror. Default 500 ms. */
  retryDelayMs?: number;
  /** Fetch again even when the cache already holds a verified copy. Default false. */
  force?: boolean;
  /** The `fetch` to use (e.g. one with a proxy dispatcher); default the global one. */
  fetch?: typeof globalThis.fetch;
}

/** What {@link downloadFashionMnist} did for one file. */
export interface DownloadedFile {
  file: string;
  path: string;
  /** False when a verified copy was already in the cache. */
  downloaded: boolean;
  /** The URL it came from, when downloaded. */
  url?: string;
  /** Size of the stored (compressed) file. */
  bytes: number;
}

/** The result of {@link downloadFashionMnist}. */
export interface DownloadResult {
  dir: string;
  files: DownloadedFile[];
}

/** A failed try; `retryable` says whether trying the same URL again may help. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** An exception thrown by the user's `onProgress`: rethrown as is, never retried. */
class CallbackError {
  constructor(readonly error: unknown) {}
}

function describe(e: unknown): string {
  if (e instanceof AttemptError) return e.message;
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return `${e.message}${cause}`;
  }
  return String(e);
}

/**
 * Reads, decompresses and hashes a stored file; throws {@link ChecksumMismatchError} (or a
 * `GzipError`) unless its decompressed content has the expected SHA-256.
 */
async function verifyStored(
  path: string,
  expected: string,
  name: string,
  hint?: string,
): Promise<number> {
  const bytes = new Uint8Array(await readFile(path));
  const actual = sha256(await maybeGunzipAsync(bytes));
  if (actual !== expected.toLowerCase()) {
    throw new ChecksumMismatchError({ file: name, expected, actual, hint });
  }
  return bytes.byteLength;
}

/**
 * Downloads Fashion-MNIST into the cache folder, the last step of `loadFashionMnist`'s search, also
 * usable on its own (e.g. in a setup script).
 *
 * For each file: a copy already in the cache is kept if its decompressed SHA-256 is right.
 * Otherwise the mirrors are tried in order; each try streams the body (reporting progress) into a
 * temporary file in the cache folder, fails when no byte arrives for `timeoutMs`, and is retried
 * with exponential backoff on transient failures (network, timeout, truncated body, HTTP 5xx, 408,
 * 429); an HTTP 4xx or a wrong checksum moves on to the next mirror at once. Only a file whose
 * decompressed content has the expected SHA-256 is renamed into place (an atomic step), so an
 * interrupted, truncated or corrupt download never leaves a file that a later load would read.
 *
 * @example
 * ```ts
 * const { dir } = await downloadFashionMnist({
 *   onProgress: (p) => process.stderr.write(`\r${p.file} ${p.receivedBytes}/${p.totalBytes ?? '?'}`),
 * });
 * ```
 *
 * @throws {@link DownloadError} when a file could not be fetched and verified from any mirror.
 * @throws {@link AbortedError} (code `ABORTED`) when `signal` aborts.
 */
const PART = /^\..+\.(\d+)\.[0-9a-f-]{36}\.part$/;

/** True when a process with this id is running on this machine. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temp files (`.NAME.PID.UUID.part`) that a killed download left behind. Only those
 * whose process is gone are removed, so concurrent downloads into the same cache are safe.
 */
export async function removeStaleParts(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const m = PART.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

export async function downloadFashionMnist(options: DownloadOptions = {}): Promise<DownloadResult> {
  const dir = options.cacheDir ?? defaultCacheDir(options.env);
  const mirrors = options.mirrors ?? DEFAULT_MIRRORS;
  const files = options.files ?? Object.values(FILES);
  const checksums = options.checksums ?? SHA256;
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retryDelayMs = options.retryDelayMs ?? 500;
  if (mirrors.length === 0)
    throw new InvalidArgumentError({
      argument: 'mirrors',
      message:
        'downloadFashionMnist: `mirrors` is empty; pass at least one base URL (or leave it out).',
    });
  if (!Number.isInteger(retries) || retries < 0) {
    throw new InvalidArgumentError({
      argument: 'retries',
      message: `retries must be an integer ≥ 0, got ${retries}.`,
    });
  }
  if (!(timeoutMs > 0)) {
    throw new InvalidArgumentError({
      argument: 'timeoutMs',
      message: `timeoutMs must be > 0, got ${timeoutMs}.`,
    });
  }
  for (const file of files) {
    if (!checksums[file]) {
      throw new InvalidArgumentError({
        argument: 'checksums',
        message: `No SHA-256 known for ${file}: pass it in \`checksums\` (unverified files are never stored).`,
      });
    }
  }
  await mkdir(dir, { recursive: true });
  await removeStaleParts(dir);
  const out: DownloadedFile[] = [];
  for (const [fileIndex, file] of files.entries()) {
    if (options.signal?.aborted) throw aborted(file, options.signal.reason);
    const path = join(dir, file);
    const expected = checksums[file]!;
    if (!options.force && existsSync(path)) {
      try {
        out.push({
          file,
          path,
          downloaded: false,
          bytes: await verifyStored(path, expected, file),
        });
        continue;
      } catch (e) {
        // A bad copy (put there by hand: ours are verified before the rename) is replaced below.
        if (!(e instanceof FmnistDataError)) throw e;
      }
    }
    const got = await fetchOne(file, path, expected, mirrors, {
      ...options,
      retries,
      timeoutMs,
      retryDelayMs,
      fileIndex,
      fileCount: files.length,
    });
    out.push({ file, path, downloaded: true, ...got });
  }
  return { dir, files: out };
}

interface FetchOneOptions extends DownloadOptions {
  retries: number;
  timeoutMs: number;
  retryDelayMs: number;
  fileIndex: number;
  fileCount: number;
}

async function fetchOne(
  file: string,
  path: string,
  expected: string,
  mirrors: readonly string[],
  o: FetchOneOptions,
): Promise<{ url: string; bytes: number }> {
  const attempts: DownloadAttempt[] = [];
  let lastError: unknown;
  for (const mirror of mirrors) {
    const url = new URL(file, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
    for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
      if (attempt > 1) {
        try {
          await sleep(o.retryDelayMs * 2 ** (attempt - 2), undefined, { signal: o.signal });
        } catch {
          throw aborted(file, o.signal?.reason);
        }
      }
      try {
        const bytes = await tryOnce(file, url, path, expected, attempt, o);
        return { url, bytes };
      } catch (e) {
        if (e instanceof CallbackError) throw e.error;
        if (o.signal?.aborted) throw aborted(file, o.signal.reason);
        const retryable = e instanceof AttemptError ? e.retryable : true;
        const status = e instanceof AttemptError ? e.status : undefined;
        attempts.push({ url, status, reason: describe(e) });
        lastError = e instanceof AttemptError && e.cause !== undefined ? e.cause : e;
        if (!retryable) break;
      }
    }
  }
  throw new DownloadError({ file, attempts, cause: lastError });
}

/** One try of one URL; returns the stored size or throws (after removing its temporary file). */
async function tryOnce(
  file: string,
  url: string,
  path: string,
  expected: string,
  attempt: number,
  o: FetchOneOptions,
): Promise<number> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new AttemptError(`no data for ${o.timeoutMs} ms (stalled)`, true)),
      o.timeoutMs,
    );
  };
  // Unique, in the destination folder (so the final rename stays on one file system), and under a
  // name the loader never reads.
  const tmp = join(dirname(path), `.${file}.${process.pid}.${randomUUID()}.part`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    arm();
    let res: Response;
    try {
      res = await (o.fetch ?? globalThis.fetch)(url, { signal: controller.signal });
    } catch (e) {
      throw reasonOf(controller, e);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => {});
      const s = res.status;
      throw new AttemptError(
        `HTTP ${s} ${res.statusText}`.trim(),
        s >= 500 || s === 408 || s === 429,
        s,
      );
    }
    // With a Content-Encoding, fetch decodes the body and Content-Length is the encoded size.
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const header = res.headers.get('content-length');
    const length = header === null || header.trim() === '' ? Number.NaN : Number(header);
    const totalBytes = !encoded && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    handle = await open(tmp, 'wx');
    const reader = res.body.getReader();
    let received = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw reasonOf(controller, e);
      }
      if (chunk.done) break;
      arm();
      await handle.write(chunk.value);
      received += chunk.value.byteLength;
      if (o.onProgress) {
        try {
          o.onProgress({
            file,
            url,
            receivedBytes: received,
            totalBytes,
            fileIndex: o.fileIndex,
            fileCount: o.fileCount,
            attempt,
          });
        } catch (e) {
          throw new CallbackError(e);
        }
      }
    }
    clearTimeout(timer);
    if (totalBytes !== undefined && received !== totalBytes) {
      throw new AttemptError(`truncated body: ${received} of ${totalBytes} bytes`, true);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    try {
      await verifyStored(tmp, expected, url, 'This mirror serves another file.');
    } catch (e) {
      // A wrong checksum will not change on a retry of the same URL; corrupt gzip may (truncation).
      const retryable = !(e instanceof ChecksumMismatchError);
      throw new AttemptError(describe(e), retryable, undefined, e);
    }
    await rename(tmp, path);
    return received;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
  }
}

function aborted(file: string, reason: unknown): AbortedError {
  return new AbortedError({ what: `Download of ${file}`, cause: reason });
}

/** The idle timeout's own error when it fired, else the error itself. */
function reasonOf(controller: AbortController, e: unknown): unknown {
  const reason = controller.signal.reason;
  return controller.signal.aborted && reason instanceof AttemptError ? reason : e;
}
