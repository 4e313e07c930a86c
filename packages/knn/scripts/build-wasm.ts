/**
 * Compiles assembly/index.ts (AssemblyScript) into two WebAssembly modules, one importing a shared
 * memory (worker threads) and one a plain memory (browsers without cross-origin isolation), and
 * writes them base64-encoded to src/wasm/kernels.generated.ts (the house's one wasm build:
 * wasm.base.ts at the repository root).
 *
 *   pnpm --filter @fmnist/knn run build:wasm          # regenerate
 *   pnpm --filter @fmnist/knn run build:wasm --check  # exit 1 if the committed file is stale
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
const source = join(root, 'assembly', 'index.ts');
const target = join(root, 'src', 'wasm', 'kernels.generated.ts');

/** Compiles one variant (importing a shared or a plain memory) and returns the module bytes. */
export function compile(shared: boolean): Promise<Uint8Array> {
  return compileAssemblyScript([
    source,
    ...ASC_COMMON_FLAGS,
    '--importMemory',
    '--noExportMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    '65536',
    ...(shared ? ['--enable', 'threads', '--sharedMemory'] : []),
  ]);
}

/** The text of src/wasm/kernels.generated.ts for the given modules. */
export function render(shared: Uint8Array, plain: Uint8Array): string {
  return renderGenerated({
    script: 'scripts/build-wasm.ts',
    source: 'assembly/index.ts',
    modules: [
      {
        name: 'KERNELS_SHARED_WASM',
        doc: 'The kernels module importing a shared memory (for worker threads), base64.',
        bytes: shared,
      },
      {
        name: 'KERNELS_WASM',
        doc: 'The kernels module importing a plain (non-shared) memory, base64.',
        bytes: plain,
      },
    ],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeGenerated({
    target,
    text: render(await compile(true), await compile(false)),
    command: 'pnpm --filter @fmnist/knn run build:wasm',
  });
}
