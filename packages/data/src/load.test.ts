import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maybeGunzip, SHA256, sha256 } from './formats.js';
import {
  ChecksumMismatchError,
  CLASS_NAMES,
  CountMismatchError,
  type FashionMnist,
  findDatasetDir,
  GzipError,
  IdxSizeMismatchError,
  labelHistogram,
  loadFashionMnist,
  ShapeError,
  shuffle,
  trainValidationSplit,
} from './index.js';
import { candidateDirs } from './load.js';
import { DEBIAN_DIR, FILES } from './paths.js';
import { makeFixture, removeTempDirs, tempDir, writeFixture } from './test-helpers/index.js';

const haveDebian = existsSync(join(DEBIAN_DIR, FILES.trainImages));
afterAll(removeTempDirs);

// The real dataset (Debian's dataset-fashion-mnist; .ci/run installs it). Reference values were
// computed independently with /usr/bin/python3 + numpy from the same files.
describe.skipIf(!haveDebian)('loadFashionMnist on the real dataset', () => {
  let d: FashionMnist;
  beforeAll(async () => {
    d = await loadFashionMnist({ dir: DEBIAN_DIR, verify: true });
  });

  it('60,000 train and 10,000 test images of 28×28 uint8, with labels', () => {
    expect(d.dir).toBe(DEBIAN_DIR);
    expect(d.train.count).toBe(60_000);
    expect(d.test.count).toBe(10_000);
    expect(d.imageShape).toEqual([28, 28]);
    expect(d.train.images).toBeInstanceOf(Uint8Array);
    expect(d.train.images.length).toBe(60_000 * 784);
    expect(d.test.images.length).toBe(10_000 * 784);
    expect(d.train.labels.length).toBe(60_000);
    expect(d.test.labels.length).toBe(10_000);
    expect(d.classNames).toEqual(CLASS_NAMES);
    expect(d.classNames[d.train.labels[0]!]).toBe('Ankle boot');
  });

  it('the first labels of each split', () => {
    expect(Array.from(d.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(d.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('label histograms: 6,000 per class in train, 1,000 in test', () => {
    expect(labelHistogram(d.train.labels)).toEqual(new Array(10).fill(6000));
    expect(labelHistogram(d.test.labels)).toEqual(new Array(10).fill(1000));
  });

  it('pixels agree with numpy (sums, mean 0.2860 after ÷255)', () => {
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(d.train.images.subarray(0, 784))).toBe(76247);
    expect(sum(d.test.images.subarray(0, 784))).toBe(33456);
    expect(sum(d.train.images.subarray(59_999 * 784))).toBe(16684);
    expect(sum(d.train.images)).toBe(3431114169);
    expect(sum(d.test.images)).toBe(573469082);
    expect(sum(d.train.images) / d.train.images.length / 255).toBeCloseTo(0.2860406, 6);
  });

  it('the SHA-256 of each decompressed file is the published constant', async () => {
    expect(Object.keys(SHA256).sort()).toEqual(Object.values(FILES).sort());
    for (const f of Object.values(FILES)) {
      const raw = maybeGunzip(new Uint8Array(await readFile(join(DEBIAN_DIR, f))));
      expect([f, sha256(raw)]).toEqual([f, SHA256[f]]);
    }
  });

  it('seeded shuffle and validation split keep the class balance', () => {
    const s = shuffle(d.test, 42);
    expect(labelHistogram(s.labels)).toEqual(new Array(10).fill(1000));
    expect(Array.from(s.labels.subarray(0, 5))).not.toEqual([9, 2, 1, 1, 6]);
    const { train, validation } = trainValidationSplit(d.train, { validationSplit: 0.1 });
    expect([train.count, validation.count]).toEqual([54_000, 6_000]);
    expect(validation.labels[0]).toBe(d.train.labels[54_000]);
  });
});

describe('where the files come from', () => {
  const fixture = makeFixture(12, 5);
  it('search order: dir, FMNIST_DATA_DIR, cache, system dirs', async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    const o = { dir: a, env: { FMNIST_DATA_DIR: b }, cacheDir: c, systemDirs: ['/sys-x'] };
    expect(candidateDirs(o)).toEqual([a, b, c, '/sys-x']);
    expect(findDatasetDir(o)).toBeUndefined();
    await writeFixture(c, fixture);
    expect(findDatasetDir(o)).toBe(c);
    await writeFixture(b, fixture);
    expect(findDatasetDir(o)).toBe(b);
    await writeFixture(a, fixture);
    expect(findDatasetDir(o)).toBe(a);
    expect((await loadFashionMnist(o)).dir).toBe(a);
  });
  it('the default cache folder follows XDG_CACHE_HOME; Debian comes last', () => {
    expect(candidateDirs({ env: { XDG_CACHE_HOME: '/x/cache' } })).toEqual([
      '/x/cache/fmnist',
      DEBIAN_DIR,
    ]);
  });
  it('a folder missing a file (or holding only a leftover .part) is skipped', async () => {
    const a = await tempDir();
    const b = await tempDir();
    await writeFixture(a, fixture);
    const { [FILES.testLabels]: _, ...three } = fixture.files;
    await writeFixture(b, { ...fixture, files: three });
    await writeFile(join(b, `.${FILES.testLabels}.123.abc.part`), fixture.files[FILES.testLabels]!);
    expect(findDatasetDir({ dir: b, cacheDir: a, env: {}, systemDirs: [] })).toBe(a);
  });
  it('a fixture folder loads, with labels and pixels as written', async () => {
    const dir = await tempDir();
    await writeFixture(dir, fixture);
    const d = await loadFashionMnist({ dir, verify: true, checksums: fixture.checksums });
    expect([d.train.count, d.test.count]).toEqual([12, 5]);
    expect(d.train.images).toEqual(fixture.train.images);
    expect(d.test.labels).toEqual(fixture.test.labels);
  });
});

describe('bad files in a folder: typed errors naming the file', () => {
  const fixture = makeFixture(12, 5);
  const load = async (override: Record<string, Uint8Array>, verify = false) => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFixture(dir, fixture, override);
    return loadFashionMnist({ dir, verify, checksums: fixture.checksums }).then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: Error) => e,
    );
  };
  it('verify: true catches a file with other content (ChecksumMismatchError)', async () => {
    const e = await load(
      { [FILES.testImages]: makeFixture(12, 5, 1).files[FILES.testImages]! },
      true,
    );
    expect(e).toBeInstanceOf(ChecksumMismatchError);
    expect(e.message).toContain(FILES.testImages);
  });
  it('images and labels of different lengths (CountMismatchError)', async () => {
    const e = await load({ [FILES.trainLabels]: makeFixture(11, 5).files[FILES.trainLabels]! });
    expect(e).toBeInstanceOf(CountMismatchError);
    expect(e.message).toMatch(/12 images .* 11 labels/);
  });
  it('a truncated .gz (GzipError) and a truncated IDX (IdxSizeMismatchError)', async () => {
    const gz = fixture.files[FILES.trainImages]!;
    const e1 = await load({ [FILES.trainImages]: gz.subarray(0, gz.length - 100) });
    expect(e1).toBeInstanceOf(GzipError);
    expect(e1.message).toContain(FILES.trainImages);
    const raw = maybeGunzip(gz);
    const e2 = await load({ [FILES.trainImages]: raw.subarray(0, raw.length - 1) });
    expect(e2).toBeInstanceOf(IdxSizeMismatchError);
    expect(e2.message).toContain(FILES.trainImages);
  });
  it('labels in the images file (ShapeError)', async () => {
    const e = await load({ [FILES.testImages]: fixture.files[FILES.testLabels]! });
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/expected uint8 N×28×28/);
  });
});
