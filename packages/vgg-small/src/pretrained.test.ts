import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluateModel } from './evaluate.js';
import { countParams } from './model.js';
import { PRESETS } from './presets.js';
import { loadPretrained, pretrainedDir, pretrainedInfo } from './pretrained.js';
import './test-helpers/index.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

describe('pretrained CPU-preset weights', () => {
  it('ship inside the package and reach the recorded test accuracy (≥ 90%)', async () => {
    await tf.setBackend('wasm');
    expect(pretrainedDir()).toBe(join(packageRoot, 'pretrained', 'cpu'));
    const pkg = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('pretrained');
    const info = await pretrainedInfo();
    expect(info.preset).toBe('cpu');
    expect(info.model).toMatchObject(PRESETS.cpu.model);
    expect(info.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(info.trainingMinutes).toBeLessThanOrEqual(20);

    const before = tf.memory().numTensors;
    const model = await loadPretrained();
    const data = await loadFashionMnist();
    const { accuracy } = await evaluateModel(model, data.test, { batchSize: 1000 });
    expect(Math.abs(accuracy - info.testAccuracy)).toBeLessThan(0.002);
    expect(countParams(model).total).toBeLessThan(1_000_000); // a few MB at most
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  // The built files resolve the folder from their own location, in both module formats.
  it.runIf(existsSync(join(packageRoot, 'dist', 'index.cjs')))(
    'pretrainedDir() from dist/index.cjs and dist/index.js points at the package folder',
    () => {
      const expected = join(packageRoot, 'pretrained', 'cpu');
      const cjs = execFileSync(process.execPath, [
        '-e',
        `process.stdout.write(require(${JSON.stringify(join(packageRoot, 'dist', 'index.cjs'))}).pretrainedDir())`,
      ]).toString();
      const esm = execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `import { pretrainedDir } from ${JSON.stringify(join(packageRoot, 'dist', 'index.js'))}; process.stdout.write(pretrainedDir())`,
      ]).toString();
      expect(cjs).toBe(expected);
      expect(esm).toBe(expected);
    },
  );
});
