/** Base64 of bytes, with the platform's `btoa` (Node ≥ 16 and browsers), in chunks. */
export function bytesToBase64(bytes: Uint8Array): string {
  // A multiple of 3 bytes, so that no chunk but the last ends with padding.
  const chunk = 3 * 8192;
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + chunk))));
  }
  return parts.join('');
}

/** Bytes of a base64 string (throws a SyntaxError-like DOMException on bad input). */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
