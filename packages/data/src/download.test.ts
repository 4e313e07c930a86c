import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ChecksumMismatchError,
  DownloadAbortedError,
  DownloadError,
  type DownloadOptions,
  type DownloadProgress,
  downloadFashionMnist,
  InvalidArgumentError,
  loadFashionMnist,
} from './index.js';
import { FILES } from './paths.js';
import { makeFixture, removeTempDirs, tempDir } from './test-helpers/index.js';

// A local server on 127.0.0.1 (random port) with one "mirror" per behaviour, under /<mode>/<file>:
//   ok       serves the fixture files
//   404      always 404
//   500x2    HTTP 500 twice per file, then the file
//   trunc    announces the full Content-Length, sends half, closes the connection
//   cut      no Content-Length (close-delimited), sends half, closes cleanly
//   other    serves a valid gzip IDX file with other content (wrong checksum)
//   stall    sends the headers and 100 bytes, then nothing
//   silent   accepts the request and never answers
//   plain    serves the decompressed IDX bytes (no gzip)
const fixture = makeFixture(12, 5);
const other = makeFixture(12, 5, 1);
const plain = Object.fromEntries(
  Object.entries(fixture.files).map(([k, v]) => [k, new Uint8Array(gunzipSync(v))]),
);
const hits = new Map<string, number>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, mode, file] = (req.url ?? '').split('/');
    const key = `${mode}/${file}`;
    const hit = (hits.get(key) ?? 0) + 1;
    hits.set(key, hit);
    const body = file ? fixture.files[file] : undefined;
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    switch (mode) {
      case 'ok':
        res.writeHead(200, { 'content-length': body.length }).end(body);
        return;
      case '404':
        res.writeHead(404).end('<html>Not Found</html>');
        return;
      case '500x2':
        if (hit <= 2) res.writeHead(500).end('oops');
        else res.writeHead(200, { 'content-length': body.length }).end(body);
        return;
      case 'trunc':
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        return;
      case 'cut':
        res.writeHead(200, { connection: 'close' });
        res.write(body.subarray(0, body.length >> 1), () => res.socket?.end());
        return;
      case 'other': {
        const b = other.files[file]!;
        res.writeHead(200, { 'content-length': b.length }).end(b);
        return;
      }
      case 'stall':
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 100));
        return;
      case 'silent':
        return;
      case 'plain': {
        const b = plain[file]!;
        res.writeHead(200, { 'content-length': b.length }).end(b);
        return;
      }
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await removeTempDirs();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => hits.clear());

const mirror = (mode: string) => `${base}/${mode}/`;
const opts = (cacheDir: string, ...modes: string[]): DownloadOptions => ({
  cacheDir,
  mirrors: modes.map(mirror),
  checksums: fixture.checksums,
  retryDelayMs: 5,
  timeoutMs: 2000,
});
const catchErr = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

/** Runs a download that must fail with a {@link DownloadError}; returns the error. */
async function failedDownload(options: DownloadOptions): Promise<DownloadError> {
  const e = await catchErr(downloadFashionMnist(options));
  expect(e).toBeInstanceOf(DownloadError);
  return e as DownloadError;
}

describe('downloadFashionMnist against a local server', () => {
  it("removes the temp files of killed downloads, but not a live process's", async () => {
    const dir = await tempDir();
    const uuid = '123e4567-e89b-12d3-a456-426614174000';
    // pid 2^22 + 1 is above Linux's pid_max default ceiling, so no process has it.
    const dead = `.train-labels-idx1-ubyte.gz.${2 ** 22 + 1}.${uuid}.part`;
    const live = `.train-labels-idx1-ubyte.gz.${process.pid}.${uuid}.part`;
    writeFileSync(join(dir, dead), 'partial');
    writeFileSync(join(dir, live), 'partial');
    await downloadFashionMnist(opts(dir, 'ok'));
    const left = readdirSync(dir);
    expect(left).not.toContain(dead);
    expect(left).toContain(live);
  });

  it('downloads, verifies and stores the four files; reports progress', async () => {
    const dir = await tempDir();
    const progress: DownloadProgress[] = [];
    const r = await downloadFashionMnist({
      ...opts(dir, 'ok'),
      onProgress: (p) => progress.push(p),
    });
    expect(r.dir).toBe(dir);
    expect(r.files.map((f) => [f.file, f.downloaded])).toEqual(
      Object.values(FILES).map((f) => [f, true]),
    );
    expect(readdirSync(dir).sort()).toEqual(Object.values(FILES).sort());
    for (const f of Object.values(FILES)) {
      expect(readFileSync(join(dir, f))).toEqual(Buffer.from(fixture.files[f]!));
    }
    // Progress: per file, increasing, ending at the announced total.
    for (const [i, f] of Object.values(FILES).entries()) {
      const mine = progress.filter((p) => p.file === f);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((p) => p.fileIndex === i && p.fileCount === 4)).toBe(true);
      const done = mine.map((p) => p.receivedBytes);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(mine.at(-1)!.receivedBytes).toBe(fixture.files[f]!.length);
      expect(mine.at(-1)!.totalBytes).toBe(fixture.files[f]!.length);
    }
    // And it loads.
    const d = await loadFashionMnist({ dir });
    expect([d.train.count, d.test.count]).toEqual([12, 5]);
    expect(d.train.labels).toEqual(fixture.train.labels);
  });

  it('keeps a verified cached copy and replaces a bad one', async () => {
    const dir = await tempDir();
    await downloadFashionMnist(opts(dir, 'ok'));
    hits.clear();
    writeFileSync(join(dir, FILES.testLabels), 'garbage');
    const r = await downloadFashionMnist(opts(dir, 'ok'));
    expect(r.files.map((f) => f.downloaded)).toEqual([false, false, false, true]);
    expect([...hits.keys()]).toEqual([`ok/${FILES.testLabels}`]);
    expect(readFileSync(join(dir, FILES.testLabels))).toEqual(
      Buffer.from(fixture.files[FILES.testLabels]!),
    );
    hits.clear();
    await downloadFashionMnist({ ...opts(dir, 'ok'), force: true });
    expect(hits.size).toBe(4);
  });

  it('404 on the first mirror: no retry there, the next mirror serves', async () => {
    const dir = await tempDir();
    const r = await downloadFashionMnist(opts(dir, '404', 'ok'));
    expect(r.files.every((f) => f.url?.startsWith(mirror('ok')))).toBe(true);
    for (const f of Object.values(FILES)) expect(hits.get(`404/${f}`)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(Object.values(FILES).sort());
  });

  it('HTTP 500 is retried with backoff on the same mirror', async () => {
    const dir = await tempDir();
    const files = [FILES.trainLabels];
    await downloadFashionMnist({ ...opts(dir, '500x2'), files, retries: 2 });
    expect(hits.get(`500x2/${FILES.trainLabels}`)).toBe(3);
    expect(readdirSync(dir)).toEqual(files);
  });

  it('only 404s: DownloadError with url, status and every attempt; nothing stored', async () => {
    const dir = await tempDir();
    const e = await failedDownload(opts(dir, '404'));
    expect(e.code).toBe('DOWNLOAD_FAILED');
    expect(e.url).toBe(`${mirror('404')}${FILES.trainImages}`);
    expect(e.status).toBe(404);
    expect(e.attempts).toHaveLength(1);
    expect(e.message).toMatch(/HTTP 404/);
    expect(e.message).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a truncated body is retried, then fails; no partial file is left', async () => {
    const dir = await tempDir();
    const e = await failedDownload({ ...opts(dir, 'trunc'), retries: 1 });
    expect(e.attempts).toHaveLength(2);
    expect(e.status).toBeUndefined();
    expect(hits.get(`trunc/${FILES.trainImages}`)).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a close-delimited body cut short is caught by gzip; no partial file is left', async () => {
    const dir = await tempDir();
    const e = await failedDownload({ ...opts(dir, 'cut'), retries: 0 });
    expect(e.attempts[0]!.reason).toMatch(/gzip/i);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a truncated first mirror falls through to the next', async () => {
    const dir = await tempDir();
    await downloadFashionMnist({ ...opts(dir, 'trunc', 'ok'), retries: 0 });
    expect(readdirSync(dir).sort()).toEqual(Object.values(FILES).sort());
  });

  it('a wrong checksum is not retried, is a ChecksumMismatchError cause, leaves nothing', async () => {
    const dir = await tempDir();
    const e = await failedDownload({ ...opts(dir, 'other'), retries: 3 });
    expect(e.attempts).toHaveLength(1);
    expect(e.cause).toBeInstanceOf(ChecksumMismatchError);
    expect((e.cause as ChecksumMismatchError).expected).toBe(fixture.checksums[FILES.trainImages]);
    expect((e.cause as ChecksumMismatchError).actual).toBe(other.checksums[FILES.trainImages]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the real checksums refuse the fixtures (the default check is on)', async () => {
    const dir = await tempDir();
    const { checksums: _, ...rest } = opts(dir, 'ok');
    const e = await failedDownload(rest);
    expect(e.cause).toBeInstanceOf(ChecksumMismatchError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a server that stalls mid-body times out (idle timeout); nothing is left', async () => {
    const dir = await tempDir();
    const t0 = performance.now();
    const e = await failedDownload({ ...opts(dir, 'stall'), timeoutMs: 200, retries: 1 });
    expect(e.attempts.map((a) => a.reason)).toEqual([
      'no data for 200 ms (stalled)',
      'no data for 200 ms (stalled)',
    ]);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a server that never answers times out too, and the next mirror serves', async () => {
    const dir = await tempDir();
    const r = await downloadFashionMnist({
      ...opts(dir, 'silent', 'ok'),
      timeoutMs: 150,
      retries: 0,
      files: [FILES.testLabels],
    });
    expect(r.files[0]!.url).toBe(`${mirror('ok')}${FILES.testLabels}`);
    expect(readdirSync(dir)).toEqual([FILES.testLabels]);
  });

  it('uncompressed content is accepted (the checksum is of the content)', async () => {
    const dir = await tempDir();
    await downloadFashionMnist(opts(dir, 'plain'));
    const d = await loadFashionMnist({ dir, verify: true, checksums: fixture.checksums });
    expect(d.test.labels).toEqual(fixture.test.labels);
  });

  it('abort through the signal: AbortedError (code ABORTED), nothing is left', async () => {
    const dir = await tempDir();
    const ac = new AbortController();
    const e = await catchErr(
      downloadFashionMnist({
        ...opts(dir, 'stall'),
        signal: ac.signal,
        onProgress: () => ac.abort(),
      }),
    );
    expect(e).toBeInstanceOf(AbortedError);
    expect(AbortedError.isInstance(e)).toBe(true);
    expect((e as AbortedError).code).toBe('ABORTED');
    expect((e as AbortedError).message).toMatch(/Call it again/);
    // The deprecated alias is the same class.
    expect(DownloadAbortedError).toBe(AbortedError);
    expect(e).toBeInstanceOf(DownloadAbortedError);
    expect(readdirSync(dir)).toEqual([]);
    // An already aborted signal fetches nothing.
    const e2 = await catchErr(
      downloadFashionMnist({ ...opts(dir, 'ok'), signal: AbortSignal.abort() }),
    );
    expect(e2).toBeInstanceOf(AbortedError);
    expect(hits.has(`ok/${FILES.trainImages}`)).toBe(false);
  });

  it('abort during the backoff wait', async () => {
    const dir = await tempDir();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const e = await catchErr(
      downloadFashionMnist({
        ...opts(dir, '404', 'trunc'),
        retryDelayMs: 10_000,
        signal: ac.signal,
      }),
    );
    expect(e).toBeInstanceOf(AbortedError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an exception in onProgress is rethrown as is and cleans up', async () => {
    const dir = await tempDir();
    const boom = new Error('boom');
    const e = await catchErr(
      downloadFashionMnist({
        ...opts(dir, 'ok'),
        onProgress: () => {
          throw boom;
        },
      }),
    );
    expect(e).toBe(boom);
    expect(hits.get(`ok/${FILES.trainImages}`)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses files with no known checksum, and bad options', async () => {
    const dir = await tempDir();
    await expect(
      downloadFashionMnist({ ...opts(dir, 'ok'), files: ['unknown.gz'] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(downloadFashionMnist({ ...opts(dir), mirrors: [] })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(downloadFashionMnist({ ...opts(dir, 'ok'), retries: -1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(hits.size).toBe(0);
  });
});

describe('loadFashionMnist({ download: true })', () => {
  const isolated = (cacheDir: string) => ({
    ...opts(cacheDir, '404', 'ok'),
    env: {},
    systemDirs: [],
  });
  it('without download, a missing dataset is a DatasetNotFoundError naming the fixes', async () => {
    const cacheDir = await tempDir();
    const e = await catchErr(loadFashionMnist({ ...isolated(cacheDir), download: false }));
    expect(e).toMatchObject({ code: 'DATASET_NOT_FOUND', searched: [cacheDir] });
    expect((e as Error).message).toMatch(/apt-get install dataset-fashion-mnist/);
    expect((e as Error).message).toMatch(/FMNIST_DATA_DIR/);
    expect((e as Error).message).toMatch(/download: true/);
    expect(hits.size).toBe(0);
  });
  it('downloads into the cache, then loads from it without the network', async () => {
    const cacheDir = await tempDir();
    const d = await loadFashionMnist({ ...isolated(cacheDir), download: true });
    expect(d.dir).toBe(cacheDir);
    expect([d.train.count, d.test.count]).toEqual([12, 5]);
    hits.clear();
    const again = await loadFashionMnist({ ...isolated(cacheDir), download: true });
    expect(again.train.images).toEqual(d.train.images);
    expect(hits.size).toBe(0);
  });
  it('a failed download leaves the cache empty and the next load still finds nothing', async () => {
    const cacheDir = await tempDir();
    await expect(
      loadFashionMnist({
        ...isolated(cacheDir),
        mirrors: [mirror('trunc')],
        retries: 0,
        download: true,
      }),
    ).rejects.toBeInstanceOf(DownloadError);
    expect(readdirSync(cacheDir)).toEqual([]);
    await expect(loadFashionMnist({ ...isolated(cacheDir) })).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
    });
  });
});
