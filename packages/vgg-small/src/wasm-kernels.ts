import {
  backend_util,
  type DataId,
  type DataType,
  engine,
  type GradConfig,
  getBackend,
  getGradient,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerGradient,
  registerKernel,
  type Tensor,
  type TensorInfo,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';
import { UnsupportedKernelInputError, WasmBackendMissingError } from './errors.js';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. Every one is a public method of
 * that class in 4.22; typing them structurally keeps `@tensorflow/tfjs-backend-wasm` out of this
 * package's dependencies.
 */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

/** The kernels `registerWasmTrainingKernels()` puts on the wasm backend, and why. */
export const WASM_TRAINING_KERNELS = {
  Conv2DBackpropFilter:
    'missing in tfjs-backend-wasm 4.22, so conv layers cannot train. Computed as a forward convolution ' +
    '(wasm Conv2D, XNNPACK) of the input, transposed to [C,H,W,B], with the output gradient, ' +
    'transposed to [OH,OW,B,F] and dilated by the stride, as the filter; with few input channels ' +
    '(KH·KW·C ≤ 64, the first layer) as one matrix product over an im2col buffer instead.',
  Conv2DBackpropInput:
    'the shipped kernel is a naive loop (~10× slower than the forward conv). Replaced by the forward ' +
    'wasm Conv2D (XNNPACK) on the zero-stuffed gradient with the flipped, transposed filter.',
  BatchMatMul:
    'with transposeA/transposeB the shipped kernel runs ~7-10× slower; the operand is transposed ' +
    'first, then the fast path is used (dense-layer gradients).',
  Sum: 'reductions over leading axes (batch-norm and bias gradients): one float64 pass over the heap instead of transpose + reduce.',
  Mean: 'as Sum, divided by the count.',
  Tile: 'the shipped kernel costs ~50 ns per element; block copies on the heap instead (batch-norm gradient).',
  MaxPoolGrad: 'the shipped kernel is a naive gather; a scatter from each window maximum instead.',
  Cast: 'a cast to the dtype a tensor already has (moments() casts every activation) copies it; shares instead.',
  FusedBatchNormGrad:
    'new: the gradient of batch normalisation (FusedBatchNorm) in two passes over the heap. tfjs-core ' +
    'builds it from about fourteen element-wise, tile and sum kernels over the full activation; while ' +
    'registered, the FusedBatchNorm gradient uses this kernel on wasm (other backends keep the original).',
  Identity:
    'the shipped kernel copies the tensor; gradients pass through Identity hundreds of times a step. ' +
    'Shares the buffer instead (reference counted, like the cpu backend).',
} as const;

/** Names of the kernels registered by {@link registerWasmTrainingKernels}. */
export type WasmTrainingKernelName = keyof typeof WASM_TRAINING_KERNELS;

const BACKEND = 'wasm';
function heapF32(backend: WasmHeapBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

function callKernel(
  name: string,
  inputs: NamedTensorInfoMap,
  backend: unknown,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config =
    (registryState().originals.get(name) as KernelConfig | undefined) ?? getKernel(name, BACKEND);
  if (!config) throw new WasmBackendMissingError();
  return config.kernelFunc({ inputs, backend: backend as never, attrs }) as TensorInfo;
}

function assertNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new UnsupportedKernelInputError(
      `${kernel} on wasm supports NHWC data only (got ${String(dataFormat)}); transpose to NHWC first.`,
    );
  }
}

function convInfo(
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
) {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** The sizes of a convolution under the short names the kernels' index arithmetic uses. */
function convDims(info: backend_util.Conv2DInfo) {
  return {
    B: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    F: info.outChannels,
    KH: info.filterHeight,
    KW: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
}

/**
 * dW[kh,kw,c,f] = Σ_{b,oh,ow} x[b, oh·sh+kh−pt, ow·sw+kw−pl, c] · dy[b,oh,ow,f]: one im2col matrix
 * product for few input channels ({@link filterGradIm2col}), a forward convolution otherwise
 * ({@link filterGradAsConv}).
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const be = backend as WasmHeapBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as {
    strides: number | [number, number];
    pad: Pad;
    dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  assertNhwc('Conv2DBackpropFilter', a.dataFormat);
  const info = convInfo(x.shape, a.filterShape, a.strides, a.pad, a.dimRoundingMode);
  if (info.filterHeight * info.filterWidth * info.inChannels <= IM2COL_MAX_ROWS) {
    return filterGradIm2col(be, x, dy, info);
  }
  return filterGradAsConv(be, x, dy, info);
}

/** Below this many filter rows (KH·KW·C), the filter gradient is one matrix product over im2col. */
const IM2COL_MAX_ROWS = 64;

/** Positions (B·OH·OW) contracted per XNNPACK call in the filter gradient; see filterGradAsConv. */
const FILTER_GRAD_CHUNK = 8192;

/**
 * Few input channels (the first layer): the dilated-convolution form has only KH·KW·C output
 * pixels and wastes most of XNNPACK's tile, so take one matrix product dyᵀ [F, B·OH·OW] ·
 * im2col [B·OH·OW, KH·KW·C] (small here, and cheap for XNNPACK to pack), then transpose the tiny
 * [F, KH·KW·C] result.
 */
function filterGradIm2col(
  be: WasmHeapBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { B, H, W, C, OH, OW, F, KH, KW, sh, sw, pt, pl } = convDims(info);
  const Q = B * OH * OW;
  const rows = KH * KW * C;
  // im2col [Q, KH·KW·C] (small: few channels) is the product's packed operand; dyᵀ [F, Q] the other.
  const cols = be.makeOutput([1, Q, rows], 'float32');
  const dyT = be.makeOutput([1, F, Q], 'float32');
  let prod: TensorInfo | undefined;
  try {
    const src = heapF32(be, x);
    const dst = heapF32(be, cols);
    let o = 0;
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          for (let kh = 0; kh < KH; kh++) {
            const h = oh * sh + kh - pt;
            for (let kw = 0; kw < KW; kw++) {
              const w = ow * sw + kw - pl;
              if (h < 0 || h >= H || w < 0 || w >= W) {
                for (let c = 0; c < C; c++) dst[o++] = 0;
              } else {
                const s0 = ((b * H + h) * W + w) * C;
                for (let c = 0; c < C; c++) dst[o++] = src[s0 + c]!;
              }
            }
          }
        }
      }
    }
    // dyᵀ in blocks of 8 positions: reads stay within 8 rows of dy, writes are runs of 8 floats.
    const g = heapF32(be, dy);
    const gT = heapF32(be, dyT);
    for (let q0 = 0; q0 < Q; q0 += 8) {
      const q1 = Math.min(Q, q0 + 8);
      for (let f = 0; f < F; f++) {
        const d = f * Q;
        for (let q = q0; q < q1; q++) gT[d + q] = g[q * F + f]!;
      }
    }
    prod = callKernel('BatchMatMul', { a: dyT, b: cols }, be, {
      transposeA: false,
      transposeB: false,
    } as unknown as NamedAttrMap);
    // [F, KH·KW·C] → [KH, KW, C, F]
    const out = be.makeOutput([KH, KW, C, F], 'float32');
    const p = heapF32(be, prod);
    const r = heapF32(be, out);
    for (let f = 0; f < F; f++) for (let t = 0; t < rows; t++) r[t * F + f] = p[f * rows + t]!;
    return out;
  } finally {
    be.disposeData(cols.dataId);
    be.disposeData(dyT.dataId);
    if (prod) be.disposeData(prod.dataId);
  }
}

/**
 * dW[kh,kw,c,f] = Σ_{b,oh,ow} x[b, oh·sh+kh−pt, ow·sw+kw−pl, c] · dy[b,oh,ow,f]
 *
 * is itself a convolution with the batch as the contracted channel axis: input x′ = x as
 * [C, H, W, B], filter dy′ = dy as [OH, OW, B, F] dilated by the stride, output [C, KH, KW, F].
 * Two cache-blocked transposes on the wasm heap, then the forward wasm Conv2D kernel (XNNPACK).
 */
function filterGradAsConv(
  be: WasmHeapBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { B, H, W, C, OH, OW, F, KH, KW, sh, sw, pt, pl } = convDims(info);
  // Padding after the image so that the output is KH×KW; input rows/columns that no output reads
  // (negative padding) are left out of x′.
  const pb = KH + (OH - 1) * sh - H - pt;
  const pr = KW + (OW - 1) * sw - W - pl;
  const Hc = H + Math.min(0, pb);
  const Wc = W + Math.min(0, pr);

  // The product contracts over B·OH·OW. XNNPACK streams the packed filter once per few output
  // rows and does not block that axis, so a large batch is cut into chunks whose packed panels
  // stay in cache, and the chunks' results are summed.
  const chunk = Math.max(1, Math.min(B, Math.round(FILTER_GRAD_CHUNK / (OH * OW))));
  const P = OH * OW;
  const imageIn = H * W * C;
  const acc = new Float32Array(C * KH * KW * F);
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const Bc = Math.min(chunk, B - b0);
    // x′[c, h, w, b] = x[b0 + b, h, w, c] for h < Hc, w < Wc. Fresh tensors: XNNPACK caches by id.
    const xT = be.makeOutput([C, Hc, Wc, Bc], 'float32');
    const dyT = be.makeOutput([OH, OW, Bc, F], 'float32');
    {
      const src = heapF32(be, x);
      const dst = heapF32(be, xT);
      const planeOut = Hc * Wc * Bc;
      // Blocks of 8 images: reads stay within 8 rows of the source, writes are runs of 8 floats.
      for (let h = 0; h < Hc; h++) {
        for (let w = 0; w < Wc; w++) {
          const o = (h * Wc + w) * Bc;
          const s0 = (h * W + w) * C;
          for (let i0 = 0; i0 < Bc; i0 += 8) {
            const i1 = Math.min(Bc, i0 + 8);
            for (let c = 0; c < C; c++) {
              const d = c * planeOut + o;
              let s = (b0 + i0) * imageIn + s0 + c;
              for (let i = i0; i < i1; i++, s += imageIn) dst[d + i] = src[s]!;
            }
          }
        }
      }
      // dy′[oh, ow, b, f] = dy[b0 + b, oh, ow, f]: runs of F floats.
      const g = heapF32(be, dy);
      const gT = heapF32(be, dyT);
      for (let i = 0; i < Bc; i++) {
        for (let p = 0; p < P; p++) {
          const s = ((b0 + i) * P + p) * F;
          gT.set(g.subarray(s, s + F), (p * Bc + i) * F);
        }
      }
    }
    let conv: TensorInfo;
    try {
      conv = callKernel('Conv2D', { x: xT, filter: dyT }, be, {
        strides: [1, 1],
        pad: [
          [0, 0],
          [pt, Math.max(0, pb)],
          [pl, Math.max(0, pr)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [sh, sw],
        dimRoundingMode: null,
      } as unknown as NamedAttrMap);
    } finally {
      be.disposeData(xT.dataId);
      be.disposeData(dyT.dataId);
    }
    const cv = heapF32(be, conv);
    if (b0 === 0) acc.set(cv);
    else for (let i = 0; i < acc.length; i++) acc[i]! += cv[i]!;
    be.disposeData(conv.dataId);
  }
  // [C, KH, KW, F] → [KH, KW, C, F]
  const out = be.makeOutput([KH, KW, C, F], 'float32');
  const o = heapF32(be, out);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < KH * KW; t++) {
      const s = (c * KH * KW + t) * F;
      o.set(acc.subarray(s, s + F), (t * C + c) * F);
    }
  }
  return out;
}

/**
 * dx = conv2d(dy stuffed with stride−1 zeros, filter flipped in space with in/out swapped), padded
 * so the output has the input's size: the forward wasm Conv2D kernel (XNNPACK) does the work.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const be = backend as WasmHeapBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as {
    strides: number | [number, number];
    pad: Pad;
    dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  assertNhwc('Conv2DBackpropInput', a.dataFormat);
  const info = convInfo(a.inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode);
  const { B, H, W, C, OH, OW, F, KH, KW, sh, sw, pt, pl } = convDims(info);

  // Flipped filter [KH, KW, F, C]; a new tensor each call (XNNPACK caches packed filters by id).
  const flipped = be.makeOutput([KH, KW, F, C], 'float32');
  {
    const w = heapF32(be, filter);
    const o = heapF32(be, flipped);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * C * F;
        const dst = (kh * KW + kw) * F * C;
        for (let c = 0; c < C; c++) {
          for (let f = 0; f < F; f++) o[dst + f * C + c] = w[src + c * F + f]!;
        }
      }
    }
  }
  let src = dy;
  let stuffed: TensorInfo | undefined;
  if (sh > 1 || sw > 1) {
    const DH = (OH - 1) * sh + 1;
    const DW = (OW - 1) * sw + 1;
    stuffed = be.makeOutput([B, DH, DW, F], 'float32');
    const t = heapF32(be, stuffed);
    const d = heapF32(be, dy);
    t.fill(0);
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const s = ((b * OH + oh) * OW + ow) * F;
          t.set(d.subarray(s, s + F), ((b * DH + oh * sh) * DW + ow * sw) * F);
        }
      }
    }
    src = stuffed;
  }
  const padTop = KH - 1 - pt;
  const padLeft = KW - 1 - pl;
  const padBottom = H - 1 - (OH - 1) * sh + pt;
  const padRight = W - 1 - (OW - 1) * sw + pl;
  try {
    return callKernel('Conv2D', { x: src, filter: flipped }, be, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: a.dimRoundingMode ?? null,
    } as unknown as NamedAttrMap);
  } finally {
    be.disposeData(flipped.dataId);
    if (stuffed) be.disposeData(stuffed.dataId);
  }
}

/** Copies `x` with its last two axes swapped into a new heap tensor (in 32×32 tiles). */
function transposeLastTwo(be: WasmHeapBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const R = x.shape[rank - 2]!;
  const C = x.shape[rank - 1]!;
  const batch = util.sizeFromShape(x.shape.slice(0, rank - 2));
  const shape = [...x.shape.slice(0, rank - 2), C, R];
  const out = be.makeOutput(shape, x.dtype);
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const T = 32;
  for (let b = 0; b < batch; b++) {
    const off = b * R * C;
    for (let r0 = 0; r0 < R; r0 += T) {
      const r1 = Math.min(R, r0 + T);
      for (let c0 = 0; c0 < C; c0 += T) {
        const c1 = Math.min(C, c0 + T);
        for (let c = c0; c < c1; c++) {
          const d = off + c * R;
          for (let r = r0; r < r1; r++) dst[d + r] = src[off + r * C + c]!;
        }
      }
    }
  }
  return out;
}

/** Output rows up to which a transposeB product stays on the shipped kernel (measured crossover). */
const SMALL_MATMUL_ROWS = 16;

function batchMatMul({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const be = backend as WasmHeapBackend;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
  };
  // With few output rows, transposing a large b costs more than the shipped kernel's slow path.
  const rank = a.shape.length;
  const outRows =
    util.sizeFromShape(a.shape.slice(0, rank - 2)) * a.shape[transposeA ? rank - 1 : rank - 2]!;
  if ((!transposeA && !transposeB) || (transposeB && !transposeA && outRows <= SMALL_MATMUL_ROWS)) {
    return callKernel('BatchMatMul', inputs, be, attrs);
  }
  const at = transposeA ? transposeLastTwo(be, a) : a;
  const bt = transposeB ? transposeLastTwo(be, b) : b;
  try {
    return callKernel('BatchMatMul', { a: at, b: bt }, be, {
      transposeA: false,
      transposeB: false,
    });
  } finally {
    if (at !== a) be.disposeData(at.dataId);
    if (bt !== b) be.disposeData(bt.dataId);
  }
}

/**
 * Sum (or mean) over the leading `k` axes, accumulated in float64 in one pass over the heap; any
 * other reduction goes to the shipped kernel (which transposes first, then reduces).
 */
function makeLeadingReduce(name: 'Sum' | 'Mean'): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const be = backend as WasmHeapBackend;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.every((ax, i) => ax === i);
    if (x.dtype !== 'float32' || !leading) {
      return callKernel(name, inputs, be, attrs);
    }
    const rest = x.shape.slice(axes.length);
    const R = util.sizeFromShape(x.shape.slice(0, axes.length));
    const C = util.sizeFromShape(rest);
    const acc = new Float64Array(C);
    const xs = heapF32(be, x);
    // Four rows per pass: one load and store of the accumulator per four elements (JS arithmetic is
    // float64, so the partial sums lose nothing).
    let r = 0;
    for (; r + 4 <= R; r += 4) {
      const i0 = r * C;
      const i1 = i0 + C;
      const i2 = i1 + C;
      const i3 = i2 + C;
      for (let c = 0; c < C; c++) {
        acc[c]! += xs[i0 + c]! + xs[i1 + c]! + (xs[i2 + c]! + xs[i3 + c]!);
      }
    }
    for (; r < R; r++) {
      const i0 = r * C;
      for (let c = 0; c < C; c++) acc[c]! += xs[i0 + c]!;
    }
    if (name === 'Mean' && R > 0) for (let c = 0; c < C; c++) acc[c]! /= R;
    const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
    const out = be.makeOutput(outShape, 'float32');
    heapF32(be, out).set(acc);
    return out;
  };
}

/** Tile by block copies: each axis writes its first block, then duplicates it `reps` times. */
function tile({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const be = backend as WasmHeapBackend;
  const { x } = inputs as { x: TensorInfo };
  const { reps } = attrs as unknown as { reps: number[] };
  if (x.dtype === 'string' || x.shape.length === 0) {
    return callKernel('Tile', inputs, be, attrs);
  }
  const rank = x.shape.length;
  const inShape = x.shape;
  const outShape = inShape.map((s, i) => s * reps[i]!);
  const out = be.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const inStrides = new Array<number>(rank);
  const outStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  outStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) {
    inStrides[i] = inStrides[i + 1]! * inShape[i + 1]!;
    outStrides[i] = outStrides[i + 1]! * outShape[i + 1]!;
  }
  const fill = (dim: number, inOff: number, outOff: number): void => {
    const n = inShape[dim]!;
    if (dim === rank - 1) {
      dst.set(src.subarray(inOff, inOff + n), outOff);
    } else {
      for (let i = 0; i < n; i++)
        fill(dim + 1, inOff + i * inStrides[dim]!, outOff + i * outStrides[dim]!);
    }
    const block = n * outStrides[dim]!;
    for (let r = 1; r < reps[dim]!; r++) dst.copyWithin(outOff + r * block, outOff, outOff + block);
  };
  fill(0, 0, 0);
  return out;
}

/**
 * The output shares the input's heap buffer (reference counted, as the cpu backend's Identity and
 * the wasm backend's own Reshape do); undefined where that is not possible (strings).
 */
function shareBuffer(backend: unknown, x: TensorInfo): TensorInfo | undefined {
  const be = backend as { incRef?(dataId: DataId): void };
  if (x.dtype === 'string' || typeof be.incRef !== 'function') return undefined;
  be.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Identity without a copy: gradients pass through Identity hundreds of times a step. */
function identity({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  return shareBuffer(backend, inputs.x!) ?? callKernel('Identity', inputs, backend, attrs);
}

/** A cast to the dtype the tensor already has (moments() casts every activation) shares too. */
function cast({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = inputs.x!;
  const same = x.dtype === (attrs as unknown as { dtype: DataType }).dtype;
  return (same && shareBuffer(backend, x)) || callKernel('Cast', inputs, backend, attrs);
}

/** dx[argmax of each window] += dy, with the cpu backend's tie rule (first maximum in scan order). */
function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const be = backend as WasmHeapBackend;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const a = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: Pad;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const {
    batchSize: B,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight: OH,
    outWidth: OW,
  } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = be.makeOutput(input.shape, 'float32');
  const dx = heapF32(be, out);
  const xs = heapF32(be, input);
  const g = heapF32(be, dy);
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * sh - pt;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(H, r0 + fh);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * sw - pl;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(W, c0 + fw);
        const gBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = rLo; r < rHi; r++) {
            let idx = ((b * H + r) * W + cLo) * C + c;
            for (let q = cLo; q < cHi; q++, idx += C) {
              const v = xs[idx]!;
              if (v > best) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at]! += g[gBase + c]!;
        }
      }
    }
  }
  return out;
}

/**
 * All five gradients of y = (x − mean)·rsqrt(variance + ε)·scale + offset, per channel (last axis):
 * dx = dy·scale·r, d offset = Σdy, d scale = r·Σdy(x−mean), d mean = −r·scale·Σdy,
 * d variance = −½·r³·scale·Σdy(x−mean), with r = rsqrt(variance + ε). Sums in float64.
 */
function fusedBatchNormGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const be = backend as WasmHeapBackend;
  const { x, dy, mean, variance, scale } = inputs as Record<string, TensorInfo | undefined> & {
    x: TensorInfo;
    dy: TensorInfo;
    mean: TensorInfo;
    variance: TensorInfo;
  };
  const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  const C = mean.shape[0]!;
  const rows = util.sizeFromShape(x.shape) / C;
  const xs = heapF32(be, x);
  const g = heapF32(be, dy);
  const mu = heapF32(be, mean);
  const va = heapF32(be, variance);
  const sc = scale ? heapF32(be, scale) : undefined;
  const sumDy = new Float64Array(C);
  const sumDyXm = new Float64Array(C);
  // Four rows per pass over the channel accumulators (as in makeLeadingReduce).
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const i0 = r * C;
    const i1 = i0 + C;
    const i2 = i1 + C;
    const i3 = i2 + C;
    for (let c = 0; c < C; c++) {
      const mc = mu[c]!;
      const d0 = g[i0 + c]!;
      const d1 = g[i1 + c]!;
      const d2 = g[i2 + c]!;
      const d3 = g[i3 + c]!;
      sumDy[c]! += d0 + d1 + (d2 + d3);
      sumDyXm[c]! +=
        d0 * (xs[i0 + c]! - mc) +
        d1 * (xs[i1 + c]! - mc) +
        (d2 * (xs[i2 + c]! - mc) + d3 * (xs[i3 + c]! - mc));
    }
  }
  for (; r < rows; r++) {
    const i0 = r * C;
    for (let c = 0; c < C; c++) {
      const d = g[i0 + c]!;
      sumDy[c]! += d;
      sumDyXm[c]! += d * (xs[i0 + c]! - mu[c]!);
    }
  }
  const k = new Float64Array(C);
  const dx = be.makeOutput(x.shape, 'float32');
  const dMean = be.makeOutput([C], 'float32');
  const dVar = be.makeOutput([C], 'float32');
  const dScale = be.makeOutput([C], 'float32');
  const dOffset = be.makeOutput([C], 'float32');
  const m = heapF32(be, dMean);
  const v = heapF32(be, dVar);
  const s = heapF32(be, dScale);
  const o = heapF32(be, dOffset);
  for (let c = 0; c < C; c++) {
    const rs = 1 / Math.sqrt(va[c]! + eps);
    const gamma = sc ? sc[c]! : 1;
    k[c] = gamma * rs;
    m[c] = -rs * gamma * sumDy[c]!;
    v[c] = -0.5 * rs * rs * rs * gamma * sumDyXm[c]!;
    s[c] = rs * sumDyXm[c]!;
    o[c] = sumDy[c]!;
  }
  const out = heapF32(be, dx);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) out[i] = g[i]! * k[c]!;
  }
  return [dx, dMean, dVar, dScale, dOffset];
}

/**
 * The FusedBatchNorm gradient while the kernels are registered: on wasm, with per-channel (rank-1)
 * statistics in float32, one FusedBatchNormGrad kernel; everywhere else tfjs-core's own gradient.
 */
function batchNormGradConfig(original: GradConfig): GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
      const grad = dy as Tensor;
      const C = mean.shape[0];
      const fusable =
        getBackend() === BACKEND &&
        getKernel('FusedBatchNormGrad', BACKEND) !== undefined &&
        mean.rank === 1 &&
        variance.rank === 1 &&
        (scale == null || scale.rank === 1) &&
        x.shape[x.rank - 1] === C &&
        [x, grad, mean, variance].every((t) => t.dtype === 'float32');
      if (!fusable) return original.gradFunc(dy, saved, attrs);
      // Run now, not in the thunks: the tape calls each thunk in its own tidy, which would dispose
      // the other four results. Those not used are disposed with the gradient computation's scope.
      const [dx, dMean, dVar, dScale, dOffset] = engine().runKernel(
        'FusedBatchNormGrad',
        { x, dy: grad, mean, variance, ...(scale ? { scale } : {}) },
        attrs,
      ) as Tensor[];
      return {
        x: () => dx!,
        mean: () => dMean!,
        variance: () => dVar!,
        scale: () => dScale!,
        offset: () => dOffset!,
      };
    },
  };
}

const IMPLEMENTATIONS: Record<WasmTrainingKernelName, KernelFunc> = {
  Conv2DBackpropFilter: conv2DBackpropFilter as KernelFunc,
  Conv2DBackpropInput: conv2DBackpropInput as KernelFunc,
  BatchMatMul: batchMatMul as KernelFunc,
  Sum: makeLeadingReduce('Sum'),
  Mean: makeLeadingReduce('Mean'),
  Tile: tile as KernelFunc,
  MaxPoolGrad: maxPoolGrad as KernelFunc,
  Identity: identity as KernelFunc,
  Cast: cast as KernelFunc,
  FusedBatchNormGrad: fusedBatchNormGrad as unknown as KernelFunc,
};

interface RegistryState {
  count: number;
  originals: Map<string, KernelConfig | undefined>;
  /** tfjs-core's FusedBatchNorm gradient, while ours stands in for it. */
  batchNormGrad?: GradConfig;
}

// One record per process, shared by the ESM and CJS builds (both use tfjs-core's global registry).
const STATE_KEY = Symbol.for('@fmnist/vgg-small/wasm-training-kernels');

function registryState(): RegistryState {
  const g = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  let state = g[STATE_KEY];
  if (!state) {
    state = { count: 0, originals: new Map() };
    g[STATE_KEY] = state;
  }
  return state;
}

/** Whether {@link registerWasmTrainingKernels} is in effect. */
export function wasmTrainingKernelsRegistered(): boolean {
  return registryState().count > 0;
}

/**
 * Registers the kernels training needs on the tfjs wasm backend ({@link WASM_TRAINING_KERNELS}):
 * `Conv2DBackpropFilter`, which tfjs-backend-wasm 4.22 lacks, and faster versions of six kernels
 * whose shipped versions dominate a training step. Each is checked against the cpu backend in this
 * package's tests.
 *
 * Import `@tensorflow/tfjs-backend-wasm` first; the call may come before or after
 * `tf.setBackend('wasm')`. Calls nest: each returns its own `unregister` function (idempotent), and
 * the shipped kernels come back when the last registration is undone.
 *
 * @param options.kernels Register only these (for benchmarks, e.g. `['Conv2DBackpropFilter']` to
 *   measure the shipped kernels); the first registration decides, nested calls add nothing.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * const unregister = registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * // ... train ...
 * unregister();
 * ```
 */
export function registerWasmTrainingKernels(
  options: { kernels?: readonly WasmTrainingKernelName[] } = {},
): () => void {
  const state = registryState();
  if (state.count === 0) {
    if (!getKernel('BatchMatMul', BACKEND) || !getKernel('Conv2D', BACKEND)) {
      throw new WasmBackendMissingError();
    }
    state.originals.clear();
    const names = options.kernels ?? (Object.keys(IMPLEMENTATIONS) as WasmTrainingKernelName[]);
    for (const name of names) {
      const original = getKernel(name, BACKEND);
      state.originals.set(name, original);
      if (original) unregisterKernel(name, BACKEND);
      registerKernel({
        kernelName: name,
        backendName: BACKEND,
        kernelFunc: IMPLEMENTATIONS[name],
        // The shipped kernels we delegate to need their wasm functions bound when the backend starts.
        ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
      });
    }
    const bnGrad = getGradient('FusedBatchNorm');
    if (names.includes('FusedBatchNormGrad') && bnGrad) {
      state.batchNormGrad = bnGrad;
      registerGradient(batchNormGradConfig(bnGrad));
    }
  }
  state.count++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    state.count--;
    if (state.count > 0) return;
    for (const [name, original] of state.originals) {
      unregisterKernel(name, BACKEND);
      if (original) registerKernel(original);
    }
    state.originals.clear();
    if (state.batchNormGrad) registerGradient(state.batchNormGrad);
    state.batchNormGrad = undefined;
  };
}
