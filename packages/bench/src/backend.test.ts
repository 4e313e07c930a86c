import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type BackendCandidate, selectBackend, type TfBackendLike } from './backend.js';
import { BackendUnavailableError, WebGpuUnavailableError } from './errors.js';
import { importFrom } from './import.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A missing package, the way Node reports it. */
function notFound(spec: string): Error {
  return Object.assign(new Error(`Cannot find package '${spec}' imported from /app/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

/** A fake tfjs that knows which backends register successfully. */
function fakeTf(working: string[]): TfBackendLike & { calls: string[] } {
  let current = 'none';
  const calls: string[] = [];
  return {
    calls,
    async setBackend(name) {
      calls.push(name);
      if (!working.includes(name)) return false;
      current = name;
      return true;
    },
    async ready() {},
    getBackend: () => current,
  };
}

describe('selectBackend with the real packages installed here', () => {
  it('falls back past tfjs-node-gpu and tfjs-node (not installed) to wasm', async () => {
    const sel = await selectBackend({ tf });
    expect(sel.name).toBe('wasm');
    expect(sel.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(sel.gpu).toBe(false);
    expect(sel.attempts.map((a) => [a.name, a.status])).toEqual([
      ['tfjs-node-gpu', 'not-installed'],
      // This machine has no GPU device node: webgpu is not tried on the system drivers, and the
      // software adapter (SwiftShader) is used only when named.
      ['webgpu', 'failed'],
      ['tfjs-node', 'not-installed'],
      ['wasm', 'ok'],
      ['cpu', 'skipped'],
    ]);
    expect(sel.attempts[2]!.reason).toBe('@tensorflow/tfjs-node is not installed');
    expect(sel.attempts[1]!.reason).toMatch(/^WebGPU unavailable: .*no GPU device node/);
    expect(sel.attempts[1]!.reason).toContain("install the vendor's Vulkan ICD");
    expect(sel.adapter).toBeUndefined();
  });

  it('uses the backend the user names', async () => {
    const sel = await selectBackend({ tf, prefer: 'cpu' });
    expect(sel).toMatchObject({ name: 'cpu', backend: 'cpu' });
    expect(sel.attempts).toHaveLength(1);
    expect(tf.getBackend()).toBe('cpu');
    // By tfjs backend name and by package name too.
    expect((await selectBackend({ tf, prefer: 'wasm' })).name).toBe('wasm');
    const byPkg = await selectBackend({ tf, prefer: '@tensorflow/tfjs-backend-cpu' });
    expect(byPkg.name).toBe('cpu');
  });

  it('does not silently replace a named backend that is missing', async () => {
    const err = await selectBackend({ tf, prefer: 'tfjs-node' }).catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(BackendUnavailableError.isInstance(err)).toBe(true);
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.requested).toBe('tfjs-node');
    expect(err.message).toContain('@tensorflow/tfjs-node is not installed');
    expect(err.message).toContain('Install @tensorflow/tfjs-node');
    expect(err.attempts).toHaveLength(1);
  });

  it('falls back from a named backend when asked to', async () => {
    const sel = await selectBackend({ tf, prefer: 'tensorflow', fallback: true });
    expect(sel.name).toBe('wasm');
    expect(sel.attempts.slice(0, 2).map((a) => a.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    expect(sel.attempts[2]).toMatchObject({ name: 'webgpu', status: 'failed' });
  });

  it('rejects an unknown name with the list of choices', async () => {
    const err = await selectBackend({ tf, prefer: 'webgl' }).catch((e) => e);
    expect(BackendUnavailableError.isInstance(err)).toBe(true);
    expect(err.attempts).toEqual([]);
    expect(err.message).toBe(
      "Unknown backend 'webgl'. Choose one of: tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu.",
    );
  });

  it('quiet (the default) silences the cpu backend banner through tfjs PROD flag only', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // A fresh cpu backend prints the banner on its first write unless PROD (or IS_TEST) is set.
      const firstWrite = (name: string) => {
        tf.registerBackend(name, () => new MathBackendCPU());
        tf.findBackend(name)!.write(new Float32Array(1), [1], 'float32');
        tf.removeBackend(name);
      };
      tf.env().set('PROD', false);
      firstWrite('cpu-banner-control');
      expect(warn.mock.calls.flat().join('\n')).toContain('Hi, looks like you are running');
      warn.mockClear();
      await selectBackend({ tf, prefer: 'cpu', quiet: false });
      expect(tf.env().getBool('PROD')).toBe(false);
      await selectBackend({ tf, prefer: 'cpu' });
      expect(tf.env().getBool('PROD')).toBe(true);
      firstWrite('cpu-banner-quiet');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('importFrom resolves packages from the given folder, else from here', async () => {
    const m = (await importFrom('@tensorflow/tfjs-backend-cpu', '/')) as { version_cpu: string };
    expect(m.version_cpu).toBe('4.22.0');
    await expect(importFrom('@tensorflow/tfjs-node', process.cwd())).rejects.toMatchObject({
      code: 'ERR_MODULE_NOT_FOUND',
    });
  });
});

describe('selectBackend decisions (fake tfjs and importer)', () => {
  const candidates: BackendCandidate[] = [
    { name: 'tfjs-node-gpu', module: 'gpu-pkg', backend: 'tensorflow', gpu: true },
    { name: 'tfjs-node', module: 'node-pkg', backend: 'tensorflow' },
    { name: 'wasm', module: 'wasm-pkg', backend: 'wasm' },
    { name: 'cpu', module: 'cpu-pkg', backend: 'cpu' },
  ];

  it('picks the GPU backend when it is installed and starts', async () => {
    const ftf = fakeTf(['tensorflow', 'wasm', 'cpu']);
    const sel = await selectBackend({ tf: ftf, candidates, importModule: async () => ({}) });
    expect(sel).toMatchObject({ name: 'tfjs-node-gpu', gpu: true, backend: 'tensorflow' });
    expect(sel.attempts.map((a) => a.status)).toEqual(['ok', 'skipped', 'skipped', 'skipped']);
  });

  it('reports a broken native addon as failed (not as missing) and moves on', async () => {
    const ftf = fakeTf(['wasm', 'cpu']);
    const sel = await selectBackend({
      tf: ftf,
      candidates,
      importModule: async (spec) => {
        if (spec === 'gpu-pkg') throw notFound('gpu-pkg');
        if (spec === 'node-pkg') {
          throw new Error(
            'The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node.\nPlease run ...',
          );
        }
        return {};
      },
    });
    expect(sel.name).toBe('wasm');
    expect(sel.attempts[0]!.status).toBe('not-installed');
    expect(sel.attempts[1]!.status).toBe('failed');
    expect(sel.attempts[1]!.reason).toMatch(/^importing node-pkg failed: The Node.js native addon/);
    expect(sel.attempts[1]!.reason).not.toContain('Please run');
  });

  it('a missing transitive dependency is a failure, not "not installed"', async () => {
    const ftf = fakeTf(['cpu']);
    const sel = await selectBackend({
      tf: ftf,
      candidates: candidates.slice(2),
      importModule: async (spec) => {
        if (spec === 'wasm-pkg') throw notFound('some-dependency');
        return {};
      },
    });
    expect(sel.attempts[0]).toMatchObject({ status: 'failed' });
    expect(sel.name).toBe('cpu');
  });

  it('reports a backend whose initialisation fails, and throws when none starts', async () => {
    const ftf = fakeTf([]);
    const err = await selectBackend({
      tf: ftf,
      candidates,
      importModule: async (spec) => {
        if (spec === 'cpu-pkg') return {};
        throw notFound(spec);
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.attempts.map((a: { status: string }) => a.status)).toEqual([
      'not-installed',
      'not-installed',
      'not-installed',
      'failed',
    ]);
    expect(err.message).toContain("tf.setBackend('cpu') returned false");
    expect(ftf.calls).toEqual(['cpu']);
  });

  it('records a throwing setBackend as failed', async () => {
    const ftf: TfBackendLike = {
      setBackend: async (name) => {
        if (name === 'wasm') throw new Error('wasm binary missing');
        return name === 'cpu';
      },
      ready: async () => {},
      getBackend: () => 'cpu',
    };
    const sel = await selectBackend({
      tf: ftf,
      candidates: candidates.slice(2),
      importModule: async () => ({}),
    });
    expect(sel.name).toBe('cpu');
    expect(sel.attempts[0]!.reason).toBe("initialising backend 'wasm' failed: wasm binary missing");
  });

  it('a setUp that declines: not installed, software-only (skipped), or failed, with its reason', async () => {
    const declining = (
      problem: 'not-installed' | 'software-only' | 'no-adapter',
    ): BackendCandidate => ({
      name: `webgpu-${problem}`,
      module: 'webgpu-pkg',
      backend: 'webgpu',
      gpu: true,
      setUp: async () => {
        throw new WebGpuUnavailableError({ problem, detail: `fake ${problem}` });
      },
    });
    const imported: string[] = [];
    const sel = await selectBackend({
      tf: fakeTf(['cpu']),
      candidates: [
        declining('not-installed'),
        declining('software-only'),
        declining('no-adapter'),
        candidates[3]!,
      ],
      importModule: async (spec) => {
        imported.push(spec);
        return {};
      },
    });
    expect(sel.attempts.map((a) => a.status)).toEqual(['not-installed', 'skipped', 'failed', 'ok']);
    expect(sel.attempts[1]!.reason).toMatch(
      /^WebGPU unavailable: fake software-only; only a software/,
    );
    // A declined candidate's package is never imported (navigator.gpu must exist first).
    expect(imported).toEqual(['cpu-pkg']);
  });

  it('tells a named candidate it was named, and reports its adapter', async () => {
    const adapter = {
      vendor: 'nvidia',
      architecture: 'hopper',
      device: 'NVIDIA H200',
      description: '',
      kind: 'hardware' as const,
      driver: 'system',
    };
    const named: boolean[] = [];
    const gpuCandidate: BackendCandidate = {
      name: 'webgpu',
      module: 'webgpu-pkg',
      backend: 'webgpu',
      gpu: true,
      setUp: async (ctx) => {
        named.push(ctx.named);
        return { adapter };
      },
    };
    const opts = {
      tf: fakeTf(['webgpu', 'cpu']),
      candidates: [gpuCandidate, candidates[3]!],
      importModule: async () => ({}),
    };
    const auto = await selectBackend(opts);
    const byName = await selectBackend({ ...opts, prefer: 'webgpu' });
    expect(named).toEqual([false, true]);
    expect(byName).toMatchObject({ name: 'webgpu', gpu: true, adapter });
    expect(auto.attempts[0]!.reason).toBe(
      "webgpu-pkg initialised backend 'webgpu' on nvidia hopper (hardware)",
    );
  });
});
