// The Node-import guard of the demo's Vite build (no-node-imports.ts) fails the build when a Node
// built-in module would reach the browser bundle, and lets the real page through.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';
import { describe, expect, it } from 'vitest';
import { isNodeBuiltin, noNodeImports } from './no-node-imports.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function fixture(name: string, withGuard: boolean, extra: InlineConfig = {}): InlineConfig {
  return {
    root: join(here, 'fixtures', name),
    configFile: false,
    logLevel: 'silent',
    plugins: withGuard ? [noNodeImports()] : [],
    ...extra,
    build: { write: false, ...extra.build },
  };
}

async function buildError(config: InlineConfig): Promise<string> {
  try {
    await build(config);
  } catch (e) {
    return String((e as Error).message);
  }
  return 'built';
}

describe('the Node-import guard of the web demo build', () => {
  it('knows which ids are Node built-in modules', () => {
    for (const id of ['fs', 'node:fs', 'fs/promises', 'path', 'worker_threads', 'node:test']) {
      expect(isNodeBuiltin(id), id).toBe(true);
    }
    for (const id of ['@fmnist/knn', 'pure-rand', './fs', 'fsevents-like', 'pathe']) {
      expect(isNodeBuiltin(id), id).toBe(false);
    }
  });

  it('fails a build that imports node:fs or a package entry point that needs Node', async () => {
    const message = await buildError(fixture('node-import', true));
    expect(message).toMatch(/Node-only imports would reach the browser bundle/);
    expect(message).toMatch(/"node:fs" imported by .*fixtures\/node-import\/main\.ts/);
    // @fmnist/vgg-small's main entry point (files, paths): the browser one is ./browser.
    expect(message).toMatch(/"fs\/promises" imported by .*vgg-small\/dist\/[\w.-]+\.js/);
    expect(message).toMatch(/@fmnist\/vgg-small\/browser/);
  });

  it('is what fails it: without the guard, Vite builds the same page (stubbing node:fs)', async () => {
    expect(await buildError(fixture('node-import', false))).toBe('built');
  });

  it('also checks the output: a built-in made external by configuration fails', async () => {
    const config = fixture('external-builtin', true, {
      build: { rolldownOptions: { external: ['node:path'] } },
    });
    expect(await buildError(config)).toMatch(
      /The browser bundle still loads Node built-in modules:\n.*imports "node:path"/,
    );
  });

  it('lets the demo page through (its packages only use browser-mapped Node modules)', async () => {
    const config: InlineConfig = {
      configFile: join(here, 'vite.config.ts'),
      logLevel: 'silent',
      build: { write: false },
    };
    expect(await buildError(config)).toBe('built');
  });
});
