import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  dispose,
  io,
  type NamedTensorMap,
  type Optimizer,
  scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CheckpointError } from './errors.js';
import { encodeArtifacts, MODEL_JSON, WEIGHTS_BIN, writeDirAtomic } from './io.js';

export const CHECKPOINT_FORMAT = 'fmnist-vgg-small-checkpoint';
const STATE_JSON = 'state.json';
const OPTIMIZER_BIN = 'optimizer.bin';
const BEST_BIN = 'best-weights.bin';
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
}

export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  modelWeights: NamedTensorMap;
  optimizerWeights: NamedTensor[];
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

/**
 * Writes the checkpoint of epoch `state.epochsCompleted` into `root/epoch-NNNN/` (model.json +
 * weights.bin, loadable with `loadModel`, plus optimizer state and `state.json`), atomically, then
 * removes older epoch directories beyond `keep`.
 */
export async function writeCheckpoint(
  root: string,
  model: LayersModel,
  optimizer: Optimizer,
  state: Omit<CheckpointState, 'format' | 'version' | 'adam' | 'optimizerSpecs' | 'bestSpecs'>,
  bestWeights: NamedTensor[] | null,
  keep = 1,
): Promise<string> {
  const { modelJson, weights } = encodeArtifacts(await captureArtifacts(model));
  const optWeights = await optimizer.getWeights();
  const adam = optimizer as unknown as AdamInternals;
  try {
    const opt = await io.encodeWeights(optWeights);
    const best = bestWeights ? await io.encodeWeights(bestWeights) : null;
    const full: CheckpointState = {
      ...state,
      format: CHECKPOINT_FORMAT,
      version: 1,
      adam: {
        accBeta1: adam.accBeta1 ? adam.accBeta1.dataSync()[0]! : Number.NaN,
        accBeta2: adam.accBeta2 ? adam.accBeta2.dataSync()[0]! : Number.NaN,
        iterations: adam.iterations ?? 0,
      },
      optimizerSpecs: opt.specs,
      bestSpecs: best ? best.specs : null,
    };
    const files: Record<string, Uint8Array | string> = {
      [MODEL_JSON]: JSON.stringify(modelJson),
      [WEIGHTS_BIN]: weights,
      [OPTIMIZER_BIN]: new Uint8Array(io.CompositeArrayBuffer.join(opt.data)),
      [STATE_JSON]: JSON.stringify(full),
    };
    if (best) files[BEST_BIN] = new Uint8Array(io.CompositeArrayBuffer.join(best.data));
    const name = epochDirName(state.epochsCompleted);
    await writeDirAtomic(join(root, name), files);
    const entries = (await readdir(root)).filter((e) => EPOCH_DIR.test(e)).sort();
    for (const old of entries.slice(0, Math.max(0, entries.length - keep))) {
      if (old !== name) await rm(join(root, old), { recursive: true, force: true });
    }
    return join(root, name);
  } finally {
    // getWeights() returns the live variables plus a fresh `iter` scalar: dispose only that one.
    dispose(optWeights.filter((w) => w.name === 'iter').map((w) => w.tensor));
  }
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
    const optMap = io.decodeWeights(toArrayBuffer(optData), state.optimizerSpecs);
    const optimizerWeights = state.optimizerSpecs.map((s) => ({
      name: s.name,
      tensor: optMap[s.name]!,
    }));
    let bestWeights: NamedTensorMap | null = null;
    if (state.bestSpecs) {
      bestWeights = io.decodeWeights(
        toArrayBuffer(await readFile(join(dir, BEST_BIN))),
        state.bestSpecs,
      );
    }
    return { dir, state, modelWeights, optimizerWeights, bestWeights };
  } catch (e) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      dir,
      `Checkpoint ${dir} cannot be read (${(e as Error).message}). Delete it to resume from an ` +
        'older one, or pass resume: false to start over.',
      { cause: e },
    );
  }
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Puts Adam's state back exactly, including β^t (which `setWeights` would recompute with pow). */
export async function restoreOptimizer(
  optimizer: Optimizer,
  weights: NamedTensor[],
  adam: CheckpointState['adam'],
): Promise<void> {
  await optimizer.setWeights(weights);
  const internals = optimizer as unknown as AdamInternals;
  if (internals.accBeta1 && Number.isFinite(adam.accBeta1)) {
    const v1 = scalar(adam.accBeta1);
    const v2 = scalar(adam.accBeta2);
    internals.accBeta1.assign(v1);
    internals.accBeta2!.assign(v2);
    dispose([v1, v2]);
  }
}
