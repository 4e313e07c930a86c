// Benchmark: load both splits from the Debian files (read + decompress + parse + validate) next to
// `zcat` of the same four files to /dev/null, median of several runs, and the ratio.
//
//   pnpm --filter @fmnist/data bench [--runs 7] [--dir /usr/share/datasets/fashion-mnist]
//   (or: cd packages/data && node --import tsx scripts/bench-load.ts --runs 7)
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { maybeGunzip, maybeGunzipAsync, parseIdx } from '../src/formats.js';
import { loadFashionMnist } from '../src/index.js';
import { DEBIAN_DIR, FILES } from '../src/paths.js';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  // `pnpm run bench -- --runs 9` passes the `--` through.
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    runs: { type: 'string', default: '7' },
    dir: { type: 'string', default: process.env.FMNIST_DATA_DIR || DEBIAN_DIR },
  },
});
const runs = Number(values.runs);
const dir = values.dir!;
const paths = Object.values(FILES).map((f) => join(dir, f));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function zcat(): Promise<void> {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const child = spawn('zcat', paths, { stdio: ['ignore', devNull, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`zcat exited ${code}`))));
  });
}

/** The loader's own steps one after another on the main thread, for the breakdown. */
async function sequentialSync() {
  const raw = await Promise.all(paths.map((p) => readFile(p)));
  const t0 = performance.now();
  const unzipped = raw.map((b) => maybeGunzip(new Uint8Array(b)));
  const t1 = performance.now();
  for (const u of unzipped) parseIdx(u);
  const t2 = performance.now();
  return { gunzip: t1 - t0, parse: t2 - t1 };
}

const cases: [string, () => Promise<unknown>][] = [
  ['loadFashionMnist (async, 4 files in parallel)', () => loadFashionMnist({ dir })],
  ['loadFashionMnist + verify SHA-256', () => loadFashionMnist({ dir, verify: true })],
  [
    'gunzip only, async parallel (no parse)',
    async () =>
      Promise.all(paths.map(async (p) => maybeGunzipAsync(new Uint8Array(await readFile(p))))),
  ],
  ['zcat (4 files to /dev/null)', zcat],
];

console.log(`# @fmnist/data load benchmark`);
console.log(
  `files: ${dir}; runs: ${runs} (+1 warm-up); node ${process.version}; ` +
    `${availableParallelism()} CPUs; load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const results = new Map<string, number[]>();
for (const [name, fn] of cases) {
  await fn(); // warm-up: page cache, JIT
  results.set(name, []);
}
// Interleaved, so that a burst of load from elsewhere hits every case alike.
for (let r = 0; r < runs; r++) {
  for (const [name, fn] of cases) results.get(name)!.push(await time(fn));
}
const zcatMs = median(results.get('zcat (4 files to /dev/null)')!);
console.log('');
console.log('| case | median ms | min ms | ratio to zcat |');
console.log('|---|---:|---:|---:|');
for (const [name, xs] of results) {
  const m = median(xs);
  console.log(
    `| ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${(m / zcatMs).toFixed(2)} |`,
  );
}
const breakdown = [];
for (let r = 0; r < 3; r++) breakdown.push(await sequentialSync());
console.log('');
console.log(
  `breakdown on one thread (median of 3): gunzipSync ${median(breakdown.map((b) => b.gunzip)).toFixed(0)} ms, ` +
    `parseIdx ${median(breakdown.map((b) => b.parse)).toFixed(0)} ms`,
);
console.log(
  `load average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
