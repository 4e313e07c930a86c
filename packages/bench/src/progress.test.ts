import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, type ProgressOptions, resolveProgressMode } from './progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; cursorTo?: unknown };
  stream.isTTY = isTTY;
  if (isTTY) {
    // What cli-progress needs from a terminal stream.
    stream.columns = 100;
    Object.assign(stream, {
      cursorTo: (_x: number, _y?: number, cb?: () => void) => cb?.() ?? true,
      clearLine: (_d: number, cb?: () => void) => cb?.() ?? true,
      moveCursor: (_x: number, _y: number, cb?: () => void) => cb?.() ?? true,
    });
  }
  return { stream, text: () => chunks.join('') };
}

/** A progress writing to a non-terminal sink, on a clock the test sets (`setTime(ms)`; starts at 0). */
function plainProgress(options: Omit<ProgressOptions, 'stream' | 'now'>) {
  const { stream, text } = sink(false);
  let t = 0;
  const p = createProgress({ ...options, stream, now: () => t });
  return {
    p,
    text,
    setTime: (ms: number) => {
      t = ms;
    },
  };
}

describe('resolveProgressMode', () => {
  it('shows a bar only on a terminal outside CI', () => {
    expect(resolveProgressMode({ stream: { isTTY: true }, stdoutIsTTY: true, env: {} })).toBe(
      'bar',
    );
    expect(
      resolveProgressMode({ stream: { isTTY: true }, stdoutIsTTY: true, env: { CI: 'true' } }),
    ).toBe('plain');
    expect(resolveProgressMode({ stream: { isTTY: true }, stdoutIsTTY: false, env: {} })).toBe(
      'plain',
    );
    expect(resolveProgressMode({ stream: { isTTY: false }, stdoutIsTTY: true, env: {} })).toBe(
      'plain',
    );
    expect(
      resolveProgressMode({ stream: { isTTY: true }, stdoutIsTTY: true, env: { CI: 'false' } }),
    ).toBe('bar');
    expect(resolveProgressMode({ mode: 'silent' })).toBe('silent');
  });
});

describe('createProgress', () => {
  it('prints a few plain lines in CI instead of a bar', () => {
    const { p, text, setTime } = plainProgress({ total: 1000, label: 'KNN', env: { CI: 'true' } });
    expect(p.mode).toBe('plain');
    for (let i = 1; i <= 1000; i++) {
      setTime(i);
      p.update(i);
    }
    p.stop();
    p.stop();
    const lines = text().trim().split('\n');
    // 10%, 20%, ..., 90% and the closing line.
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('KNN: 10% (100/1000) 100 ms');
    expect(lines.at(-1)).toBe('KNN: 100% (1000/1000) 1.0 s done');
    expect(text()).not.toContain('\r');
  });

  it('also prints when a slow loop goes quiet for the interval', () => {
    const { p, text, setTime } = plainProgress({
      total: 1000,
      label: 'epoch',
      env: {},
      stdoutIsTTY: false,
      plainIntervalMs: 1000,
    });
    setTime(1500);
    p.increment(1, 'loss 0.5');
    expect(text()).toBe('epoch: 0% (1/1000) 1.5 s loss 0.5\n');
    const quiet = sink(false);
    const q = createProgress({
      total: 10,
      label: 'q',
      stream: quiet.stream,
      env: { CI: '1' },
      plainPercentStep: 101,
      plainDoneLine: false,
    });
    for (let i = 1; i <= 10; i++) q.update(i);
    q.stop();
    expect(quiet.text()).toBe('');
  });

  it('draws a cli-progress bar on a terminal', () => {
    const { stream, text } = sink(true);
    const p = createProgress({ total: 10, label: 'Train', stream, env: {}, stdoutIsTTY: true });
    expect(p.mode).toBe('bar');
    p.increment(5);
    p.update(10, 'acc 0.9');
    p.stop();
    expect(text()).toContain('Train [');
    expect(text()).toContain('10/10');
  });

  it('writes nothing when silent', () => {
    const { stream, text } = sink(false);
    const p = createProgress({ total: 10, label: 'x', stream, mode: 'silent' });
    p.update(5);
    p.stop();
    expect(text()).toBe('');
  });
});
