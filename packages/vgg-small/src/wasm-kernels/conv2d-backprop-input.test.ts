import { describeConvGradientKernel } from '../test-helpers/wasm-kernels.js';

describeConvGradientKernel('input');
