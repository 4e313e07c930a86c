import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  dispose,
  io,
  type NamedTensorMap,
  type Optimizer,
  scalar,
  type Tensor,
  tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CheckpointError } from './errors.js';
import { encodeArtifacts, MODEL_JSON, WEIGHTS_BIN, writeDirAtomic } from './io.js';

const CHECKPOINT_FORMAT = 'fmnist-vgg-small-checkpoint';
const STATE_JSON = 'state.json';
const OPTIMIZER_BIN = 'optimizer.bin';
const BEST_BIN = 'best-weights.bin';
const AVERAGE_BIN = 'average.bin';
const EPOCH_DIR = /^epoch-(\d{4,})$/;

/** A tensor with a name (tfjs-core's `NamedTensor`, which it does not export). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** Per-epoch history, as Keras' `History.history`. */
export interface History {
  loss: number[];
  acc: number[];
  valLoss: number[];
  valAcc: number[];
}

/** Everything besides tensors that a resumed run needs. */
export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** Training setup the checkpoint belongs to (model, data size, seed, batch size, augmentation…). */
  fingerprint: string;
  epochsCompleted: number;
  history: History;
  /** Training time of the completed epochs, over all sessions. */
  timeMs: number;
  earlyStopping: { best: number; bestEpoch: number; wait: number } | null;
  /** Adam's bias-correction accumulators (β^t, as float32 values) and step count. */
  adam: { accBeta1: number; accBeta2: number; iterations: number };
  optimizerSpecs: io.WeightsManifestEntry[];
  bestSpecs: io.WeightsManifestEntry[] | null;
  /** The weight average's update count and layout (`average.bin`), when training keeps one. */
  average?: { updates: number; specs: io.WeightsManifestEntry[] };
}

export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  modelWeights: NamedTensorMap;
  optimizer: OptimizerState;
  bestWeights: NamedTensorMap | null;
}

interface AdamInternals {
  accBeta1?: Variable;
  accBeta2?: Variable;
  iterations?: number;
}

function epochDirName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}

async function captureArtifacts(model: LayersModel): Promise<io.ModelArtifacts> {
  let captured: io.ModelArtifacts | undefined;
  await model.save(
    io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return captured!;
}

/** A float32 array with its name and shape: weights as plain data, which can cross threads. */
export interface PlainWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** `model`'s weights (`model.weights` order) as plain data: copies, no tensor left behind. */
export function plainModelWeights(model: LayersModel): PlainWeight[] {
  return model.weights.map((w) => {
    const t = w.read();
    return {
      name: w.originalName,
      shape: [...t.shape],
      data: t.dataSync().slice() as Float32Array,
    };
  });
}

/**
 * An optimizer's whole state as plain data: its weights (`getWeights()`: `iter` first, then its
 * slots, e.g. Adam's moments in variable order) and, for Adam, the exact β^t accumulators.
 */
export interface OptimizerState {
  weights: PlainWeight[];
  adam: CheckpointState['adam'];
  /** The weight average of training (`weightAveraging`), kept with the optimizer's state. */
  average?: PlainAverage | null;
}

/** A weight average as plain data: its update count and every weight's average (`model.weights` order). */
export interface PlainAverage {
  updates: number;
  weights: PlainWeight[];
}

/** Reads `optimizer`'s state as plain data (no tensor is left behind). */
export async function readOptimizerState(optimizer: Optimizer): Promise<OptimizerState> {
  const named = await optimizer.getWeights();
  const internals = optimizer as unknown as AdamInternals;
  try {
    return {
      weights: named.map((w) => ({
        name: w.name,
        shape: [...w.tensor.shape],
        data: Float32Array.from(w.tensor.dataSync() as Float32Array),
      })),
      adam: {
        accBeta1: internals.accBeta1 ? internals.accBeta1.dataSync()[0]! : Number.NaN,
        accBeta2: internals.accBeta2 ? internals.accBeta2.dataSync()[0]! : Number.NaN,
        iterations: internals.iterations ?? 0,
      },
    };
  } finally {
    // getWeights() returns the live variables plus a fresh `iter` scalar: dispose only that one.
    dispose(named.filter((w) => w.name === 'iter').map((w) => w.tensor));
  }
}

/** Specs and bytes of plain float32 weights, as `io.encodeWeights` lays them out. */
function encodePlain(weights: readonly PlainWeight[]): {
  specs: io.WeightsManifestEntry[];
  data: Uint8Array;
} {
  const total = weights.reduce((s, w) => s + w.data.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const w of weights) {
    data.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), offset);
    offset += w.data.byteLength;
  }
  return {
    specs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
    data,
  };
}

/**
 * Writes the checkpoint of epoch `state.epochsCompleted` into `root/epoch-NNNN/` (model.json +
 * weights.bin, loadable with `loadModel`, plus optimizer state and `state.json`), atomically, then
 * removes older epoch directories beyond `keep`.
 */
export async function writeCheckpoint(
  root: string,
  model: LayersModel,
  optimizer: OptimizerState,
  state: Omit<
    CheckpointState,
    'format' | 'version' | 'adam' | 'optimizerSpecs' | 'bestSpecs' | 'average'
  >,
  bestWeights: NamedTensor[] | null,
  keep = 1,
): Promise<string> {
  const { modelJson, weights } = encodeArtifacts(await captureArtifacts(model));
  const opt = encodePlain(optimizer.weights);
  const best = bestWeights ? await io.encodeWeights(bestWeights) : null;
  const avg = optimizer.average ? encodePlain(optimizer.average.weights) : null;
  const full: CheckpointState = {
    ...state,
    format: CHECKPOINT_FORMAT,
    version: 1,
    adam: optimizer.adam,
    optimizerSpecs: opt.specs,
    bestSpecs: best ? best.specs : null,
    ...(avg && optimizer.average
      ? { average: { updates: optimizer.average.updates, specs: avg.specs } }
      : {}),
  };
  const files: Record<string, Uint8Array | string> = {
    [MODEL_JSON]: JSON.stringify(modelJson),
    [WEIGHTS_BIN]: weights,
    [OPTIMIZER_BIN]: opt.data,
    [STATE_JSON]: JSON.stringify(full),
  };
  if (best) files[BEST_BIN] = new Uint8Array(io.CompositeArrayBuffer.join(best.data));
  if (avg) files[AVERAGE_BIN] = avg.data;
  const name = epochDirName(state.epochsCompleted);
  await writeDirAtomic(join(root, name), files);
  const entries = (await readdir(root)).filter((e) => EPOCH_DIR.test(e)).sort();
  for (const old of entries.slice(0, Math.max(0, entries.length - keep))) {
    if (old !== name) await rm(join(root, old), { recursive: true, force: true });
  }
  return join(root, name);
}

/** Epoch directories of `root`, newest first. */
async function epochDirs(root: string): Promise<string[]> {
  try {
    return (await readdir(root))
      .filter((e) => EPOCH_DIR.test(e))
      .sort()
      .reverse();
  } catch {
    return [];
  }
}

/** Reads the newest checkpoint under `root`, or `null` when there is none. */
export async function readLatestCheckpoint(root: string): Promise<LoadedCheckpoint | null> {
  const dirs = await epochDirs(root);
  if (dirs.length === 0) return null;
  const dir = join(root, dirs[0]!);
  try {
    const state = JSON.parse(await readFile(join(dir, STATE_JSON), 'utf8')) as CheckpointState;
    if (state.format !== CHECKPOINT_FORMAT || state.version !== 1) {
      throw new Error(`unknown format ${String(state.format)} v${String(state.version)}`);
    }
    const modelJson = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as {
      weightsManifest: { weights: io.WeightsManifestEntry[] }[];
    };
    const modelSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const modelData = await readFile(join(dir, WEIGHTS_BIN));
    const optData = await readFile(join(dir, OPTIMIZER_BIN));
    const modelWeights = io.decodeWeights(toArrayBuffer(modelData), modelSpecs);
    const optimizer: OptimizerState = {
      weights: decodePlain(optData, state.optimizerSpecs),
      adam: state.adam,
    };
    if (state.average) {
      optimizer.average = {
        updates: state.average.updates,
        weights: decodePlain(await readFile(join(dir, AVERAGE_BIN)), state.average.specs),
      };
    }
    let bestWeights: NamedTensorMap | null = null;
    if (state.bestSpecs) {
      bestWeights = io.decodeWeights(
        toArrayBuffer(await readFile(join(dir, BEST_BIN))),
        state.bestSpecs,
      );
    }
    return { dir, state, modelWeights, optimizer, bestWeights };
  } catch (e) {
    throw new CheckpointError({
      code: 'CHECKPOINT_INVALID',
      dir,
      reason: (e as Error).message,
      cause: e,
    });
  }
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Plain float32 weights from bytes laid out by `specs` (all float32, as {@link encodePlain} writes). */
function decodePlain(bytes: Uint8Array, specs: io.WeightsManifestEntry[]): PlainWeight[] {
  const out: PlainWeight[] = [];
  let offset = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32')
      throw new Error(`optimizer weight ${s.name} is ${s.dtype}, not float32`);
    const n = s.shape.reduce((p, d) => p * d, 1);
    if (offset + n * 4 > bytes.byteLength) throw new Error('optimizer.bin is truncated');
    const data = new Float32Array(n); // a copy: `bytes` may be a view into Node's buffer pool
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + n * 4));
    out.push({ name: s.name, shape: [...s.shape], data });
    offset += n * 4;
  }
  return out;
}

/**
 * Puts an optimizer's state back exactly, including Adam's β^t (which `setWeights` would recompute
 * with pow). For a fresh optimizer (its slots are created here).
 */
export async function restoreOptimizer(optimizer: Optimizer, state: OptimizerState): Promise<void> {
  const named = state.weights.map((w) => ({ name: w.name, tensor: tensor(w.data, w.shape) }));
  try {
    await optimizer.setWeights(named);
  } finally {
    dispose(named.map((w) => w.tensor));
  }
  const internals = optimizer as unknown as AdamInternals;
  if (internals.accBeta1 && Number.isFinite(state.adam.accBeta1)) {
    const v1 = scalar(state.adam.accBeta1);
    const v2 = scalar(state.adam.accBeta2);
    internals.accBeta1.assign(v1);
    internals.accBeta2!.assign(v2);
    dispose([v1, v2]);
  }
}
