import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type BackendCandidate, importFrom, selectBackend, type TfBackendLike } from './backend.js';
import { BackendUnavailableError } from './errors.js';

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
      ['tfjs-node', 'not-installed'],
      ['wasm', 'ok'],
      ['cpu', 'skipped'],
    ]);
    expect(sel.attempts[1]!.reason).toBe('@tensorflow/tfjs-node is not installed');
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
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toContain('@tensorflow/tfjs-node is not installed');
    expect(err.message).toContain('Install @tensorflow/tfjs-node');
    expect(err.attempts).toHaveLength(1);
  });

  it('falls back from a named backend when asked to', async () => {
    const sel = await selectBackend({ tf, prefer: 'tensorflow', fallback: true });
    expect(sel.name).toBe('wasm');
    expect(sel.attempts.slice(0, 2).map((a) => a.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
  });

  it('rejects an unknown name with the list of choices', async () => {
    await expect(selectBackend({ tf, prefer: 'webgpu' })).rejects.toThrow(
      /Unknown backend 'webgpu'. Choose one of: tfjs-node-gpu, tfjs-node, wasm, cpu/,
    );
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
});
