import { InvalidConfigError } from '../errors.js';

/** Throws {@link InvalidConfigError} for `option` unless `ok(value)`; returns the value. */
export function check<T>(option: string, value: T, ok: (v: T) => boolean, expected: string): T {
  if (!ok(value)) throw new InvalidConfigError({ option, expected, value });
  return value;
}

/** A finite number in [lo, hi] (open ends where `openLo`/`openHi`). */
export function inRange(
  lo: number,
  hi: number,
  { openLo = false, openHi = false }: { openLo?: boolean; openHi?: boolean } = {},
): (v: number) => boolean {
  return (v) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (openLo ? v > lo : v >= lo) &&
    (openHi ? v < hi : v <= hi);
}

/** A non-negative integer. */
export const isCount = (v: number): boolean => Number.isInteger(v) && v >= 0;
