import { packageConfig } from '../../tsup.base';

// index: the universal entry (browsers, bundlers); node: the same plus worker threads.
export default packageConfig({ entry: ['src/index.ts', 'src/node.ts'] });
