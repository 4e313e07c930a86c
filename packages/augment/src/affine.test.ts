import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AffineParams,
  affineMatrix,
  applyAffine,
  type FillMode,
  reflectCoord,
  warpAffine,
  wrapCoord,
} from './affine.js';
import {
  InvalidArgumentError,
  InvalidShapeError,
  NonFiniteParameterError,
  ShapeMismatchError,
} from './errors.js';
import type { ImageShape } from './validate.js';

const MODES: FillMode[] = ['nearest', 'constant', 'reflect', 'wrap'];

/** Pixel (r, c) of a single-channel image is 10·r + c: easy to read back. */
function ramp(h: number, w: number): Float32Array {
  const a = new Float32Array(h * w);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) a[r * w + c] = 10 * r + c;
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('affineMatrix', () => {
  it('is exactly the identity for identity parameters', () => {
    expect(Array.from(affineMatrix({}, 28, 28))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(
      Array.from(affineMatrix({ theta: 0, zx: 1, zy: 1, flipHorizontal: true }, 5, 9)),
    ).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('centres on ((H-1)/2, (W-1)/2): the centre of a zoom or a rotation maps to itself', () => {
    for (const p of [{ zx: 2, zy: 0.5 }, { theta: 37 }, { shear: 20, zx: 1.3 }] as AffineParams[]) {
      const m = affineMatrix(p, 9, 6);
      const [cy, cx] = [4, 2.5];
      expect(m[0] * cy + m[1] * cx + m[2]).toBeCloseTo(cy, 12);
      expect(m[3] * cy + m[4] * cx + m[5]).toBeCloseTo(cx, 12);
    }
  });

  it('composes rotation · shift · shear · zoom (shift in the rotated frame, as Keras)', () => {
    const t = (30 * Math.PI) / 180;
    const m = affineMatrix({ theta: 30, tx: 2, ty: 0 }, 1, 1); // centre (0, 0)
    // R·S: offset = R·(2, 0)
    expect(m[2]).toBeCloseTo(2 * Math.cos(t), 12);
    expect(m[5]).toBeCloseTo(2 * Math.sin(t), 12);
    const z = affineMatrix({ shear: 30, zx: 2, zy: 3 }, 1, 1); // Sh·Z
    expect(Array.from(z.slice(0, 2))).toEqual([2, -Math.sin(t) * 3]);
    expect(z[4]).toBeCloseTo(Math.cos(t) * 3, 12);
  });

  it('rejects non-finite parameters', () => {
    expect(() => affineMatrix({ theta: Number.NaN }, 28, 28)).toThrow(NonFiniteParameterError);
    expect(() => affineMatrix({ zx: Number.POSITIVE_INFINITY }, 28, 28)).toThrow(
      NonFiniteParameterError,
    );
  });
});

describe('applyAffine: hand-computed cases', () => {
  it('identity leaves the image unchanged (a copy), in every mode', () => {
    const x = ramp(4, 6);
    for (const fillMode of MODES) {
      const y = applyAffine(x, [4, 6, 1], {}, { fillMode });
      expect(y).not.toBe(x);
      expect(Array.from(y)).toEqual(Array.from(x));
    }
  });

  it('rotates a non-square image by 90° about its centre', () => {
    // H=3, W=5, centre (1, 2); theta = 90°: input = (3 - c, r + 1), so out[r][c] = in[3 - c][r + 1].
    const x = ramp(3, 5);
    const y = applyAffine(x, [3, 5, 1], { theta: 90 }, { fillMode: 'nearest' });
    for (let r = 0; r < 3; r++) {
      for (let c = 1; c <= 3; c++) {
        expect(y[r * 5 + c]).toBeCloseTo(10 * (3 - c) + (r + 1), 9);
      }
      // Columns 0 and 4 sample rows 3 and -1: clamped to rows 2 and 0 by 'nearest'.
      expect(y[r * 5]).toBeCloseTo(10 * 2 + (r + 1), 9);
      expect(y[r * 5 + 4]).toBeCloseTo(r + 1, 9);
    }
  });

  it('shifts by whole pixels: tx moves rows, ty moves columns (inverse map: input = output + t)', () => {
    const x = ramp(4, 5);
    const y = applyAffine(x, [4, 5, 1], { tx: 1, ty: -2 }, { fillMode: 'constant', cval: -1 });
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 5; c++) {
        const [sr, sc] = [r + 1, c - 2];
        const inside = sr >= 0 && sr < 4 && sc >= 0 && sc < 5;
        expect(y[r * 5 + c]).toBe(inside ? 10 * sr + sc : -1);
      }
    }
  });

  it('zooms about the centre: zx = zy = 2 zooms out, 0.5 zooms in with bilinear blending', () => {
    const x = ramp(5, 5); // centre (2, 2)
    const out = applyAffine(x, [5, 5, 1], { zx: 2, zy: 2 }, { fillMode: 'constant', cval: -1 });
    expect(out[2 * 5 + 2]).toBe(22); // centre fixed
    expect(out[1 * 5 + 1]).toBe(0); // (1,1) samples (0,0)
    expect(out[3 * 5 + 3]).toBe(44); // (3,3) samples (4,4)
    expect(out[1 * 5 + 3]).toBe(4); // (1,3) samples (0,4)
    expect(out[0]).toBe(-1); // (0,0) samples (-2,-2)
    const zin = applyAffine(x, [5, 5, 1], { zx: 0.5, zy: 0.5 });
    expect(zin[0]).toBe(11); // (0,0) samples (1,1)
    expect(zin[1 * 5 + 1]).toBeCloseTo((11 + 12 + 21 + 22) / 4, 12); // samples (1.5,1.5)
    expect(zin[2 * 5 + 2]).toBe(22);
  });

  it('flips the columns after the warp', () => {
    const x = ramp(2, 4);
    expect(Array.from(applyAffine(x, [2, 4, 1], { flipHorizontal: true }))).toEqual([
      3, 2, 1, 0, 13, 12, 11, 10,
    ]);
    const shifted = applyAffine(
      x,
      [2, 4, 1],
      { ty: 1, flipHorizontal: true },
      { fillMode: 'constant', cval: 9 },
    );
    // warp first (out[r][c] = in[r][c + 1], column 3 -> cval), then mirror.
    expect(Array.from(shifted)).toEqual([9, 3, 2, 1, 9, 13, 12, 11]);
  });

  it('keeps the channels of a pixel together (HWC)', () => {
    const x = new Float32Array([1, 100, 2, 200, 3, 300]); // 1×3×2
    const y = applyAffine(x, [1, 3, 2], { ty: 1 }, { fillMode: 'nearest' });
    expect(Array.from(y)).toEqual([2, 200, 3, 300, 3, 300]);
  });
});

describe('fill modes (1×4 row [0, 10, 20, 35], scipy order=1 semantics)', () => {
  const row = new Float32Array([0, 10, 20, 35]);
  const shape: ImageShape = [1, 4, 1];
  // out[c] samples column c + ty.
  const cases: Record<FillMode, [number[], number[]]> = {
    // ty = +1.5 -> 1.5, 2.5, 3.5, 4.5        ty = -1.5 -> -1.5, -0.5, 0.5, 1.5
    nearest: [
      [15, 27.5, 35, 35],
      [0, 0, 5, 15],
    ],
    constant: [
      [15, 27.5, -9, -9],
      [-9, -9, 5, 15],
    ],
    // half-sample symmetric: 3.5 -> between 35 and its mirror 35; 4.5 -> 2.5; -1.5 -> 0.5; -0.5 -> 0
    reflect: [
      [15, 27.5, 35, 27.5],
      [5, 0, 5, 15],
    ],
    // scipy 'wrap' has period len - 1 = 3: 3.5 -> 0.5, 4.5 -> 1.5, -1.5 -> 1.5, -0.5 -> 2.5
    wrap: [
      [15, 27.5, 5, 15],
      [15, 27.5, 5, 15],
    ],
  };
  for (const mode of MODES) {
    it(mode, () => {
      const [right, left] = cases[mode];
      expect(
        Array.from(applyAffine(row, shape, { ty: 1.5 }, { fillMode: mode, cval: -9 })),
      ).toEqual(right);
      expect(
        Array.from(applyAffine(row, shape, { ty: -1.5 }, { fillMode: mode, cval: -9 })),
      ).toEqual(left);
    });
  }

  it('constant does not blend with cval across the edge; a coordinate just outside is cval', () => {
    const m = [1, 0, 0, 0, 1, -1e-12];
    const y = warpAffine(row, shape, m, { fillMode: 'constant', cval: -9 });
    expect(y[0]).toBe(-9);
    expect(y[1]).toBeCloseTo(10, 9);
  });

  it('reflect and wrap repeat far away (several periods)', () => {
    // reflect has period 2·len = 8, wrap period len − 1 = 3.
    const far = (mode: FillMode, t: number) =>
      Array.from(applyAffine(row, shape, { ty: t }, { fillMode: mode }));
    expect(far('reflect', 16)).toEqual(far('reflect', 0));
    expect(far('reflect', -24)).toEqual(far('reflect', 0));
    expect(far('wrap', 9.25)).toEqual(far('wrap', 0.25));
  });
});

interface FixtureCase {
  shape: [number, number, number];
  params: Required<AffineParams>;
  fillMode: FillMode;
  cval: number;
  matrix: number[] | null;
  input: string;
  output: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/scipy-affine.json', import.meta.url), 'utf8'),
) as { scipy: string; cases: FixtureCase[] };

function decode(b64: string): Float32Array {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

describe(`agreement with Keras + scipy.ndimage.affine_transform (scipy ${fixture.scipy})`, () => {
  it(`matches all ${fixture.cases.length} reference outputs to 1e-4 per pixel`, () => {
    let worst = 0;
    const modes = new Set<string>();
    for (const c of fixture.cases) {
      const x = decode(c.input);
      const expected = decode(c.output);
      const y = applyAffine(x, c.shape, c.params, { fillMode: c.fillMode, cval: c.cval });
      const err = maxAbsDiff(y, expected);
      worst = Math.max(worst, err);
      modes.add(c.fillMode);
      expect(err, `${c.fillMode} ${JSON.stringify(c.params)} ${c.shape}`).toBeLessThanOrEqual(1e-4);
    }
    expect(modes.size).toBe(4);
    // Both compute coordinates and sums in the same order, so in practice they agree exactly.
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it("builds Keras' matrices (to 1e-12 relative) and warps scipy's matrices the same way", () => {
    for (const c of fixture.cases) {
      if (!c.matrix) continue;
      const m = affineMatrix(c.params, c.shape[0], c.shape[1]);
      for (let i = 0; i < 6; i++) {
        expect(Math.abs(m[i] - c.matrix[i])).toBeLessThanOrEqual(
          1e-12 * Math.max(1, Math.abs(c.matrix[i])),
        );
      }
      const y = warpAffine(decode(c.input), c.shape, c.matrix, {
        fillMode: c.fillMode,
        cval: c.cval,
        flipHorizontal: c.params.flipHorizontal,
      });
      expect(maxAbsDiff(y, decode(c.output))).toBeLessThanOrEqual(1e-4);
    }
  });
});

describe('properties', () => {
  const shapeArb = fc.tuple(
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 3 }),
  );
  const modeArb = fc.constantFrom(...MODES);

  it('identity parameters leave any image unchanged; output length equals input length', () => {
    fc.assert(
      fc.property(shapeArb, modeArb, fc.integer(), ([h, w, c], fillMode, seed) => {
        const x = new Float32Array(h * w * c).map((_, i) => Math.fround(Math.sin(seed + i) * 100));
        const y = applyAffine(
          x,
          [h, w, c],
          { theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1 },
          { fillMode },
        );
        return y.length === x.length && y.every((v, i) => v === x[i]);
      }),
    );
  });

  it('a whole-pixel shift with nearest equals index clamping', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.integer({ min: -12, max: 12 }),
        fc.integer({ min: -12, max: 12 }),
        ([h, w, c], tx, ty) => {
          const x = new Float32Array(h * w * c).map((_, i) => i);
          const y = applyAffine(x, [h, w, c], { tx, ty });
          for (let r = 0; r < h; r++) {
            for (let col = 0; col < w; col++) {
              const sr = Math.min(h - 1, Math.max(0, r + tx));
              const sc = Math.min(w - 1, Math.max(0, col + ty));
              for (let k = 0; k < c; k++) {
                if (y[(r * w + col) * c + k] !== x[(sr * w + sc) * c + k]) return false;
              }
            }
          }
          return true;
        },
      ),
    );
  });

  it('bilinear output stays within [min, max] of the input (and cval for constant)', () => {
    fc.assert(
      fc.property(
        shapeArb,
        modeArb,
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        fc.double({ min: -20, max: 20, noNaN: true }),
        ([h, w, c], fillMode, theta, zx, ty) => {
          const x = new Float32Array(h * w * c).map((_, i) => (i * 37) % 101);
          const y = applyAffine(x, [h, w, c], { theta, zx, ty }, { fillMode, cval: 50 });
          return y.every((v) => v >= -1e-3 && v <= 100 + 1e-3);
        },
      ),
    );
  });

  it('writes into `out` when given and leaves the source untouched', () => {
    const x = ramp(5, 5);
    const copy = x.slice();
    const out = new Float32Array(25);
    const y = applyAffine(x, [5, 5, 1], { theta: 30 }, { out });
    expect(y).toBe(out);
    expect(x).toEqual(copy);
  });
});

describe('errors', () => {
  it('wrong buffer length, bad shapes, bad modes, bad matrices, in-place warps', () => {
    const x = new Float32Array(10);
    expect(() => applyAffine(x, [3, 3, 1], {})).toThrow(ShapeMismatchError);
    try {
      applyAffine(x, [3, 3, 1], {});
    } catch (e) {
      expect((e as ShapeMismatchError).code).toBe('SHAPE_MISMATCH');
      expect((e as Error).message).toMatch(/10 elements .* needs 9/);
    }
    expect(() => applyAffine(x, [0, 10, 1], {})).toThrow(InvalidShapeError);
    expect(() => applyAffine(x, [2.5, 4, 1], {})).toThrow(InvalidShapeError);
    expect(() => applyAffine(x, [2, 5, 1], {}, { fillMode: 'mirror' as FillMode })).toThrow(
      InvalidArgumentError,
    );
    expect(() => applyAffine(x, [2, 5, 1], { shear: Number.NaN })).toThrow(NonFiniteParameterError);
    expect(() => applyAffine(x, [2, 5, 1], {}, { cval: Number.NaN })).toThrow(
      NonFiniteParameterError,
    );
    expect(() => warpAffine(x, [2, 5, 1], [1, 0, 0, 0, 1])).toThrow(InvalidArgumentError);
    expect(() => warpAffine(x, [2, 5, 1], [1, 0, 0, 0, 1, 0], { out: x })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      warpAffine(x, [2, 5, 1], [1, 0, 0, 0, 1, 0], { out: new Float32Array(3) }),
    ).toThrow(ShapeMismatchError);
  });
});

/**
 * A slow, literal transcription of scipy's NI_GeometricTransform for order = 1 (per pixel: exact
 * coordinates, map_coordinate, taps mapped back inside), to check the fast kernels' interior/border
 * split on arbitrary matrices.
 */
function scipyReference(
  src: Float32Array,
  [h, w, ch]: readonly number[],
  m: readonly number[],
  mode: FillMode,
  cval: number,
  flip: boolean,
): Float32Array {
  const map = (v: number, len: number): number => {
    if (v >= 0 && v <= len - 1) return v;
    if (mode === 'constant') return -1;
    if (len <= 1) return 0;
    if (mode === 'nearest') return v < 0 ? 0 : len - 1;
    // The out-of-range folds are the kernels' own (one transcription of scipy's map_coordinate,
    // checked against scipy's outputs by the fixture test above); what this reference checks is the
    // kernels' interior/border split and their taps.
    return mode === 'wrap' ? wrapCoord(v, len) : reflectCoord(v, len);
  };
  const tap = (i: number, len: number) => Math.min(Math.max(i, 0), len - 1);
  const out = new Float32Array(src.length);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const y = map(r * m[0] + c * m[1] + m[2], h);
      const x = map(r * m[3] + c * m[4] + m[5], w);
      const oc = flip ? w - 1 - c : c;
      for (let k = 0; k < ch; k++) {
        let t = cval;
        if (y > -1 && x > -1) {
          const y0 = Math.floor(y);
          const x0 = Math.floor(x);
          const wy = [1 - (y - y0), 0];
          wy[1] = 1 - wy[0];
          const wx = [1 - (x - x0), 0];
          wx[1] = 1 - wx[0];
          t = 0;
          for (let i = 0; i < 2; i++) {
            for (let j = 0; j < 2; j++) {
              t += src[(tap(y0 + i, h) * w + tap(x0 + j, w)) * ch + k] * wy[i] * wx[j];
            }
          }
        }
        out[(r * w + oc) * ch + k] = t;
      }
    }
  }
  return out;
}

describe('fast kernels against a literal transcription of scipy', () => {
  it('agree to 1e-4 on random matrices, shapes (incl. 1×300 rows), modes and flips', () => {
    const shapes = fc.oneof(
      fc.tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
      ),
      fc.constantFrom(
        [1, 300, 1] as [number, number, number],
        [300, 1, 1] as [number, number, number],
        [28, 28, 1] as [number, number, number],
      ),
    );
    const coef = fc.double({ min: -3, max: 3, noNaN: true });
    const off = fc.double({ min: -40, max: 40, noNaN: true });
    fc.assert(
      fc.property(
        shapes,
        fc.tuple(coef, coef, off, coef, coef, off),
        fc.constantFrom(...MODES),
        fc.boolean(),
        fc.integer(),
        ([h, w, c], m, fillMode, flipHorizontal, seed) => {
          const x = new Float32Array(h * w * c).map(
            (_, i) => Math.fround(((seed ^ (i * 2654435761)) >>> 0) % 1000) / 4,
          );
          const fast = warpAffine(x, [h, w, c], m, { fillMode, cval: -7, flipHorizontal });
          const slow = scipyReference(x, [h, w, c], m, fillMode, -7, flipHorizontal);
          return maxAbsDiff(fast, slow) <= 1e-4;
        },
      ),
      { numRuns: 400 },
    );
  });

  it('agree on near-identity matrices whose points sit on pixel edges (the split boundaries)', () => {
    for (const fillMode of MODES) {
      for (const m of [
        [1, 0, 0, 0, 1, 1e-15],
        [1, 0, -1e-15, 0, 1, 0],
        [1, 1e-16, 0, -1e-16, 1, 0],
        [Math.cos(Math.PI / 2), -1, 27, 1, Math.cos(Math.PI / 2), 0],
        [1, 0, 0.5, 0, 1, -0.5],
      ]) {
        const x = ramp(28, 28);
        const fast = warpAffine(x, [28, 28, 1], m, { fillMode, cval: -7 });
        expect(
          maxAbsDiff(fast, scipyReference(x, [28, 28, 1], m, fillMode, -7, false)),
        ).toBeLessThanOrEqual(1e-4);
      }
    }
  });
});
