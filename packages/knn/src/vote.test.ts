import { describe, expect, it } from 'vitest';
import { KNeighborsClassifier } from './index.js';
import { classScores, decide, normalizeScores } from './vote.js';

describe('voting and tie-breaking', () => {
  it('sklearn: among tied vote counts the smallest label wins; nearest: the nearest tied neighbour', () => {
    // Neighbours (nearest first) of class positions 3, 1, 3, 1, 2: classes 1 and 3 tie with 2 votes.
    const cls = Int32Array.from([3, 1, 3, 1, 2]);
    const dist = Float64Array.from([1, 2, 3, 4, 5]);
    const s = classScores({
      neighbourClass: cls,
      distances: dist,
      m: 1,
      k: 5,
      nClasses: 4,
      weights: 'uniform',
    });
    expect(Array.from(s)).toEqual([0, 2, 1, 2]);
    expect(
      decide({ scores: s, neighbourClass: cls, m: 1, k: 5, nClasses: 4, tieBreak: 'sklearn' })[0],
    ).toBe(1);
    expect(
      decide({ scores: s, neighbourClass: cls, m: 1, k: 5, nClasses: 4, tieBreak: 'nearest' })[0],
    ).toBe(3);
    expect(Array.from(normalizeScores(s, 1, 4))).toEqual([0, 0.4, 0.2, 0.4]);
  });

  it('distance weights: 1/d; zero distances take all the weight (scikit-learn _get_weights)', () => {
    // One query, three neighbours of two classes: the distance-weighted scores and the decision.
    const vote = (classes: number[], distances: number[], tieBreak: 'sklearn' | 'nearest') => {
      const neighbourClass = Int32Array.from(classes);
      const common = { neighbourClass, m: 1, k: 3, nClasses: 2 };
      const scores = classScores({
        ...common,
        distances: Float64Array.from(distances),
        weights: 'distance',
      });
      return { scores: Array.from(scores), label: decide({ ...common, scores, tieBreak })[0] };
    };
    expect(vote([0, 1, 1], [1, 2, 2], 'sklearn')).toEqual({ scores: [1, 1], label: 0 });
    expect(vote([1, 0, 1], [0, 0, 3], 'nearest')).toEqual({ scores: [1, 1], label: 1 });
  });

  it('end to end: labels are returned as given (any integers), ties as documented', async () => {
    // Query at 0; neighbours at 1 (label 7), 2 (label -4), 3 (label 7), 4 (label -4).
    const X = { data: Float32Array.from([1, 2, 3, 4, 100]), shape: [5, 1] as [number, number] };
    const y = [7, -4, 7, -4, 9];
    const q = { data: Float32Array.from([0]), shape: [1, 1] as [number, number] };
    const sk = new KNeighborsClassifier({ k: 4, engine: 'js' }).fit(X, y);
    const near = new KNeighborsClassifier({ k: 4, engine: 'js', tieBreak: 'nearest' }).fit(X, y);
    expect(Array.from(await sk.predict(q))).toEqual([-4]);
    expect(Array.from(await near.predict(q))).toEqual([7]);
    const p = await sk.predictProba(q);
    expect(Array.from(p.classes)).toEqual([-4, 7, 9]);
    expect(Array.from(p.probabilities)).toEqual([0.5, 0.5, 0]);
    expect(p.shape).toEqual([1, 3]);
    const nb = await sk.kneighbors(q, { k: 2 });
    expect(Array.from(nb.indices)).toEqual([0, 1]);
    expect(Array.from(nb.distances)).toEqual([1, 2]);
    expect(await sk.score(q, [-4])).toBe(1);
  });

  it('equal distances: the smaller training row comes first, in every engine', async () => {
    // Rows 3, 1, 4 are all at distance 1 from the query; rows 0 and 2 at distance 2.
    const X = { data: Float32Array.from([2, 1, -2, 1, -1]), shape: [5, 1] as [number, number] };
    for (const engine of ['js', 'brute', 'pruned'] as const) {
      const knn = new KNeighborsClassifier({ k: 4, engine, threads: 1 }).fit(X, [0, 1, 2, 3, 4]);
      const nb = await knn.kneighbors({ data: Float32Array.from([0]), shape: [1, 1] });
      expect(Array.from(nb.indices)).toEqual([1, 3, 4, 0]);
      knn.dispose();
    }
  });
});
