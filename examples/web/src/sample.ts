/**
 * The demo's sample file (`data/fmnist-sample.bin`, written by `scripts/make-sample.ts`): a few
 * hundred Fashion-MNIST test images and a few thousand training images in one binary file that
 * browsers and Node read the same way.
 *
 * Layout: the 8 ASCII bytes `FMNSMPL1`, a little-endian uint32 header length, the header (UTF-8
 * JSON, {@link SampleHeader}), then test pixels (count × 784 uint8), test labels (count uint8),
 * training pixels, training labels.
 */

const SAMPLE_MAGIC = 'FMNSMPL1';

/** One split of the sample. */
interface SampleSplit {
  /** count × 784 pixels, 0..255, row-major 28×28. */
  images: Uint8Array;
  /** count labels, 0..9. */
  labels: Uint8Array;
  count: number;
  /** Index of each image in the full Fashion-MNIST split it was taken from. */
  indices: number[];
}

/** The JSON header: how the sample was made. */
export interface SampleHeader {
  format: 1;
  /** Where the images come from (the Debian package or the download). */
  source: string;
  /** Seed of the selection: `@fmnist/data`'s `permutation` of the test split; the training split's is seed + 1. */
  seed: number;
  /** Images per class in each split. */
  perClass: { test: number; train: number };
  classNames: string[];
  test: { count: number; indices: number[] };
  train: { count: number; indices: number[] };
  /** The command that wrote the file. */
  script: string;
}

export interface Sample {
  header: SampleHeader;
  test: SampleSplit;
  train: SampleSplit;
}

export const PIXELS = 28 * 28;

/** Encodes a sample file. */
export function encodeSample(
  header: SampleHeader,
  test: { images: Uint8Array; labels: Uint8Array },
  train: { images: Uint8Array; labels: Uint8Array },
): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const parts = [test.images, test.labels, train.images, train.labels];
  const out = new Uint8Array(12 + json.length + parts.reduce((s, p) => s + p.length, 0));
  out.set(new TextEncoder().encode(SAMPLE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let off = 12 + json.length;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Decodes and checks a sample file (views into `bytes`, no copy). */
export function parseSample(bytes: Uint8Array): Sample {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== SAMPLE_MAGIC) {
    throw new Error(
      `Not a Fashion-MNIST sample file (magic ${JSON.stringify(magic)}); regenerate it with pnpm web:sample.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)),
  ) as SampleHeader;
  if (header.format !== 1) throw new Error(`Unknown sample format ${header.format}.`);
  let off = 12 + headerLength;
  const take = (n: number) => {
    const v = bytes.subarray(off, off + n);
    if (v.length !== n) throw new Error('The sample file is truncated; regenerate it.');
    off += n;
    return v;
  };
  const split = (h: { count: number; indices: number[] }): SampleSplit => ({
    images: take(h.count * PIXELS),
    labels: take(h.count),
    count: h.count,
    indices: h.indices,
  });
  const test = split(header.test);
  const train = split(header.train);
  if (off !== bytes.length) throw new Error('The sample file has trailing bytes; regenerate it.');
  return { header, test, train };
}

/** uint8 pixels → float32 0..1 (the input scale of the CNN, and what the demo augments). */
export function toUnit(images: Uint8Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = images[i]! / 255;
  return out;
}
