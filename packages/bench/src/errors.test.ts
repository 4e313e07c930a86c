import { describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  BenchError,
  InvalidArgumentError,
  WebGpuUnavailableError,
} from './errors.js';

/** The same class as another copy of the package would define it: no shared prototype. */
function foreignCopy(code: string, marker: string): Error {
  const e = Object.assign(new Error('from another copy'), { code });
  Object.defineProperty(e, Symbol.for('fmnist.bench.error'), { value: true });
  Object.defineProperty(e, Symbol.for(`fmnist.bench.error.${marker}`), { value: true });
  return e;
}

describe('@fmnist/bench errors', () => {
  it('InvalidArgumentError: code, class, isInstance, the message as given', () => {
    const e = new InvalidArgumentError({ message: 'repeats must be a positive integer, got 0.' });
    expect(e).toBeInstanceOf(BenchError);
    expect(e.name).toBe('InvalidArgumentError');
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(InvalidArgumentError.isInstance(e)).toBe(true);
    expect(BenchError.isInstance(e)).toBe(true);
    expect(BackendUnavailableError.isInstance(e)).toBe(false);
    expect(e.message).toBe('repeats must be a positive integer, got 0.');
  });

  it('BackendUnavailableError names the choices, or each reason and what to install', () => {
    const unknown = new BackendUnavailableError({
      attempts: [],
      requested: 'gpu',
      known: ['wasm', 'cpu'],
    });
    expect(unknown.code).toBe('BACKEND_UNAVAILABLE');
    expect(unknown.message).toBe("Unknown backend 'gpu'. Choose one of: wasm, cpu.");
    const attempts = [
      {
        name: 'wasm',
        module: '@tensorflow/tfjs-backend-wasm',
        backend: 'wasm',
        status: 'not-installed' as const,
        reason: '@tensorflow/tfjs-backend-wasm is not installed',
        ms: 1,
      },
    ];
    const named = new BackendUnavailableError({ attempts, requested: 'wasm' });
    expect(named.message).toBe(
      'No TensorFlow.js backend could start:\n  - wasm: @tensorflow/tfjs-backend-wasm is not installed\nInstall @tensorflow/tfjs-backend-wasm, or choose another backend.',
    );
    expect(named.attempts).toBe(attempts);
    expect(new BackendUnavailableError({ attempts }).message).toContain(
      'npm install @tensorflow/tfjs-backend-cpu',
    );
    const failed = [
      { ...attempts[0]!, status: 'failed' as const, reason: 'WebGPU unavailable: …' },
    ];
    expect(new BackendUnavailableError({ attempts: failed, requested: 'wasm' }).message).toMatch(
      /\nDo what the reason above says, or choose another backend\.$/,
    );
    const cause = new Error('x');
    expect(new BackendUnavailableError({ attempts, cause }).cause).toBe(cause);
  });

  it('WebGpuUnavailableError says what to install or set for each problem', () => {
    const fixes = {
      'not-installed': 'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
      'unsupported-platform': 'use wasm here',
      'no-vulkan-loader': 'apt-get install libvulkan1',
      'no-adapter': "no Vulkan driver for this GPU: install the vendor's Vulkan ICD",
      'software-only': '--backend webgpu',
    } as const;
    for (const [problem, fix] of Object.entries(fixes)) {
      const e = new WebGpuUnavailableError({
        problem: problem as keyof typeof fixes,
        detail: 'facts',
      });
      expect(e.code).toBe('WEBGPU_UNAVAILABLE');
      expect(e.problem).toBe(problem);
      expect(e.message).toMatch(/^WebGPU unavailable: facts; /);
      expect(e.message).toContain(fix);
      expect(WebGpuUnavailableError.isInstance(e)).toBe(true);
    }
  });

  it('isInstance recognises errors of another copy of the package, and nothing else', () => {
    const other = foreignCopy('WEBGPU_UNAVAILABLE', 'WebGpuUnavailableError');
    expect(other).not.toBeInstanceOf(BenchError);
    expect(BenchError.isInstance(other)).toBe(true);
    expect(WebGpuUnavailableError.isInstance(other)).toBe(true);
    expect(InvalidArgumentError.isInstance(other)).toBe(false);
    for (const v of [null, undefined, 'x', new Error('plain'), { code: 'INVALID_ARGUMENT' }]) {
      expect(BenchError.isInstance(v)).toBe(false);
    }
  });
});
