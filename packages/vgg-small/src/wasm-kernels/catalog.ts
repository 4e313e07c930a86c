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

/** Names of the kernels registered by `registerWasmTrainingKernels()`. */
export type WasmTrainingKernelName = keyof typeof WASM_TRAINING_KERNELS;
