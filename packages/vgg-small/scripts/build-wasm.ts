/**
 * Compiles assembly/conv2d-backprop-filter.ts (AssemblyScript) into a WebAssembly module with its
 * own memory and writes it base64-encoded to src/wasm-kernels/filter-grad.generated.ts (the house's
 * one wasm build: wasm.base.ts at the repository root).
 *
 *   pnpm --filter @fmnist/vgg-small run build:wasm          # regenerate
 *   pnpm --filter @fmnist/vgg-small run build:wasm --check  # exit 1 if the committed file is stale
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ASC_COMMON_FLAGS,
  compileAssemblyScript,
  renderGenerated,
  writeGenerated,
} from '../../../wasm.base.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'src', 'wasm-kernels', 'filter-grad.generated.ts');

/** The text of src/wasm-kernels/filter-grad.generated.ts, compiled from the committed source. */
export async function renderFilterGradModule(): Promise<string> {
  const bytes = await compileAssemblyScript([
    join(root, 'assembly', 'conv2d-backprop-filter.ts'),
    ...ASC_COMMON_FLAGS,
    '--initialMemory',
    '1',
  ]);
  return renderGenerated({
    script: 'scripts/build-wasm.ts',
    source: 'assembly/conv2d-backprop-filter.ts',
    modules: [
      {
        name: 'FILTER_GRAD_WASM',
        doc: 'The filter-gradient module (its own, growable memory), base64.',
        bytes,
      },
    ],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeGenerated({
    target,
    text: await renderFilterGradModule(),
    command: 'pnpm --filter @fmnist/vgg-small run build:wasm',
  });
}
