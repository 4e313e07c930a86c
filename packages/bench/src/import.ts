import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Imports `specifier` resolved from `from` (the app), falling back to this package's own resolution. */
export async function importFrom(
  specifier: string,
  from: string = process.cwd(),
): Promise<unknown> {
  let resolved: string | undefined;
  try {
    resolved = createRequire(join(from, 'package.json')).resolve(specifier);
  } catch {
    resolved = undefined;
  }
  if (resolved) return import(pathToFileURL(resolved).href);
  return import(specifier);
}

/** How packages the app installed are imported (options of `selectBackend` and `setUpWebGpu`). */
export interface ImportOptions {
  /**
   * Imports a package. Default: resolve it from `resolveFrom` (the app), else from this package,
   * then `import()` it.
   */
  importModule?: (specifier: string) => Promise<unknown>;
  /** Folder to resolve packages from; default `process.cwd()`. */
  resolveFrom?: string;
}

/** `options.importModule`, else {@link importFrom} resolving from `options.resolveFrom`. @internal */
export function importerOf(options: ImportOptions): (specifier: string) => Promise<unknown> {
  return options.importModule ?? ((specifier) => importFrom(specifier, options.resolveFrom));
}

/**
 * True when `err` says that `specifier` itself is not installed. A missing native binding or
 * transitive dependency is a failure, not "not installed".
 * @internal
 */
export function isNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  const msg = e.message ?? '';
  return msg.includes(`'${specifier}'`) || msg.includes(`"${specifier}"`);
}

/** First line of an error's message, trimmed. @internal */
export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.trim();
}
