import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRandomEraser,
  drawErasingBox,
  ERASING_DEFAULTS,
  type ErasingOptions,
  randomErasing,
} from './erasing.js';
import {
  ConflictingOptionsError,
  EraserExhaustedError,
  EraserImpossibleError,
  InvalidArgumentError,
  InvertedRangeError,
  NonFiniteParameterError,
  ShapeMismatchError,
} from './errors.js';
import { createRng } from './rng.js';

const reference = JSON.parse(
  readFileSync(new URL('./fixtures/eraser-reference.json', import.meta.url), 'utf8'),
) as { calls: number; erased: number; boxes: [number, number, number][]; topCounts: number[] };

/** Bounding box of the non-zero pixels of a 28×28 image (null when none). */
function bbox(img: Float32Array, h: number, w: number) {
  let top = h;
  let bottom = -1;
  let left = w;
  let right = -1;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      if (img[r * w + c] !== 0) {
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  return bottom < 0 ? null : { top, left, height: bottom - top + 1, width: right - left + 1 };
}

/** Two-sample Kolmogorov–Smirnov statistic; `b` is weighted (value, count) pairs. */
function ks(a: number[], b: [number, number][]): number {
  const values = [...new Set([...a, ...b.map(([v]) => v)])].sort((x, y) => x - y);
  const sa = [...a].sort((x, y) => x - y);
  const nb = b.reduce((s, [, c]) => s + c, 0);
  const bMap = new Map<number, number>();
  for (const [v, c] of b) bMap.set(v, (bMap.get(v) ?? 0) + c);
  let ia = 0;
  let cb = 0;
  let d = 0;
  for (const v of values) {
    while (ia < sa.length && sa[ia] <= v) ia++;
    cb += bMap.get(v) ?? 0;
    d = Math.max(d, Math.abs(ia / sa.length - cb / nb));
  }
  return d;
}

describe('defaults', () => {
  it("are the reference's: p=0.5, s_l=0.02, s_h=0.4, r_1=0.3, r_2=1/0.3, v_l=0, v_h=255", () => {
    const { p, sl, sh, r1, r2, vl, vh, pixelLevel } = ERASING_DEFAULTS;
    expect([p, sl, sh, r1, r2, vl, vh, pixelLevel]).toEqual([
      0.5,
      0.02,
      0.4,
      0.3,
      1 / 0.3,
      0,
      255,
      false,
    ]);
    expect(createRandomEraser().options).toMatchObject(ERASING_DEFAULTS);
  });
});

describe('statistics with a fixed seed, against the reference algorithm', () => {
  const N = 20_000;
  const h = 28;
  const w = 28;
  const areas: number[] = [];
  const ratios: number[] = [];
  const tops: number[] = [];
  let erased = 0;
  let valuesOk = true;
  let rectangular = true;
  beforeAll(() => {
    const eraser = createRandomEraser({ vl: 1, vh: 2 }); // defaults otherwise; fills never 0
    const rng = createRng(2017);
    const img = new Float32Array(h * w);
    for (let i = 0; i < N; i++) {
      img.fill(0);
      eraser(img, [h, w, 1], rng, { inPlace: true });
      const b = bbox(img, h, w);
      if (!b) continue;
      erased++;
      let count = 0;
      for (const v of img) {
        if (v !== 0) {
          count++;
          if (!(v >= 1 && v < 2)) valuesOk = false;
        }
      }
      if (count !== b.height * b.width) rectangular = false;
      const first = img[b.top * w + b.left];
      if (img.some((v) => v !== 0 && v !== first)) valuesOk = false; // one value per rectangle
      areas.push((b.height * b.width) / (h * w));
      ratios.push(b.height / b.width);
      tops.push(b.top);
    }
  });
  const refAreas = reference.boxes.map(
    ([bh, bw, c]) => [(bh * bw) / (h * w), c] as [number, number],
  );
  const refRatios = reference.boxes.map(([bh, bw, c]) => [bh / bw, c] as [number, number]);
  const refN = reference.erased;
  // KS critical value at alpha = 0.001: 1.95 * sqrt((n + m) / (n m)); ties make it conservative.
  const crit = (n: number) => 1.95 * Math.sqrt((n + refN) / (n * refN));

  it('erases a fraction ≈ p of the images (within 4.5 standard errors), like the reference', () => {
    const f = erased / N;
    const se = Math.sqrt((0.5 * 0.5) / N);
    expect(Math.abs(f - 0.5)).toBeLessThan(4.5 * se);
    expect(Math.abs(reference.erased / reference.calls - 0.5)).toBeLessThan(
      4.5 * Math.sqrt(0.25 / reference.calls),
    );
  });

  it('fills one solid rectangle per erased image with one value in [v_l, v_h)', () => {
    expect(rectangular).toBe(true);
    expect(valuesOk).toBe(true);
  });

  it('erased area fraction ≤ s_h and its distribution matches the reference (KS, α = 0.001)', () => {
    expect(Math.max(...areas)).toBeLessThanOrEqual(0.4);
    const d = ks(areas, refAreas);
    expect(d).toBeLessThan(crit(areas.length));
    const meanRef = refAreas.reduce((s, [v, c]) => s + v * c, 0) / refN;
    const mean = areas.reduce((s, v) => s + v, 0) / areas.length;
    expect(Math.abs(mean - meanRef)).toBeLessThan(0.004);
  });

  it('aspect ratio distribution matches the reference (KS, α = 0.001)', () => {
    const d = ks(ratios, refRatios);
    expect(d).toBeLessThan(crit(ratios.length));
    const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const refSorted = refRatios.flatMap(([v, c]) => Array<number>(c).fill(v)).sort((a, b) => a - b);
    expect(
      Math.abs(Math.log(medianOf(ratios)) - Math.log(refSorted[Math.floor(refSorted.length / 2)])),
    ).toBeLessThan(0.1);
  });

  it('top-row distribution matches the reference (KS, α = 0.001)', () => {
    const ref = reference.topCounts.map((c, i) => [i, c] as [number, number]);
    expect(ks(tops, ref)).toBeLessThan(crit(tops.length));
  });

  it('draws area in [s_l, s_h)·H·W and ratio in [r_1, r_2), with width = ⌊√(s/r)⌋, height = ⌊√(s·r)⌋', () => {
    const r = createRng(5);
    let seen = 0;
    for (let i = 0; i < 5000; i++) {
      const box = drawErasingBox({}, r, h, w);
      if (!box) continue;
      seen++;
      expect(box.area).toBeGreaterThanOrEqual(0.02 * h * w);
      expect(box.area).toBeLessThan(0.4 * h * w);
      expect(box.ratio).toBeGreaterThanOrEqual(0.3);
      expect(box.ratio).toBeLessThan(1 / 0.3);
      expect(box.width).toBe(Math.floor(Math.sqrt(box.area / box.ratio)));
      expect(box.height).toBe(Math.floor(Math.sqrt(box.area * box.ratio)));
      expect(box.left + box.width).toBeLessThanOrEqual(w);
      expect(box.top + box.height).toBeLessThanOrEqual(h);
      expect(box.attempts).toBeGreaterThanOrEqual(1);
    }
    expect(seen).toBeGreaterThan(2000);
  });
});

describe('options', () => {
  it('p = 0 never erases, p = 1 always does', () => {
    const rng = createRng(1);
    const x = new Float32Array(784);
    for (let i = 0; i < 200; i++) {
      expect(randomErasing(x, [28, 28, 1], { p: 0, vl: 1, vh: 2, rng }).some((v) => v !== 0)).toBe(
        false,
      );
      expect(randomErasing(x, [28, 28, 1], { p: 1, vl: 1, vh: 2, rng }).some((v) => v !== 0)).toBe(
        true,
      );
    }
  });

  it('pixelLevel gives each element its own value; otherwise all channels share one', () => {
    const rng = createRng(9);
    const shape = [16, 16, 3] as const;
    const x = new Float32Array(16 * 16 * 3);
    const one = randomErasing(x, shape, { p: 1, vl: 1, vh: 2, rng });
    expect(new Set(one.filter((v) => v !== 0)).size).toBe(1);
    const many = randomErasing(x, shape, { p: 1, vl: 1, vh: 2, pixelLevel: true, rng });
    const vals = many.filter((v) => v !== 0);
    expect(vals.length % 3).toBe(0);
    expect(new Set(vals).size).toBe(vals.length);
    expect(vals.every((v) => v >= 1 && v < 2)).toBe(true);
  });

  it('copies by default, erases the given array when inPlace', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const x = new Float32Array(100);
        const copy = randomErasing(x, [10, 10, 1], { p: 1, vl: 5, vh: 6, rng: createRng(seed) });
        if (copy === x || x.some((v) => v !== 0)) return false;
        const same = randomErasing(x, [10, 10, 1], {
          p: 1,
          vl: 5,
          vh: 6,
          rng: createRng(seed),
          inPlace: true,
        });
        return same === x && x.every((v, i) => v === copy[i]);
      }),
      { numRuns: 50 },
    );
  });

  it('the deprecated positional form (options, rng, { inPlace }) erases exactly as the options object', () => {
    const x = new Float32Array(784).map((_, i) => i % 255);
    const options = { p: 1, valueRange: [0, 255] } as const;
    const viaObject = randomErasing(x, [28, 28, 1], { ...options, rng: createRng(5) });
    expect(viaObject).not.toEqual(x);
    expect(randomErasing(x, [28, 28, 1], options, createRng(5))).toEqual(viaObject);
    const target = x.slice();
    expect(randomErasing(target, [28, 28, 1], options, createRng(5), { inPlace: true })).toBe(
      target,
    );
    expect(target).toEqual(viaObject);
    // `undefined` in the generator's place: the default generator (seed 0), as before.
    expect(randomErasing(x, [28, 28, 1], options, undefined)).toEqual(
      randomErasing(x, [28, 28, 1], { ...options, rng: createRng(0) }),
    );
  });

  it('is deterministic: same seed, same output', () => {
    const x = new Float32Array(784).map((_, i) => i % 255);
    const a = randomErasing(x, [28, 28, 1], { p: 0.7, rng: createRng(123) });
    const b = randomErasing(x, [28, 28, 1], { p: 0.7, rng: createRng(123) });
    expect(a).toEqual(b);
  });
});

describe('errors', () => {
  const x = new Float32Array(784);
  const bad = (o: ErasingOptions) => () => createRandomEraser(o);
  it('rejects invalid parameters with typed errors', () => {
    expect(bad({ p: 1.5 })).toThrow(InvalidArgumentError);
    expect(bad({ p: -0.1 })).toThrow(InvalidArgumentError);
    expect(bad({ p: Number.NaN })).toThrow(NonFiniteParameterError);
    expect(bad({ sl: 0.5, sh: 0.1 })).toThrow(InvertedRangeError);
    expect(bad({ r1: 0 })).toThrow(InvalidArgumentError);
    expect(bad({ r1: -1 })).toThrow(InvalidArgumentError);
    expect(bad({ r1: 3, r2: 1 })).toThrow(InvertedRangeError);
    expect(bad({ vl: 10, vh: 1 })).toThrow(InvertedRangeError);
    expect(bad({ vh: Number.POSITIVE_INFINITY })).toThrow(NonFiniteParameterError);
    expect(bad({ maxAttempts: 0 })).toThrow(InvalidArgumentError);
    try {
      bad({ sl: 0.5, sh: 0.1 })();
    } catch (e) {
      expect((e as InvertedRangeError).code).toBe('INVERTED_RANGE');
    }
  });

  it('wrong buffer length', () => {
    expect(() => randomErasing(x, [28, 27, 1], { rng: createRng(1) })).toThrow(ShapeMismatchError);
  });

  it('impossible parameters fail up front instead of looping forever', () => {
    // The smallest area, 0.9·28·28 ≈ 706 px, with ratio ≥ 5 needs height ≥ 59 > 28.
    expect(() =>
      randomErasing(x, [28, 28, 1], { p: 1, sl: 0.9, sh: 1, r1: 5, r2: 6, rng: createRng(1) }),
    ).toThrow(EraserImpossibleError);
    expect(() => drawErasingBox({ sl: 2, sh: 3, r1: 1, r2: 1 }, createRng(1), 28, 28)).toThrow(
      EraserImpossibleError,
    );
    // ...even with p = 0: the parameters are wrong for this image size.
    expect(() => randomErasing(x, [28, 28, 1], { p: 0, sl: 2, sh: 3, rng: createRng(1) })).toThrow(
      EraserImpossibleError,
    );
  });

  it('possible but unlikely parameters: bounded redraws, then a typed error or a documented skip', () => {
    // Rectangles of ~26×26 px fit in 28×28 only for left, top ≤ 2: ~1% of draws.
    const o: ErasingOptions = { p: 1, sl: 0.86, sh: 0.86, r1: 1, r2: 1, maxAttempts: 1 };
    let threw = 0;
    const rng = createRng(4);
    for (let i = 0; i < 50; i++) {
      try {
        randomErasing(x, [28, 28, 1], { ...o, rng });
      } catch (e) {
        expect(e).toBeInstanceOf(EraserExhaustedError);
        expect((e as EraserExhaustedError).code).toBe('ERASER_EXHAUSTED');
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(40);
    const skipped = randomErasing(new Float32Array(784), [28, 28, 1], {
      ...o,
      vl: 1,
      vh: 2,
      onExhausted: 'skip',
      maxAttempts: 1,
      rng: createRng(4),
    });
    expect(skipped.every((v) => v === 0)).toBe(true);
    // With enough attempts the same parameters always succeed.
    for (let i = 0; i < 20; i++) {
      const y = randomErasing(new Float32Array(784), [28, 28, 1], {
        ...o,
        vl: 1,
        vh: 2,
        maxAttempts: 10_000,
        rng,
      });
      // s = 0.86·784 = 674.24, r = 1: a 25×25 square.
      expect(y.filter((v) => v !== 0).length).toBe(25 * 25);
    }
  });
});

describe('descriptive option names and the paper symbols', () => {
  const image = () => Float32Array.from({ length: 28 * 28 }, (_, i) => (i % 7) / 7);
  const erase = (o: ErasingOptions, seed = 5) =>
    createRandomEraser({ p: 1, ...o })(image(), [28, 28, 1], createRng(seed));

  it('areaRange / aspectRange / valueRange mean sl, sh / r1, r2 / vl, vh', () => {
    for (let seed = 0; seed < 20; seed++) {
      expect(
        erase({ areaRange: [0.1, 0.3], aspectRange: [0.5, 2], valueRange: [0, 1] }, seed),
      ).toEqual(erase({ sl: 0.1, sh: 0.3, r1: 0.5, r2: 2, vl: 0, vh: 1 }, seed));
    }
    const o = createRandomEraser({ areaRange: [0.1, 0.3], r1: 0.5, vh: 1 }).options;
    expect(o).toMatchObject({
      areaRange: [0.1, 0.3],
      sl: 0.1,
      sh: 0.3,
      aspectRange: [0.5, 1 / 0.3],
      r1: 0.5,
      valueRange: [0, 1],
      vh: 1,
    });
    expect(ERASING_DEFAULTS).toMatchObject({
      areaRange: [0.02, 0.4],
      aspectRange: [0.3, 1 / 0.3],
      valueRange: [0, 255],
    });
  });

  it('accepts a name and its alias together when they agree', () => {
    expect(erase({ areaRange: [0.1, 0.3], sl: 0.1, sh: 0.3 })).toEqual(erase({ sl: 0.1, sh: 0.3 }));
  });

  it('throws ConflictingOptionsError when a name and its alias disagree', () => {
    const cases: [ErasingOptions, string, string][] = [
      [{ areaRange: [0.1, 0.3], sl: 0.2 }, 'areaRange[0]', 'sl'],
      [{ aspectRange: [0.5, 2], r2: 3 }, 'aspectRange[1]', 'r2'],
      [{ valueRange: [0, 1], vh: 255 }, 'valueRange[1]', 'vh'],
    ];
    for (const [options, option, alias] of cases) {
      let error: unknown;
      try {
        createRandomEraser(options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConflictingOptionsError);
      expect(ConflictingOptionsError.isInstance(error)).toBe(true);
      const e = error as ConflictingOptionsError;
      expect(e.code).toBe('CONFLICTING_OPTIONS');
      expect(e.option).toBe(option);
      expect(e.alias).toBe(alias);
      expect(e.message).toMatch(/give one of the two/);
    }
  });

  it('names what the caller wrote in validation errors', () => {
    expect(() => createRandomEraser({ areaRange: [0.4, 0.1] })).toThrow(/`areaRange\[0\]`/);
    expect(() => createRandomEraser({ sl: 0.4, sh: 0.1 })).toThrow(/`sl`/);
    expect(() => createRandomEraser({ aspectRange: [0, 1] })).toThrow(InvalidArgumentError);
    expect(() => createRandomEraser({ valueRange: [1] as unknown as [number, number] })).toThrow(
      /a \[low, high\] pair/,
    );
    expect(() => createRandomEraser({ valueRange: [1, 0] })).toThrow(InvertedRangeError);
  });
});

describe('the rng argument is optional', () => {
  const shape = [28, 28, 1] as const;
  it('an eraser without rng uses its own generator, seeded with 0', () => {
    const img = new Float32Array(28 * 28).fill(0.5);
    const a = createRandomEraser({ p: 1, valueRange: [0, 1] });
    const b = createRandomEraser({ p: 1, valueRange: [0, 1] });
    const first = a(img, shape);
    // Reproducible: a fresh eraser gives the same sequence; the same as an explicit createRng(0).
    expect(b(img, shape)).toEqual(first);
    expect(createRandomEraser({ p: 1, valueRange: [0, 1] })(img, shape, createRng(0))).toEqual(
      first,
    );
    // Successive calls draw on: the second rectangle differs from the first.
    expect(a(img, shape)).not.toEqual(first);
    expect(randomErasing(img, shape, { p: 1, valueRange: [0, 1] })).toEqual(first);
    expect(randomErasing(img, shape)).toBeInstanceOf(Float32Array);
  });
});

describe('byte images', () => {
  const shape = [28, 28, 1] as const;
  it('Uint8Array and Uint8ClampedArray are erased in their own type', () => {
    const f = Float32Array.from({ length: 28 * 28 }, (_, i) => i % 256);
    const ref = createRandomEraser({ p: 1 })(f, shape, createRng(3));
    const u8 = createRandomEraser({ p: 1 })(Uint8Array.from(f), shape, createRng(3));
    const c8 = createRandomEraser({ p: 1 })(Uint8ClampedArray.from(f), shape, createRng(3));
    expect(u8).toBeInstanceOf(Uint8Array);
    expect(c8).toBeInstanceOf(Uint8ClampedArray);
    // The same rectangle; the fill value stored as each array stores a number.
    expect(Array.from(u8)).toEqual(Array.from(ref, (v) => Math.trunc(v)));
    expect(Array.from(c8)).toEqual(Array.from(Uint8ClampedArray.from(ref)));
    expect(Array.from(u8)).not.toEqual(Array.from(f));
    // In place keeps the array.
    const mine = Uint8Array.from(f);
    expect(createRandomEraser({ p: 1 })(mine, shape, createRng(3), { inPlace: true })).toBe(mine);
  });
});
