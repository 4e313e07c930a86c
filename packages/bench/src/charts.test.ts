import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accuracyComparisonSpec,
  confusionMatrixSpec,
  renderSvg,
  svgToPng,
  trainingCurvesSpec,
  writeChart,
} from './charts.js';
import { InvalidArgumentError } from './errors.js';
import { expectContainsAll, parseSvg, pngSize } from './test-helpers/index.js';

const history = {
  loss: [0.9, 0.6, 0.45],
  acc: [0.68, 0.78, 0.83],
  valLoss: [0.7, 0.55, 0.5],
  valAcc: [0.74, 0.8, 0.82],
};
const names = ['T-shirt/top', 'Trouser', 'Pullover'];
const confusion = [
  [80, 5, 15],
  [2, 97, 1],
  [20, 0, 80],
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('training curves', () => {
  it('renders both panels with train and validation series as valid SVG', async () => {
    const spec = trainingCurvesSpec(history, { title: 'CNN' });
    const { attrs, texts } = parseSvg(await renderSvg(spec));
    expect(attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(Number(attrs.width)).toBeGreaterThan(600);
    expectContainsAll(texts, [
      'CNN',
      'Accuracy per epoch',
      'Loss per epoch',
      'Epoch',
      'train',
      'validation',
    ]);
    expect(texts).toContain('Loss (cross-entropy)');
  });

  it('works without validation series and rejects mismatched lengths', async () => {
    const { texts } = parseSvg(await renderSvg(trainingCurvesSpec({ loss: [1], acc: [0.5] })));
    expect(texts).toContain('train');
    expect(texts).not.toContain('validation');
    expect(() => trainingCurvesSpec({ loss: [], acc: [] })).toThrow(InvalidArgumentError);
    expect(() => trainingCurvesSpec({ ...history, valAcc: [0.1] })).toThrow(/valAcc has 1 values/);
  });
});

describe('confusion matrix', () => {
  it('labels both axes with the class names and prints each count', async () => {
    const { texts } = parseSvg(await renderSvg(confusionMatrixSpec(confusion, names)));
    for (const n of names) expect(texts.filter((t) => t === n)).toHaveLength(2);
    expectContainsAll(texts, ['80', '97', '15', '20']);
    expect(texts).toContain('True class');
    expect(texts).toContain('Predicted class');
  });

  it('rejects a non-square matrix or too few names', () => {
    expect(() => confusionMatrixSpec([[1, 2]], ['a'])).toThrow(/square/);
    expect(() => confusionMatrixSpec(confusion, ['a'])).toThrow(/1 names for 3 classes/);
  });
});

describe('accuracy comparison', () => {
  it('shows one labelled bar per entry', async () => {
    const spec = accuracyComparisonSpec([
      { name: 'KNN', accuracy: 0.8554, source: 'this run' },
      { name: 'VGG16', accuracy: 0.935, source: 'published reference' },
    ]);
    const { texts } = parseSvg(await renderSvg(spec));
    expect(texts).toEqual(expect.arrayContaining(['KNN', 'VGG16', '85.54%', '93.50%']));
    expect(() => accuracyComparisonSpec([])).toThrow(InvalidArgumentError);
  });
});

describe('PNG and files', () => {
  it('rasterises at twice the SVG size and writes both files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-charts-'));
    dirs.push(dir);
    const files = await writeChart(dir, 'cm', confusionMatrixSpec(confusion, names));
    const svg = await readFile(files.svg, 'utf8');
    const { attrs } = parseSvg(svg);
    const png = new Uint8Array(await readFile(files.png!));
    expect(pngSize(png)).toEqual({
      width: Number(attrs.width) * 2,
      height: Number(attrs.height) * 2,
    });
    const small = pngSize(await svgToPng(svg, { scale: 1 }));
    expect(small.width).toBe(Number(attrs.width));
    const onlySvg = await writeChart(dir, 'svg-only', trainingCurvesSpec(history), { png: false });
    expect(onlySvg.png).toBeUndefined();
  });
});
