// Draw docs/augmentation.png: one real Fashion-MNIST test image per class (rows), then, left to
// right: the original | 2 randomly erased (p = 1) | 3 Keras-style affine augmentations | 3 affine +
// erasing (the augmenter with the eraser as its preprocessing function). Pixels are scaled ×3.
//
//   pnpm --filter @fmnist/augment grid      (or: node --import tsx scripts/make-grid.ts [out.png])
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@fmnist/data';
import { PNG } from 'pngjs';
import { createAugmenter, createRandomEraser, createRng } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const outPath = resolve(process.argv[2] ?? `${here}/../docs/augmentation.png`);

const SCALE = 3;
const CELL = 28 * SCALE;
const GAP = 4; // between cells
const GROUP_GAP = 14; // between column groups
const GROUPS = [1, 2, 3, 3]; // original | erased | affine | affine + erased
const COLS = GROUPS.reduce((a, b) => a + b, 0);
const ROWS = 10;

const ds = await loadFashionMnist();
const { images, labels, count } = ds.test;

// The first test image of each class.
const picks: number[] = [];
for (let cls = 0; cls < ROWS; cls++) {
  for (let i = 0; i < count; i++) {
    if (labels[i] === cls) {
      picks.push(i);
      break;
    }
  }
}

const eraser = createRandomEraser({ p: 1 }); // values in [0, 255], as the images
const affine = {
  rotationRange: 15,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  shearRange: 10,
  zoomRange: 0.15,
  horizontalFlip: true,
  fillMode: 'nearest' as const,
};
const affineOnly = createAugmenter(affine);
const full = createAugmenter({ ...affine, preprocessingFunction: eraser });
const rng = createRng(2017);

const groupWidth = (g: number) => GROUPS[g] * CELL + (GROUPS[g] - 1) * GAP;
const width =
  GROUPS.reduce((s, _, g) => s + groupWidth(g), 0) + (GROUPS.length - 1) * GROUP_GAP + 2 * GAP;
const height = ROWS * CELL + (ROWS + 1) * GAP;
const png = new PNG({ width, height });
png.data.fill(255); // white background, opaque

function draw(img: Float32Array, row: number, col: number): void {
  let x0 = GAP;
  let c = col;
  for (let g = 0; g < GROUPS.length; g++) {
    if (c < GROUPS[g]) {
      x0 += c * (CELL + GAP);
      break;
    }
    c -= GROUPS[g];
    x0 += groupWidth(g) + GROUP_GAP;
  }
  const y0 = GAP + row * (CELL + GAP);
  for (let y = 0; y < CELL; y++) {
    for (let x = 0; x < CELL; x++) {
      // As stored: white garment on black.
      const v = img[Math.floor(y / SCALE) * 28 + Math.floor(x / SCALE)];
      const g = Math.max(0, Math.min(255, Math.round(v)));
      const o = ((y0 + y) * width + x0 + x) * 4;
      png.data[o] = g;
      png.data[o + 1] = g;
      png.data[o + 2] = g;
      png.data[o + 3] = 255;
    }
  }
}

picks.forEach((idx, row) => {
  const original = Float32Array.from(images.subarray(idx * 784, (idx + 1) * 784));
  const shape = [28, 28, 1] as const;
  const cells: Float32Array[] = [original];
  for (let k = 0; k < 2; k++) cells.push(eraser(original, shape, rng));
  for (let k = 0; k < 3; k++) cells.push(affineOnly.augment(original, shape, rng));
  for (let k = 0; k < 3; k++) cells.push(full.augment(original, shape, rng));
  cells.forEach((cell, col) => {
    draw(cell, row, col);
  });
});
if (COLS !== 9) throw new Error('layout');

mkdirSync(dirname(outPath), { recursive: true });
const tmp = `${outPath}.${process.pid}.tmp`;
writeFileSync(tmp, PNG.sync.write(png));
renameSync(tmp, outPath);
console.log(`wrote ${outPath} (${width}×${height}): rows = ${ds.classNames.join(', ')}`);
