// The wasm training kernels live in ./wasm-kernels/ (one file per kernel); this path stays so that
// `import … from './wasm-kernels.js'` keeps working across the package.
export {
  registerWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from './wasm-kernels/index.js';
