import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { InvalidArgumentError, NonFiniteParameterError } from './errors.js';

/**
 * The one seedable pseudo-random source used by everything in this package: xoroshiro128+ from
 * `pure-rand`, with the uniform helpers the augmentations need. It is mutable (each call advances
 * it); the same seed gives the same sequence, bit for bit, on every platform.
 */
export interface Rng {
  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number;
  /** A uniform float in [low, high), computed as `low + (high - low) * float()` (as numpy does). */
  uniform(low: number, high: number): number;
  /** A uniform integer in [low, high], both included (unbiased, by rejection). */
  int(low: number, high: number): number;
  /** A raw 32-bit signed integer from the generator. */
  nextInt32(): number;
  /** An independent copy in the same state (draws from it do not advance this one). */
  clone(): Rng;
  /**
   * A new generator 2^64 draws ahead of this one (xoroshiro128+ jump): use it for a sub-stream
   * that must not overlap this one. This generator is left unchanged.
   */
  split(): Rng;
  /** The 128-bit state as four 32-bit integers; `createRng(state)` resumes from it. */
  getState(): readonly number[];
}

class XoroRng implements Rng {
  constructor(private readonly g: RandomGenerator & { jump?: () => void }) {}
  float(): number {
    return uniformFloat64(this.g);
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * uniformFloat64(this.g);
  }
  int(low: number, high: number): number {
    return uniformInt(this.g, low, high);
  }
  nextInt32(): number {
    return this.g.next();
  }
  clone(): Rng {
    return new XoroRng(this.g.clone());
  }
  split(): Rng {
    const g = xoroshiro128plusFromState(this.g.getState());
    g.jump();
    return new XoroRng(g);
  }
  getState(): readonly number[] {
    return this.g.getState();
  }
}

/**
 * murmur3's 32-bit finaliser (`fmix32`): a bijection on 32-bit integers that spreads every input bit
 * over every output bit, so nearby inputs (seeds 1, 2, 3...) give unrelated outputs. `createRng`
 * hashes its seed with it; use it to derive seeds of sub-streams the same way.
 *
 * @param h - Any number; its low 32 bits are used.
 * @returns The hash as an unsigned 32-bit integer (0 ..< 2³²); `fmix32(h) | 0` is the same 32 bits
 *   as a signed integer.
 * @example
 * ```ts
 * fmix32(1); // 1364076727
 * const seed = fmix32(runSeed ^ 0x9e3779b9) & 0x7fffffff; // a 31-bit seed
 * ```
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Create the package's seeded generator.
 *
 * @param seed - An integer (its low 32 bits are used; nearby seeds give unrelated streams, since the
 *   seed is hashed into the 128-bit state), or a state from {@link Rng.getState} to resume from.
 * @throws {@link NonFiniteParameterError} or {@link InvalidArgumentError} for a bad seed.
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(-10, 10); // same value on every run
 * ```
 */
export function createRng(seed: number | readonly number[]): Rng {
  if (typeof seed !== 'number') {
    if (seed.length !== 4 || seed.some((s) => !Number.isInteger(s))) {
      throw new InvalidArgumentError({
        parameter: 'seed',
        value: `[${seed.join(', ')}]`,
        expected: 'a state of four integers',
      });
    }
    return new XoroRng(xoroshiro128plusFromState(seed));
  }
  if (!Number.isFinite(seed)) throw new NonFiniteParameterError({ parameter: 'seed', value: seed });
  if (!Number.isInteger(seed))
    throw new InvalidArgumentError({ parameter: 'seed', value: seed, expected: 'an integer' });
  const s = seed | 0;
  // Signed words, as the generator keeps them.
  const state = [
    fmix32(s ^ 0x9e3779b9) | 0,
    fmix32(s + 0x7f4a7c15) | 0,
    fmix32(s ^ 0x3c6ef372) | 0,
    fmix32(s - 0x61c88647) | 0,
  ];
  // An all-zero state would be a fixed point; it cannot come out of the hash above for all four
  // words at once, but stay safe.
  if (state.every((v) => v === 0)) return new XoroRng(xoroshiro128plus(s));
  return new XoroRng(xoroshiro128plusFromState(state));
}
