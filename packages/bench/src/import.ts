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
