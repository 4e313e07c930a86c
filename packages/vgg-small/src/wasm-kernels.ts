import {
  backend_util,
  type DataId,
  type DataType,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerKernel,
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
    'transposed to [OH,OW,B,F] and dilated by the stride, as the filter.',
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
} as const;

/** Names of the kernels registered by {@link registerWasmTrainingKernels}. */
export type WasmTrainingKernelName = keyof typeof WASM_TRAINING_KERNELS;

const BACKEND = 'wasm';
function heapF32(backend: WasmHeapBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

function originalOf(name: WasmTrainingKernelName): KernelConfig | undefined {
  return registryState().originals.get(name);
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

/**
 * dW[kh,kw,c,f] = Σ_{b,oh,ow} x[b, oh·sh+kh−pt, ow·sw+kw−pl, c] · dy[b,oh,ow,f]
 *
 * is itself a convolution with the batch as the contracted channel axis: input x′ = x as
 * [C, H, W, B], filter dy′ = dy as [OH, OW, B, F] dilated by the stride, output [C, KH, KW, F].
 * Two transposes on the wasm heap, then the forward wasm Conv2D kernel (XNNPACK) does the work at
 * close to the speed of the forward pass.
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
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C } = info;
  const { outHeight: OH, outWidth: OW, outChannels: F, filterHeight: KH, filterWidth: KW } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  // Padding after the image so that the output is KH×KW; input rows/columns that no output reads
  // (negative padding) are left out of x′.
  const pb = KH + (OH - 1) * sh - H - pt;
  const pr = KW + (OW - 1) * sw - W - pl;
  const Hc = H + Math.min(0, pb);
  const Wc = W + Math.min(0, pr);

  // x′[c, h, w, b] = x[b, h, w, c] for h < Hc, w < Wc. A fresh tensor: XNNPACK caches by id.
  const xT = be.makeOutput([C, Hc, Wc, B], 'float32');
  const dyT = be.makeOutput([OH, OW, B, F], 'float32');
  {
    const src = heapF32(be, x);
    const dst = heapF32(be, xT);
    const planeOut = Hc * Wc * B;
    for (let h = 0; h < Hc; h++) {
      for (let w = 0; w < Wc; w++) {
        const o = (h * Wc + w) * B;
        for (let b = 0; b < B; b++) {
          const s = ((b * H + h) * W + w) * C;
          for (let c = 0; c < C; c++) dst[c * planeOut + o + b] = src[s + c]!;
        }
      }
    }
    // dy′[oh, ow, b, f] = dy[b, oh, ow, f]: runs of F floats.
    const g = heapF32(be, dy);
    const gT = heapF32(be, dyT);
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < OH * OW; p++) {
        const s = (b * OH * OW + p) * F;
        const o = (p * B + b) * F;
        for (let f = 0; f < F; f++) gT[o + f] = g[s + f]!;
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
  // [C, KH, KW, F] → [KH, KW, C, F]
  const out = be.makeOutput([KH, KW, C, F], 'float32');
  const cv = heapF32(be, conv);
  const o = heapF32(be, out);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < KH * KW; t++) {
      const s = (c * KH * KW + t) * F;
      const d = (t * C + c) * F;
      for (let f = 0; f < F; f++) o[d + f] = cv[s + f]!;
    }
  }
  be.disposeData(conv.dataId);
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
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C } = info;
  const { outHeight: OH, outWidth: OW, outChannels: F, filterHeight: KH, filterWidth: KW } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;

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

/** Copies `x` with its last two axes swapped into a new heap tensor. */
function transposeLastTwo(be: WasmHeapBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const R = x.shape[rank - 2]!;
  const C = x.shape[rank - 1]!;
  const batch = util.sizeFromShape(x.shape.slice(0, rank - 2));
  const shape = [...x.shape.slice(0, rank - 2), C, R];
  const out = be.makeOutput(shape, x.dtype);
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  for (let b = 0; b < batch; b++) {
    const off = b * R * C;
    for (let r = 0; r < R; r++) {
      const s = off + r * C;
      for (let c = 0; c < C; c++) dst[off + c * R + r] = src[s + c]!;
    }
  }
  return out;
}

function batchMatMul({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const be = backend as WasmHeapBackend;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
  };
  const original = originalOf('BatchMatMul')!;
  if (!transposeA && !transposeB) {
    return original.kernelFunc({ inputs, backend: be as never, attrs }) as TensorInfo;
  }
  const at = transposeA ? transposeLastTwo(be, a) : a;
  const bt = transposeB ? transposeLastTwo(be, b) : b;
  try {
    return original.kernelFunc({
      inputs: { a: at, b: bt },
      backend: be as never,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
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
      return originalOf(name)!.kernelFunc({ inputs, backend: be as never, attrs });
    }
    const rest = x.shape.slice(axes.length);
    const R = util.sizeFromShape(x.shape.slice(0, axes.length));
    const C = util.sizeFromShape(rest);
    const acc = new Float64Array(C);
    const xs = heapF32(be, x);
    for (let r = 0, i = 0; r < R; r++) {
      for (let c = 0; c < C; c++, i++) acc[c]! += xs[i]!;
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
    return originalOf('Tile')!.kernelFunc({ inputs, backend: be as never, attrs }) as TensorInfo;
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

const IMPLEMENTATIONS: Record<WasmTrainingKernelName, KernelFunc> = {
  Conv2DBackpropFilter: conv2DBackpropFilter as KernelFunc,
  Conv2DBackpropInput: conv2DBackpropInput as KernelFunc,
  BatchMatMul: batchMatMul as KernelFunc,
  Sum: makeLeadingReduce('Sum'),
  Mean: makeLeadingReduce('Mean'),
  Tile: tile as KernelFunc,
  MaxPoolGrad: maxPoolGrad as KernelFunc,
};

interface RegistryState {
  count: number;
  originals: Map<string, KernelConfig | undefined>;
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
  };
}
