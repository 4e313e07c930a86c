import type { LayersModel } from '@tensorflow/tfjs-layers';

interface DropoutLike {
  getClassName(): string;
  seed?: number;
}

/**
 * The model's `Dropout` layers, whose masks are made reproducible by giving each layer a derived
 * seed for the length of one step (tfjs-layers draws an unseeded mask otherwise).
 */
export function dropoutLayers(model: LayersModel) {
  const layers = model.layers.filter(
    (l) => (l as unknown as DropoutLike).getClassName() === 'Dropout',
  ) as unknown as DropoutLike[];
  return {
    count: layers.length,
    /** Runs `fn` with layer `k`'s seed set to `seedOf(k)`, then puts the layers' own seeds back. */
    withSeeds<T>(seedOf: (k: number) => number, fn: () => T): T {
      const own = layers.map((d) => d.seed);
      layers.forEach((d, k) => {
        d.seed = seedOf(k);
      });
      try {
        return fn();
      } finally {
        layers.forEach((d, k) => {
          d.seed = own[k];
        });
      }
    },
  };
}
