import {
  type backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convDims, convInfo } from './conv-info.js';
import { filterGradModule } from './filter-grad-module.js';
import { heapF32, type WasmHeapBackend, type WasmKernelArgs, wasmKernelConfig } from './heap.js';
import { callShipped } from './registry.js';

/**
 * dW[kh,kw,c,f] = Σ_{b,oh,ow} x[b, oh·sh+kh−pt, ow·sw+kw−pl, c] · dy[b,oh,ow,f]: our own SIMD
 * kernel ({@link filterGradDirect}: F a multiple of 4 and C·F up to {@link DIRECT_MAX_CF}),
 * otherwise one im2col matrix product for few input channels ({@link filterGradIm2col}) or a
 * forward convolution ({@link filterGradAsConv}).
 * tfjs-backend-wasm 4.22 has no such kernel.
 */
function conv2DBackpropFilter({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs>): TensorInfo {
  const args: FilterGradArgs = {
    be: backend,
    x: inputs.x!,
    dy: inputs.dy!,
    info: convInfo('Conv2DBackpropFilter', inputs.x!.shape, attrs.filterShape, attrs),
  };
  const { filterHeight, filterWidth, inChannels, outChannels } = args.info;
  if (outChannels % 4 === 0 && inChannels * outChannels <= DIRECT_MAX_CF) {
    return filterGradDirect(args);
  }
  return filterHeight * filterWidth * inChannels <= IM2COL_MAX_ROWS
    ? filterGradIm2col(args)
    : filterGradAsConv(args);
}

/** What both ways of computing the filter gradient take: the backend, x, dy and the geometry. */
interface FilterGradArgs {
  be: WasmHeapBackend;
  x: TensorInfo;
  dy: TensorInfo;
  info: backend_util.Conv2DInfo;
}

/**
 * Up to this C·F (every layer of the presets) the direct kernel is the one used. Measured against
 * XNNPACK's forward-convolution form on the presets' layers at batch 32 to 64: 1.3-8× faster up to
 * C·F = 96·96 (the `cpu` preset's whole filter gradient 2.8× faster), about even (0.8-1.2×, run to
 * run) at 96·192 and 192·192 and on the reference network's wider layers, which stay on XNNPACK.
 */
const DIRECT_MAX_CF = 192 * 192;

/** Bytes of padded input and output gradient per chunk of the direct kernel: about half an L2. */
const DIRECT_CHUNK_BYTES = 192 * 1024;

/**
 * The filter gradient on our WebAssembly SIMD kernel (assembly/conv2d-backprop-filter.ts), in
 * chunks of images: each chunk's input is copied zero-padded (so every tap reads inside it) and
 * its output gradient as is into the kernel's memory, where they stay in cache while the kernel
 * adds the chunk's terms to the [KH·KW·C, F] sums (which is already tfjs' filter layout). Each sum
 * is the plain float32 sum over b, oh, ow in order, whatever the chunking.
 */
function filterGradDirect({ be, x, dy, info }: FilterGradArgs): TensorInfo {
  const { B, H, W, C, OH, OW, F, KH, KW, sh, sw, pt, pl } = convDims(info);
  const Hp = (OH - 1) * sh + KH;
  const Wp = (OW - 1) * sw + KW;
  const R = KH * KW * C;
  const imageIn = Hp * Wp * C;
  const imageDy = OH * OW * F;
  const chunk = Math.max(1, Math.min(B, Math.floor(DIRECT_CHUNK_BYTES / 4 / (imageIn + imageDy))));
  const align = (n: number) => (n + 3) & ~3; // floats, to 16 bytes
  const offsAt = 0;
  const outAt = align(R);
  const xpAt = outAt + align(R * F);
  const dyAt = xpAt + align(chunk * imageIn);
  const { exports: k, base } = filterGradModule(4 * (dyAt + chunk * imageDy));
  const mem = new Float32Array(k.memory.buffer, base);
  const offs = new Int32Array(k.memory.buffer, base + 4 * offsAt, R);
  let r = 0;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let c = 0; c < C; c++) offs[r++] = (kh * Wp + kw) * C + c;
    }
  }
  // Input rows h and columns w land at h + pt, w + pl; those outside the padded image no tap reads.
  const h0 = Math.max(0, -pt);
  const h1 = Math.min(H, Hp - pt);
  const w0 = Math.max(0, -pl);
  const w1 = Math.min(W, Wp - pl);
  const src = heapF32(be, x);
  const g = heapF32(be, dy);
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const Bc = Math.min(chunk, B - b0);
    mem.fill(0, xpAt, xpAt + Bc * imageIn);
    if (w1 > w0) {
      for (let i = 0; i < Bc; i++) {
        for (let h = h0; h < h1; h++) {
          const s = (((b0 + i) * H + h) * W + w0) * C;
          mem.set(
            src.subarray(s, s + (w1 - w0) * C),
            xpAt + ((i * Hp + h + pt) * Wp + w0 + pl) * C,
          );
        }
      }
    }
    mem.set(g.subarray(b0 * imageDy, (b0 + Bc) * imageDy), dyAt);
    k.filterGradChunk(
      base + 4 * xpAt,
      base + 4 * dyAt,
      base + 4 * outAt,
      base + 4 * offsAt,
      R,
      b0 === 0 ? 1 : 0,
      Bc,
      OH,
      OW,
      F,
      Hp,
      Wp,
      C,
      sh,
      sw,
    );
  }
  const out = be.makeOutput([KH, KW, C, F], 'float32');
  heapF32(be, out).set(mem.subarray(outAt, outAt + R * F));
  return out;
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
function filterGradIm2col({ be, x, dy, info }: FilterGradArgs): TensorInfo {
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
    prod = callShipped('BatchMatMul', { a: dyT, b: cols }, be, {
      transposeA: false,
      transposeB: false,
    });
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
function filterGradAsConv({ be, x, dy, info }: FilterGradArgs): TensorInfo {
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
      conv = callShipped('Conv2D', { x: xT, filter: dyT }, be, {
        strides: [1, 1],
        pad: [
          [0, 0],
          [pt, Math.max(0, pb)],
          [pl, Math.max(0, pr)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [sh, sw],
      });
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

/** `Conv2DBackpropFilter` on wasm. */
export const conv2DBackpropFilterConfig: KernelConfig = wasmKernelConfig(
  Conv2DBackpropFilter,
  conv2DBackpropFilter,
);
