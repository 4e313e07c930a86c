import { InvalidArgumentError } from './errors.js';

/** Class labels: any array-like of non-negative integers (`Uint8Array`, `Int32Array`, `number[]`...). */
export type Labels = ArrayLike<number>;

/** Precision, recall and F1 averaged over classes. */
export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 of one class, with its support (true count) and predicted count. */
export interface ClassMetrics extends AveragedMetrics {
  /** The class index. */
  label: number;
  /** The class name (`String(label)` when no names were given). */
  name: string;
  /** How many samples truly belong to the class. */
  support: number;
  /** How many samples were predicted as the class. */
  predicted: number;
}

/** Everything {@link classificationReport} measures; plain JSON (no typed arrays). */
export interface ClassificationReport {
  accuracy: number;
  correct: number;
  total: number;
  numClasses: number;
  perClass: ClassMetrics[];
  /** Unweighted mean over the classes that occur in `yTrue` or `yPred` (scikit-learn's `average='macro'`). */
  macro: AveragedMetrics;
  /** Mean weighted by support (scikit-learn's `average='weighted'`). */
  weighted: AveragedMetrics;
  /** `confusion[t][p]`: how many samples of true class `t` were predicted as `p`. */
  confusion: number[][];
}

/** A confusion matrix, row-major: `counts[t * numClasses + p]` samples of true class `t` predicted as `p`. */
export interface ConfusionMatrix {
  numClasses: number;
  counts: Int32Array;
}

function checkLabels(name: string, labels: Labels, numClasses?: number): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new InvalidArgumentError({
        message: `${name}[${i}] is ${v}; labels must be non-negative integers (class indices).`,
      });
    }
    if (numClasses !== undefined && v >= numClasses) {
      throw new InvalidArgumentError({
        message: `${name}[${i}] is ${v} but numClasses is ${numClasses}; pass a larger numClasses or fix the labels.`,
      });
    }
    if (v > max) max = v;
  }
  return max;
}

function checkPair(yTrue: Labels, yPred: Labels, numClasses?: number): number {
  if (yTrue.length !== yPred.length) {
    throw new InvalidArgumentError({
      message: `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; they must be the same length.`,
    });
  }
  if (yTrue.length === 0) {
    throw new InvalidArgumentError({
      message: 'yTrue and yPred are empty; metrics need at least one sample.',
    });
  }
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new InvalidArgumentError({
      message: `numClasses must be a positive integer, got ${numClasses}.`,
    });
  }
  const maxTrue = checkLabels('yTrue', yTrue, numClasses);
  const maxPred = checkLabels('yPred', yPred, numClasses);
  return numClasses ?? Math.max(maxTrue, maxPred) + 1;
}

/**
 * Fraction of positions where `yPred` equals `yTrue`.
 *
 * @example
 * ```ts
 * accuracy(new Uint8Array([0, 1, 2, 2]), new Int32Array([0, 1, 1, 2])); // 0.75
 * ```
 */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  checkPair(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/**
 * Counts of (true, predicted) pairs. `numClasses` defaults to the largest label seen + 1.
 *
 * @example
 * ```ts
 * const cm = confusionMatrix([0, 1, 1], [0, 0, 1]);
 * confusionRows(cm); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  yTrue: Labels,
  yPred: Labels,
  numClasses?: number,
): ConfusionMatrix {
  const n = checkPair(yTrue, yPred, numClasses);
  const counts = new Int32Array(n * n);
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i]! * n + yPred[i]!]!++;
  return { numClasses: n, counts };
}

/** The confusion matrix as nested arrays, `rows[t][p]`. */
export function confusionRows(cm: ConfusionMatrix): number[][] {
  const n = cm.numClasses;
  return Array.from({ length: n }, (_, t) => Array.from(cm.counts.subarray(t * n, (t + 1) * n)));
}

/** Harmonic mean of precision and recall; 0 when both are 0. */
export function f1Score(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Number of classes; default `classNames.length`, else the largest label seen + 1. */
  numClasses?: number;
  /** Names for the classes, index = label. */
  classNames?: readonly string[];
}

/**
 * Accuracy, per-class precision / recall / F1, macro and weighted averages and the confusion matrix,
 * like scikit-learn's `classification_report` with `zero_division=0` (a class never predicted has
 * precision 0; a class never present has recall 0).
 *
 * @example
 * ```ts
 * const r = classificationReport(test.labels, predictions, { classNames: CLASS_NAMES });
 * console.log(r.accuracy, r.macro.f1, r.perClass[6].recall); // shirts are the hard class
 * ```
 */
export function classificationReport(
  yTrue: Labels,
  yPred: Labels,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const names = options.classNames;
  const cm = confusionMatrix(yTrue, yPred, options.numClasses ?? names?.length);
  const n = cm.numClasses;
  if (names && names.length < n) {
    throw new InvalidArgumentError({
      message: `classNames has ${names.length} names but there are ${n} classes; give one name per class.`,
    });
  }
  const support = new Float64Array(n);
  const predicted = new Float64Array(n);
  let correct = 0;
  for (let t = 0; t < n; t++) {
    for (let p = 0; p < n; p++) {
      const c = cm.counts[t * n + p]!;
      support[t]! += c;
      predicted[p]! += c;
      if (t === p) correct += c;
    }
  }
  const total = yTrue.length;
  const perClass: ClassMetrics[] = [];
  const macro = { precision: 0, recall: 0, f1: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0 };
  let present = 0;
  for (let c = 0; c < n; c++) {
    const tp = cm.counts[c * n + c]!;
    const precision = predicted[c]! === 0 ? 0 : tp / predicted[c]!;
    const recall = support[c]! === 0 ? 0 : tp / support[c]!;
    const f1 = f1Score(precision, recall);
    perClass.push({
      label: c,
      name: names?.[c] ?? String(c),
      precision,
      recall,
      f1,
      support: support[c]!,
      predicted: predicted[c]!,
    });
    if (support[c]! > 0 || predicted[c]! > 0) {
      present++;
      macro.precision += precision;
      macro.recall += recall;
      macro.f1 += f1;
    }
    weighted.precision += (precision * support[c]!) / total;
    weighted.recall += (recall * support[c]!) / total;
    weighted.f1 += (f1 * support[c]!) / total;
  }
  macro.precision /= present;
  macro.recall /= present;
  macro.f1 /= present;
  return {
    accuracy: correct / total,
    correct,
    total,
    numClasses: n,
    perClass,
    macro,
    weighted,
    confusion: confusionRows(cm),
  };
}
