// Shared by the recipe's *.test.ts files; not part of the package's API (not reachable from
// index.ts). TORCH holds recipe/fixtures/torch-reference.json, written by recipe/fixtures/torch-reference.py.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import './index.js';
import { beforeAll, expect } from 'vitest';
import { InvalidConfigError } from '../errors.js';
import type { OneCycleOptions } from '../recipe/schedules.js';

/** The values PyTorch computed, as torch-reference.py writes them. */
export interface TorchReference {
  torch: string;
  oneCycle: {
    options: OneCycleOptions;
    total: number;
    lr: number[];
    momentum: number[];
  }[];
  optim: {
    w0: number[][];
    b0: number[];
    steps: number;
    sgdNesterovOneCycle: { w: number[]; b: number[] };
    adamw: { w: number[]; b: number[] };
  };
  labelSmoothing: { logits: number[][]; labels: number[]; smoothing: number; perExample: number[] };
}

export const TORCH: TorchReference = JSON.parse(
  readFileSync(new URL('../recipe/fixtures/torch-reference.json', import.meta.url), 'utf8'),
);

/** For the calling test file: the cpu backend. */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
}

/** The reference's kernel `w0` [3, 2] and bias `b0` [2] as new variables (the caller disposes). */
export function referenceVariables(): [tf.Variable, tf.Variable] {
  return tf.tidy(() => [
    tf.variable(tf.tensor2d(TORCH.optim.w0)),
    tf.variable(tf.tensor1d(TORCH.optim.b0)),
  ]) as [tf.Variable, tf.Variable];
}

/**
 * The reference's run: {@link referenceVariables}, then for each of its `steps` steps the
 * gradients torch-reference.py uses ({@link fixedGrad}; disposed after the step) given to `apply`;
 * then expects the final kernel and bias to be PyTorch's `want`, and disposes them.
 */
export function expectReferenceRun(
  want: { w: number[]; b: number[] },
  apply: (
    gradients: { name: string; tensor: tf.Tensor }[],
    variables: [tf.Variable, tf.Variable],
    step: number,
  ) => void,
): void {
  const variables = referenceVariables();
  const [w, b] = variables;
  for (let step = 0; step < TORCH.optim.steps; step++) {
    const gradients = [
      { name: w.name, tensor: tf.tensor2d(fixedGrad(6, step, 0), [3, 2]) },
      { name: b.name, tensor: tf.tensor1d(fixedGrad(2, step, 2)) },
    ];
    apply(gradients, variables, step);
    tf.dispose(gradients.map((g) => g.tensor));
  }
  expectValues(w, want.w);
  expectValues(b, want.b);
  tf.dispose(variables);
}

/** The gradient torch-reference.py gives a tensor of `size` values at `step`. */
function fixedGrad(size: number, step: number, offset: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i + 1.3 * step + offset));
}

/** Expects `t` to hold `want`, each value within `tol`. */
export function expectValues(t: tf.Tensor, want: ArrayLike<number>, tol = 2e-6): void {
  const got = Array.from(t.dataSync());
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - want[i]!)).toBeLessThan(tol);
  });
}

/** Expects `fn` to throw an {@link InvalidConfigError} for `option` whose message matches `fix`. */
export function expectConfigError(fn: () => unknown, option: string, fix: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidConfigError);
  expect(InvalidConfigError.isInstance(caught)).toBe(true);
  expect((caught as InvalidConfigError).code).toBe('INVALID_CONFIG');
  expect((caught as InvalidConfigError).option).toBe(option);
  expect((caught as Error).message).toMatch(fix);
}
