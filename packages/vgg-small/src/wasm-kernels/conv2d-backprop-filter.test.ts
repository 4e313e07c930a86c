import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { UnsupportedKernelInputError } from '../errors.js';
import {
  describeConvGradientKernel,
  withWasmTrainingKernels,
} from '../test-helpers/wasm-kernels.js';

describeConvGradientKernel('filter');

describe('Conv2DBackpropFilter on wasm rejects what it does not implement', () => {
  withWasmTrainingKernels();

  it('throws UnsupportedKernelInputError for NCHW data, naming the fix', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.zeros([1, 1, 4, 4]);
    const dy = tf.zeros([1, 1, 4, 4]);
    let caught: unknown;
    try {
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 1, 1],
        },
      );
    } catch (error) {
      caught = error;
    }
    tf.dispose([x, dy]);
    expect(caught).toBeInstanceOf(UnsupportedKernelInputError);
    expect(UnsupportedKernelInputError.isInstance(caught)).toBe(true);
    const error = caught as UnsupportedKernelInputError;
    expect(error.code).toBe('UNSUPPORTED_KERNEL_INPUT');
    expect(error.kernel).toBe('Conv2DBackpropFilter');
    expect(error.message).toMatch(/transpose to NHWC/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
