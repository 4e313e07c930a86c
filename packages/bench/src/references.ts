/** Where a reference figure comes from. */
export type ReferenceKind = 'seed' | 'published';

/** A test accuracy reported elsewhere, to compare a run against. Not measured by this run. */
export interface Reference {
  name: string;
  /** Test accuracy as a fraction. */
  accuracy: number;
  kind: ReferenceKind;
  /** What was trained and how, in a few words. */
  details: string;
  /** Who reported it. */
  source: string;
  url?: string;
}

const BENCHMARK_URL = 'https://github.com/zalandoresearch/fashion-mnist#benchmark';

/**
 * The reference figures of the seed experiment. `published` figures come from the submitted-benchmarks
 * table of the Fashion-MNIST README, which its maintainers note they have not verified; `seed` figures
 * are the seed experiment's own results.
 */
export const SEED_REFERENCES = {
  /** scikit-learn `KNeighborsClassifier(n_neighbors=5, algorithm='brute')` on raw pixels. */
  sklearnKnn: {
    name: 'scikit-learn KNeighborsClassifier',
    accuracy: 0.8554,
    kind: 'seed',
    details: 'k=5, brute force, Euclidean, uniform weights, raw pixels, full 60k/10k split',
    source: 'seed experiment (scikit-learn)',
  },
  /** The seed's VGG-style CNN. */
  seedCnn: {
    name: 'Seed CNN (VGG-style)',
    accuracy: 0.947,
    kind: 'seed',
    details: '50 epochs, augmentation and random erasing',
    source: 'seed experiment (Keras)',
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
