import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist, type Split } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from './evaluate.js';
import { countParams } from './model.js';
import { PRESETS } from './presets.js';
import { loadPretrained, pretrainedDir, pretrainedInfo } from './pretrained.js';
import { PRETRAINED_NAMES, type PretrainedName } from './pretrained-names.js';
import './test-helpers/index.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

// What each shipped model must keep reaching on the 10,000 test images, and its size. `accurate`:
// issue 13's goal, the reference experiment's 94.7% (its 60-epoch run reached 95.13%), with under a
// quarter of the reference network's 5,897,162 parameters.
const FLOORS: Record<PretrainedName, { accuracy: number; maxParams: number }> = {
  cpu: { accuracy: 0.92, maxParams: 200_000 },
  accurate: { accuracy: 0.947, maxParams: 5_897_162 / 4 },
};

describe('pretrained weights', () => {
  it('every shipped name has a folder in the package, listed in `files`', async () => {
    const pkg = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('pretrained');
    const folders = (await readdir(join(packageRoot, 'pretrained'), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...PRETRAINED_NAMES].sort());
    for (const name of PRETRAINED_NAMES) {
      expect(pretrainedDir(name)).toBe(join(packageRoot, 'pretrained', name));
      expect((await pretrainedInfo(name)).preset).toBe(name);
    }
    expect(pretrainedDir()).toBe(pretrainedDir('cpu'));
  });

  describe('on the 10,000 test images', () => {
    // Read once for every shipped model evaluated below.
    let test: Split;
    beforeAll(async () => {
      test = (await loadFashionMnist()).test;
    });

    it.each(PRETRAINED_NAMES)(
      "'%s' loads and reaches its recorded test accuracy and its floor",
      async (name) => {
        await tf.setBackend('wasm');
        const info = await pretrainedInfo(name);
        expect(info.model).toMatchObject(PRESETS[name].model);
        expect(info.testAccuracy).toBeGreaterThanOrEqual(FLOORS[name].accuracy);

        const before = tf.memory().numTensors;
        const model = await loadPretrained(name);
        const { accuracy } = await evaluateModel(model, test, { batchSize: 500 });
        expect(Math.abs(accuracy - info.testAccuracy)).toBeLessThan(0.002);
        expect(accuracy).toBeGreaterThanOrEqual(FLOORS[name].accuracy);
        expect(countParams(model).total).toBeLessThan(FLOORS[name].maxParams);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      },
      // The accurate model classifies the 10,000 images in about a minute on wasm; CI shares the cores.
      300_000,
    );
  });

  it('the cpu weights are the quick ones: trained in under 20 minutes', async () => {
    expect((await pretrainedInfo('cpu')).trainingMinutes).toBeLessThanOrEqual(20);
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
