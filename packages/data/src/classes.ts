/** The ten Fashion-MNIST class names, indexed by label. */
export const CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Side of a Fashion-MNIST image in pixels. */
export const IMAGE_SIZE = 28;
