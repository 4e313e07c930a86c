import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelDirError } from './errors.js';
import { predictProbabilities } from './evaluate.js';
import { loadModel, modelDirHandler, readModelMetadata, saveModel } from './io.js';
import { createVggSmall } from './model.js';
import { PRESETS } from './presets.js';
import { testRng } from './test-helpers/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vgg-io-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const images = Float32Array.from(testRng(1).floats(20 * 784), (v) => Math.abs(v));

describe.each(['cpu', 'wasm'] as const)('saveModel → loadModel on %s', (backend) => {
  it('gives identical predictions and the standard tfjs layers files', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const model = createVggSmall({ ...PRESETS.tiny.model, seed: 3 });
    // make batch-norm statistics non-trivial so that they must round-trip too
    model.layers
      .filter((l) => l.getClassName() === 'BatchNormalization')
      .forEach((l) => {
        tf.tidy(() => {
          l.setWeights(
            l.getWeights().map((w) => tf.add(w, tf.randomUniform(w.shape, 0.1, 0.5, 'float32', 5))),
          );
        });
      });
    const dir = join(root, `${backend}-model`);
    await saveModel(model, dir, { metadata: { note: 'round trip' } });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(await readModelMetadata(dir)).toEqual({ note: 'round trip' });

    const loaded = await loadModel(dir);
    const p1 = await predictProbabilities(model, images);
    const p2 = await predictProbabilities(loaded, images);
    expect(Array.from(p2)).toEqual(Array.from(p1));
    // the handler also works with tf.loadLayersModel
    const viaTf = await loadLayersModel(modelDirHandler(dir));
    expect(Array.from(await predictProbabilities(viaTf, images))).toEqual(Array.from(p1));
    [model, loaded, viaTf].forEach((m) => {
      m.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('saving is atomic', () => {
  it('replaces an existing save and leaves no temporary directories', async () => {
    await tf.setBackend('cpu');
    const dir = join(root, 'overwrite');
    const a = createVggSmall({ ...PRESETS.tiny.model, seed: 1 });
    const b = createVggSmall({ ...PRESETS.tiny.model, seed: 2 });
    await saveModel(a, dir);
    await saveModel(b, dir);
    expect((await readdir(root)).filter((e) => e.includes('overwrite'))).toEqual(['overwrite']);
    const loaded = await loadModel(dir);
    expect(Array.from(await predictProbabilities(loaded, images))).toEqual(
      Array.from(await predictProbabilities(b, images)),
    );
    [a, b, loaded].forEach((m) => {
      m.dispose();
    });
  });
});

describe('a corrupt or partial model directory gives a ModelDirError', () => {
  let good: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    good = join(root, 'good');
    const model = createVggSmall(PRESETS.tiny.model);
    await saveModel(model, good);
    model.dispose();
  });

  async function broken(name: string, edit: (dir: string) => Promise<void>) {
    const dir = join(root, name);
    await rm(dir, { recursive: true, force: true });
    await saveModel(await loadModel(good), dir);
    await edit(dir);
    return dir;
  }

  async function expectCode(dir: string, code: string, pattern: RegExp) {
    const before = tf.memory().numTensors;
    const err = await loadModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelDirError);
    expect((err as ModelDirError).code).toBe(code);
    expect((err as ModelDirError).message).toMatch(pattern);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('MODEL_DIR_NOT_FOUND', async () => {
    await expectCode(join(root, 'nope'), 'MODEL_DIR_NOT_FOUND', /does not exist/);
  });

  it('MODEL_JSON_MISSING', async () => {
    const dir = await broken('no-json', (d) => rm(join(d, 'model.json')));
    await expectCode(dir, 'MODEL_JSON_MISSING', /model\.json is missing/);
  });

  it('MODEL_JSON_INVALID: bad JSON, no manifest, unbuildable topology', async () => {
    const truncated = await broken('bad-json', async (d) => {
      const text = await readFile(join(d, 'model.json'), 'utf8');
      await writeFile(join(d, 'model.json'), text.slice(0, text.length / 2));
    });
    await expectCode(truncated, 'MODEL_JSON_INVALID', /not valid JSON/);
    const noManifest = await broken('no-manifest', async (d) => {
      const json = JSON.parse(await readFile(join(d, 'model.json'), 'utf8'));
      delete json.weightsManifest;
      await writeFile(join(d, 'model.json'), JSON.stringify(json));
    });
    await expectCode(noManifest, 'MODEL_JSON_INVALID', /weightsManifest/);
    const badTopology = await broken('bad-topology', async (d) => {
      const json = JSON.parse(await readFile(join(d, 'model.json'), 'utf8'));
      json.modelTopology.config.layers[1].class_name = 'NoSuchLayer';
      await writeFile(join(d, 'model.json'), JSON.stringify(json));
    });
    await expectCode(badTopology, 'MODEL_JSON_INVALID', /cannot be built/);
  });

  it('WEIGHTS_MISSING', async () => {
    const dir = await broken('no-weights', (d) => rm(join(d, 'weights.bin')));
    await expectCode(dir, 'WEIGHTS_MISSING', /weights\.bin .*is missing/);
  });

  it('WEIGHTS_SIZE_MISMATCH: a truncated weight file', async () => {
    const dir = await broken('short-weights', async (d) => {
      const bin = await readFile(join(d, 'weights.bin'));
      await writeFile(join(d, 'weights.bin'), bin.subarray(0, bin.length - 100));
    });
    await expectCode(dir, 'WEIGHTS_SIZE_MISMATCH', /truncated/);
  });

  it('MANIFEST_MISMATCH: weights that do not fit the model', async () => {
    const renamed = await broken('renamed-weight', async (d) => {
      const json = JSON.parse(await readFile(join(d, 'model.json'), 'utf8'));
      json.weightsManifest[0].weights[0].name = 'something_else/kernel';
      await writeFile(join(d, 'model.json'), JSON.stringify(json));
    });
    await expectCode(
      renamed,
      'MANIFEST_MISMATCH',
      /missing weight block1_conv1\/kernel.*unexpected weight something_else/,
    );
    const reshaped = await broken('reshaped-weight', async (d) => {
      const json = JSON.parse(await readFile(join(d, 'model.json'), 'utf8'));
      const w = json.weightsManifest[0].weights[0]; // 3×3×1×8 kernel → 3×3×8×1: same size
      w.shape = [3, 3, 8, 1];
      await writeFile(join(d, 'model.json'), JSON.stringify(json));
    });
    await expectCode(reshaped, 'MANIFEST_MISMATCH', /\[3, 3, 8, 1\] in the manifest/);
  });
});
