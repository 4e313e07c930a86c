import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NonFiniteParameterError } from './errors.js';
import { createRng, fmix32 } from './rng.js';

function draw(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.float());
}

describe('createRng', () => {
  it('gives the same sequence for the same seed, bit for bit', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
  });

  it('gives unrelated sequences for nearby seeds (the seed is hashed into the state)', () => {
    const a = draw(1, 1000);
    const b = draw(2, 1000);
    expect(a[0]).not.toBe(b[0]);
    // The first draws of consecutive seeds are spread over [0, 1), not clustered.
    const firsts = Array.from({ length: 200 }, (_, s) => draw(s, 1)[0]);
    const mean = firsts.reduce((x, y) => x + y, 0) / firsts.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1);
    const corr = a.reduce((acc, v, i) => acc + (v - 0.5) * (b[i] - 0.5), 0) / (1000 / 12);
    expect(Math.abs(corr)).toBeLessThan(0.15);
  });

  it('draws floats in [0, 1), uniform(low, high) in range, int inclusive and unbiased', () => {
    const rng = createRng(7);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) {
      const f = rng.float();
      expect(f >= 0 && f < 1).toBe(true);
      const u = rng.uniform(-3, 5);
      expect(u >= -3 && u < 5).toBe(true);
      const k = rng.int(1, 6);
      counts[k - 1]++;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // ~5 sigma
  });

  it('resumes from getState, clones independently, and splits into a different stream', () => {
    const rng = createRng(3);
    rng.float();
    const state = rng.getState();
    const clone = rng.clone();
    const next = rng.float();
    expect(createRng(state).float()).toBe(next);
    expect(clone.float()).toBe(next);
    const split = createRng(3).split();
    expect(split.float()).not.toBe(createRng(3).float());
  });

  it('rejects bad seeds with typed errors', () => {
    expect(() => createRng(Number.NaN)).toThrow(NonFiniteParameterError);
    expect(() => createRng(1.5)).toThrow(InvalidArgumentError);
    expect(() => createRng([1, 2, 3])).toThrow(InvalidArgumentError);
    try {
      createRng(Number.POSITIVE_INFINITY);
    } catch (e) {
      expect((e as NonFiniteParameterError).code).toBe('NON_FINITE_PARAMETER');
    }
  });
});

describe('fmix32', () => {
  it("is murmur3's finaliser, unsigned, on the low 32 bits of its input", () => {
    // Reference values of murmur3's fmix32 (uint32).
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(1364076727);
    expect(fmix32(-1)).toBe(2180083513);
    expect(fmix32(42)).toBe(142593372);
    expect(fmix32(2 ** 32 + 1)).toBe(fmix32(1));
    for (let i = 0; i < 1000; i++) {
      const v = fmix32(i * 7919);
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    }
  });

  it('seeds createRng as before (state words are the signed view)', () => {
    // First draws recorded with the previous (signed) finaliser.
    expect(createRng(42).nextInt32()).toBe(762642086);
    expect(createRng(0).nextInt32()).toBe(-561304839);
    expect(createRng(1).nextInt32()).toBe(-1829148966);
  });
});
