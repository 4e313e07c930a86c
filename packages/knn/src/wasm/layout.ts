/**
 * Slot numbers of the context blocks read by the WebAssembly kernels (assembly/index.ts). i32 slots
 * live at ctx + 4·slot, f64 slots at ctx + 256 + 8·slot. Keep in sync with assembly/index.ts.
 */
export const M = {
  N: 0,
  D: 1,
  STRIDE: 2,
  U8: 3,
  METRIC: 4,
  TRAIN: 5,
  NORMS: 6,
  NBLOCKS: 7,
  BLOCKS: 8,
  COORDS: 9,
  MEAN: 10,
  BASIS: 11,
  NORMALIZE: 12,
  TNORM: 13,
  ORIG: 14,
  TAUX: 15,
  T16: 16,
} as const;

export const MF = {
  MAXNORM: 0,
  MARGIN_REL: 1,
  EPS: 2,
  LBSCALE: 3,
  MARGIN_ABS: 4,
  TMAX: 5,
  S16: 6,
  T1MAX: 7,
} as const;

export const W = {
  K: 0,
  T: 1,
  Q: 2,
  OUT_IDX: 3,
  OUT_DIST: 4,
  LB: 5,
  MARK: 6,
  HEAP_D: 7,
  HEAP_I: 8,
  SEL_V: 9,
  SEL_I: 10,
  QS: 11,
  QC: 12,
  XT: 13,
  PROJ: 14,
  STAT_EXACT: 15,
  STAT_LB1PASS: 16,
  BLOCK_ROWS: 17,
  QU8: 18,
  CAND_I: 19,
  CAND_V: 20,
  SINK: 21,
  G_QAUX: 22,
  G_QN: 23,
  G_MARGIN: 24,
  G_THR: 25,
  G_KTH: 26,
  G_CI: 27,
  G_CV: 28,
  G_COUNT: 29,
  G_CAP: 30,
  G_TB: 31,
  G_ZERO: 32,
  G_SCRATCH: 33,
  G_Q16: 34,
  G_QSC: 35,
} as const;

/** Bytes of one context block (64 i32 slots, then 32 f64 slots). */
export const CTX_BYTES = 512;

/** Stage-1 bound coordinates per row (15 principal components + the residual norm). */
export const D1 = 16;
/** Stage-2 bound coordinates per row (63 principal components + the residual norm). */
export const D2 = 64;
/** Columns of the stored basis (63 components + one zero column). */
export const BASIS_COLS = 64;
/** Principal components used: the basis has min(d, 63) non-zero columns. */
export const MAX_COMPONENTS = 63;

/** Bytes per uint8 training row in WebAssembly memory: whole 16-byte vectors. */
export function u8Stride(d: number): number {
  return Math.ceil(d / 16) * 16;
}

/** Bytes per float32 training row in WebAssembly memory: whole 16-byte vectors. */
export function f32Stride(d: number): number {
  return Math.ceil(d / 4) * 16;
}
