import { createHash } from 'node:crypto';
import { ChecksumMismatchError } from './errors.js';

/**
 * SHA-256 of the **decompressed** content of the four official files, as hex.
 *
 * Computed with `zcat FILE | sha256sum` from Debian's `dataset-fashion-mnist`
 * (0.0~git20200523, files dated 2020-06-05) in /usr/share/datasets/fashion-mnist. Debian
 * recompressed the files (their .gz bytes and MD5s differ from the upstream ones listed in
 * zalandoresearch/fashion-mnist's README), which is why the content is checked after
 * decompression: recompression does not change it. (Not yet compared with a fresh download from
 * the mirrors: there was no network where they were computed.)
 */
export const SHA256: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  'train-labels-idx1-ubyte.gz': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  't10k-images-idx3-ubyte.gz': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  't10k-labels-idx1-ubyte.gz': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
};

/** The SHA-256 of some bytes, as lower-case hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Throws a {@link ChecksumMismatchError} unless `sha256(bytes)` is `expected` (hex, any case).
 * `file` names the bytes in the error message.
 */
export function verifySha256(bytes: Uint8Array, expected: string, file: string): void {
  const actual = sha256(bytes);
  if (actual !== expected.toLowerCase())
    throw new ChecksumMismatchError({ file, expected, actual });
}
