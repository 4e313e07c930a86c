// Benchmark: images/second of Keras-style affine augmentation + random erasing on 28×28×1 float32
// images, in one thread, through this package's API and through a plain hand-written JS loop doing
// the same work (bilinear warp with 'nearest' fill + reference random erasing, Math.random), and
// the ratio. Median of several alternating runs.
//
//   flock /tmp/fmnist-bench.lock pnpm --filter @fmnist/augment bench [-- --runs 7 --images 20000]
//   (or: cd packages/augment && node --import tsx scripts/bench.ts)
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadFashionMnist } from '@fmnist/data';
import { createAugmenter, createRandomEraser, createRng } from '../src/index.js';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  // `pnpm bench -- --runs 9` passes the `--` through.
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    runs: { type: 'string', default: '7' },
    images: { type: 'string', default: '20000' },
  },
});
const runs = Number(values.runs);
const N = Number(values.images);
const H = 28;
const W = 28;
const SIZE = H * W;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Real images when the dataset is installed, else a deterministic synthetic set.
async function images(): Promise<{ data: Float32Array; source: string }> {
  try {
    const ds = await loadFashionMnist();
    const data = new Float32Array(N * SIZE);
    for (let i = 0; i < N * SIZE; i++) data[i] = ds.train.images[i % ds.train.images.length];
    return { data, source: `Fashion-MNIST train[0..${N})` };
  } catch {
    const rng = createRng(1);
    return {
      data: Float32Array.from({ length: N * SIZE }, () => rng.int(0, 255)),
      source: 'synthetic',
    };
  }
}

// Keras-typical settings (the seed project's): rotation 10°, shifts 0.1, zoom 0.1, flips,
// 'nearest' fill, then yu4u's eraser with its defaults (p = 0.5, v in [0, 255]).
const OPTIONS = {
  rotationRange: 10,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  zoomRange: 0.1,
  horizontalFlip: true,
  fillMode: 'nearest' as const,
};

/**
 * The baseline: what one would write by hand in plain JS, in one function. Same transform family
 * (rotation · shift · zoom about the centre, flip), same bilinear 'nearest' sampling, same erasing
 * algorithm; Math.random as the generator.
 */
function plainLoop(src: Float32Array, dst: Float32Array, n: number): void {
  const cy = (H - 1) / 2;
  const cx = (W - 1) / 2;
  for (let i = 0; i < n; i++) {
    const off = i * SIZE;
    const theta = ((Math.random() * 20 - 10) * Math.PI) / 180;
    const tx = (Math.random() * 0.2 - 0.1) * H;
    const ty = (Math.random() * 0.2 - 0.1) * W;
    const zx = 0.9 + Math.random() * 0.2;
    const zy = 0.9 + Math.random() * 0.2;
    const flip = Math.random() < 0.5;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    // R · T · Z, centred
    const a = c * zx;
    const b = -s * zy;
    const d = s * zx;
    const e = c * zy;
    const oy = c * tx - s * ty + cy - (a * cy + b * cx);
    const ox = s * tx + c * ty + cx - (d * cy + e * cx);
    for (let r = 0; r < H; r++) {
      for (let col = 0; col < W; col++) {
        const y = Math.min(Math.max(a * r + b * col + oy, 0), H - 1);
        const x = Math.min(Math.max(d * r + e * col + ox, 0), W - 1);
        const y0 = Math.floor(y);
        const x0 = Math.floor(x);
        const y1 = Math.min(y0 + 1, H - 1);
        const x1 = Math.min(x0 + 1, W - 1);
        const fy = y - y0;
        const fx = x - x0;
        const top = src[off + y0 * W + x0] * (1 - fx) + src[off + y0 * W + x1] * fx;
        const bottom = src[off + y1 * W + x0] * (1 - fx) + src[off + y1 * W + x1] * fx;
        dst[off + r * W + (flip ? W - 1 - col : col)] = top * (1 - fy) + bottom * fy;
      }
    }
    // Random erasing, reference algorithm and defaults.
    if (Math.random() > 0.5) continue;
    for (;;) {
      const area = (0.02 + Math.random() * 0.38) * H * W;
      const ratio = 0.3 + Math.random() * (1 / 0.3 - 0.3);
      const w = Math.floor(Math.sqrt(area / ratio));
      const h = Math.floor(Math.sqrt(area * ratio));
      const left = Math.floor(Math.random() * W);
      const topRow = Math.floor(Math.random() * H);
      if (left + w <= W && topRow + h <= H) {
        const v = Math.random() * 255;
        for (let r = topRow; r < topRow + h; r++) {
          dst.fill(v, off + r * W + left, off + r * W + left + w);
        }
        break;
      }
    }
  }
}

async function main() {
  const { data, source } = await images();
  const out = new Float32Array(N * SIZE);
  const augmenter = createAugmenter({ ...OPTIONS, preprocessingFunction: createRandomEraser() });
  const affineOnly = createAugmenter(OPTIONS);
  const rng = createRng(42);
  const shape = [N, H, W, 1] as const;
  const variants: [string, () => void][] = [
    [
      'API: createAugmenter(...).augmentBatch (affine + erasing)',
      () => augmenter.augmentBatch(data, shape, rng, { out }),
    ],
    ['plain JS loop (affine + erasing, Math.random)', () => plainLoop(data, out, N)],
    ['API: affine only (no eraser)', () => affineOnly.augmentBatch(data, shape, rng, { out })],
  ];
  const times: number[][] = variants.map(() => []);
  for (let round = 0; round < runs + 2; round++) {
    variants.forEach(([, fn], k) => {
      const t0 = performance.now();
      fn();
      const dt = performance.now() - t0;
      if (round >= 2) times[k].push(dt); // two warm-up rounds
    });
  }
  const rates = times.map((t) => N / (median(t) / 1000));
  console.log(`@fmnist/augment bench: ${N} images of 28×28×1 float32 (${source}), one thread`);
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${availableParallelism()}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`median of ${runs} runs (after 2 warm-up), images/second:`);
  variants.forEach(([name], k) => {
    console.log(
      `  ${name.padEnd(60)} ${Math.round(rates[k]).toLocaleString('en-US').padStart(10)}`,
    );
  });
  console.log(
    `ratio API / plain loop: ${(rates[0] / rates[1]).toFixed(3)} (>= 1 means no overhead)`,
  );
  console.log(`target 145,000 images/s: ${rates[0] >= 145_000 ? 'met' : 'NOT met'}`);
}

await main();
