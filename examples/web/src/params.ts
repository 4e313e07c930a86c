/** What the page's controls set. The e2e test reads them back from `window.__fmnist.params`. */
export interface DemoParams {
  /** How many of the sample's test images are shown (the first ones). */
  count: number;
  /** Seed of the one generator that draws every transform and erasing, image after image. */
  seed: number;
  /** Keras-style affine augmentation (`createAugmenter`). */
  augment: boolean;
  /** Rotation range, degrees (±). */
  rotation: number;
  /** Width and height shift range, fraction of the side. */
  shift: number;
  /** Zoom range: zx, zy in [1 − zoom, 1 + zoom]. */
  zoom: number;
  /** Shear range, degrees. */
  shear: number;
  /** Random horizontal flip. */
  flip: boolean;
  /** Random erasing (`createRandomEraser`), run after the transform. */
  erase: boolean;
  /** Probability of erasing an image. */
  p: number;
  /** Erased area range, fraction of the image (`sl`, `sh`). */
  areaMin: number;
  areaMax: number;
  /** Smallest aspect ratio `r1` (the largest is 1 / r1). */
  ratioMin: number;
  /** Fill value range (`vl`, `vh`), images being 0..1. */
  valueMin: number;
  valueMax: number;
  /** One random value per erased pixel instead of one per rectangle. */
  pixelLevel: boolean;
}

export const DEFAULT_PARAMS: Readonly<DemoParams> = Object.freeze({
  count: 48,
  seed: 42,
  augment: true,
  rotation: 10,
  shift: 0.05,
  zoom: 0.1,
  shear: 0,
  flip: false,
  erase: true,
  p: 0.5,
  areaMin: 0.02,
  areaMax: 0.4,
  ratioMin: 0.3,
  valueMin: 0,
  valueMax: 1,
  pixelLevel: false,
});
