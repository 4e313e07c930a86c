import { packageConfig } from '../../tsup.base';

// Three entries share one chunk in both formats (the base's splitting): one copy of the core.
export default packageConfig({ entry: ['src/index.ts', 'src/tfjs.ts', 'src/primitives.ts'] });
