import { packageConfig } from '../../tsup.base';

// One entry per subpath of `exports`; they share one chunk in both formats (the base's splitting),
// so the error classes are the same objects whichever entry point is loaded, under `require` too.
export default packageConfig({
  entry: ['src/index.ts', 'src/report.ts', 'src/charts.ts', 'src/webgpu.ts'],
});
