// AssemblyScript source of the WebAssembly SIMD kernels of `@fmnist/knn`.
//
// Build: `pnpm --filter @fmnist/knn run build:wasm` (scripts/build-wasm.ts), which writes
// src/wasm/kernels.generated.ts. Nothing here allocates: the host (src/wasm/runtime.ts) lays out
// linear memory and passes byte offsets. Two structures are passed by pointer:
//   - the model context (read-only while predicting), i32 slots at +4*i, f64 slots at +256+8*i;
//   - a work context (one per thread), same convention.
// The slot numbers are mirrored in src/wasm/layout.ts; keep both in sync.
//
// Exactness: distances on uint8 rows are computed with integer arithmetic (exact); on float32 rows
// with a sequential float64 loop identical to a naive JavaScript loop (bit-identical results).
// Lower bounds are float32 and are only ever used to skip rows whose bound, inflated by a safety
// margin that covers every rounding error, exceeds the current k-th distance.

// ---- model context slots (i32) ----
const M_N: i32 = 0;
const M_D: i32 = 1;
const M_STRIDE: i32 = 2;
const M_U8: i32 = 3;
const M_METRIC: i32 = 4;
const M_TRAIN: i32 = 5;
const M_NORMS: i32 = 6;
const M_NBLOCKS: i32 = 7;
const M_BLOCKS: i32 = 8;
const M_COORDS: i32 = 9;
const M_MEAN: i32 = 10;
const M_BASIS: i32 = 11;
const M_NORMALIZE: i32 = 12;
const M_TNORM: i32 = 13;
/** int32 per stored row: its index in the caller's training set (rows are stored in a locality order). */
const M_ORIG: i32 = 14;
/** float32 per stored row (+ 4 padding entries): ‖t‖² (sqeuclidean) or 1/‖t‖ (cosine), matmul engine. */
const M_TAUX: i32 = 15;
/** int16 training rows quantised as round(t / s), s = MF_S16 (sqeuclidean matmul); 0 when absent. */
const M_T16: i32 = 16;
// ---- model context slots (f64) ----
const MF_MAXNORM: i32 = 0;
const MF_MARGIN_REL: i32 = 1;
const MF_EPS: i32 = 2;
const MF_LBSCALE: i32 = 3;
const MF_MARGIN_ABS: i32 = 4;
/** max ‖t‖ over the training rows (matmul engine). */
const MF_TMAX: i32 = 5;
/** The int16 rows' scale s (t ≈ s·T, |T| ≤ 1023) and max ‖T‖₁ over the rows. */
const MF_S16: i32 = 6;
const MF_T1MAX: i32 = 7;

// ---- work context slots (i32) ----
const W_K: i32 = 0;
const W_T: i32 = 1;
const W_Q: i32 = 2;
const W_OUT_IDX: i32 = 3;
const W_OUT_DIST: i32 = 4;
const W_LB: i32 = 5;
const W_MARK: i32 = 6;
const W_HEAP_D: i32 = 7;
const W_HEAP_I: i32 = 8;
const W_SEL_V: i32 = 9;
const W_SEL_I: i32 = 10;
const W_QS: i32 = 11;
const W_QC: i32 = 12;
const W_XT: i32 = 13;
const W_PROJ: i32 = 14;
const W_STAT_EXACT: i32 = 15;
const W_STAT_LB1PASS: i32 = 16;
const W_BLOCK_ROWS: i32 = 17;
const W_QU8: i32 = 18;
const W_CAND_I: i32 = 19;
const W_CAND_V: i32 = 20;
const W_SINK: i32 = 21;
// matmul engine (per job of queries): float32 ‖q‖² or 1/‖q‖, float64 ‖q‖, float32 margins and
// thresholds, the k smallest approximate values, candidate rows and values, candidate counts.
const W_G_QAUX: i32 = 22;
const W_G_QN: i32 = 23;
const W_G_MARGIN: i32 = 24;
const W_G_THR: i32 = 25;
const W_G_KTH: i32 = 26;
const W_G_CI: i32 = 27;
const W_G_CV: i32 = 28;
const W_G_COUNT: i32 = 29;
const W_G_CAP: i32 = 30;
const W_G_TB: i32 = 31;
const W_G_ZERO: i32 = 32;
const W_G_SCRATCH: i32 = 33;
// int16 queries of the job (rows of ((d + 7) & ~7) values), and s_q·s per query (f32).
const W_G_Q16: i32 = 34;
const W_G_QSC: i32 = 35;

const METRIC_SQEUCLIDEAN: i32 = 0;
const METRIC_MANHATTAN: i32 = 1;
const METRIC_COSINE: i32 = 2;

/** Number of coordinates of the first (all-rows) bound: 15 principal components + residual norm. */
const D1: i32 = 16;
/** Number of coordinates of the second bound: 63 principal components + residual norm. */
const D2: i32 = 64;

@inline function gi(ctx: usize, slot: i32): i32 {
  return load<i32>(ctx + (<usize>slot << 2));
}
@inline function gp(ctx: usize, slot: i32): usize {
  return <usize>load<i32>(ctx + (<usize>slot << 2));
}
@inline function si(ctx: usize, slot: i32, v: i32): void {
  store<i32>(ctx + (<usize>slot << 2), v);
}
@inline function gf(ctx: usize, slot: i32): f64 {
  return load<f64>(ctx + 256 + (<usize>slot << 3));
}

@inline function hsumI32(v: v128): i32 {
  return (
    i32x4.extract_lane(v, 0) +
    i32x4.extract_lane(v, 1) +
    i32x4.extract_lane(v, 2) +
    i32x4.extract_lane(v, 3)
  );
}

// ---------------------------------------------------------------------------------------------
// Exact distances
// ---------------------------------------------------------------------------------------------

/** Σ (a_i − b_i)² over uint8 rows padded with zeros to `len` bytes (a multiple of 16). Exact. */
export function sqU8(a: usize, b: usize, len: i32): i32 {
  let acc0 = i32x4.splat(0);
  let acc1 = i32x4.splat(0);
  for (let i = 0; i < len; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    const lo = i16x8.sub(i16x8.extend_low_i8x16_u(x), i16x8.extend_low_i8x16_u(y));
    const hi = i16x8.sub(i16x8.extend_high_i8x16_u(x), i16x8.extend_high_i8x16_u(y));
    acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(lo, lo));
    acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(hi, hi));
  }
  return hsumI32(i32x4.add(acc0, acc1));
}

/**
 * sqU8 of one query row against 4 training rows at once (their loads overlap in the memory
 * system, which is what the pruned search waits on). Results go to out[0..4) as int32.
 */
export function sqU8x4(q: usize, r0: usize, r1: usize, r2: usize, r3: usize, len: i32, out: usize): void {
  let a0 = i32x4.splat(0);
  let a1 = i32x4.splat(0);
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  for (let i = 0; i < len; i += 16) {
    const o = <usize>i;
    const x = v128.load(q + o);
    const xl = i16x8.extend_low_i8x16_u(x);
    const xh = i16x8.extend_high_i8x16_u(x);
    const y0 = v128.load(r0 + o);
    const y1 = v128.load(r1 + o);
    const y2 = v128.load(r2 + o);
    const y3 = v128.load(r3 + o);
    let l = i16x8.sub(xl, i16x8.extend_low_i8x16_u(y0));
    let h = i16x8.sub(xh, i16x8.extend_high_i8x16_u(y0));
    a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
    l = i16x8.sub(xl, i16x8.extend_low_i8x16_u(y1));
    h = i16x8.sub(xh, i16x8.extend_high_i8x16_u(y1));
    a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
    l = i16x8.sub(xl, i16x8.extend_low_i8x16_u(y2));
    h = i16x8.sub(xh, i16x8.extend_high_i8x16_u(y2));
    a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
    l = i16x8.sub(xl, i16x8.extend_low_i8x16_u(y3));
    h = i16x8.sub(xh, i16x8.extend_high_i8x16_u(y3));
    a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
  }
  store<i32>(out, hsumI32(a0));
  store<i32>(out, hsumI32(a1), 4);
  store<i32>(out, hsumI32(a2), 8);
  store<i32>(out, hsumI32(a3), 12);
}

/** Σ |a_i − b_i| over padded uint8 rows. Exact. */
export function l1U8(a: usize, b: usize, len: i32): i32 {
  let acc = i32x4.splat(0);
  for (let i = 0; i < len; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    const ad = v128.or(i8x16.sub_sat_u(x, y), i8x16.sub_sat_u(y, x));
    acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(ad)));
  }
  return hsumI32(acc);
}

/** Σ a_i b_i over padded uint8 rows. Exact (fits in int32 for rows up to 33,025 values). */
export function dotU8(a: usize, b: usize, len: i32): i32 {
  let acc0 = i32x4.splat(0);
  let acc1 = i32x4.splat(0);
  for (let i = 0; i < len; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    acc0 = i32x4.add(acc0, i32x4.extadd_pairwise_i16x8_u(i16x8.extmul_low_i8x16_u(x, y)));
    acc1 = i32x4.add(acc1, i32x4.extadd_pairwise_i16x8_u(i16x8.extmul_high_i8x16_u(x, y)));
  }
  return hsumI32(i32x4.add(acc0, acc1));
}

/** Σ (a_i − b_i)² over float32 rows, accumulated in float64 in index order. */
export function sqF32(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    const t = <f64>load<f32>(a + (<usize>i << 2)) - <f64>load<f32>(b + (<usize>i << 2));
    s += t * t;
  }
  return s;
}

/**
 * sqF32 of one query row against 4 training rows at once: four independent float64 sums, each in
 * index order (bit-identical to sqF32), so the additions' latencies overlap. Results: out[0..4) f64.
 */
export function sqF32x4(q: usize, r0: usize, r1: usize, r2: usize, r3: usize, d: i32, out: usize): void {
  let s0: f64 = 0;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  for (let i = 0; i < d; i++) {
    const o = <usize>i << 2;
    const x = <f64>load<f32>(q + o);
    const t0 = x - <f64>load<f32>(r0 + o);
    const t1 = x - <f64>load<f32>(r1 + o);
    const t2 = x - <f64>load<f32>(r2 + o);
    const t3 = x - <f64>load<f32>(r3 + o);
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  store<f64>(out, s0);
  store<f64>(out, s1, 8);
  store<f64>(out, s2, 16);
  store<f64>(out, s3, 24);
}

/** Σ |a_i − b_i| over float32 rows, float64 in index order. */
export function l1F32(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    s += Math.abs(<f64>load<f32>(a + (<usize>i << 2)) - <f64>load<f32>(b + (<usize>i << 2)));
  }
  return s;
}

/** Σ a_i b_i over float32 rows, float64 in index order. */
export function dotF32(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    s += <f64>load<f32>(a + (<usize>i << 2)) * <f64>load<f32>(b + (<usize>i << 2));
  }
  return s;
}

/** Σ (a_i − b_i)² for a float32 query row `a` and a uint8 training row `b`, float64 in index order. */
export function sqF32U8(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    const t = <f64>load<f32>(a + (<usize>i << 2)) - <f64>load<u8>(b + <usize>i);
    s += t * t;
  }
  return s;
}

/** Σ |a_i − b_i|, float32 query, uint8 training row. */
export function l1F32U8(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    s += Math.abs(<f64>load<f32>(a + (<usize>i << 2)) - <f64>load<u8>(b + <usize>i));
  }
  return s;
}

/** Σ a_i b_i, float32 query, uint8 training row. */
export function dotF32U8(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    s += <f64>load<f32>(a + (<usize>i << 2)) * <f64>load<u8>(b + <usize>i);
  }
  return s;
}

/** sqrt(Σ a_i²), float64 in index order (the cosine metric's norm). */
export function normRow(a: usize, d: i32, isU8: i32): f64 {
  let s: f64 = 0;
  if (isU8) {
    for (let i = 0; i < d; i++) {
      const v = <f64>load<u8>(a + <usize>i);
      s += v * v;
    }
  } else {
    for (let i = 0; i < d; i++) {
      const v = <f64>load<f32>(a + (<usize>i << 2));
      s += v * v;
    }
  }
  return Math.sqrt(s);
}

/**
 * The metric's exact distance between a query row (uint8 when `qU8`, else float32) and training
 * row `j`.
 */
@inline function exactDist(model: usize, q: usize, qU8: i32, qNorm: f64, j: i32): f64 {
  const metric = gi(model, M_METRIC);
  const stride = gi(model, M_STRIDE);
  const row = gp(model, M_TRAIN) + <usize>j * <usize>stride;
  const d = gi(model, M_D);
  let dot: f64 = 0;
  if (gi(model, M_U8)) {
    if (qU8) {
      if (metric == METRIC_SQEUCLIDEAN) return <f64>sqU8(q, row, stride);
      if (metric == METRIC_MANHATTAN) return <f64>l1U8(q, row, stride);
      dot = <f64>dotU8(q, row, stride);
    } else {
      if (metric == METRIC_SQEUCLIDEAN) return sqF32U8(q, row, d);
      if (metric == METRIC_MANHATTAN) return l1F32U8(q, row, d);
      dot = dotF32U8(q, row, d);
    }
  } else {
    if (metric == METRIC_SQEUCLIDEAN) return sqF32(q, row, d);
    if (metric == METRIC_MANHATTAN) return l1F32(q, row, d);
    dot = dotF32(q, row, d);
  }
  const rn = load<f64>(gp(model, M_NORMS) + (<usize>j << 3));
  if (qNorm == 0 || rn == 0) return 1.0;
  // Clipped to [0, 2] as scikit-learn's cosine_distances does (rounding can leave 1 − cos at −2e-16).
  return min(2.0, max(0.0, 1.0 - dot / (qNorm * rn)));
}

// ---------------------------------------------------------------------------------------------
// Sorted top-k buffer, ascending by (distance, index)
// ---------------------------------------------------------------------------------------------

/**
 * Inserts stored row `j` at distance `d` into the sorted arrays (hd, hi) holding `count` of at most
 * `k`, ordered by (distance, caller's row index); `hi` receives the caller's index orig[j].
 * Returns the new count.
 */
@inline function topkInsert(hd: usize, hi: usize, k: i32, count: i32, d: f64, j: i32, orig: usize): i32 {
  let pos = count;
  if (count == k) {
    const wd = load<f64>(hd + (<usize>(k - 1) << 3));
    if (d > wd) return count;
    const oj = load<i32>(orig + (<usize>j << 2));
    if (d == wd && oj >= load<i32>(hi + (<usize>(k - 1) << 2))) return count;
    pos = k - 1;
    return topkPlace(hd, hi, pos, d, oj, count);
  }
  return topkPlace(hd, hi, pos, d, load<i32>(orig + (<usize>j << 2)), count + 1);
}

@inline function topkPlace(hd: usize, hi: usize, pos: i32, d: f64, oj: i32, count: i32): i32 {
  while (pos > 0) {
    const pd = load<f64>(hd + (<usize>(pos - 1) << 3));
    const pi = load<i32>(hi + (<usize>(pos - 1) << 2));
    if (d < pd || (d == pd && oj < pi)) {
      store<f64>(hd + (<usize>pos << 3), pd);
      store<i32>(hi + (<usize>pos << 2), pi);
      pos--;
    } else {
      break;
    }
  }
  store<f64>(hd + (<usize>pos << 3), d);
  store<i32>(hi + (<usize>pos << 2), oj);
  return count;
}

// ---------------------------------------------------------------------------------------------
// Brute force: every query of [q0, q1) against every training row, rows in cache-sized blocks
// ---------------------------------------------------------------------------------------------

/**
 * Exact k nearest neighbours of queries q0..q1-1 (rows of the work context's query buffer) by
 * scanning all training rows. Results go to the output arrays at row (q - q0) * k... offset by
 * `outRow0` rows. Scratch: W_HEAP_D / W_HEAP_I must hold (q1 - q0) * k entries.
 */
export function bruteRange(model: usize, work: usize, q0: i32, q1: i32, outRow0: i32): void {
  const n = gi(model, M_N);
  const stride = gi(model, M_STRIDE);
  const metric = gi(model, M_METRIC);
  const d = gi(model, M_D);
  const k = gi(work, W_K);
  const qU8 = gi(work, W_QU8);
  const qStride = qU8 ? stride : ((d + 3) & ~3) << 2;
  const qbuf = gp(work, W_Q);
  const hd = gp(work, W_HEAP_D);
  const hi = gp(work, W_HEAP_I);
  const counts = gp(work, W_SEL_I);
  const orig = gp(model, M_ORIG);
  const qn = gp(work, W_PROJ);
  const nq = q1 - q0;
  let blockRows = gi(work, W_BLOCK_ROWS);
  if (blockRows < 1) blockRows = 1;
  if (qU8 && gi(model, M_U8) && metric == METRIC_SQEUCLIDEAN && d >= 8) {
    bruteSqU8(model, work, q0, nq, blockRows);
    writeOut(work, hd, hi, k, nq, outRow0);
    return;
  }
  for (let t = 0; t < nq; t++) {
    store<i32>(counts + (<usize>t << 2), 0);
    const q = qbuf + <usize>(q0 + t) * <usize>qStride;
    store<f64>(qn + (<usize>t << 3), metric == METRIC_COSINE ? normRow(q, d, qU8) : 0.0);
  }
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    const r1 = min(n, r0 + blockRows);
    for (let t = 0; t < nq; t++) {
      const q = qbuf + <usize>(q0 + t) * <usize>qStride;
      const qNorm = load<f64>(qn + (<usize>t << 3));
      const thd = hd + <usize>(t * k) * 8;
      const thi = hi + <usize>(t * k) * 4;
      let count = load<i32>(counts + (<usize>t << 2));
      for (let j = r0; j < r1; j++) {
        const dist = exactDist(model, q, qU8, qNorm, j);
        count = topkInsert(thd, thi, k, count, dist, j, orig);
      }
      store<i32>(counts + (<usize>t << 2), count);
    }
  }
  writeOut(work, hd, hi, k, nq, outRow0);
}

/**
 * bruteRange for uint8 queries and rows, squared euclidean: 4 queries × 1 row per step. The 4
 * queries are widened to int16 once per block into W_XT, interleaved by 16 columns (8·stride bytes:
 * the host allocates 4·d·8 + 16 ≥ 8·stride bytes there when d ≥ 8); each row's bytes are widened
 * once for the 4 queries. Distances Σ (q_i − t_i)² are exact int32 (d ≤ 33,000: 255²·d < 2^31),
 * as sqU8. Rows are offered to topkInsert only when their distance is ≤ the query's k-th (integers:
 * ties included), in increasing row order, so the top-k lists are those of the scalar loop. Scratch:
 * W_XT (8·stride bytes), 16 bytes at W_PROJ + 2048, W_SEL_I (counts) as bruteRange.
 */
function bruteSqU8(model: usize, work: usize, q0: i32, nq: i32, blockRows: i32): void {
  const n = gi(model, M_N);
  const stride = gi(model, M_STRIDE);
  const train = gp(model, M_TRAIN);
  const orig = gp(model, M_ORIG);
  const k = gi(work, W_K);
  const qbuf = gp(work, W_Q);
  const hd = gp(work, W_HEAP_D);
  const hi = gp(work, W_HEAP_I);
  const counts = gp(work, W_SEL_I);
  const xq = gp(work, W_XT);
  // 16 bytes for a tile's distances (W_PROJ: bruteRange uses its first 256 bytes only).
  const tile = gp(work, W_PROJ) + 2048;
  for (let t = 0; t < nq; t++) store<i32>(counts + (<usize>t << 2), 0);
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    const r1 = min(n, r0 + blockRows);
    for (let g = 0; g < nq; g += 4) {
      const live = min(4, nq - g);
      // Widen the group's queries (missing ones as zeros; their lanes are masked out), interleaved:
      // for each 16 bytes of the rows, the 4 queries' 16 int16 values (128 bytes).
      for (let r = 0; r < 4; r++) {
        const dst = xq + (<usize>r << 5);
        const src = qbuf + <usize>(q0 + g + min(r, live - 1)) * <usize>stride;
        for (let i = 0; i < stride; i += 16) {
          const x = r < live ? v128.load(src + <usize>i) : i8x16.splat(0);
          v128.store(dst + (<usize>i << 3), i16x8.extend_low_i8x16_u(x));
          v128.store(dst + (<usize>i << 3), i16x8.extend_high_i8x16_u(x), 16);
        }
      }
      const liveMask = (1 << live) - 1;
      let thr = bruteThresholds(hd, counts, g, live, k);
      for (let j = r0; j < r1; j++) {
        let y = train + <usize>j * <usize>stride;
        const ye = y + <usize>stride;
        let x = xq;
        let a0 = i32x4.splat(0);
        let a1 = i32x4.splat(0);
        let a2 = i32x4.splat(0);
        let a3 = i32x4.splat(0);
        while (y < ye) {
          const t = v128.load(y);
          const tl = i16x8.extend_low_i8x16_u(t);
          const th = i16x8.extend_high_i8x16_u(t);
          let l = i16x8.sub(v128.load(x), tl);
          let h = i16x8.sub(v128.load(x, 16), th);
          a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
          l = i16x8.sub(v128.load(x, 32), tl);
          h = i16x8.sub(v128.load(x, 48), th);
          a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
          l = i16x8.sub(v128.load(x, 64), tl);
          h = i16x8.sub(v128.load(x, 80), th);
          a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
          l = i16x8.sub(v128.load(x, 96), tl);
          h = i16x8.sub(v128.load(x, 112), th);
          a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(l, l), i32x4.dot_i16x8_s(h, h)));
          y += 16;
          x += 128;
        }
        const dist = hsum4i(a0, a1, a2, a3);
        const mask = i32x4.bitmask(i32x4.le_s(dist, thr)) & liveMask;
        if (mask != 0) {
          v128.store(tile, dist);
          let bits = mask;
          while (bits != 0) {
            const r = ctz<i32>(bits);
            bits &= bits - 1;
            const t = g + r;
            const cp = counts + (<usize>t << 2);
            store<i32>(cp, topkInsert(hd + <usize>(t * k) * 8, hi + <usize>(t * k) * 4, k, load<i32>(cp),
              <f64>load<i32>(tile + (<usize>r << 2)), j, orig));
          }
          thr = bruteThresholds(hd, counts, g, live, k);
        }
      }
    }
  }
}

/**
 * [k-th distance of query g + r as int32, or 2^31 − 1 while it has fewer than k rows]; lanes ≥ live
 * are masked out by the caller.
 */
@inline function bruteThresholds(hd: usize, counts: usize, g: i32, live: i32, k: i32): v128 {
  let v = i32x4.splat(bruteKth(hd, counts, g, k));
  if (live > 1) v = i32x4.replace_lane(v, 1, bruteKth(hd, counts, g + 1, k));
  if (live > 2) v = i32x4.replace_lane(v, 2, bruteKth(hd, counts, g + 2, k));
  if (live > 3) v = i32x4.replace_lane(v, 3, bruteKth(hd, counts, g + 3, k));
  return v;
}

@inline function bruteKth(hd: usize, counts: usize, t: i32, k: i32): i32 {
  if (load<i32>(counts + (<usize>t << 2)) < k) return 0x7fffffff;
  return <i32>load<f64>(hd + (<usize>(t * k + k - 1) << 3));
}

@inline function writeOut(work: usize, hd: usize, hi: usize, k: i32, nq: i32, outRow0: i32): void {
  const oi = gp(work, W_OUT_IDX) + <usize>(outRow0 * k) * 4;
  const od = gp(work, W_OUT_DIST) + <usize>(outRow0 * k) * 8;
  memory.copy(oi, hi, <usize>(nq * k) * 4);
  memory.copy(od, hd, <usize>(nq * k) * 8);
}

// ---------------------------------------------------------------------------------------------
// Projection onto the principal basis (index build and queries)
// ---------------------------------------------------------------------------------------------

/** xt[0..d) = transform(row) − mean, float64. Returns ‖xt‖². transform: identity or x/‖x‖. */
@inline function centerRow(model: usize, row: usize, isU8: i32, xt: usize): f64 {
  const d = gi(model, M_D);
  const mean = gp(model, M_MEAN);
  let scale: f64 = 1;
  if (gi(model, M_NORMALIZE)) {
    const nrm = normRow(row, d, isU8);
    scale = nrm > 0 ? 1.0 / nrm : 0.0;
  }
  let s: f64 = 0;
  if (isU8) {
    for (let i = 0; i < d; i++) {
      const v = <f64>load<u8>(row + <usize>i) * scale - load<f64>(mean + (<usize>i << 3));
      store<f64>(xt + (<usize>i << 3), v);
      s += v * v;
    }
  } else {
    for (let i = 0; i < d; i++) {
      const v = <f64>load<f32>(row + (<usize>i << 2)) * scale - load<f64>(mean + (<usize>i << 3));
      store<f64>(xt + (<usize>i << 3), v);
      s += v * v;
    }
  }
  return s;
}

/**
 * out[r][0..64) (float64) = xt_r · basis for 4 centred rows at once (xt rows `xtStride` bytes apart);
 * basis is d × 64 row-major float64 (column 63 is zero).
 */
function project4(xt: usize, xtStride: usize, basis: usize, d: i32, out: usize, outStride: usize): void {
  for (let c = 0; c < 64; c += 4) {
    let a00 = f64x2.splat(0), a01 = f64x2.splat(0);
    let a10 = f64x2.splat(0), a11 = f64x2.splat(0);
    let a20 = f64x2.splat(0), a21 = f64x2.splat(0);
    let a30 = f64x2.splat(0), a31 = f64x2.splat(0);
    for (let i = 0; i < d; i++) {
      const bp = basis + (<usize>(i * 64 + c) << 3);
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const xo = <usize>i << 3;
      const x0 = v128.load64_splat(xt + xo);
      const x1 = v128.load64_splat(xt + xtStride + xo);
      const x2 = v128.load64_splat(xt + 2 * xtStride + xo);
      const x3 = v128.load64_splat(xt + 3 * xtStride + xo);
      a00 = f64x2.add(a00, f64x2.mul(x0, b0));
      a01 = f64x2.add(a01, f64x2.mul(x0, b1));
      a10 = f64x2.add(a10, f64x2.mul(x1, b0));
      a11 = f64x2.add(a11, f64x2.mul(x1, b1));
      a20 = f64x2.add(a20, f64x2.mul(x2, b0));
      a21 = f64x2.add(a21, f64x2.mul(x2, b1));
      a30 = f64x2.add(a30, f64x2.mul(x3, b0));
      a31 = f64x2.add(a31, f64x2.mul(x3, b1));
    }
    const o = out + (<usize>c << 3);
    v128.store(o, a00);
    v128.store(o, a01, 16);
    v128.store(o + outStride, a10);
    v128.store(o + outStride, a11, 16);
    v128.store(o + 2 * outStride, a20);
    v128.store(o + 2 * outStride, a21, 16);
    v128.store(o + 3 * outStride, a30);
    v128.store(o + 3 * outStride, a31, 16);
  }
}

/**
 * From float64 coordinates c[0..63) and ‖xt‖² = s, writes the float32 bound coordinates:
 * stage 1 (c0..c14, residual norm beyond 15 components) to s1[0..16), stage 2 (c0..c62, residual
 * norm beyond 63 components) to s2[0..64).
 */
@inline function boundCoords(c: usize, s: f64, s1: usize, s1Step: usize, s2: usize): void {
  let p: f64 = 0;
  for (let i = 0; i < 15; i++) {
    const v = load<f64>(c + (<usize>i << 3));
    p += v * v;
    store<f32>(s1 + <usize>i * s1Step, <f32>v);
    store<f32>(s2 + (<usize>i << 2), <f32>v);
  }
  store<f32>(s1 + 15 * s1Step, <f32>Math.sqrt(max(0.0, s - p)));
  for (let i = 15; i < 63; i++) {
    const v = load<f64>(c + (<usize>i << 3));
    p += v * v;
    store<f32>(s2 + (<usize>i << 2), <f32>v);
  }
  store<f32>(s2 + 63 * 4, <f32>Math.sqrt(max(0.0, s - p)));
}

/**
 * Index build: projects training rows [r0, r1) (r0 a multiple of 4) and writes the stage-1 blocks,
 * stage-2 coordinates and ‖xt‖ per row. Scratch: W_XT must hold 4·d float64, W_PROJ 4·64 float64.
 */
export function projectTrain(model: usize, work: usize, r0: i32, r1: i32): void {
  const n = gi(model, M_N);
  const d = gi(model, M_D);
  const stride = gi(model, M_STRIDE);
  const train = gp(model, M_TRAIN);
  const blocks = gp(model, M_BLOCKS);
  const coords = gp(model, M_COORDS);
  const tnorm = gp(model, M_TNORM);
  const basis = gp(model, M_BASIS);
  const xt = gp(work, W_XT);
  const proj = gp(work, W_PROJ);
  const xtStride = <usize>d << 3;
  const sq = proj + 4 * 64 * 8;
  for (let b = r0; b < r1; b += 4) {
    for (let r = 0; r < 4; r++) {
      const j = b + r;
      if (j < n) {
        const row = train + <usize>j * <usize>stride;
        store<f64>(sq + (<usize>r << 3), centerRow(model, row, gi(model, M_U8), xt + <usize>r * xtStride));
      } else {
        memory.fill(xt + <usize>r * xtStride, 0, xtStride);
        store<f64>(sq + (<usize>r << 3), 0);
      }
    }
    project4(xt, xtStride, basis, d, proj, 64 * 8);
    const blk = blocks + <usize>(b >> 2) * (D1 * 16);
    for (let r = 0; r < 4; r++) {
      const j = b + r;
      if (j < n) {
        const s = load<f64>(sq + (<usize>r << 3));
        boundCoords(proj + <usize>r * 64 * 8, s, blk + (<usize>r << 2), 16, coords + <usize>j * (D2 * 4));
        store<f64>(tnorm + (<usize>j << 3), Math.sqrt(s));
      } else {
        // Padding rows: an infinite bound, never a candidate.
        for (let i = 0; i < D1; i++) store<f32>(blk + (<usize>r << 2) + <usize>i * 16, Infinity);
      }
    }
  }
}

/**
 * Gram matrix of the centred sample, rows [i0, i1) of the upper triangle (i0 a multiple of 4):
 * G[i][j] = Σ_s xt[i][s]·xt[j][s] for j ≥ (i rounded down to even), G row-major `ld` apart. xt holds
 * the sample by dimension (centerRowsT): `ld` rows of `mp` float64 (mp even; the padding is zero).
 * Tiles of 4 × 2 entries are summed in registers over every sample (two lanes: even and odd
 * samples), so each load feeds 2 or 4 multiply-adds and G is written once.
 */
export function gramCols(xt: usize, mp: i32, ld: i32, d: i32, i0: i32, i1: i32, g: usize): void {
  const col = <usize>mp << 3;
  const row = <usize>ld << 3;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const a0 = xt + <usize>i * col;
    const a1 = a0 + col;
    const a2 = a1 + col;
    const a3 = a2 + col;
    const g0 = g + <usize>i * row;
    for (let j = i; j < d; j += 2) {
      const b0 = xt + <usize>j * col;
      const b1 = b0 + col;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let s: usize = 0; s < col; s += 16) {
        const y0 = v128.load(b0 + s);
        const y1 = v128.load(b1 + s);
        const x0 = v128.load(a0 + s);
        c00 = f64x2.add(c00, f64x2.mul(x0, y0));
        c01 = f64x2.add(c01, f64x2.mul(x0, y1));
        const x1 = v128.load(a1 + s);
        c10 = f64x2.add(c10, f64x2.mul(x1, y0));
        c11 = f64x2.add(c11, f64x2.mul(x1, y1));
        const x2 = v128.load(a2 + s);
        c20 = f64x2.add(c20, f64x2.mul(x2, y0));
        c21 = f64x2.add(c21, f64x2.mul(x2, y1));
        const x3 = v128.load(a3 + s);
        c30 = f64x2.add(c30, f64x2.mul(x3, y0));
        c31 = f64x2.add(c31, f64x2.mul(x3, y1));
      }
      const o = g0 + (<usize>j << 3);
      store<f64>(o, hsumF64(c00));
      store<f64>(o, hsumF64(c01), 8);
      store<f64>(o + row, hsumF64(c10));
      store<f64>(o + row, hsumF64(c11), 8);
      store<f64>(o + 2 * row, hsumF64(c20));
      store<f64>(o + 2 * row, hsumF64(c21), 8);
      store<f64>(o + 3 * row, hsumF64(c30));
      store<f64>(o + 3 * row, hsumF64(c31), 8);
    }
  }
  for (; i < i1; i++) {
    const a0 = xt + <usize>i * col;
    const g0 = g + <usize>i * row;
    for (let j = i & ~1; j < d; j += 2) {
      const b0 = xt + <usize>j * col;
      const b1 = b0 + col;
      let c0 = f64x2.splat(0);
      let c1 = f64x2.splat(0);
      for (let s: usize = 0; s < col; s += 16) {
        const x0 = v128.load(a0 + s);
        c0 = f64x2.add(c0, f64x2.mul(x0, v128.load(b0 + s)));
        c1 = f64x2.add(c1, f64x2.mul(x0, v128.load(b1 + s)));
      }
      store<f64>(g0 + (<usize>j << 3), hsumF64(c0));
      store<f64>(g0 + (<usize>j << 3), hsumF64(c1), 8);
    }
  }
}

@inline function hsumF64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * Writes transform(row) − mean of the sample rows listed in `rows` (int32) by dimension: sample s,
 * dimension t at xt[t·mp + s] (float64). Rows are centred 8 at a time into `scratch` (8·d float64)
 * and written out a cache line per dimension.
 */
export function centerRowsT(model: usize, rows: usize, m: i32, xt: usize, mp: i32, scratch: usize): void {
  const d = gi(model, M_D);
  const stride = gi(model, M_STRIDE);
  const train = gp(model, M_TRAIN);
  const isU8 = gi(model, M_U8);
  const rowBytes = <usize>d << 3;
  const col = <usize>mp << 3;
  for (let s0 = 0; s0 < m; s0 += 8) {
    const nr = min(8, m - s0);
    for (let r = 0; r < nr; r++) {
      const j = load<i32>(rows + (<usize>(s0 + r) << 2));
      centerRow(model, train + <usize>j * <usize>stride, isU8, scratch + <usize>r * rowBytes);
    }
    const dst = xt + (<usize>s0 << 3);
    for (let t = 0; t < d; t++) {
      const src = scratch + (<usize>t << 3);
      const o = dst + <usize>t * col;
      for (let r = 0; r < nr; r++) store<f64>(o + (<usize>r << 3), load<f64>(src + <usize>r * rowBytes));
    }
  }
}

/** y = A x for a symmetric d × d float64 matrix A (ld apart), used by the Lanczos iteration. */
export function symv(a: usize, ld: i32, d: i32, x: usize, y: usize): void {
  for (let i = 0; i < d; i++) {
    const ai = a + <usize>i * (<usize>ld << 3);
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(ai + (<usize>j << 3)), v128.load(x + (<usize>j << 3))));
    }
    let s = hsumF64(acc);
    for (; j < d; j++) s += load<f64>(ai + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    store<f64>(y + (<usize>i << 3), s);
  }
}

// ---------------------------------------------------------------------------------------------
// Pruned exact search
// ---------------------------------------------------------------------------------------------

/**
 * Stage-1 bounds of 4 queries against every block of 4 training rows. `qs` holds the 4 queries' 16
 * splatted coordinates (4 x 16 v128); query r's bounds go to out + r·outStride.
 */
function lbScan4(qs: usize, blocks: usize, nBlocks: i32, out: usize, outStride: usize): void {
  for (let b = 0; b < nBlocks; b++) {
    const p = blocks + (<usize>b << 8);
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    for (let i: usize = 0; i < 256; i += 16) {
      const v = v128.load(p + i);
      const t0 = f32x4.sub(v, v128.load(qs + i));
      const t1 = f32x4.sub(v, v128.load(qs + i, 256));
      const t2 = f32x4.sub(v, v128.load(qs + i, 512));
      const t3 = f32x4.sub(v, v128.load(qs + i, 768));
      a0 = f32x4.add(a0, f32x4.mul(t0, t0));
      a1 = f32x4.add(a1, f32x4.mul(t1, t1));
      a2 = f32x4.add(a2, f32x4.mul(t2, t2));
      a3 = f32x4.add(a3, f32x4.mul(t3, t3));
    }
    const o = out + (<usize>b << 4);
    v128.store(o, a0);
    v128.store(o + outStride, a1);
    v128.store(o + 2 * outStride, a2);
    v128.store(o + 3 * outStride, a3);
  }
}

/** Stage-2 bound: Σ over 64 float32 coordinates of (a_i − b_i)². */
@inline function lb2(a: usize, b: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  for (let i = 0; i < 256; i += 32) {
    let t = f32x4.sub(v128.load(a + <usize>i), v128.load(b + <usize>i));
    acc0 = f32x4.add(acc0, f32x4.mul(t, t));
    t = f32x4.sub(v128.load(a + <usize>i, 16), v128.load(b + <usize>i, 16));
    acc1 = f32x4.add(acc1, f32x4.mul(t, t));
  }
  const acc = f32x4.add(acc0, acc1);
  return (
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3))
  );
}

/**
 * The bound threshold for a k-th distance `tau`: rows whose (float32) bound exceeds it are provably
 * farther than `tau`. `m` is the absolute margin (distance units) covering coordinate rounding.
 */
@inline function threshold(model: usize, tau: f64, m: f64): f32 {
  if (!(tau < Infinity)) return Infinity;
  const eps = gf(model, MF_EPS);
  const r = (Math.sqrt(max(0.0, tau) * gf(model, MF_LBSCALE)) + m) * (1 + eps);
  return f32Up(r * r * (1 + eps));
}

/** The smallest float32 ≥ x (x ≥ 0): a threshold must never be rounded down. */
@inline function f32Up(x: f64): f32 {
  let t = <f32>x;
  if (<f64>t < x) t = reinterpret<f32>(reinterpret<i32>(t) + 1);
  return t;
}

/** Selects the `t` smallest stage-1 bounds into (selV, selI) as a max-heap. Returns the count. */
function selectSmallest(lb: usize, n: i32, t: i32, selV: usize, selI: usize): i32 {
  let count = 0;
  let top: f32 = Infinity;
  const nBlocks = (n + 3) >> 2;
  for (let b = 0; b < nBlocks; b++) {
    const v = v128.load(lb + (<usize>b << 4));
    if (count == t && !v128.any_true(f32x4.lt(v, f32x4.splat(top)))) continue;
    for (let l = 0; l < 4; l++) {
      const j = (b << 2) + l;
      if (j >= n) break;
      const x = load<f32>(lb + (<usize>j << 2));
      if (count < t) {
        // sift up
        let pos = count++;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          const pv = load<f32>(selV + (<usize>parent << 2));
          if (pv >= x) break;
          store<f32>(selV + (<usize>pos << 2), pv);
          store<i32>(selI + (<usize>pos << 2), load<i32>(selI + (<usize>parent << 2)));
          pos = parent;
        }
        store<f32>(selV + (<usize>pos << 2), x);
        store<i32>(selI + (<usize>pos << 2), j);
        if (count == t) top = load<f32>(selV);
      } else if (x < top) {
        // replace the root, sift down
        let pos = 0;
        while (true) {
          let c = 2 * pos + 1;
          if (c >= t) break;
          let cv = load<f32>(selV + (<usize>c << 2));
          if (c + 1 < t) {
            const c2 = load<f32>(selV + (<usize>(c + 1) << 2));
            if (c2 > cv) {
              c++;
              cv = c2;
            }
          }
          if (cv <= x) break;
          store<f32>(selV + (<usize>pos << 2), cv);
          store<i32>(selI + (<usize>pos << 2), load<i32>(selI + (<usize>c << 2)));
          pos = c;
        }
        store<f32>(selV + (<usize>pos << 2), x);
        store<i32>(selI + (<usize>pos << 2), j);
        top = load<f32>(selV);
      }
    }
  }
  return count;
}

/**
 * The squared distance of a row from its partial sum over the first `split` bytes: finished when
 * the partial sum is ≤ tau, else returned as it is (already > tau: the row is not among the k nearest,
 * whatever the rest adds).
 */
@inline function finish(q: usize, row: usize, partial: i32, split: i32, len: i32, tau: f64): f64 {
  if (<f64>partial > tau || split == len) return <f64>partial;
  return <f64>(partial + sqU8(q + <usize>split, row + <usize>split, len - split));
}

/**
 * The exact distances of the rows among 4 that screenF32x4 left to compute (out[i] = 0; +Infinity
 * marks a row already known to be farther than τ, and stays): sqF32 of each, bit-identical. Two or
 * more go through sqF32x4, whose four sums advance together so that their additions' latencies
 * overlap (the lanes of screened-out rows are computed and discarded).
 */
function exactF32x4(q: usize, r0: usize, r1: usize, r2: usize, r3: usize, out: usize, d: i32): void {
  const k0 = load<f64>(out) == 0;
  const k1 = load<f64>(out, 8) == 0;
  const k2 = load<f64>(out, 16) == 0;
  const k3 = load<f64>(out, 24) == 0;
  const need = (k0 ? 1 : 0) + (k1 ? 1 : 0) + (k2 ? 1 : 0) + (k3 ? 1 : 0);
  if (need == 0) return;
  if (need == 1) {
    // One chain: no overlap to gain, and no discarded work.
    if (k0) store<f64>(out, sqF32(q, r0, d));
    else if (k1) store<f64>(out, sqF32(q, r1, d), 8);
    else if (k2) store<f64>(out, sqF32(q, r2, d), 16);
    else store<f64>(out, sqF32(q, r3, d), 24);
    return;
  }
  sqF32x4(q, r0, r1, r2, r3, d, out);
  if (!k0) store<f64>(out, Infinity);
  if (!k1) store<f64>(out, Infinity, 8);
  if (!k2) store<f64>(out, Infinity, 16);
  if (!k3) store<f64>(out, Infinity, 24);
}

/**
 * Screens 4 float32 rows against τ by a float32 SIMD sum of (q − r)² over [0, d4) (d4 a multiple of
 * 4): out[i] (f64) = +Infinity for a row whose exact float64 distance is certainly > τ, else 0 (the
 * row needs its exact distance). The float32 sum a of a row's first d4 terms is within
 * γ·S + abs of their exact sum S (each lane adds d4/4 terms; the difference, square, lane and
 * final sums give ≤ d4/4 + 8 roundings of 2^-24; underflow ≤ 2^-148 a term). The float64 sum in
 * index order of all d terms only grows with each term, so it is ≥ its sum of these d4 terms, which
 * is within γ64·S of S (≤ d + 4 roundings of 2^-53). With rel ≥ γ + γ64, (a − abs)(1 − rel) > τ
 * proves the distance exceeds τ. A sum that overflows float32 (Infinity) proves nothing: the row is
 * computed exactly.
 */
function screenF32x4(
  q: usize,
  r0: usize,
  r1: usize,
  r2: usize,
  r3: usize,
  d4: i32,
  out: usize,
  tau: f64,
  rel: f64,
  abs: f64,
): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const e = <usize>d4 << 2;
  for (let o: usize = 0; o < e; o += 16) {
    const x = v128.load(q + o);
    const t0 = f32x4.sub(x, v128.load(r0 + o));
    const t1 = f32x4.sub(x, v128.load(r1 + o));
    const t2 = f32x4.sub(x, v128.load(r2 + o));
    const t3 = f32x4.sub(x, v128.load(r3 + o));
    s0 = f32x4.add(s0, f32x4.mul(t0, t0));
    s1 = f32x4.add(s1, f32x4.mul(t1, t1));
    s2 = f32x4.add(s2, f32x4.mul(t2, t2));
    s3 = f32x4.add(s3, f32x4.mul(t3, t3));
  }
  const sums = hsum4(s0, s1, s2, s3);
  store<f64>(out, screenOne(<f64>f32x4.extract_lane(sums, 0), tau, rel, abs));
  store<f64>(out, screenOne(<f64>f32x4.extract_lane(sums, 1), tau, rel, abs), 8);
  store<f64>(out, screenOne(<f64>f32x4.extract_lane(sums, 2), tau, rel, abs), 16);
  store<f64>(out, screenOne(<f64>f32x4.extract_lane(sums, 3), tau, rel, abs), 24);
}

@inline function screenOne(a: f64, tau: f64, rel: f64, abs: f64): f64 {
  return a < Infinity && (a - abs) * (1 - rel) > tau ? Infinity : 0;
}

/** Sifts entry `pos` of the max-heap (v, idx) of size `size` down. */
@inline function siftDownMax(v: usize, idx: usize, size: i32, pos: i32): void {
  const x = load<f32>(v + (<usize>pos << 2));
  const xi = load<i32>(idx + (<usize>pos << 2));
  while (true) {
    let c = 2 * pos + 1;
    if (c >= size) break;
    let cv = load<f32>(v + (<usize>c << 2));
    if (c + 1 < size) {
      const c2 = load<f32>(v + (<usize>(c + 1) << 2));
      if (c2 > cv) {
        c++;
        cv = c2;
      }
    }
    if (cv <= x) break;
    store<f32>(v + (<usize>pos << 2), cv);
    store<i32>(idx + (<usize>pos << 2), load<i32>(idx + (<usize>c << 2)));
    pos = c;
  }
  store<f32>(v + (<usize>pos << 2), x);
  store<i32>(idx + (<usize>pos << 2), xi);
}

/** Sorts (v, idx)[0..n) by ascending v (heapsort, in place). */
function sortByBound(v: usize, idx: usize, n: i32): void {
  for (let c = (n >> 1) - 1; c >= 0; c--) siftDownMax(v, idx, n, c);
  for (let end = n - 1; end > 0; end--) {
    const tv = load<f32>(v);
    const ti = load<i32>(idx);
    store<f32>(v, load<f32>(v + (<usize>end << 2)));
    store<i32>(idx, load<i32>(idx + (<usize>end << 2)));
    store<f32>(v + (<usize>end << 2), tv);
    store<i32>(idx + (<usize>end << 2), ti);
    siftDownMax(v, idx, end, 0);
  }
}

/** Loads one byte of every 64-byte line of [p, p + bytes): a software prefetch. */
@inline function touch(p: usize, bytes: i32): i32 {
  let s = 0;
  for (let o = 0; o < bytes; o += 64) s += load<u8>(p + <usize>o);
  return s;
}

/**
 * Exact k nearest neighbours of queries [q0, q1) of the work context's query buffer using the
 * two-stage principal-component lower bounds. Output rows start at `outRow0`.
 *
 * Per query: (1) stage-1 bounds of all rows (4 queries per pass); (2) the exact distances of the
 * rows with the 16 smallest stage-1 bounds give a first k-th distance τ; (3) the rows whose stage-1
 * bound passes τ's threshold get their stage-2 bound; (4) those passing it are visited in increasing
 * stage-2 bound, exact distances updating τ, until the next bound exceeds the (shrinking) threshold.
 */
export function prunedRange(model: usize, work: usize, q0: i32, q1: i32, outRow0: i32): void {
  const n = gi(model, M_N);
  const d = gi(model, M_D);
  const stride = gi(model, M_STRIDE);
  const metric = gi(model, M_METRIC);
  const nBlocks = gi(model, M_NBLOCKS);
  const blocks = gp(model, M_BLOCKS);
  const coords = gp(model, M_COORDS);
  const basis = gp(model, M_BASIS);
  const marginBase = gf(model, MF_MAXNORM);
  const marginRel = gf(model, MF_MARGIN_REL);
  const marginAbs = gf(model, MF_MARGIN_ABS);
  const k = gi(work, W_K);
  const tSel = gi(work, W_T);
  const qU8 = gi(work, W_QU8);
  const qStride = qU8 ? stride : ((d + 3) & ~3) << 2;
  const qbuf = gp(work, W_Q);
  const lbAll = gp(work, W_LB);
  const lbStride = <usize>nBlocks << 4;
  const mark = gp(work, W_MARK);
  const selV = gp(work, W_SEL_V);
  const selI = gp(work, W_SEL_I);
  const candI = gp(work, W_CAND_I);
  const candV = gp(work, W_CAND_V);
  const qs = gp(work, W_QS);
  const qc = gp(work, W_QC);
  const xt = gp(work, W_XT);
  const proj = gp(work, W_PROJ);
  const hd = gp(work, W_HEAP_D);
  const hi = gp(work, W_HEAP_I);
  const outIdx = gp(work, W_OUT_IDX);
  const outDist = gp(work, W_OUT_DIST);
  const xtStride = <usize>d << 3;
  // Per group of 4 queries: stage-1 coordinates (4 x 16 f32), ‖xt‖² (4 f64) after the 4 x 64 projections.
  const q1c = proj + 4 * 64 * 8;
  const qsq = q1c + 4 * 16 * 4;
  let statExact = gi(work, W_STAT_EXACT);
  let statPass = gi(work, W_STAT_LB1PASS);
  const isU8 = gi(model, M_U8);
  const orig = gp(model, M_ORIG);
  const quad = qsq + 64;
  let sink = 0;
  // screenF32x4 over the first d4 values: its relative and absolute rounding bounds.
  const d4 = d & ~3;
  const terms: f64 = <f64>(d4 >> 2) + 8;
  const terms64: f64 = <f64>d + 4;
  const screenRel = (terms * U32) / (1 - terms * U32) + (terms64 * U64) / (1 - terms64 * U64);
  const screenAbs = <f64>d4 * 3.6e-45; // 2^-148 per term: float32 underflow

  for (let g = q0; g < q1; g += 4) {
    for (let r = 0; r < 4; r++) {
      if (g + r < q1) {
        const q = qbuf + <usize>(g + r) * <usize>qStride;
        store<f64>(qsq + (<usize>r << 3), centerRow(model, q, qU8, xt + <usize>r * xtStride));
      } else {
        memory.fill(xt + <usize>r * xtStride, 0, xtStride);
        store<f64>(qsq + (<usize>r << 3), 0);
      }
    }
    project4(xt, xtStride, basis, d, proj, 64 * 8);
    for (let r = 0; r < 4; r++) {
      boundCoords(proj + <usize>r * 64 * 8, load<f64>(qsq + (<usize>r << 3)), q1c + <usize>r * 64, 4, qc + <usize>r * (D2 * 4));
      for (let i = 0; i < D1; i++) {
        v128.store(qs + <usize>r * 256 + (<usize>i << 4), f32x4.splat(load<f32>(q1c + <usize>r * 64 + (<usize>i << 2))));
      }
    }
    lbScan4(qs, blocks, nBlocks, lbAll, lbStride);

    const gEnd = min(q1, g + 4);
    for (let qi = g; qi < gEnd; qi++) {
      const r = qi - g;
      const q = qbuf + <usize>qi * <usize>qStride;
      const qNorm = metric == METRIC_COSINE ? normRow(q, d, qU8) : 0.0;
      const qcr = qc + <usize>r * (D2 * 4);
      const lb = lbAll + <usize>r * lbStride;
      const m = marginRel * (Math.sqrt(load<f64>(qsq + (<usize>r << 3))) + marginBase) + marginAbs;

      // Seed the top-k with the rows of the t smallest stage-1 bounds.
      const nSel = selectSmallest(lb, n, tSel, selV, selI);
      const fast = qU8 && isU8 && metric == METRIC_SQEUCLIDEAN;
      const fastF = !qU8 && !isU8 && metric == METRIC_SQEUCLIDEAN;
      const train = gp(model, M_TRAIN);
      let count = 0;
      let s0 = 0;
      if (fast) {
        // Four rows at a time: their cache misses overlap.
        for (; s0 + 4 <= nSel; s0 += 4) {
          const sp = selI + (<usize>s0 << 2);
          const j0 = load<i32>(sp);
          const j1 = load<i32>(sp, 4);
          const j2 = load<i32>(sp, 8);
          const j3 = load<i32>(sp, 12);
          sqU8x4(q, train + <usize>j0 * <usize>stride, train + <usize>j1 * <usize>stride,
            train + <usize>j2 * <usize>stride, train + <usize>j3 * <usize>stride, stride, quad);
          count = topkInsert(hd, hi, k, count, <f64>load<i32>(quad), j0, orig);
          count = topkInsert(hd, hi, k, count, <f64>load<i32>(quad, 4), j1, orig);
          count = topkInsert(hd, hi, k, count, <f64>load<i32>(quad, 8), j2, orig);
          count = topkInsert(hd, hi, k, count, <f64>load<i32>(quad, 12), j3, orig);
        }
      }
      if (fastF) {
        for (; s0 + 4 <= nSel; s0 += 4) {
          const sp = selI + (<usize>s0 << 2);
          const j0 = load<i32>(sp);
          const j1 = load<i32>(sp, 4);
          const j2 = load<i32>(sp, 8);
          const j3 = load<i32>(sp, 12);
          sqF32x4(q, train + <usize>j0 * <usize>stride, train + <usize>j1 * <usize>stride,
            train + <usize>j2 * <usize>stride, train + <usize>j3 * <usize>stride, d, quad);
          count = topkInsert(hd, hi, k, count, load<f64>(quad), j0, orig);
          count = topkInsert(hd, hi, k, count, load<f64>(quad, 8), j1, orig);
          count = topkInsert(hd, hi, k, count, load<f64>(quad, 16), j2, orig);
          count = topkInsert(hd, hi, k, count, load<f64>(quad, 24), j3, orig);
        }
      }
      for (let i = s0; i < nSel; i++) {
        const j = load<i32>(selI + (<usize>i << 2));
        count = topkInsert(hd, hi, k, count, exactDist(model, q, qU8, qNorm, j), j, orig);
      }
      for (let i = 0; i < nSel; i++) store<u8>(mark + <usize>load<i32>(selI + (<usize>i << 2)), 1);
      statExact += nSel;
      let tau: f64 = count == k ? load<f64>(hd + (<usize>(k - 1) << 3)) : Infinity;
      let thr = threshold(model, tau, m);
      const thrV = f32x4.splat(thr);

      // Stage 1 filter.
      let nc = 0;
      for (let b = 0; b < nBlocks; b++) {
        let bits = i32x4.bitmask(f32x4.le(v128.load(lb + (<usize>b << 4)), thrV));
        while (bits != 0) {
          const j = (b << 2) + ctz<i32>(bits);
          bits &= bits - 1;
          if (j < n && !load<u8>(mark + <usize>j)) {
            store<i32>(candI + (<usize>nc << 2), j);
            nc++;
          }
        }
      }
      statPass += nc;
      // Stage 2 filter (kept in place), touching the rows 8 candidates ahead.
      let nk = 0;
      for (let c = 0; c < nc; c++) {
        if (c + 8 < nc) sink += touch(coords + <usize>load<i32>(candI + (<usize>(c + 8) << 2)) * (D2 * 4), D2 * 4);
        const j = load<i32>(candI + (<usize>c << 2));
        const v = lb2(qcr, coords + <usize>j * (D2 * 4));
        if (v <= thr) {
          store<i32>(candI + (<usize>nk << 2), j);
          store<f32>(candV + (<usize>nk << 2), v);
          nk++;
        }
      }
      // Visit in increasing stage-2 bound, stop at the first bound over the (shrinking) threshold.
      sortByBound(candV, candI, nk);
      const split = stride >= 96 ? ((stride * 2) / 3) & ~15 : stride;
      let c = 0;
      while (c < nk) {
        if (load<f32>(candV + (<usize>c << 2)) > thr) break;
        if (fast && c + 4 <= nk) {
          // Four rows at once over the first two thirds of the row; a row whose partial sum
          // already exceeds τ cannot enter the top k and is not finished. Touch the next four.
          if (c + 8 <= nk) {
            for (let t = 4; t < 8; t++) {
              sink += touch(train + <usize>load<i32>(candI + (<usize>(c + t) << 2)) * <usize>stride, split);
            }
          }
          const j0 = load<i32>(candI + (<usize>c << 2));
          const j1 = load<i32>(candI + (<usize>(c + 1) << 2));
          const j2 = load<i32>(candI + (<usize>(c + 2) << 2));
          const j3 = load<i32>(candI + (<usize>(c + 3) << 2));
          const r0 = train + <usize>j0 * <usize>stride;
          const r1 = train + <usize>j1 * <usize>stride;
          const r2 = train + <usize>j2 * <usize>stride;
          const r3 = train + <usize>j3 * <usize>stride;
          sqU8x4(q, r0, r1, r2, r3, split, quad);
          count = topkInsert(hd, hi, k, count, finish(q, r0, load<i32>(quad), split, stride, tau), j0, orig);
          count = topkInsert(hd, hi, k, count, finish(q, r1, load<i32>(quad, 4), split, stride, tau), j1, orig);
          count = topkInsert(hd, hi, k, count, finish(q, r2, load<i32>(quad, 8), split, stride, tau), j2, orig);
          count = topkInsert(hd, hi, k, count, finish(q, r3, load<i32>(quad, 12), split, stride, tau), j3, orig);
          statExact += 4;
          c += 4;
        } else if (fastF && c + 4 <= nk) {
          // The same for float32 rows: a float32 SIMD sum over the row, less its rounding bound,
          // screens out the rows certainly farther than τ; the others get their exact float64
          // distance, summed in index order (bit-identical to sqF32).
          if (c + 8 <= nk) {
            for (let t = 4; t < 8; t++) {
              sink += touch(train + <usize>load<i32>(candI + (<usize>(c + t) << 2)) * <usize>stride, d << 2);
            }
          }
          const j0 = load<i32>(candI + (<usize>c << 2));
          const j1 = load<i32>(candI + (<usize>(c + 1) << 2));
          const j2 = load<i32>(candI + (<usize>(c + 2) << 2));
          const j3 = load<i32>(candI + (<usize>(c + 3) << 2));
          const r0 = train + <usize>j0 * <usize>stride;
          const r1 = train + <usize>j1 * <usize>stride;
          const r2 = train + <usize>j2 * <usize>stride;
          const r3 = train + <usize>j3 * <usize>stride;
          screenF32x4(q, r0, r1, r2, r3, d4, quad, tau, screenRel, screenAbs);
          exactF32x4(q, r0, r1, r2, r3, quad, d);
          count = topkInsert(hd, hi, k, count, load<f64>(quad), j0, orig);
          count = topkInsert(hd, hi, k, count, load<f64>(quad, 8), j1, orig);
          count = topkInsert(hd, hi, k, count, load<f64>(quad, 16), j2, orig);
          count = topkInsert(hd, hi, k, count, load<f64>(quad, 24), j3, orig);
          statExact += 4;
          c += 4;
        } else {
          const j = load<i32>(candI + (<usize>c << 2));
          statExact++;
          count = topkInsert(hd, hi, k, count, exactDist(model, q, qU8, qNorm, j), j, orig);
          c++;
        }
        if (count == k) {
          const nt = load<f64>(hd + (<usize>(k - 1) << 3));
          if (nt < tau) {
            tau = nt;
            thr = threshold(model, tau, m);
          }
        }
      }
      // Clear the marks, write the result.
      for (let i = 0; i < nSel; i++) store<u8>(mark + <usize>load<i32>(selI + (<usize>i << 2)), 0);
      const o = <usize>(outRow0 + qi - q0) * <usize>k;
      memory.copy(outIdx + o * 4, hi, <usize>k * 4);
      memory.copy(outDist + o * 8, hd, <usize>k * 8);
    }
  }
  si(work, W_STAT_EXACT, statExact);
  si(work, W_STAT_LB1PASS, statPass);
  si(work, W_SINK, sink);
}

// ---------------------------------------------------------------------------------------------
// Matrix-product brute force on float32 rows (the `matmul` engine)
// ---------------------------------------------------------------------------------------------
//
// Every query of a job against every training row through a float32 SIMD matrix product: the
// approximate distance v = ‖q‖² + ‖t‖² − 2q·t (sqeuclidean) or 1 − (q·t)/(‖q‖‖t‖) (cosine). A
// rigorous bound E on |v − exact| (the dot product's rounding, γ_d‖q‖‖t‖, plus the few roundings
// around it and underflow) makes the search exact: a row among the true k nearest has v ≤ A_k + 2E,
// where A_k is the query's k-th smallest v; every row whose v is under the running threshold (the
// k-th smallest v so far + 4E, which only falls) is kept as a candidate; the candidates' exact
// float64 distances, computed by exactDist (bit-identical to the other engines), give the k
// nearest, ties by smaller row. A query whose candidates overflow their buffer (many rows within
// the margin: duplicates, values near float32's limits) is scanned exactly instead.
//
// For sqeuclidean the product runs on int16 rows when the host provides them (M_T16): t ≈ s_t·T,
// q ≈ s_q·Q with |T|, |Q| ≤ 1023 and rounding errors |δ| ≤ 1/2, so q·t = s_q·s_t·(Q·T + Q·δt +
// δq·T + δq·δt) is within s_q·s_t·(½‖Q‖₁ + ½‖T‖₁ + ¼d) of s_q·s_t·(Q·T), and Q·T is exact in int32
// (d ≤ 8192: |Σ| ≤ d·1023² < 2^31). i32x4.dot_i16x8_s does 8 multiply-adds per instruction, twice
// the float32 path's; the wider margin only adds a few candidates to the exact re-ranking.

/** 2^-24, float32's unit roundoff. */
const U32: f64 = 5.960464477539063e-8;
/** 2^-53, float64's unit roundoff. */
const U64: f64 = 1.1102230246251565e-16;

@inline function kthInsert(kp: usize, k: i32, v: f32): void {
  let pos = k - 1;
  if (!(v < load<f32>(kp + (<usize>pos << 2)))) return;
  while (pos > 0) {
    const pv = load<f32>(kp + (<usize>(pos - 1) << 2));
    if (v < pv) {
      store<f32>(kp + (<usize>pos << 2), pv);
      pos--;
    } else break;
  }
  store<f32>(kp + (<usize>pos << 2), v);
}

/**
 * Handles the approximate values of one 2-query × 4-row tile that passed their thresholds (bit
 * r·4 + l of `mask`: query g + r, row j0 + l; values at scratch[r·4 + l]): updates the queries'
 * k smallest values, thresholds and candidates.
 */
function tileSlow(model: usize, work: usize, g: i32, j0: i32, mask: i32, scratch: usize): void {
  const n = gi(model, M_N);
  const k = gi(work, W_K);
  const cap = gi(work, W_G_CAP);
  const thrP = gp(work, W_G_THR);
  const cntP = gp(work, W_G_COUNT);
  let bits = mask;
  while (bits != 0) {
    const b = ctz<i32>(bits);
    bits &= bits - 1;
    const j = j0 + (b & 3);
    if (j >= n) continue;
    const t = g + (b >> 2);
    let cnt = load<i32>(cntP + (<usize>t << 2));
    if (cnt < 0) continue;
    const v = load<f32>(scratch + (<usize>b << 2));
    let thr = load<f32>(thrP + (<usize>t << 2));
    if (!(v <= thr)) continue;
    const kp = gp(work, W_G_KTH) + (<usize>(t * k) << 2);
    kthInsert(kp, k, v);
    const kv = load<f32>(kp + (<usize>(k - 1) << 2));
    if (kv < Infinity) thr = kv + load<f32>(gp(work, W_G_MARGIN) + (<usize>t << 2));
    const ci = gp(work, W_G_CI) + (<usize>(t * cap) << 2);
    const cv = gp(work, W_G_CV) + (<usize>(t * cap) << 2);
    if (cnt == cap) {
      let w = 0;
      for (let c = 0; c < cnt; c++) {
        const x = load<f32>(cv + (<usize>c << 2));
        if (x <= thr) {
          store<f32>(cv + (<usize>w << 2), x);
          store<i32>(ci + (<usize>w << 2), load<i32>(ci + (<usize>c << 2)));
          w++;
        }
      }
      cnt = w;
      if (cnt > cap - (cap >> 2)) {
        // Too many rows within the margin: this query is scanned exactly at the end.
        store<i32>(cntP + (<usize>t << 2), -1);
        store<f32>(thrP + (<usize>t << 2), -Infinity);
        continue;
      }
    }
    store<i32>(ci + (<usize>cnt << 2), j);
    store<f32>(cv + (<usize>cnt << 2), v);
    store<i32>(cntP + (<usize>t << 2), cnt + 1);
    store<f32>(thrP + (<usize>t << 2), thr);
  }
}

/** [Σa, Σb, Σc, Σd] of four float32x4 vectors. */
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** [Σa, Σb, Σc, Σd] of four int32x4 vectors (exact: the host keeps every sum below 2^31). */
@inline function hsum4i(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 1, 4, 5), v128.shuffle<i32>(a, b, 2, 3, 6, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 1, 4, 5), v128.shuffle<i32>(c, d, 2, 3, 6, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 2, 4, 6), v128.shuffle<i32>(ab, cd, 1, 3, 5, 7));
}

/**
 * The int16 scan of matmulRange (sqeuclidean, M_T16 present) over the job's `nq` queries: tiles of
 * 4 queries × 2 training rows (8 accumulators: V8 keeps them in registers), rows in blocks of `tb`,
 * with pointers stepped by 16 bytes (no base + offset additions per load). Lane r of a tile's
 * vectors is query g + r; each approximate value comes from the same float32 operations as in the
 * 2-query × 4-row tile this replaced (bit-identical per value), and each query sees its rows in
 * increasing order (tileSlow rechecks the current threshold), so the candidates do not depend on the
 * tile shape. Queries g + r ≥ nq read the zero row and have
 * threshold −∞ (set by matmulRange for the 4 entries past the job).
 */
function scanT16(model: usize, work: usize, nq: i32, tb: i32): void {
  const n = gi(model, M_N);
  const d = gi(model, M_D);
  const t16 = gp(model, M_T16);
  const taux = gp(model, M_TAUX);
  const q16 = gp(work, W_G_Q16);
  const qsc = gp(work, W_G_QSC);
  const qaux = gp(work, W_G_QAUX);
  const thrP = gp(work, W_G_THR);
  const zero = gp(work, W_G_ZERO);
  const scratch = gp(work, W_G_SCRATCH);
  const stride16 = <usize>(((d + 7) & ~7) << 1);
  for (let r0 = 0; r0 < n; r0 += tb) {
    const r1 = min(n, r0 + tb);
    for (let g = 0; g < nq; g += 4) {
      const a0 = q16 + <usize>g * stride16;
      const a1 = g + 1 < nq ? a0 + stride16 : zero;
      const a2 = g + 2 < nq ? a0 + 2 * stride16 : zero;
      const a3 = g + 3 < nq ? a0 + 3 * stride16 : zero;
      const sc = v128.load(qsc + (<usize>g << 2));
      const qa = v128.load(qaux + (<usize>g << 2));
      let th = v128.load(thrP + (<usize>g << 2));
      for (let j = r0; j < r1; j += 2) {
        let b0 = t16 + <usize>j * stride16;
        let b1 = j + 1 < n ? b0 + stride16 : zero;
        const be = b0 + stride16;
        let p0 = a0;
        let p1 = a1;
        let p2 = a2;
        let p3 = a3;
        let c00 = i32x4.splat(0);
        let c01 = i32x4.splat(0);
        let c10 = i32x4.splat(0);
        let c11 = i32x4.splat(0);
        let c20 = i32x4.splat(0);
        let c21 = i32x4.splat(0);
        let c30 = i32x4.splat(0);
        let c31 = i32x4.splat(0);
        while (b0 < be) {
          const y0 = v128.load(b0);
          const y1 = v128.load(b1);
          let x = v128.load(p0);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x, y0));
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x, y1));
          x = v128.load(p1);
          c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x, y0));
          c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x, y1));
          x = v128.load(p2);
          c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x, y0));
          c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x, y1));
          x = v128.load(p3);
          c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x, y0));
          c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x, y1));
          b0 += 16;
          b1 += 16;
          p0 += 16;
          p1 += 16;
          p2 += 16;
          p3 += 16;
        }
        // Row j (and j + 1) against queries g..g+3, one query per lane.
        const dot0 = f32x4.mul(f32x4.convert_i32x4_s(hsum4i(c00, c10, c20, c30)), sc);
        const dot1 = f32x4.mul(f32x4.convert_i32x4_s(hsum4i(c01, c11, c21, c31)), sc);
        const v0 = f32x4.sub(f32x4.add(qa, v128.load32_splat(taux + (<usize>j << 2))), f32x4.add(dot0, dot0));
        const v1 = f32x4.sub(f32x4.add(qa, v128.load32_splat(taux + (<usize>j << 2), 4)), f32x4.add(dot1, dot1));
        const m0 = i32x4.bitmask(f32x4.le(v0, th));
        const m1 = i32x4.bitmask(f32x4.le(v1, th));
        if ((m0 | m1) != 0) {
          // tileSlow's layout: bit r·4 + l and scratch[r·4 + l] for query g + r, row j + l.
          const lo = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
          const hi = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
          v128.store64_lane(scratch, lo, 0);
          v128.store64_lane(scratch + 16, lo, 1);
          v128.store64_lane(scratch + 32, hi, 0);
          v128.store64_lane(scratch + 48, hi, 1);
          tileSlow(model, work, g, j, spread4(m0) | (spread4(m1) << 1), scratch);
          th = v128.load(thrP + (<usize>g << 2));
        }
      }
    }
  }
}

/** Bits 0..3 of x moved to bits 0, 4, 8, 12. */
@inline function spread4(x: i32): i32 {
  return (x & 1) | ((x & 2) << 3) | ((x & 4) << 6) | ((x & 8) << 9);
}

/**
 * Exact k nearest neighbours of queries [q0, q1) of the work context's float32 query buffer against
 * the float32 training rows, through the float32 matrix product and the exact re-ranking described
 * above. Output rows start at `outRow0`. Scratch (per job, set by the host): W_G_QAUX, W_G_MARGIN,
 * W_G_THR f32 × (rows + 4), W_G_QN f64 × (rows + 4), W_G_KTH f32 × rows·k, W_G_CI / W_G_CV
 * × rows·cap, W_G_COUNT i32 × (rows + 4), W_HEAP_D / W_HEAP_I × k, W_G_ZERO a zero row, W_G_SCRATCH 8 f32.
 */
export function matmulRange(model: usize, work: usize, q0: i32, q1: i32, outRow0: i32): void {
  const n = gi(model, M_N);
  const d = gi(model, M_D);
  const stride = <usize>gi(model, M_STRIDE);
  const train = gp(model, M_TRAIN);
  const metric = gi(model, M_METRIC);
  const taux = gp(model, M_TAUX);
  const orig = gp(model, M_ORIG);
  const tMax = gf(model, MF_TMAX);
  const k = gi(work, W_K);
  const qbuf = gp(work, W_Q);
  const qStride = <usize>(((d + 3) & ~3) << 2);
  const qaux = gp(work, W_G_QAUX);
  const qnP = gp(work, W_G_QN);
  const marginP = gp(work, W_G_MARGIN);
  const thrP = gp(work, W_G_THR);
  const kth = gp(work, W_G_KTH);
  const cntP = gp(work, W_G_COUNT);
  const cap = gi(work, W_G_CAP);
  const zero = gp(work, W_G_ZERO);
  const scratch = gp(work, W_G_SCRATCH);
  const hd = gp(work, W_HEAP_D);
  const hi = gp(work, W_HEAP_I);
  const sq = metric == METRIC_SQEUCLIDEAN;
  const t16 = sq ? gp(model, M_T16) : 0;
  const stride16 = <usize>(((d + 7) & ~7) << 1);
  const steps16 = (d + 7) >> 3;
  const q16 = gp(work, W_G_Q16);
  const qsc = gp(work, W_G_QSC);
  const sT = gf(model, MF_S16);
  const t1Max = gf(model, MF_T1MAX);
  let tb = gi(work, W_G_TB) & ~3;
  if (tb < 4) tb = 4;
  const nq = q1 - q0;
  const steps = (d + 3) >> 2;
  const du = <f64>(d + 4) * U32;
  const gam = du / (1.0 - du);
  // Underflow: every float32 operation may lose up to 2^-149 absolutely.
  const tiny: f64 = <f64>(d + 16) * 1.401298464324817e-45 * 4.0;
  for (let t = 0; t < nq + 4; t++) {
    store<f32>(thrP + (<usize>t << 2), -Infinity);
    store<i32>(cntP + (<usize>t << 2), -2);
    store<f32>(qaux + (<usize>t << 2), 0);
    if (t16) store<f32>(qsc + (<usize>t << 2), 0);
  }
  for (let t = 0; t < nq; t++) {
    const q = qbuf + <usize>(q0 + t) * qStride;
    let s: f64 = 0;
    for (let i = 0; i < d; i++) {
      const v = <f64>load<f32>(q + (<usize>i << 2));
      s += v * v;
    }
    const nrm = Math.sqrt(s);
    store<f64>(qnP + (<usize>t << 3), nrm);
    let e: f64;
    let ok = true;
    if (sq) {
      const r = nrm + tMax;
      store<f32>(qaux + (<usize>t << 2), <f32>s);
      let eDot = gam * nrm * tMax;
      if (t16) {
        // Quantise the query: Q = round(q / s_q), s_q = max|q| / 1023.
        const mx = maxAbsF32(q, d);
        const sQ = mx / 1023.0;
        const inv = mx > 0 ? 1023.0 / mx : 0.0;
        const qrow = q16 + <usize>t * stride16;
        const l1 = quantRow(q, qrow, d, inv);
        const sc = sQ * sT;
        store<f32>(qsc + (<usize>t << 2), <f32>sc);
        const eQ = sc * (0.5001 * (l1 + t1Max) + 0.2501 * <f64>d);
        eDot = eQ + 4.0 * U32 * (nrm * tMax + eQ);
        if (mx > 0 && !(sc >= 1e-30 && sc <= 1e30)) ok = false;
      }
      e = 2.0 * eDot + 3.0 * U32 * (s + tMax * tMax) + 1.01 * U32 * r * r + 1e-12 * r * r + tiny;
      ok = ok && r * r < 1e36;
    } else {
      // The host sets tMax to +Infinity unless every non-zero training norm lies in [1e-12, 1e12].
      store<f32>(qaux + (<usize>t << 2), nrm > 0 ? <f32>(1.0 / nrm) : <f32>0);
      e = gam + 8.0 * U32 + 1e-12 + tiny * 1e24;
      ok = nrm >= 1e-12 && nrm <= 1e12 && tMax < Infinity;
    }
    store<f32>(marginP + (<usize>t << 2), <f32>(4.01 * e));
    store<f32>(thrP + (<usize>t << 2), ok ? Infinity : -Infinity);
    store<i32>(cntP + (<usize>t << 2), ok ? 0 : -1);
    const kp = kth + (<usize>(t * k) << 2);
    for (let c = 0; c < k; c++) store<f32>(kp + (<usize>c << 2), Infinity);
  }
  const one = f32x4.splat(1);
  if (t16) scanT16(model, work, nq, tb);
  else for (let r0 = 0; r0 < n; r0 += tb) {
    const r1 = min(n, r0 + tb);
    for (let g = 0; g < nq; g += 2) {
      const a0 = qbuf + <usize>(q0 + g) * qStride;
      const a1 = g + 1 < nq ? a0 + qStride : zero;
      const qa0 = v128.load32_splat(qaux + (<usize>g << 2));
      const qa1 = v128.load32_splat(qaux + (<usize>(g + 1) << 2));
      let th0 = v128.load32_splat(thrP + (<usize>g << 2));
      let th1 = v128.load32_splat(thrP + (<usize>(g + 1) << 2));
      for (let j = r0; j < r1; j += 4) {
        const b0 = train + <usize>j * stride;
        const b1 = j + 1 < n ? b0 + stride : zero;
        const b2 = j + 2 < n ? b0 + 2 * stride : zero;
        const b3 = j + 3 < n ? b0 + 3 * stride : zero;
        let c00 = f32x4.splat(0);
        let c01 = f32x4.splat(0);
        let c02 = f32x4.splat(0);
        let c03 = f32x4.splat(0);
        let c10 = f32x4.splat(0);
        let c11 = f32x4.splat(0);
        let c12 = f32x4.splat(0);
        let c13 = f32x4.splat(0);
        for (let s = 0; s < steps; s++) {
          const o = <usize>s << 4;
          const x0 = v128.load(a0 + o);
          const x1 = v128.load(a1 + o);
          const y0 = v128.load(b0 + o);
          const y1 = v128.load(b1 + o);
          const y2 = v128.load(b2 + o);
          const y3 = v128.load(b3 + o);
          c00 = f32x4.add(c00, f32x4.mul(x0, y0));
          c01 = f32x4.add(c01, f32x4.mul(x0, y1));
          c02 = f32x4.add(c02, f32x4.mul(x0, y2));
          c03 = f32x4.add(c03, f32x4.mul(x0, y3));
          c10 = f32x4.add(c10, f32x4.mul(x1, y0));
          c11 = f32x4.add(c11, f32x4.mul(x1, y1));
          c12 = f32x4.add(c12, f32x4.mul(x1, y2));
          c13 = f32x4.add(c13, f32x4.mul(x1, y3));
        }
        const dot0 = hsum4(c00, c01, c02, c03);
        const dot1 = hsum4(c10, c11, c12, c13);
        const ta = v128.load(taux + (<usize>j << 2));
        let v0: v128;
        let v1: v128;
        if (sq) {
          v0 = f32x4.sub(f32x4.add(qa0, ta), f32x4.add(dot0, dot0));
          v1 = f32x4.sub(f32x4.add(qa1, ta), f32x4.add(dot1, dot1));
        } else {
          v0 = f32x4.sub(one, f32x4.mul(f32x4.mul(dot0, qa0), ta));
          v1 = f32x4.sub(one, f32x4.mul(f32x4.mul(dot1, qa1), ta));
        }
        const mask = i32x4.bitmask(f32x4.le(v0, th0)) | (i32x4.bitmask(f32x4.le(v1, th1)) << 4);
        if (mask != 0) {
          v128.store(scratch, v0);
          v128.store(scratch, v1, 16);
          tileSlow(model, work, g, j, mask, scratch);
          th0 = v128.load32_splat(thrP + (<usize>g << 2));
          th1 = v128.load32_splat(thrP + (<usize>(g + 1) << 2));
        }
      }
    }
  }
  // Exact re-ranking of the candidates (or an exact scan).
  const outIdx = gp(work, W_OUT_IDX);
  const outDist = gp(work, W_OUT_DIST);
  for (let t = 0; t < nq; t++) {
    const q = qbuf + <usize>(q0 + t) * qStride;
    const qNorm = load<f64>(qnP + (<usize>t << 3));
    const cnt = load<i32>(cntP + (<usize>t << 2));
    let count = 0;
    if (cnt >= 0) {
      const thr = load<f32>(thrP + (<usize>t << 2));
      const ci = gp(work, W_G_CI) + (<usize>(t * cap) << 2);
      const cv = gp(work, W_G_CV) + (<usize>(t * cap) << 2);
      for (let c = 0; c < cnt; c++) {
        if (load<f32>(cv + (<usize>c << 2)) <= thr) {
          const j = load<i32>(ci + (<usize>c << 2));
          count = topkInsert(hd, hi, k, count, exactDist(model, q, 0, qNorm, j), j, orig);
        }
      }
    } else {
      for (let j = 0; j < n; j++) count = topkInsert(hd, hi, k, count, exactDist(model, q, 0, qNorm, j), j, orig);
    }
    const o = <usize>(outRow0 + t) * <usize>k;
    memory.copy(outIdx + o * 4, hi, <usize>k * 4);
    memory.copy(outDist + o * 8, hd, <usize>k * 8);
  }
}

/**
 * Round-half-up (AssemblyScript's Math.round: ceil(x), minus 1 when ceil(x) − 0.5 > x) of both
 * lanes, bit-identical to Math.round for every finite x.
 */
@inline function roundHalfUp2(x: v128): v128 {
  const c = f64x2.ceil(x);
  return f64x2.sub(c, v128.andnot(f64x2.splat(1.0), f64x2.le(f64x2.sub(c, f64x2.splat(0.5)), x)));
}

/**
 * [min(1023, max(−1023, Math.round(x_i · inv)))] for the 4 float32 values of `x` (products in
 * float64, exactly as the scalar expression), as int32x4.
 */
@inline function quant4(x: v128, inv: v128): v128 {
  const lo = roundHalfUp2(f64x2.mul(f64x2.promote_low_f32x4(x), inv));
  const hi = roundHalfUp2(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3)), inv));
  // Integers: truncation is exact; saturation then the clamp equal the float64 clamp.
  const v = v128.shuffle<i32>(i32x4.trunc_sat_f64x2_s_zero(lo), i32x4.trunc_sat_f64x2_s_zero(hi), 0, 1, 4, 5);
  return i32x4.min_s(i32x4.splat(1023), i32x4.max_s(i32x4.splat(-1023), v));
}

/**
 * Writes round(x_i · inv) clamped to ±1023 (int16) for the `d` float32 values at `src` to `dst`,
 * zero padded to a multiple of 8; returns Σ|value| (an integer, exact in any order).
 */
function quantRow(src: usize, dst: usize, d: i32, inv: f64): f64 {
  const invV = f64x2.splat(inv);
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= d; i += 8) {
    const a = quant4(v128.load(src + (<usize>i << 2)), invV);
    const b = quant4(v128.load(src + (<usize>i << 2), 16), invV);
    acc = i32x4.add(acc, i32x4.add(i32x4.abs(a), i32x4.abs(b)));
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_s(a, b));
  }
  let l1: f64 = <f64>hsumI32(acc);
  for (; i < d; i++) {
    const v = min(1023.0, max(-1023.0, Math.round(<f64>load<f32>(src + (<usize>i << 2)) * inv)));
    store<i16>(dst + (<usize>i << 1), <i16>v);
    l1 += Math.abs(v);
  }
  const w = (d + 7) & ~7;
  for (; i < w; i++) store<i16>(dst + (<usize>i << 1), 0);
  return l1;
}

/** max(0, |x_i|) over `d` float32 values, as float64 (the same value as a float64 scalar loop). */
function maxAbsF32(x: usize, d: i32): f64 {
  let m = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= d; i += 4) m = f32x4.max(m, f32x4.abs(v128.load(x + (<usize>i << 2))));
  let mx: f64 = <f64>hmax4(m);
  for (; i < d; i++) mx = max(mx, Math.abs(<f64>load<f32>(x + (<usize>i << 2))));
  return mx;
}

/** max over the 4 lanes of a float32x4 of non-negative values. */
@inline function hmax4(v: v128): f32 {
  const m = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1));
}

/**
 * matmul preparation, pass 1 over training rows [r0, r1): TAUX[j] = ‖t‖² (sqeuclidean) or 1/‖t‖
 * (cosine, from M_NORMS; 0 for a zero row), out[2j] = ‖t‖ and out[2j + 1] = max|t_i| (float64).
 * ‖t‖² is the float64 sum of the squares in index order (bit-identical to the scalar loop), one
 * row per float64x2 lane.
 */
export function matmulRowsA(model: usize, out: usize, r0: i32, r1: i32): void {
  const d = gi(model, M_D);
  const stride = <usize>gi(model, M_STRIDE);
  const train = gp(model, M_TRAIN);
  const taux = gp(model, M_TAUX);
  const cosine = gi(model, M_METRIC) == METRIC_COSINE;
  const norms = gp(model, M_NORMS);
  const d4 = d & ~3;
  // Four rows at a time: two float64x2 sums (rows j, j + 1 and j + 2, j + 3), whose addition
  // latencies overlap. Rows past r1 repeat row j and are not stored.
  for (let j = r0; j < r1; j += 4) {
    const row0 = train + <usize>j * stride;
    const row1 = j + 1 < r1 ? row0 + stride : row0;
    const row2 = j + 2 < r1 ? row0 + 2 * stride : row0;
    const row3 = j + 3 < r1 ? row0 + 3 * stride : row0;
    let s01 = f64x2.splat(0);
    let s23 = f64x2.splat(0);
    let m0 = f32x4.splat(0);
    let m1 = f32x4.splat(0);
    let m2 = f32x4.splat(0);
    let m3 = f32x4.splat(0);
    for (let i = 0; i < d4; i += 4) {
      const o = <usize>i << 2;
      const a = v128.load(row0 + o);
      const b = v128.load(row1 + o);
      const c = v128.load(row2 + o);
      const e = v128.load(row3 + o);
      m0 = f32x4.max(m0, f32x4.abs(a));
      m1 = f32x4.max(m1, f32x4.abs(b));
      m2 = f32x4.max(m2, f32x4.abs(c));
      m3 = f32x4.max(m3, f32x4.abs(e));
      s01 = sqAdd4(s01, a, b);
      s23 = sqAdd4(s23, c, e);
    }
    rowsATail(taux, out, norms, cosine, j, row0, f64x2.extract_lane(s01, 0), m0, d4, d);
    if (j + 1 < r1) rowsATail(taux, out, norms, cosine, j + 1, row1, f64x2.extract_lane(s01, 1), m1, d4, d);
    if (j + 2 < r1) rowsATail(taux, out, norms, cosine, j + 2, row2, f64x2.extract_lane(s23, 0), m2, d4, d);
    if (j + 3 < r1) rowsATail(taux, out, norms, cosine, j + 3, row3, f64x2.extract_lane(s23, 1), m3, d4, d);
  }
}

/**
 * s + [a_i², b_i²] for i = 0, 1, 2, 3 in that order (lane 0: row a, lane 1: row b): each lane is
 * the float64 sequential sum of the scalar loop (the squares of float32 values are exact).
 */
@inline function sqAdd4(s: v128, a: v128, b: v128): v128 {
  const al = f64x2.promote_low_f32x4(a);
  const bl = f64x2.promote_low_f32x4(b);
  const ah = f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 2, 3));
  const bh = f64x2.promote_low_f32x4(v128.shuffle<i32>(b, b, 2, 3, 2, 3));
  let v = v128.shuffle<f64>(al, bl, 0, 2);
  s = f64x2.add(s, f64x2.mul(v, v));
  v = v128.shuffle<f64>(al, bl, 1, 3);
  s = f64x2.add(s, f64x2.mul(v, v));
  v = v128.shuffle<f64>(ah, bh, 0, 2);
  s = f64x2.add(s, f64x2.mul(v, v));
  v = v128.shuffle<f64>(ah, bh, 1, 3);
  return f64x2.add(s, f64x2.mul(v, v));
}

/** Finishes row j (values d4..d in scalar code) and stores its results. */
@inline function rowsATail(taux: usize, out: usize, norms: usize, cosine: bool, j: i32, row: usize, s: f64, m: v128, d4: i32, d: i32): void {
  let mx: f64 = <f64>hmax4(m);
  for (let i = d4; i < d; i++) {
    const v = <f64>load<f32>(row + (<usize>i << 2));
    s += v * v;
    mx = max(mx, Math.abs(v));
  }
  rowsAStore(taux, out, norms, cosine, j, s, mx);
}

@inline function rowsAStore(taux: usize, out: usize, norms: usize, cosine: bool, j: i32, s: f64, mx: f64): void {
  if (cosine) {
    const r = load<f64>(norms + (<usize>j << 3));
    store<f32>(taux + (<usize>j << 2), r > 0 ? <f32>(1.0 / r) : <f32>0);
  } else {
    store<f32>(taux + (<usize>j << 2), <f32>s);
  }
  store<f64>(out + (<usize>j << 4), Math.sqrt(s));
  store<f64>(out + (<usize>j << 4) + 8, mx);
}

/**
 * matmul preparation, pass 2 (sqeuclidean): M_T16 row j = round(t · inv) clamped to ±1023, zero
 * padded to a multiple of 8; out[j] = ‖T_j‖₁ (float64).
 */
export function matmulRowsB(model: usize, out: usize, r0: i32, r1: i32, inv: f64): void {
  const d = gi(model, M_D);
  const stride = <usize>gi(model, M_STRIDE);
  const train = gp(model, M_TRAIN);
  const t16 = gp(model, M_T16);
  const w = (d + 7) & ~7;
  for (let j = r0; j < r1; j++) {
    const row = train + <usize>j * stride;
    const dst = t16 + <usize>j * <usize>(w << 1);
    store<f64>(out + (<usize>j << 3), quantRow(row, dst, d, inv));
  }
}
