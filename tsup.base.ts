import { defineConfig, type Options } from 'tsup';

/** What a package's `tsup.config.ts` passes to {@link packageConfig}: its entries, plus any override. */
export type PackageBuildOptions = Omit<Options, 'entry'> & {
  /** The package's entry points (`src/index.ts` first), as listed in its `exports`. */
  entry: string[];
};

/**
 * The one tsup config of every `@fmnist/*` package: ESM + CJS, d.ts, source maps, ES2022, tree-shaken,
 * `dist/` cleaned first. With two or more entries, shared code goes to one chunk in both formats
 * (`splitting: true`), so classes (the error classes above all) are the same objects whichever entry
 * point is loaded, under `require` too. A package passes its entries and only what differs.
 *
 * @example
 * // packages/data/tsup.config.ts
 * import { packageConfig } from '../../tsup.base';
 * export default packageConfig({ entry: ['src/index.ts', 'src/tfjs.ts'] });
 */
export function packageConfig({ entry, ...overrides }: PackageBuildOptions) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    ...(entry.length > 1 ? { splitting: true } : {}),
    ...overrides,
  });
}
