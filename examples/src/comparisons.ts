import {
  type Comparison,
  type ComparisonRow,
  type ExternalRun,
  type ModelRun,
  modelRow,
  paramText,
  referenceRow,
} from '@fmnist/bench/report';
import { REFERENCES } from './references.js';

/**
 * "KNN vs scikit-learn": this run's KNN, scikit-learn measured on this machine (or why not), and the
 * reference experiment's scikit-learn figure.
 */
export function knnVsSklearnComparison(knn: ModelRun, sklearn?: ExternalRun): Comparison {
  const rows: ComparisonRow[] = [modelRow(knn)];
  if (sklearn?.status === 'ran' && sklearn.accuracy !== undefined) {
    const { python: _python, ...params } = sklearn.params;
    rows.push({
      name: `${sklearn.name}${sklearn.version ? ` ${sklearn.version}` : ''}`,
      accuracy: sklearn.accuracy,
      source: 'this run',
      details: `${paramText(params)}; ${sklearn.trainSize} train / ${sklearn.testSize} test`,
      timeMs: (sklearn.trainMs ?? 0) + (sklearn.inferenceMs ?? 0),
    });
  } else {
    rows.push({
      name: sklearn?.name ?? 'scikit-learn KNeighborsClassifier',
      accuracy: null,
      source: 'not run',
      details: sklearn?.reason ?? 'not measured in this run',
    });
  }
  rows.push(referenceRow(REFERENCES.sklearnKnn));
  return {
    id: 'knn-vs-sklearn',
    title: 'KNN vs scikit-learn KNeighborsClassifier',
    rows,
    note: 'Same data and k; scikit-learn breaks distance ties by training order and vote ties by the smallest label.',
  };
}

/**
 * "CNN vs references": this run's CNNs (the trained one and the shipped pretrained ones, whichever
 * ran), the reference experiment's CNN and two published CNNs.
 */
export function cnnVsReferencesComparison(cnns: readonly ModelRun[]): Comparison {
  return {
    id: 'cnn-vs-references',
    title: 'CNN vs the reference experiment and published references',
    rows: [
      ...cnns.map((m) =>
        modelRow(
          m,
          m.loaded
            ? `${paramText(m.params)}; shipped weights, evaluated on ${m.testSize} test images`
            : undefined,
        ),
      ),
      referenceRow(REFERENCES.referenceCnn),
      referenceRow(REFERENCES.vgg16),
      referenceRow(REFERENCES.threeConv),
    ],
    note: "Published figures are from the Fashion-MNIST README's table of submitted benchmarks, which its maintainers have not verified; they were not re-run here.",
  };
}
