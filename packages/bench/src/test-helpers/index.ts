import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

/** Test helper: parses an SVG strictly; returns the root attributes and every text node's content. */
export function parseSvg(svg: string): { attrs: Record<string, string>; texts: string[] } {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid.err)}`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(svg);
  if (!doc.svg) throw new Error('root element is not <svg>');
  const texts: string[] = [];
  const walk = (node: unknown, inText: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((n) => {
        walk(n, inText);
      });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k.startsWith('@_')) continue;
        if (k === '#text' && inText) texts.push(String(v));
        else walk(v, inText || k === 'text' || k === 'tspan');
      }
    } else if (inText && (typeof node === 'string' || typeof node === 'number')) {
      texts.push(String(node));
    }
  };
  walk(doc.svg, false);
  const attrs = Object.fromEntries(
    Object.entries(doc.svg as Record<string, unknown>)
      .filter(([k]) => k.startsWith('@_'))
      .map(([k, v]) => [k.slice(2), String(v)]),
  );
  return { attrs, texts };
}

/** Test helper: width and height from a PNG's IHDR chunk (throws when the bytes are not a PNG). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const magic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!magic.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** Test helper: `haystack` (a text, or a list such as an SVG's texts) contains every one of `parts`. */
export function expectContainsAll(haystack: string | readonly string[], parts: readonly string[]) {
  for (const part of parts) expect(haystack).toContain(part);
}
