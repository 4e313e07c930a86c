import { classificationReport } from '@fmnist/bench';
import type { ModelRun } from '@fmnist/bench/report';
import { describe, expect, it } from 'vitest';
import { cnnVsReferencesComparison, knnVsSklearnComparison } from './comparisons.js';
import { REFERENCES } from './references.js';

const yTrue = [0, 0, 1, 1, 2, 2, 2, 0];

function run(id: string, name: string, pred: number[], extra: Partial<ModelRun> = {}): ModelRun {
  const metrics = classificationReport(yTrue, pred);
  return {
    id,
    name,
    params: { k: 5 },
    trainSize: 100,
    testSize: yTrue.length,
    accuracy: metrics.accuracy,
    metrics,
    timings: { trainMs: 12, inferenceMs: 3400 },
    ...extra,
  };
}

describe('KNN vs scikit-learn', () => {
  const knn = run('knn', 'KNN (k=5)', [0, 2, 1, 1, 2, 0, 2, 0]);

  it('this run, the measured scikit-learn (or why not) and the reference experiment', () => {
    const without = knnVsSklearnComparison(knn);
    expect(without.title).toBe('KNN vs scikit-learn KNeighborsClassifier');
    expect(without.rows.map((r) => r.source)).toEqual([
      'this run',
      'not run',
      'reference experiment',
    ]);
    expect(without.rows[1]!.details).toBe('not measured in this run');
    expect(without.rows[2]).toMatchObject({
      name: 'Reference experiment: scikit-learn KNeighborsClassifier',
      accuracy: 0.8554,
    });
    const skipped = knnVsSklearnComparison(knn, {
      name: 'scikit-learn KNeighborsClassifier',
      status: 'skipped',
      reason: 'no Python with scikit-learn',
      params: {},
    });
    expect(skipped.rows[1]).toMatchObject({
      accuracy: null,
      details: 'no Python with scikit-learn',
    });
  });

  it('a measured scikit-learn row names its version and leaves out the Python path', () => {
    const c = knnVsSklearnComparison(knn, {
      name: 'scikit-learn KNeighborsClassifier',
      status: 'ran',
      accuracy: 0.75,
      version: '1.2.1',
      trainMs: 5,
      inferenceMs: 300,
      params: { n_neighbors: 5, algorithm: 'brute', python: '/usr/bin/python3' },
      trainSize: 100,
      testSize: 8,
    });
    expect(c.rows[1]).toEqual({
      name: 'scikit-learn KNeighborsClassifier 1.2.1',
      accuracy: 0.75,
      source: 'this run',
      details: 'n_neighbors=5, algorithm=brute; 100 train / 8 test',
      timeMs: 305,
    });
  });
});

describe('CNN vs references', () => {
  it("puts this run's CNNs (trained and shipped) above the reference experiment and the published figures", () => {
    const trained = run('cnn', 'VGG-small CNN (trained here)', [0, 0, 1, 1, 2, 2, 2, 2]);
    const shipped = run('pretrained-cpu', "shipped 'cpu'", [0, 0, 1, 1, 2, 2, 2, 0], {
      loaded: true,
      params: { weights: 'cpu' },
    });
    const c = cnnVsReferencesComparison([trained, shipped]);
    expect(c.rows.map((r) => [r.accuracy, r.source])).toEqual([
      [0.875, 'this run'],
      [1, 'this run'],
      [0.947, 'reference experiment'],
      [0.935, 'published reference'],
      [0.926, 'published reference'],
    ]);
    expect(c.rows[1]!.details).toBe('weights=cpu; shipped weights, evaluated on 8 test images');
    expect(c.rows[2]!.name).toBe('Reference experiment: VGG-style CNN');
  });

  it('names the reference experiment, never "seed"', () => {
    for (const r of Object.values(REFERENCES)) {
      expect(`${r.name} ${r.source} ${r.kind}`.toLowerCase()).not.toContain('seed');
    }
  });
});
