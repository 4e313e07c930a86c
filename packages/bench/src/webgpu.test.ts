import { existsSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { BackendUnavailableError, WebGpuUnavailableError } from './errors.js';
import { findVulkanLoader } from './vulkan.js';
import { SWIFTSHADER_ICDS, setUpWebGpu } from './webgpu.js';

const swiftShader = SWIFTSHADER_ICDS.find((p) => existsSync(p));
const loader = process.platform === 'linux' ? findVulkanLoader() : undefined;
const why = !swiftShader
  ? "no SwiftShader Vulkan driver (install Debian's chromium)"
  : !loader
    ? 'no Vulkan loader libvulkan.so.1 (apt-get install libvulkan1)'
    : undefined;
if (why) console.warn(`webgpu.test.ts: SwiftShader tests skipped: ${why}`);

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('setUpWebGpu decisions', () => {
  it('refuses a manifest that does not exist, naming the fix', async () => {
    const err = await setUpWebGpu({ icd: '/nonexistent/icd.json' }).catch((e) => e);
    expect(WebGpuUnavailableError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ code: 'WEBGPU_UNAVAILABLE', problem: 'no-adapter' });
    expect(err.message).toContain('/nonexistent/icd.json');
    expect(err.message).toContain('VK_ICD_FILENAMES');
  });

  it('says "not installed" when Dawn is missing', async () => {
    const err = await setUpWebGpu({
      importModule: async () => {
        throw Object.assign(new Error("Cannot find package 'webgpu' imported from /x"), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      },
    }).catch((e) => e);
    expect(err).toMatchObject({ problem: 'not-installed' });
    expect(err.message).toContain(
      'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
    );
  });

  it('without a GPU device node and software not allowed: no adapter, and why', async () => {
    const err = await setUpWebGpu({ hasGpuDevice: false }).catch((e) => e);
    expect(err).toBeInstanceOf(WebGpuUnavailableError);
    expect(err.problem).toBe(loader ? 'no-adapter' : 'no-vulkan-loader');
    expect(err.message).toMatch(/no GPU device node/);
  });
});

describe.skipIf(!!why)('webgpu on SwiftShader (Dawn, software adapter)', () => {
  it('auto selection does not pick the software adapter; naming it does', async () => {
    const auto = await selectBackend({ tf });
    expect(auto.name).not.toBe('webgpu');
    const sel = await selectBackend({ tf, prefer: 'webgpu' });
    // SwiftShader is a CPU: not a GPU for apps that size their work by `gpu`.
    expect(sel).toMatchObject({ name: 'webgpu', backend: 'webgpu', gpu: false });
    expect(sel.adapter).toMatchObject({
      vendor: 'google',
      architecture: 'swiftshader',
      kind: 'software',
      driver: swiftShader,
    });
    expect(sel.attempts[0]!.reason).toContain('on google swiftshader (software)');
    // Once set up, an automatic run still declines the software adapter.
    const again = await selectBackend({ tf, prefer: 'webgpu', fallback: true });
    expect(again.name).toBe('webgpu');
    const err = await setUpWebGpu().catch((e) => e);
    expect(err).toMatchObject({ problem: 'software-only', adapter: { kind: 'software' } });
    // selectBackend records the declined software adapter in the attempt.
    const declined = await selectBackend({ tf });
    const attempt = declined.attempts.find((a) => a.name === 'webgpu')!;
    expect(attempt).toMatchObject({ status: 'skipped', adapter: { architecture: 'swiftshader' } });
  });

  it('computes what the cpu backend computes, without leaking tensors', async () => {
    await selectBackend({ tf, prefer: 'webgpu' });
    const a = Float32Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 48 * 32 }, (_, i) => Math.cos(i * 0.7));
    const run = async () => {
      const before = tf.memory().numTensors;
      const y = tf.tidy(() =>
        tf.relu(tf.matMul(tf.tensor2d(a, [64, 48]), tf.tensor2d(b, [48, 32]))),
      );
      const out = await y.data();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const gpu = await run();
    await tf.setBackend('cpu');
    const cpu = await run();
    let max = 0;
    for (let i = 0; i < cpu.length; i++) max = Math.max(max, Math.abs(cpu[i]! - gpu[i]!));
    expect(max).toBeLessThan(1e-4);
  });

  it('a named webgpu without fallback never silently becomes another backend', async () => {
    const err = await selectBackend({
      tf,
      prefer: 'webgpu',
      candidates: [
        {
          name: 'webgpu',
          module: '@tensorflow/tfjs-backend-webgpu',
          backend: 'webgpu',
          gpu: true,
          setUp: async () => {
            throw new WebGpuUnavailableError({ problem: 'no-adapter', detail: 'fake' });
          },
        },
        { name: 'cpu', module: '@tensorflow/tfjs-backend-cpu', backend: 'cpu' },
      ],
    }).catch((e) => e);
    expect(BackendUnavailableError.isInstance(err)).toBe(true);
    expect(err.message).toContain('no Vulkan driver for this GPU');
  });
});
