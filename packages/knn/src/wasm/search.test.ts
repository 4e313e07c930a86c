import { describe, expect, it } from 'vitest';
import { jobBounds } from './search.js';

describe('jobBounds', () => {
  it('covers every query row once, small jobs first, none above jobRows', () => {
    for (const [rows, jobRows, threads] of [
      [2000, 128, 2],
      [10, 128, 4],
      [1, 64, 1],
      [777, 32, 3],
    ] as const) {
      const b = jobBounds(rows, jobRows, threads);
      expect(b[0]).toBe(0);
      expect(b.at(-1)).toBe(rows);
      const sizes = b.slice(1).map((q, i) => q - b[i]);
      expect(Math.min(...sizes)).toBeGreaterThan(0);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(jobRows);
      // non-decreasing up to the last (partial) job, starting small
      expect(sizes[0]).toBeLessThanOrEqual(4);
      for (let i = 1; i < sizes.length - 1; i++)
        expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1]);
    }
    expect(jobBounds(2000, 128, 2).slice(0, 6)).toEqual([0, 4, 8, 16, 24, 40]);
  });
});
