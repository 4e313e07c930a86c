import { describe, expect, it } from 'vitest';
import {
  jacobiEigen,
  leadingEigenvectors,
  orthonormalizeColumns,
  tridiagonalEigen,
} from './pca.js';

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('principal components', () => {
  it('tridiagonal QL agrees with Jacobi', () => {
    const rnd = lcg(1);
    const n = 40;
    const d = Float64Array.from({ length: n }, rnd);
    const e = Float64Array.from({ length: n }, rnd);
    const full = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      full[i * n + i] = d[i];
      if (i + 1 < n) full[i * n + i + 1] = full[(i + 1) * n + i] = e[i];
    }
    const a = Array.from(tridiagonalEigen(d.slice(), e.slice(), n).values).sort((x, y) => x - y);
    const b = Array.from(jacobiEigen(full, n).values).sort((x, y) => x - y);
    for (let i = 0; i < n; i++) expect(a[i]).toBeCloseTo(b[i], 12);
  });

  for (const d of [30, 300]) {
    it(`leading eigenvectors of a ${d}×${d} covariance: orthonormal, A v = λ v (${d <= 160 ? 'Jacobi' : 'Lanczos'})`, () => {
      const rnd = lcg(d);
      const r = 20;
      const u = Float64Array.from({ length: d * r }, rnd);
      const a = new Float64Array(d * d);
      for (let k = 0; k < r; k++) {
        const w = 1 / (1 + k);
        for (let i = 0; i < d; i++)
          for (let j = 0; j < d; j++) a[i * d + j] += w * u[i * r + k] * u[j * r + k];
      }
      const p = 12;
      const v = leadingEigenvectors({ c: a, ld: d, d, p, seed: 7 });
      for (let x = 0; x < p; x++) {
        for (let y = 0; y <= x; y++) {
          let s = 0;
          for (let i = 0; i < d; i++) s += v[i * p + x] * v[i * p + y];
          expect(Math.abs(s - (x === y ? 1 : 0))).toBeLessThan(1e-12);
        }
        let lam = 0;
        const av = new Float64Array(d);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) av[i] += a[i * d + j] * v[j * p + x];
          lam += av[i] * v[i * p + x];
        }
        let res = 0;
        for (let i = 0; i < d; i++) res += (av[i] - lam * v[i * p + x]) ** 2;
        expect(Math.sqrt(res) / lam).toBeLessThan(1e-8);
      }
    });
  }

  it('orthonormalizeColumns zeroes a dependent column', () => {
    const q = Float64Array.from([1, 2, 0, 0, 0, 0]); // 3 × 2: columns (1,0,0) and (2,0,0)
    expect(orthonormalizeColumns(q, 3, 2)).toBe(1);
    expect(Array.from(q)).toEqual([1, 0, 0, 0, 0, 0]);
  });
});
