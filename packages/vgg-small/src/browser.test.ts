import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as browser from './browser.js';
import { ModelDirError, VggSmallError } from './errors.js';
import { predictProbabilities } from './evaluate.js';
import * as main from './index.js';
import { loadModelFrom } from './load-url.js';
import { loadPretrained, pretrainedDir } from './pretrained.js';
import { PRETRAINED_NAMES } from './pretrained-names.js';
import { loadPretrainedFrom, pretrainedUrls } from './pretrained-url.js';
import { testRng } from './test-helpers/index.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

// A static server for the pretrained folder, plus a few broken variants of it.
let server: Server;
let base: string;
const requests: string[] = [];
beforeAll(async () => {
  const dir = pretrainedDir('cpu');
  const modelJson = await readFile(join(dir, 'model.json'), 'utf8');
  const weights = await readFile(join(dir, 'weights.bin'));
  const plain = JSON.parse(modelJson);
  delete plain.userDefinedMetadata;
  const routes: Record<string, string | Uint8Array> = {
    '/cpu/model.json': modelJson,
    '/cpu/weights.bin': weights,
    '/moved/model.json': modelJson, // its weights.bin only under another name
    '/moved/w-1234.bin': weights,
    '/short/model.json': modelJson,
    '/short/weights.bin': weights.subarray(0, weights.length - 4),
    '/noweights/model.json': modelJson,
    '/bad/model.json': '{"modelTopology": 1',
    '/plain/model.json': JSON.stringify(plain),
    '/plain/weights.bin': weights,
  };
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const images = Float32Array.from(testRng(5).floats(6 * 784), (v) => Math.abs(v));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VggSmallError);
    return (e as VggSmallError).code;
  }
  return 'resolved';
}

describe('loading over HTTP (loadModelFrom, loadPretrainedFrom)', () => {
  it('gives the same model as loading the folder, with no tensor left behind', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const fromDir = await loadPretrained();
    const fromUrl = await loadModelFrom(`${base}/cpu/model.json`);
    const { model, info } = await loadPretrainedFrom(new URL(`${base}/cpu/model.json`));
    expect(info.preset).toBe('cpu');
    expect(info.testAccuracy).toBeGreaterThan(0.9);
    const ref = await predictProbabilities(fromDir, images);
    expect(await predictProbabilities(fromUrl, images)).toEqual(ref);
    expect(await predictProbabilities(model, images)).toEqual(ref);
    for (const m of [fromDir, fromUrl, model]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fetches weight files from the URLs given for them (hashed bundler assets)', async () => {
    await tf.setBackend('cpu');
    requests.length = 0;
    const model = await loadModelFrom(`${base}/moved/model.json`, {
      weightUrls: { 'weights.bin': `${base}/moved/w-1234.bin` },
    });
    expect(requests).toEqual(['/moved/model.json', '/moved/w-1234.bin']);
    model.dispose();
  });

  it('throws typed errors for missing, corrupt or foreign files', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    expect(await codeOf(loadModelFrom(`${base}/nothing/model.json`))).toBe('MODEL_JSON_MISSING');
    expect(await codeOf(loadModelFrom(`${base}/noweights/model.json`))).toBe('WEIGHTS_MISSING');
    expect(await codeOf(loadModelFrom(`${base}/short/model.json`))).toBe('WEIGHTS_SIZE_MISMATCH');
    expect(await codeOf(loadModelFrom(`${base}/bad/model.json`))).toBe('MODEL_JSON_INVALID');
    expect(await codeOf(loadPretrainedFrom(`${base}/plain/model.json`))).toBe('MODEL_JSON_INVALID');
    expect(await codeOf(loadModelFrom('models/vgg/model.json'))).toBe('INVALID_URL');
    expect(await codeOf(loadModelFrom(pretrainedUrls().modelJson))).toBe('INVALID_URL'); // file:
    const err = await loadModelFrom(`${base}/nothing/model.json`).catch((e) => e);
    expect(err).toBeInstanceOf(ModelDirError);
    expect(err.dir).toBe(`${base}/nothing/model.json`);
    expect(err.message).toMatch(/HTTP 404/);
    // A plain model (no pretrained metadata) still loads with loadModelFrom.
    (await loadModelFrom(`${base}/plain/model.json`)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads from an IOHandler', async () => {
    await tf.setBackend('cpu');
    const dir = pretrainedDir('cpu');
    const handler = {
      load: async (): Promise<tf.io.ModelArtifacts> => {
        const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
        const w = await readFile(join(dir, 'weights.bin'));
        return {
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength),
          userDefinedMetadata: json.userDefinedMetadata,
        };
      },
    };
    const { model, info } = await loadPretrainedFrom(handler);
    expect(info.seed).toBe(42);
    model.dispose();
    expect(await codeOf(loadModelFrom({} as tf.io.IOHandler))).toBe('INVALID_SOURCE');
  });

  it.each(PRETRAINED_NAMES)(
    "pretrainedUrls('%s') point at the files shipped in the package",
    (name) => {
      const urls = pretrainedUrls(name);
      expect(fileURLToPath(urls.modelJson)).toBe(join(pretrainedDir(name), 'model.json'));
      expect(Object.keys(urls.weights)).toEqual(['weights.bin']);
      expect(existsSync(fileURLToPath(urls.weights['weights.bin']!))).toBe(true);
    },
  );

  it('pretrainedUrls() of a name not shipped throws, listing the names that are', () => {
    expect(() => pretrainedUrls('gpu' as 'cpu')).toThrow(ModelDirError);
    expect(() => pretrainedUrls('gpu' as 'cpu')).toThrow(/"cpu" and "accurate"/);
  });
});

describe('the browser entry point', () => {
  it('is the main entry point without the Node-only functions', () => {
    const names = Object.keys(browser);
    // Everything on ./browser (loading over HTTP included) is on the main entry point too.
    expect(names.filter((n) => !(n in main))).toEqual([]);
    // the same classes and functions, not copies
    expect(browser.ModelDirError).toBe(main.ModelDirError);
    expect(browser.VggSmallError).toBe(main.VggSmallError);
    expect(browser.createVggSmall).toBe(main.createVggSmall);
    for (const nodeOnly of ['loadModel', 'saveModel', 'loadPretrained', 'trainVggSmall']) {
      expect(names).not.toContain(nodeOnly);
    }
    expect(names).toEqual(expect.arrayContaining(['loadPretrainedFrom', 'predictClasses']));
  });

  it('bundles for the browser with no Node built-in module', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./browser.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      external: ['@tensorflow/*'],
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((i) =>
      i.imports.map((x) => x.path),
    );
    const builtins = new Set(builtinModules);
    expect(imports.filter((p) => p.startsWith('node:') || builtins.has(p))).toEqual([]);
  });

  it.runIf(existsSync(join(packageRoot, 'dist', 'browser.cjs')))(
    'pretrainedUrls() from dist/browser.js and dist/browser.cjs point at the package folder',
    () => {
      const expected = pathToFileURL(join(pretrainedDir('cpu'), 'model.json')).href;
      const cjs = execFileSync(process.execPath, [
        '-e',
        `process.stdout.write(require(${JSON.stringify(join(packageRoot, 'dist', 'browser.cjs'))}).pretrainedUrls().modelJson)`,
      ]).toString();
      const esm = execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `import { pretrainedUrls } from ${JSON.stringify(join(packageRoot, 'dist', 'browser.js'))}; process.stdout.write(pretrainedUrls().modelJson)`,
      ]).toString();
      expect(cjs).toBe(expected);
      expect(esm).toBe(expected);
    },
  );

  // The built file, not only the source: tsup's ESM __dirname shim must stay out of it.
  it.runIf(existsSync(join(packageRoot, 'dist', 'browser.js')))(
    'dist/browser.js and its chunks import nothing from Node',
    async () => {
      const result = await build({
        entryPoints: [join(packageRoot, 'dist', 'browser.js')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        external: ['@tensorflow/*', '*.json', '*.bin'],
        logLevel: 'silent',
      });
      const imports = Object.values(result.metafile.inputs).flatMap((i) =>
        i.imports.map((x) => x.path),
      );
      const builtins = new Set(builtinModules);
      expect(imports.filter((p) => p.startsWith('node:') || builtins.has(p))).toEqual([]);
    },
  );
});
