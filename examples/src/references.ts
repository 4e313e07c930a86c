import type { Reference } from '@fmnist/bench/report';

const BENCHMARK_URL = 'https://github.com/zalandoresearch/fashion-mnist#benchmark';

/**
 * The figures the report compares against. `experiment` figures are the **reference experiment**'s own
 * results (the Keras experiment this project reproduces: scikit-learn's KNN and a VGG-style CNN); the
 * `published` ones come from the submitted-benchmarks table of the Fashion-MNIST README, which its
 * maintainers note they have not verified. None of them is re-measured by the pipeline (scikit-learn's
 * KNN is also run by it, as a separate row).
 */
export const REFERENCES = {
  /** scikit-learn `KNeighborsClassifier(n_neighbors=5, algorithm='brute')` on raw pixels. */
  sklearnKnn: {
    name: 'Reference experiment: scikit-learn KNeighborsClassifier',
    accuracy: 0.8554,
    kind: 'experiment',
    details: 'k=5, brute force, Euclidean, uniform weights, raw pixels, full 60k/10k split',
    source: 'the reference experiment (scikit-learn)',
  },
  /** The reference experiment's VGG-style CNN. */
  referenceCnn: {
    name: 'Reference experiment: VGG-style CNN',
    accuracy: 0.947,
    kind: 'experiment',
    details: '5,897,162 parameters, 50 epochs, augmentation and random erasing, on a GPU',
    source: 'the reference experiment (Keras)',
  },
  vgg16: {
    name: 'VGG16 (26M parameters)',
    accuracy: 0.935,
    kind: 'published',
    details: 'no preprocessing',
    source: 'Fashion-MNIST benchmark table (@QuantumLiu)',
    url: BENCHMARK_URL,
  },
  threeConv: {
    name: '3 Conv + pooling + 2 FC + dropout',
    accuracy: 0.926,
    kind: 'published',
    details: 'no preprocessing',
    source: 'Fashion-MNIST benchmark table (@umbertogriffo)',
    url: BENCHMARK_URL,
  },
} as const satisfies Record<string, Reference>;
