import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './heap.js';

/**
 * The output shares the input's heap buffer (reference counted, as the cpu backend's Identity and
 * the wasm backend's own Reshape do); undefined where that is not possible (strings).
 */
export function shareBuffer(backend: WasmHeapBackend, x: TensorInfo): TensorInfo | undefined {
  if (x.dtype === 'string' || typeof backend.incRef !== 'function') return undefined;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
