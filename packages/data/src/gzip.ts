import { gunzipSync } from 'node:zlib';
import { FmnistDataError } from './errors.js';

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip bytes, or returns plain bytes as they are (detected by the magic number). */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new FmnistDataError(
      'GZIP_CORRUPT',
      `Corrupt or truncated gzip data (${(cause as Error).message}). Delete the file and fetch it again.`,
      { cause },
    );
  }
}
