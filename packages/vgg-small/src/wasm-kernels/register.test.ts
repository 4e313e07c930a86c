import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../test-helpers/index.js';
import {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  wasmTrainingKernelsRegistered,
} from './index.js';

describe('registerWasmTrainingKernels', () => {
  it('is idempotent and reversible: the shipped kernels come back after the last unregister', async () => {
    await tf.setBackend('wasm');
    const shipped = tf.getKernel('BatchMatMul', 'wasm');
    const bnGrad = tf.getGradient('FusedBatchNorm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const un1 = registerWasmTrainingKernels();
    const un2 = registerWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    for (const name of Object.keys(WASM_TRAINING_KERNELS)) {
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    }
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(shipped);
    expect(tf.getGradient('FusedBatchNorm')).not.toBe(bnGrad);
    un1();
    un1(); // a second call of the same function does nothing
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    un2();
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(shipped);
    expect(tf.getGradient('FusedBatchNorm')).toBe(bnGrad);
  });
});
