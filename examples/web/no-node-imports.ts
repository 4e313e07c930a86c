import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import type { Plugin } from 'vite';

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** `fs`, `fs/promises`, `node:fs`, `node:test`…: a module that only exists in Node. */
export function isNodeBuiltin(id: string): boolean {
  if (id.startsWith('node:')) return true;
  return BUILTINS.has(id) || BUILTINS.has(id.split('/')[0]!);
}

/** The `browser` field of the package that holds `file` (its nearest package.json). */
function browserField(file: string, cache: Map<string, unknown>): unknown {
  let dir = dirname(file);
  for (;;) {
    if (cache.has(dir)) return cache.get(dir);
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      let field: unknown;
      try {
        field = JSON.parse(readFileSync(manifest, 'utf8')).browser;
      } catch {
        field = undefined;
      }
      cache.set(dir, field);
      return field;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** One import of a Node built-in module that the plugin refused. */
export interface NodeImportViolation {
  id: string;
  importer: string | undefined;
}

/**
 * A Vite plugin that fails the build when a Node built-in module (`node:fs`, `path`, `fs/promises`,
 * `worker_threads`, …) would be imported by code in the browser bundle. Vite would otherwise
 * replace it with an empty stub, warn, and ship a page that breaks when the code runs.
 *
 * Allowed: an import that the importing package itself maps to `false` in its package.json
 * `browser` field (tfjs-core's `util`, tfjs-backend-wasm's `fs` in Emscripten's Node-only branch,
 * seedrandom's `crypto`): the package declares that it does without it in browsers.
 *
 * After bundling, the output is checked too: no chunk may still import a Node built-in module
 * (e.g. one made external by configuration). The code itself is not searched for `require("fs")`:
 * tfjs-backend-wasm carries its worker's source as a string that contains such calls.
 */
export function noNodeImports(): Plugin {
  const cache = new Map<string, unknown>();
  const violations: NodeImportViolation[] = [];
  const describe = (v: NodeImportViolation) =>
    `  "${v.id}" imported by ${v.importer ?? '(an entry point)'}`;
  return {
    name: 'fmnist:no-node-imports',
    enforce: 'pre',
    // The production build (what is deployed); the dev server pre-bundles dependencies its own way.
    apply: 'build',
    buildStart() {
      violations.length = 0;
    },
    resolveId(source, importer) {
      if (!isNodeBuiltin(source)) return null;
      if (importer && isAbsolute(importer)) {
        const browser = browserField(importer, cache);
        if (
          browser &&
          typeof browser === 'object' &&
          (browser as Record<string, unknown>)[source] === false
        ) {
          return null; // the package's own browser mapping (an empty module); Vite applies it
        }
      }
      violations.push({ id: source, importer });
      // Keep resolving, so that every offending import is listed at once in buildEnd.
      return null;
    },
    buildEnd() {
      if (violations.length > 0) {
        this.error(
          `Node-only imports would reach the browser bundle:\n${violations.map(describe).join('\n')}\n` +
            'Import the browser entry point of the package instead (e.g. @fmnist/vgg-small/browser), ' +
            'or keep Node-only modules out of the page.',
        );
      }
    },
    generateBundle(_options, bundle) {
      const bad: string[] = [];
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of [...chunk.imports, ...chunk.dynamicImports]) {
          if (isNodeBuiltin(id)) bad.push(`  ${chunk.fileName} imports "${id}"`);
        }
      }
      if (bad.length > 0) {
        this.error(`The browser bundle still loads Node built-in modules:\n${bad.join('\n')}`);
      }
    },
  };
}
