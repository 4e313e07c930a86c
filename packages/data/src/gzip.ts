import { constants as bufferConstants } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { GzipError } from './errors.js';

const gunzipAsync = promisify(gunzip) as (buf: Uint8Array, options: ZlibOptions) => Promise<Buffer>;

/** Default cap on the decompressed size: 1 GiB (Fashion-MNIST's largest file is 47 MB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 1 << 30;

/** The largest ratio deflate can reach (RFC 1951 blocks): about 1032 output bytes per input byte. */
const MAX_DEFLATE_RATIO = 1032;

/** Options of {@link maybeGunzip} and {@link maybeGunzipAsync}. */
export interface GunzipOptions {
  /**
   * Refuse (with a `GZIP_TOO_LARGE` {@link GzipError}) data that decompresses to more bytes than
   * this, so a corrupt file or a gzip bomb cannot exhaust memory. Default 1 GiB.
   */
  maxOutputBytes?: number;
}

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * zlib options for one gzip member: the output chunk is sized from the trailer's ISIZE field (the
 * uncompressed size mod 2³²) so that zlib writes the output in one piece instead of many 16 KiB
 * chunks that are then concatenated. ISIZE comes from untrusted bytes, so the hint is capped by
 * what deflate can produce from this input and by `maxOutputBytes`; a wrong hint only costs speed.
 */
function zlibOptions(bytes: Uint8Array, maxOutputBytes: number): ZlibOptions {
  const n = bytes.byteLength;
  let chunkSize = 16 * 1024;
  if (n >= 18) {
    const isize =
      (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
    const cap = Math.min(n * MAX_DEFLATE_RATIO, maxOutputBytes, 256 * 1024 * 1024);
    // +1 so that a correct hint leaves room for zlib to see the end of the stream in the same call.
    chunkSize = Math.max(64, Math.min(isize + 1, cap));
  }
  return { chunkSize, maxOutputLength: maxOutputBytes };
}

function gunzipError(cause: unknown, maxOutputBytes: number): GzipError {
  const err = cause as NodeJS.ErrnoException;
  if (err?.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
    return new GzipError({ maxOutputBytes, cause });
  }
  return new GzipError({ cause });
}

function maxOutput(options: GunzipOptions): number {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return Math.max(1, Math.min(Math.floor(max), bufferConstants.MAX_LENGTH));
}

function view(out: Buffer): Uint8Array {
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decompresses gzip bytes, or returns plain bytes as they are (detected by the magic number).
 * Blocks the event loop while it works; prefer {@link maybeGunzipAsync} for large files.
 *
 * @throws {@link GzipError} when gzip data is corrupt, truncated or too large.
 */
export function maybeGunzip(bytes: Uint8Array, options: GunzipOptions = {}): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const max = maxOutput(options);
  try {
    return view(gunzipSync(bytes, zlibOptions(bytes, max)));
  } catch (cause) {
    throw gunzipError(cause, max);
  }
}

/**
 * Like {@link maybeGunzip}, but decompresses on libuv's thread pool, so several files decompress in
 * parallel and the event loop stays free.
 *
 * @throws {@link GzipError} when gzip data is corrupt, truncated or too large.
 */
export async function maybeGunzipAsync(
  bytes: Uint8Array,
  options: GunzipOptions = {},
): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  const max = maxOutput(options);
  try {
    return view(await gunzipAsync(bytes, zlibOptions(bytes, max)));
  } catch (cause) {
    throw gunzipError(cause, max);
  }
}
