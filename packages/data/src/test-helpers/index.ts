// Helpers shared by this package's tests (CONTRIBUTING, "Test helpers"); nothing here is exported by
// the package: small generated Fashion-MNIST-shaped datasets and temporary folders.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256 } from '../checksum.js';
import { encodeIdx } from '../idx.js';
import { FILES } from '../paths.js';

/** A tiny dataset: the four files as gzip bytes, their content SHA-256s, and the arrays. */
export interface FixtureDataset {
  files: Record<string, Uint8Array>;
  checksums: Record<string, string>;
  train: { images: Uint8Array; labels: Uint8Array };
  test: { images: Uint8Array; labels: Uint8Array };
}

/** Pixel `p` of image `i` is `(i * 31 + p * 7 + salt) & 255`; label `i` is `(i + salt) % 10`. */
function split(count: number, salt: number) {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) images[i * 784 + p] = (i * 31 + p * 7 + salt) & 255;
  }
  const labels = Uint8Array.from({ length: count }, (_, i) => (i + salt) % 10);
  return { images, labels };
}

export function makeFixture(trainCount = 12, testCount = 5, salt = 0): FixtureDataset {
  const train = split(trainCount, salt);
  const test = split(testCount, salt + 3);
  const raw: Record<string, Uint8Array> = {
    [FILES.trainImages]: encodeIdx({
      type: 'uint8',
      shape: [trainCount, 28, 28],
      data: train.images,
    }),
    [FILES.trainLabels]: encodeIdx({ type: 'uint8', shape: [trainCount], data: train.labels }),
    [FILES.testImages]: encodeIdx({ type: 'uint8', shape: [testCount, 28, 28], data: test.images }),
    [FILES.testLabels]: encodeIdx({ type: 'uint8', shape: [testCount], data: test.labels }),
  };
  const files: Record<string, Uint8Array> = {};
  const checksums: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(raw)) {
    files[name] = new Uint8Array(gzipSync(bytes));
    checksums[name] = sha256(bytes);
  }
  return { files, checksums, train, test };
}

const made: string[] = [];

/** A new empty temporary folder, removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'fmnist-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the folders made by {@link tempDir} (call it in `afterAll`). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Writes the fixture's files (optionally overridden per name) into `dir`. */
export async function writeFixture(
  dir: string,
  fixture: FixtureDataset,
  override: Record<string, Uint8Array> = {},
): Promise<void> {
  for (const [name, bytes] of Object.entries({ ...fixture.files, ...override })) {
    await writeFile(join(dir, name), bytes);
  }
}
