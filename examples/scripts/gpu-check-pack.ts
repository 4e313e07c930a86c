/**
 * Packs the GPU check for a machine with no Node, no network and only what is carried to it (the
 * `device` tool carries at most 64 MiB of ignored paths): one folder, `.cache/gpucheck/` at the repository
 * root by default (ignored by git), holding
 *
 *   gpu-check.mjs         gpu-check.ts and every package it uses, bundled (esbuild), except Dawn
 *   node_modules/webgpu/  Dawn's Node binding for linux-x64 (dawn.node, xz-compressed)
 *   wasm/                 tfjs-backend-wasm's .wasm files (FMNIST_WASM_DIR)
 *   data/                 Fashion-MNIST (the training images xz-compressed)
 *   node.xz               this machine's Node, stripped and xz-compressed
 *   deb/                  Debian's libvulkan1 (the Vulkan loader), if apt-get can download it
 *   gpu-check-torch.py    the PyTorch anchor
 *
 * gpu-check.sh unpacks it there (python3's lzma when xz is missing) and runs it.
 *
 *   pnpm build && pnpm --filter @fmnist/examples exec tsx scripts/gpu-check-pack.ts [dest]
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const dest = resolve(process.argv[2] ?? join(root, '.cache', 'gpucheck'));
const require = createRequire(join(here, '..', 'package.json'));
const say = (s: string) => console.log(`gpu-check-pack: ${s}`);

/** xz-compresses `src` (or `input`) to `out`, unless `out` exists (a re-pack keeps the slow parts). */
function xz(src: string, out: string, input?: () => Buffer) {
  if (existsSync(out)) return;
  const data = input?.();
  const args = ['-T0', '-6', '-c'];
  const buf = data
    ? execFileSync('xz', args, { input: data, maxBuffer: 1 << 30 })
    : execFileSync('xz', [...args, src], { maxBuffer: 1 << 30 });
  writeFileSync(out, buf);
}

// A re-pack rebuilds the bundle and copies, and keeps the xz files already made (delete to redo).
mkdirSync(join(dest, 'node_modules', 'webgpu', 'dist', 'linux-x64'), { recursive: true });

say('bundling scripts/gpu-check.ts');
await build({
  entryPoints: [join(here, 'gpu-check.ts')],
  outfile: join(dest, 'gpu-check.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // Dawn is loaded from node_modules (a native addon); charts (vega, resvg) are never used here.
  external: ['webgpu', '@resvg/resvg-js', 'vega', 'vega-lite'],
  banner: {
    // The bundled CommonJS packages (tfjs) expect require, __filename and __dirname.
    js: [
      "import { createRequire as __cr } from 'node:module';",
      "import { fileURLToPath as __fu } from 'node:url';",
      "import { dirname as __dn } from 'node:path';",
      'const require = __cr(import.meta.url);',
      'const __filename = __fu(import.meta.url);',
      'const __dirname = __dn(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
});
copyFileSync(join(here, 'gpu-check-torch.py'), join(dest, 'gpu-check-torch.py'));

say('Dawn (npm webgpu, linux-x64)');
const webgpu = dirname(require.resolve('webgpu/package.json'));
for (const f of ['package.json', 'index.js']) {
  copyFileSync(join(webgpu, f), join(dest, 'node_modules', 'webgpu', f));
}
xz(
  join(webgpu, 'dist', 'linux-x64', 'dawn.node'),
  join(dest, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node.xz'),
);

say('tfjs-backend-wasm .wasm files');
mkdirSync(join(dest, 'wasm'), { recursive: true });
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDist, f), join(dest, 'wasm', f));
}

say('Fashion-MNIST');
const dataDir = [process.env.FMNIST_DATA_DIR, '/usr/share/datasets/fashion-mnist'].find(
  (d) => d && existsSync(join(d, 'train-images-idx3-ubyte.gz')),
);
if (!dataDir) throw new Error('No Fashion-MNIST: run ./scripts/setup.sh or set FMNIST_DATA_DIR.');
mkdirSync(join(dest, 'data'), { recursive: true });
for (const f of [
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
]) {
  copyFileSync(join(dataDir, f), join(dest, 'data', f));
}
// xz holds the training images in 22.7 MB instead of gzip's 26.4 MB; gpu-check.sh gzips them back.
xz('', join(dest, 'data', 'train-images-idx3-ubyte.xz'), () =>
  execFileSync('gzip', ['-dc', join(dataDir, 'train-images-idx3-ubyte.gz')], {
    maxBuffer: 1 << 30,
  }),
);

say('Node (stripped, xz)');
if (!existsSync(join(dest, 'node.xz'))) {
  execFileSync('strip', ['-o', join(dest, 'node'), process.execPath]);
  xz(join(dest, 'node'), join(dest, 'node.xz'));
  rmSync(join(dest, 'node'));
}

try {
  mkdirSync(join(dest, 'deb'), { recursive: true });
  if (readdirSync(join(dest, 'deb')).length) throw new Error('kept');
  execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: join(dest, 'deb'), stdio: 'ignore' });
  say('Debian libvulkan1 downloaded');
} catch (err) {
  if ((err as Error).message !== 'kept') {
    say('apt-get download libvulkan1 failed: the machine must have libvulkan.so.1 itself');
  }
}

let total = 0;
const walk = (d: string) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    const s = statSync(p);
    if (s.isDirectory()) walk(p);
    else total += s.size;
  }
};
walk(dest);
let tree = 0;
try {
  // What the device tool sends besides: tracked and untracked-but-not-ignored files.
  const files = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: root })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const f of files) tree += existsSync(join(root, f)) ? statSync(join(root, f)).size : 0;
} catch {
  // not a git checkout: the tree's size is unknown
}
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
say(
  `${dest}: ${mib(total)} MiB; with the working tree (${mib(tree)} MiB) ${mib(total + tree)} MiB ` +
    `of the device tool's 64 MiB${total + tree > 64 * 2 ** 20 ? ': TOO LARGE' : ''}`,
);
