import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (in place).
 * `a` is n × n row-major; returns the eigenvalues and the eigenvectors as columns of `v`.
 */
export function jacobiEigen(a: Float64Array, n: number): { values: Float64Array; v: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  const tol = 1e-30 * norm;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= tol) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, v };
}

/**
 * Eigen-decomposition of a symmetric tridiagonal matrix by the implicit QL algorithm (after JAMA's
 * `tql2`, public domain). `diag` (n) and `off` (n; off[i] = T[i][i+1], off[n-1] ignored) are
 * overwritten; returns the eigenvalues (in `diag`) and the eigenvectors as columns of `v` (n × n).
 */
export function tridiagonalEigen(
  diag: Float64Array,
  off: Float64Array,
  n: number,
): { values: Float64Array; v: Float64Array } {
  const d = diag;
  const e = off;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) break;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = k * n;
            h = v[row + i + 1];
            v[row + i + 1] = s * v[row + i] + c * h;
            v[row + i] = c * v[row + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
  return { values: d, v };
}

/**
 * Orthonormalises the `p` columns of the d × p row-major matrix `q` in place (modified
 * Gram–Schmidt, twice). A column that vanishes becomes zero. Returns the number of non-zero columns.
 */
export function orthonormalizeColumns(q: Float64Array, d: number, p: number): number {
  let kept = 0;
  for (let j = 0; j < p; j++) {
    let n0 = 0;
    for (let i = 0; i < d; i++) n0 += q[i * p + j] * q[i * p + j];
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c < j; c++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += q[i * p + c] * q[i * p + j];
        if (dot !== 0) for (let i = 0; i < d; i++) q[i * p + j] -= dot * q[i * p + c];
      }
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += q[i * p + j] * q[i * p + j];
    if (nrm <= 1e-20 * n0 || nrm === 0) {
      for (let i = 0; i < d; i++) q[i * p + j] = 0;
      continue;
    }
    const inv = 1 / Math.sqrt(nrm);
    for (let i = 0; i < d; i++) q[i * p + j] *= inv;
    kept++;
  }
  return kept;
}

/**
 * The leading `p` eigenvectors of a symmetric d × d matrix `c` (row-major, `ld` values per row),
 * as the columns of a d × p row-major matrix with orthonormal (or zero) columns, by Lanczos with full
 * re-orthogonalisation (or Jacobi on the whole matrix when d is small). The start vector is drawn
 * from `seed`. Any orthonormal basis keeps the search exact; a better one only prunes more.
 */
export function leadingEigenvectors(options: {
  /** The symmetric matrix, row-major (used directly for d ≤ 160; else through `matvec` if given). */
  c: Float64Array;
  /** Values per row of `c`. */
  ld: number;
  d: number;
  /** Eigenvectors wanted. */
  p: number;
  seed: number;
  /** y = c·x, when `c` is held elsewhere (the Gram matrix in WebAssembly memory). */
  matvec?: (x: Float64Array, y: Float64Array) => void;
}): Float64Array {
  const { c, ld, d, seed, matvec } = options;
  const p = Math.min(options.p, d);
  const out = new Float64Array(d * p);
  if (d <= 160) {
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = c[i * ld + j];
    const { values, v } = jacobiEigen(a, d);
    const order = Array.from(values.keys()).sort((x, y) => values[y] - values[x]);
    for (let j = 0; j < p; j++) for (let i = 0; i < d; i++) out[i * p + j] = v[i * d + order[j]];
    orthonormalizeColumns(out, d, p);
    return out;
  }
  const steps = Math.min(d, p + 48);
  const qs = new Float64Array(steps * d); // Lanczos vectors as rows
  const alpha = new Float64Array(steps);
  const beta = new Float64Array(steps);
  const rng = xoroshiro128plus(seed);
  let nrm = 0;
  for (let i = 0; i < d; i++) {
    const r = uniformFloat64(rng) - 0.5;
    qs[i] = r;
    nrm += r * r;
  }
  for (let i = 0; i < d; i++) qs[i] /= Math.sqrt(nrm);
  const w = new Float64Array(d);
  let m = steps;
  for (let j = 0; j < steps; j++) {
    const qj = qs.subarray(j * d, (j + 1) * d);
    if (matvec) matvec(qj, w);
    else {
      for (let i = 0; i < d; i++) {
        let s = 0;
        const row = i * ld;
        for (let t = 0; t < d; t++) s += c[row + t] * qj[t];
        w[i] = s;
      }
    }
    let a = 0;
    for (let i = 0; i < d; i++) a += w[i] * qj[i];
    alpha[j] = a;
    // Full re-orthogonalisation against every previous vector, twice.
    for (let pass = 0; pass < 2; pass++) {
      for (let t = 0; t <= j; t++) {
        const qt = qs.subarray(t * d, (t + 1) * d);
        let dot = 0;
        for (let i = 0; i < d; i++) dot += w[i] * qt[i];
        for (let i = 0; i < d; i++) w[i] -= dot * qt[i];
      }
    }
    let b = 0;
    for (let i = 0; i < d; i++) b += w[i] * w[i];
    b = Math.sqrt(b);
    if (j + 1 === steps) break;
    if (b < 1e-12 * Math.abs(alpha[0]) || b === 0) {
      m = j + 1;
      break;
    }
    beta[j] = b;
    const next = qs.subarray((j + 1) * d, (j + 2) * d);
    for (let i = 0; i < d; i++) next[i] = w[i] / b;
  }
  // Rayleigh–Ritz on the Krylov basis: T = Qᵀ C Q is tridiagonal (alpha, beta).
  const { values, v } = tridiagonalEigen(alpha.slice(0, m), beta.slice(0, m), m);
  const order = Array.from(values.keys()).sort((x, y) => values[y] - values[x]);
  const cols = Math.min(p, m);
  for (let j = 0; j < cols; j++) {
    const e = order[j];
    for (let s = 0; s < m; s++) {
      const coef = v[s * m + e];
      if (coef === 0) continue;
      const qsRow = s * d;
      for (let i = 0; i < d; i++) out[i * p + j] += coef * qs[qsRow + i];
    }
  }
  orthonormalizeColumns(out, d, p);
  return out;
}
