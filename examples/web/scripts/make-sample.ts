// Writes web/data/fmnist-sample.bin: a small, seeded, class-balanced sample of the real
// Fashion-MNIST (the Debian package dataset-fashion-mnist, or wherever @fmnist/data finds it).
//
// Selection: for each split, @fmnist/data's seeded permutation (xoroshiro128+; seed 2024 for the
// test split, 2025 for the training split); walking it in order, the first PER_CLASS images of each
// class are kept, in the permutation's order (so the classes are interleaved on the page). Test: 30 per class (300); train: 300 per class (3,000),
// the set the page's KNN is fitted on.
//
// Usage (in examples/): pnpm web:sample
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLASS_NAMES, loadFashionMnist, permutation, type Split } from '@fmnist/data';
import { encodeSample, PIXELS, parseSample, type SampleHeader } from '../src/sample.js';

const SEED = 2024;
const PER_CLASS = { test: 30, train: 300 };
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'fmnist-sample.bin');

function pick(split: Split, perClass: number, seed: number) {
  const order = permutation(split.count, seed);
  const taken = new Array<number>(10).fill(0);
  const indices: number[] = [];
  for (const i of order) {
    const label = split.labels[i]!;
    if (taken[label]! < perClass) {
      taken[label]!++;
      indices.push(i);
      if (indices.length === perClass * 10) break;
    }
  }
  const images = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, k) => {
    images.set(split.images.subarray(src * PIXELS, (src + 1) * PIXELS) as Uint8Array, k * PIXELS);
    labels[k] = split.labels[src]!;
  });
  return { images, labels, indices };
}

const data = await loadFashionMnist();
const test = pick(data.test, PER_CLASS.test, SEED);
const train = pick(data.train, PER_CLASS.train, SEED + 1);
const header: SampleHeader = {
  format: 1,
  source: `Fashion-MNIST (${data.dir})`,
  seed: SEED,
  perClass: PER_CLASS,
  classNames: [...CLASS_NAMES],
  test: { count: test.labels.length, indices: test.indices },
  train: { count: train.labels.length, indices: train.indices },
  script: 'pnpm --filter @fmnist/examples web:sample',
};
const bytes = encodeSample(header, test, train);
parseSample(bytes); // round trip before writing
await mkdir(dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
await writeFile(tmp, bytes);
await rename(tmp, out);
const again = parseSample(new Uint8Array(await readFile(out)));
console.log(
  `wrote ${out}: ${again.test.count} test + ${again.train.count} train images, ` +
    `${(bytes.length / 1e6).toFixed(2)} MB (seed ${SEED})`,
);
