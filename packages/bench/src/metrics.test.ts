import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  confusionRows,
  f1Score,
} from './metrics.js';

// Hand-checkable case; the expected figures match scikit-learn 1.2.1
// (precision_recall_fscore_support with zero_division=0).
const yTrue = new Uint8Array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3]);
const yPred = new Int32Array([0, 1, 0, 1, 2, 2, 2, 0, 2, 1]);

describe('accuracy', () => {
  it('counts matching positions', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(0.6, 12);
    expect(accuracy([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(accuracy([1, 2, 3], [0, 0, 0])).toBe(0);
  });

  it('rejects bad input with a typed error', () => {
    expect(() => accuracy([1, 2], [1])).toThrow(InvalidArgumentError);
    expect(() => accuracy([], [])).toThrow(/at least one sample/);
    expect(() => accuracy([1.5], [1])).toThrow(/non-negative integers/);
    expect(() => accuracy([-1], [1])).toThrow(/non-negative integers/);
    try {
      accuracy([1, 2], [1]);
    } catch (e) {
      expect((e as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('confusionMatrix', () => {
  it('puts true classes in rows and predictions in columns', () => {
    const cm = confusionMatrix(yTrue, yPred);
    expect(cm.numClasses).toBe(4);
    expect(confusionRows(cm)).toEqual([
      [2, 1, 0, 0],
      [0, 1, 1, 0],
      [1, 0, 3, 0],
      [0, 1, 0, 0],
    ]);
  });

  it('honours numClasses and rejects labels beyond it', () => {
    expect(confusionMatrix([0, 1], [1, 1], 3).counts).toEqual(
      new Int32Array([0, 1, 0, 0, 1, 0, 0, 0, 0]),
    );
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/numClasses is 3/);
    expect(() => confusionMatrix([0], [0], 0)).toThrow(/positive integer/);
  });
});

describe('classificationReport', () => {
  it('matches scikit-learn on a hand-checkable case', () => {
    const r = classificationReport(yTrue, yPred, { classNames: ['a', 'b', 'c', 'd'] });
    expect(r.accuracy).toBeCloseTo(0.6, 12);
    expect(r.correct).toBe(6);
    expect(r.total).toBe(10);
    const p = r.perClass.map((c) => c.precision);
    const rec = r.perClass.map((c) => c.recall);
    const f1 = r.perClass.map((c) => c.f1);
    [2 / 3, 1 / 3, 0.75, 0].forEach((v, i) => {
      expect(p[i]).toBeCloseTo(v, 12);
    });
    [2 / 3, 0.5, 0.75, 0].forEach((v, i) => {
      expect(rec[i]).toBeCloseTo(v, 12);
    });
    [2 / 3, 0.4, 0.75, 0].forEach((v, i) => {
      expect(f1[i]).toBeCloseTo(v, 12);
    });
    expect(r.perClass.map((c) => c.support)).toEqual([3, 2, 4, 1]);
    expect(r.perClass.map((c) => c.predicted)).toEqual([3, 3, 4, 0]);
    expect(r.perClass[3]!.name).toBe('d');
    expect(r.macro.precision).toBeCloseTo(0.4375, 12);
    expect(r.macro.recall).toBeCloseTo(0.47916666666666663, 12);
    expect(r.macro.f1).toBeCloseTo(0.45416666666666666, 12);
    expect(r.weighted.precision).toBeCloseTo(0.5666666666666667, 12);
    expect(r.weighted.recall).toBeCloseTo(0.6, 12);
    expect(r.weighted.f1).toBeCloseTo(0.58, 12);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('averages only classes that occur, like scikit-learn', () => {
    // Class 1 of 3 never occurs: macro over classes 0 and 2.
    const r = classificationReport([0, 2], [0, 2], { numClasses: 3 });
    expect(r.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(r.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('needs a name per class', () => {
    expect(() =>
      classificationReport([0, 2], [0, 2], { numClasses: 3, classNames: ['a', 'b'] }),
    ).toThrow(/2 names but there are 3 classes/);
    // Without numClasses, the names fix the class count.
    expect(() => classificationReport([0, 2], [0, 2], { classNames: ['a', 'b'] })).toThrow(
      /numClasses is 2/,
    );
  });
});

describe('metric properties', () => {
  const pairs = fc.integer({ min: 1, max: 8 }).chain((k) =>
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: k - 1 }), fc.integer({ min: 0, max: k - 1 })), {
        minLength: 1,
        maxLength: 200,
      })
      .map((ps) => ({
        k,
        t: Int32Array.from(ps.map((p) => p[0])),
        p: Int32Array.from(ps.map((p) => p[1])),
      })),
  );

  it('confusion sums: total n, rows = support, columns = predicted, trace = correct', () => {
    fc.assert(
      fc.property(pairs, ({ k, t, p }) => {
        const r = classificationReport(t, p, { numClasses: k });
        const all = r.confusion.flat().reduce((s, x) => s + x, 0);
        expect(all).toBe(t.length);
        r.confusion.forEach((row, c) => {
          expect(row.reduce((s, x) => s + x, 0)).toBe(r.perClass[c]!.support);
          expect(r.confusion.reduce((s, rr) => s + rr[c]!, 0)).toBe(r.perClass[c]!.predicted);
        });
        const trace = r.confusion.reduce((s, row, i) => s + row[i]!, 0);
        expect(trace).toBe(r.correct);
        expect(r.accuracy).toBeCloseTo(accuracy(t, p), 12);
        // Weighted recall equals accuracy (a known identity).
        expect(r.weighted.recall).toBeCloseTo(r.accuracy, 10);
      }),
    );
  });

  it('every score lies in [0, 1] and F1 lies between precision and recall', () => {
    fc.assert(
      fc.property(pairs, ({ k, t, p }) => {
        const r = classificationReport(t, p, { numClasses: k });
        for (const c of r.perClass) {
          for (const v of [c.precision, c.recall, c.f1]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          expect(c.f1).toBeGreaterThanOrEqual(Math.min(c.precision, c.recall) - 1e-12);
          expect(c.f1).toBeLessThanOrEqual(Math.max(c.precision, c.recall) + 1e-12);
        }
      }),
    );
  });

  it('perfect predictions score 1 everywhere; shuffling samples changes nothing', () => {
    fc.assert(
      fc.property(pairs, fc.integer(), ({ k, t, p }, seed) => {
        const perfect = classificationReport(t, t, { numClasses: k });
        expect(perfect.accuracy).toBe(1);
        expect(perfect.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
        const order = Array.from(t, (_, i) => i).sort(
          (a, b) => ((a * 2654435761 + seed) >>> 0) - ((b * 2654435761 + seed) >>> 0),
        );
        const r1 = classificationReport(t, p, { numClasses: k });
        const r2 = classificationReport(
          order.map((i) => t[i]!),
          order.map((i) => p[i]!),
          { numClasses: k },
        );
        expect(r2.confusion).toEqual(r1.confusion);
      }),
    );
  });

  it('f1Score is the harmonic mean and 0 when both inputs are 0', () => {
    expect(f1Score(0, 0)).toBe(0);
    expect(f1Score(1, 1)).toBe(1);
    expect(f1Score(0.5, 1)).toBeCloseTo(2 / 3, 12);
  });
});
