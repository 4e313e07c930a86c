import { packageConfig } from '../../tsup.base';

// Two entries share one chunk in both formats (the base's splitting), so `instanceof` agrees
// between `@fmnist/data` and `@fmnist/data/tfjs` under `require` too.
export default packageConfig({ entry: ['src/index.ts', 'src/tfjs.ts'] });
