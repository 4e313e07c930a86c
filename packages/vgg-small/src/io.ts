import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  artifactsFromJson,
  checkWeightGroup,
  concatBytes,
  MODEL_JSON,
  type ModelJson,
  modelFromArtifacts,
  parseModelJson,
  WEIGHTS_BIN,
} from './artifacts.js';
import { ModelDirError, ModelSourceError } from './errors.js';

export { MODEL_JSON, type ModelJson, WEIGHTS_BIN } from './artifacts.js';

type WeightsManifestEntry = io.WeightsManifestEntry;

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === code;
}

/**
 * Writes `files` into `dir` atomically: everything goes into a fresh sibling temporary directory,
 * which then replaces `dir` by rename (an old `dir` is moved aside first and removed after). A
 * reader sees the old directory or the new one, never a mix; a crash leaves at most a
 * `.<name>.tmp-*` / `.<name>.old-*` sibling behind.
 */
export async function writeDirAtomic(
  dir: string,
  files: Record<string, Uint8Array | string>,
): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${tag}`);
  await mkdir(parent, { recursive: true });
  await mkdir(tmp);
  try {
    for (const [name, data] of Object.entries(files)) {
      await writeFile(join(tmp, name), data);
    }
    let old: string | undefined;
    try {
      await rename(tmp, target);
    } catch (e) {
      if (!isErrno(e, 'ENOTEMPTY') && !isErrno(e, 'EEXIST')) throw e;
      old = join(parent, `.${basename(target)}.old-${tag}`);
      await rename(target, old);
      await rename(tmp, target);
    }
    if (old) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** `model.json` text and weight bytes for model artifacts, as tfjs-node's `file://` writes them. */
export function encodeArtifacts(artifacts: io.ModelArtifacts): {
  modelJson: ModelJson;
  weights: Uint8Array;
} {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new ModelSourceError({
      code: 'UNSUPPORTED_MODEL',
      problem:
        'Only layers models (JSON topology) can be saved to a directory: save a tf.LayersModel.',
    });
  }
  const data = artifacts.weightData
    ? io.CompositeArrayBuffer.join(artifacts.weightData)
    : new ArrayBuffer(0);
  const modelJson: ModelJson = {
    modelTopology: artifacts.modelTopology as Record<string, unknown>,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) {
    modelJson.userDefinedMetadata = artifacts.userDefinedMetadata as Record<string, unknown>;
  }
  return { modelJson, weights: new Uint8Array(data) };
}

/** Reads and checks `dir/model.json`. */
async function readModelJson(dir: string): Promise<ModelJson> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) {
      throw new ModelDirError({
        code: 'MODEL_DIR_NOT_FOUND',
        dir: dir,
        problem: `${dir} is not a directory.`,
      });
    }
  } catch (e) {
    if (e instanceof ModelDirError) throw e;
    throw new ModelDirError({
      code: 'MODEL_DIR_NOT_FOUND',
      dir: dir,
      problem: `No saved model at ${dir}: the directory does not exist. Save one with saveModel(model, dir).`,
      cause: e,
    });
  }
  const path = join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ModelDirError({
      code: 'MODEL_JSON_MISSING',
      dir: dir,
      problem: `${path} is missing: ${dir} is not a saved model, or saving it did not finish. Save it again.`,
      file: MODEL_JSON,
      cause: e,
    });
  }
  return parseModelJson(text, dir, path);
}

/** Reads every weight group of `manifest`, checking that each file exists and has the promised size. */
async function readWeights(dir: string, manifest: ModelJson['weightsManifest']) {
  const specs: WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    const groupBuffers: Uint8Array[] = [];
    for (const p of group.paths) {
      try {
        groupBuffers.push(new Uint8Array(await readFile(join(dir, p))));
      } catch (e) {
        throw new ModelDirError({
          code: 'WEIGHTS_MISSING',
          dir: dir,
          problem:
            `Weight file ${join(dir, p)} named in ${MODEL_JSON} is missing. Copy the whole model directory, ` +
            'or save the model again.',
          file: p,
          cause: e,
        });
      }
    }
    checkWeightGroup(dir, group, groupBuffers);
    specs.push(...group.weights);
    buffers.push(...groupBuffers);
  }
  return { specs, data: concatBytes(buffers) };
}

/**
 * A `tf.io.IOHandler` that saves a layers model to a directory (`model.json` + `weights.bin`,
 * written atomically) and loads it back, with node:fs and no tfjs-node. The files are the standard
 * tfjs layers format, so `tf.loadLayersModel('file://dir/model.json')` of tfjs-node reads them too.
 * Loading a missing, partial or corrupt directory throws a {@link ModelDirError}.
 *
 * @example
 * ```ts
 * await model.save(modelDirHandler('./my-model'));
 * const again = await tf.loadLayersModel(modelDirHandler('./my-model'));
 * ```
 */
export function modelDirHandler(dir: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      const { modelJson, weights } = encodeArtifacts(artifacts);
      await writeDirAtomic(dir, {
        [MODEL_JSON]: JSON.stringify(modelJson),
        [WEIGHTS_BIN]: weights,
      });
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(modelJson.modelTopology).length,
          weightSpecsBytes: JSON.stringify(modelJson.weightsManifest).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<io.ModelArtifacts> {
      const json = await readModelJson(dir);
      const { specs, data } = await readWeights(dir, json.weightsManifest);
      return artifactsFromJson(json, specs, data);
    },
  };
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** JSON-serialisable facts stored in `model.json` as `userDefinedMetadata` (e.g. accuracy). */
  metadata?: Record<string, unknown>;
}

/**
 * Saves a layers model to `dir` (`model.json` + `weights.bin`, the standard tfjs layers format),
 * atomically: a crash while saving leaves the previous save intact. Works on every backend.
 *
 * @example
 * ```ts
 * await saveModel(model, './models/vgg', { metadata: { testAccuracy: 0.91 } });
 * ```
 */
export async function saveModel(
  model: LayersModel,
  dir: string,
  options: SaveModelOptions = {},
): Promise<io.SaveResult> {
  const handler = modelDirHandler(dir);
  const save = handler.save!.bind(handler);
  return model.save(
    io.withSaveHandler(async (artifacts) =>
      save(
        options.metadata
          ? {
              ...artifacts,
              userDefinedMetadata: options.metadata as io.ModelArtifacts['userDefinedMetadata'],
            }
          : artifacts,
      ),
    ),
  );
}

/**
 * Loads a model saved by {@link saveModel} (or by tfjs-node's `model.save('file://…')`) from a
 * directory, on whichever backend is active.
 *
 * @throws ModelDirError with `code` `MODEL_DIR_NOT_FOUND`, `MODEL_JSON_MISSING`,
 *   `MODEL_JSON_INVALID`, `WEIGHTS_MISSING`, `WEIGHTS_SIZE_MISMATCH` or `MANIFEST_MISMATCH`.
 * @example
 * ```ts
 * const model = await loadModel('./models/vgg');
 * ```
 */
export async function loadModel(dir: string): Promise<LayersModel> {
  const artifacts = await modelDirHandler(dir).load!();
  return modelFromArtifacts(dir, join(dir, MODEL_JSON), artifacts);
}

/** The `userDefinedMetadata` saved with a model (e.g. by `saveModel(…, { metadata })`). */
export async function readModelMetadata(dir: string): Promise<Record<string, unknown> | undefined> {
  return (await readModelJson(dir)).userDefinedMetadata;
}
