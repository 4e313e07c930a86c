import { packageConfig } from '../../tsup.base';

// One entry per subpath of `exports`; they share one chunk in both formats (the base's splitting),
// so `instanceof` agrees between `@fmnist/data` and its subpaths under `require` too.
export default packageConfig({
  entry: ['src/index.ts', 'src/tfjs.ts', 'src/formats.ts', 'src/arrays.ts'],
});
