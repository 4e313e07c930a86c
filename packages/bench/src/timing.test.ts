import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { maxRssBytes, measure, PhaseTimer, summarize, timeIt } from './timing.js';

/** A fake clock that advances by the given steps, one per call. */
function fakeClock(steps: number[]): () => number {
  let t = 0;
  let i = 0;
  return () => {
    const now = t;
    t += steps[i++ % steps.length]!;
    return now;
  };
}

beforeAll(async () => {
  // Silences tfjs's "looks like you are running TensorFlow.js in Node.js" banner (warnings only).
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('summarize', () => {
  it('computes mean, median, min, max and sample std', () => {
    const s = summarize([4, 1, 3, 2]);
    expect(s).toMatchObject({ meanMs: 2.5, medianMs: 2.5, minMs: 1, maxMs: 4 });
    expect(s.stdMs).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s.samples).toEqual([4, 1, 3, 2]);
    expect(summarize([7])).toMatchObject({ medianMs: 7, stdMs: 0 });
    expect(summarize([3, 1, 2]).medianMs).toBe(2);
    expect(() => summarize([])).toThrow(InvalidArgumentError);
  });
});

describe('timeIt', () => {
  it('runs warm-up calls untimed, then times each repeat', async () => {
    let calls = 0;
    // Each timed call reads the clock twice: start (+0 step) then end; steps alternate 10 and 0.
    const r = await timeIt(
      () => {
        calls++;
        return calls;
      },
      { warmup: 2, repeats: 3, now: fakeClock([10, 0]) },
    );
    expect(calls).toBe(5);
    expect(r.samples).toEqual([10, 10, 10]);
    expect(r.result).toBe(5);
    expect(r).toMatchObject({ warmup: 2, repeats: 3, meanMs: 10 });
  });

  it('awaits async work and measures real time', async () => {
    const r = await timeIt(() => new Promise((res) => setTimeout(res, 20)), {
      warmup: 0,
      repeats: 2,
    });
    expect(r.minMs).toBeGreaterThanOrEqual(15);
  });

  it('rejects bad counts', async () => {
    await expect(timeIt(() => 1, { repeats: 0 })).rejects.toThrow(/repeats/);
    await expect(timeIt(() => 1, { warmup: -1 })).rejects.toThrow(/warmup/);
  });
});

describe('measure', () => {
  it('reports wall time, the RSS high-water mark and tf.memory()', async () => {
    const before = tf.memory().numTensors;
    const { result, wallMs, memory } = await measure(
      async () => {
        const x = tf.zeros([256, 256]);
        await new Promise((res) => setTimeout(res, 30));
        x.dispose();
        return 42;
      },
      { tf, sampleIntervalMs: 5 },
    );
    expect(result).toBe(42);
    expect(wallMs).toBeGreaterThanOrEqual(25);
    expect(memory.maxRssBytes).toBe(maxRssBytes());
    expect(memory.maxRssBytes).toBeGreaterThanOrEqual(memory.sampledPeakRssBytes * 0.99);
    expect(memory.tf).toBeDefined();
    expect(memory.tf!.numTensorsBefore).toBe(before);
    expect(memory.tf!.numTensorsAfter).toBe(before);
    // The 256 KiB tensor was alive while the sampler ran.
    expect(memory.tf!.sampledPeakBytes).toBeGreaterThanOrEqual(256 * 256 * 4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('propagates errors and leaves no timer running', async () => {
    await expect(
      measure(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});

describe('PhaseTimer', () => {
  it('adds up wall time per phase', async () => {
    const phases = new PhaseTimer(fakeClock([5]));
    expect(await phases.time('load', () => 'x')).toBe('x');
    await phases.time('knn', async () => 1);
    await phases.time('knn', async () => 1);
    await expect(
      phases.time('fails', () => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    const json = phases.toJSON();
    expect(json.phases).toEqual({ load: 5, knn: 10, fails: 5 });
    expect(json.totalMs).toBeGreaterThan(20);
  });
});
