/**
 * The shared memory of a data-parallel run and the barrier its replicas meet at. Every replica
 * writes its weighted gradients (and batch-norm statistics) into its own slot; each then sums one
 * contiguous chunk over all slots into `averaged` (a reduce-scatter); after a second barrier every
 * replica reads the whole average.
 */

/** Indices into the control words. */
const CONTROL = {
  /** Replicas that reached the current barrier. */
  arrived: 0,
  /** Barrier generation: bumped when the last replica arrives. */
  generation: 1,
  /** Set to 1 by the coordinator to stop every replica (failure, abort, dispose). */
  stop: 2,
} as const;
const CONTROL_WORDS = 4;

/** The shared buffers of a run, created by the coordinator and handed to every worker. */
export interface SharedBuffers {
  /** Int32 control words ({@link CONTROL}). */
  control: SharedArrayBuffer;
  /** `replicas × length` float32: each replica's weighted contribution. */
  slots: SharedArrayBuffer;
  /** `length` float32: the sum of the slots (the weighted average). */
  averaged: SharedArrayBuffer;
  /** `trainableLength` float32: weights broadcast by replica 0 (the `'broadcast'` update). */
  weights: SharedArrayBuffer;
  /** Floats per slot: every trainable variable, then every non-trainable one (model order). */
  length: number;
  /** Floats of the trainable variables (the head of a slot). */
  trainableLength: number;
}

export function createSharedBuffers(
  replicas: number,
  trainableLength: number,
  stateLength: number,
): SharedBuffers {
  const length = trainableLength + stateLength;
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    slots: new SharedArrayBuffer(Math.max(1, replicas * length) * 4),
    averaged: new SharedArrayBuffer(Math.max(1, length) * 4),
    weights: new SharedArrayBuffer(Math.max(1, trainableLength) * 4),
    length,
    trainableLength,
  };
}

/** Thrown inside a replica waiting at a barrier when the coordinator has set the stop word. */
export class StopRequested extends Error {
  constructor() {
    super('stopped by the coordinator');
    this.name = 'StopRequested';
  }
}

/**
 * A reusable barrier for `parties` threads on shared control words (generation counting). Waiting
 * threads block in `Atomics.wait`, waking every `pollMs` to check the stop word, so a replica that
 * died never leaves the others blocked.
 */
export class Barrier {
  private readonly words: Int32Array;
  constructor(
    control: SharedArrayBuffer,
    private readonly parties: number,
    private readonly pollMs = 50,
  ) {
    this.words = new Int32Array(control);
  }

  stopped(): boolean {
    return Atomics.load(this.words, CONTROL.stop) !== 0;
  }

  wait(): void {
    const w = this.words;
    if (this.stopped()) throw new StopRequested();
    const generation = Atomics.load(w, CONTROL.generation);
    if (Atomics.add(w, CONTROL.arrived, 1) === this.parties - 1) {
      Atomics.store(w, CONTROL.arrived, 0);
      Atomics.add(w, CONTROL.generation, 1);
      Atomics.notify(w, CONTROL.generation);
      return;
    }
    while (Atomics.load(w, CONTROL.generation) === generation) {
      if (this.stopped()) throw new StopRequested();
      Atomics.wait(w, CONTROL.generation, generation, this.pollMs);
    }
  }
}

/** Sets the stop word and wakes every waiting replica. */
export function requestStop(control: SharedArrayBuffer): void {
  const w = new Int32Array(control);
  Atomics.store(w, CONTROL.stop, 1);
  Atomics.notify(w, CONTROL.generation);
}

/** Bounds `[start, end)` of part `index` of `n` items split into `parts` near-equal parts. */
export function partBounds(n: number, parts: number, index: number): [number, number] {
  return [Math.floor((index * n) / parts), Math.floor(((index + 1) * n) / parts)];
}

/**
 * Sums chunk `index` (of `replicas`) of every slot into `averaged`, in replica order, so every run
 * with the same replica count adds the same numbers in the same order.
 */
export function reduceChunk(
  slots: Float32Array,
  averaged: Float32Array,
  length: number,
  replicas: number,
  index: number,
): void {
  const [start, end] = partBounds(length, replicas, index);
  averaged.set(slots.subarray(start, end), start);
  for (let r = 1; r < replicas; r++) {
    const off = r * length;
    for (let i = start; i < end; i++) averaged[i] += slots[off + i]!;
  }
}
