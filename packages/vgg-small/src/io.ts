import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { dispose, engine, io, type NamedTensorMap } from '@tensorflow/tfjs-core';
import { type LayersModel, models } from '@tensorflow/tfjs-layers';
import { ModelDirError, VggSmallError } from './errors.js';

/** File names inside a saved-model directory (the same as tfjs-node's `file://` handler writes). */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

type WeightsManifestEntry = io.WeightsManifestEntry;

/** The parsed `model.json` of a saved model (the standard tfjs layers format). */
export interface ModelJson {
  modelTopology: Record<string, unknown>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: { paths: string[]; weights: WeightsManifestEntry[] }[];
  trainingConfig?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function entryBytes(e: WeightsManifestEntry): number | undefined {
  const dtype = e.quantization?.dtype ?? e.dtype;
  const per = BYTES[dtype];
  if (per === undefined) return undefined; // strings: variable length
  return e.shape.reduce((p, d) => p * d, 1) * per;
}

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

/** Writes one file atomically (temporary file in the same folder, then rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, data);
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** `model.json` text and weight bytes for model artifacts, as tfjs-node's `file://` writes them. */
export function encodeArtifacts(artifacts: io.ModelArtifacts): {
  modelJson: ModelJson;
  weights: Uint8Array;
} {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new VggSmallError(
      'UNSUPPORTED_MODEL',
      'Only layers models (JSON topology) can be saved to a directory.',
    );
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
      throw new ModelDirError('MODEL_DIR_NOT_FOUND', dir, `${dir} is not a directory.`);
    }
  } catch (e) {
    if (e instanceof ModelDirError) throw e;
    throw new ModelDirError(
      'MODEL_DIR_NOT_FOUND',
      dir,
      `No saved model at ${dir}: the directory does not exist. Save one with saveModel(model, dir).`,
      { cause: e },
    );
  }
  const path = join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ModelDirError(
      'MODEL_JSON_MISSING',
      dir,
      `${path} is missing: ${dir} is not a saved model, or saving it did not finish. Save it again.`,
      { file: MODEL_JSON, cause: e },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelDirError(
      'MODEL_JSON_INVALID',
      dir,
      `${path} is not valid JSON (${(e as Error).message}); the file is corrupt. Save the model again.`,
      { file: MODEL_JSON, cause: e },
    );
  }
  const j = json as Partial<ModelJson>;
  const manifestOk =
    Array.isArray(j.weightsManifest) &&
    j.weightsManifest.every(
      (g) =>
        g &&
        Array.isArray(g.paths) &&
        g.paths.every((p) => typeof p === 'string') &&
        Array.isArray(g.weights) &&
        g.weights.every((w) => w && typeof w.name === 'string' && Array.isArray(w.shape)),
    );
  if (typeof j !== 'object' || j === null || typeof j.modelTopology !== 'object' || !manifestOk) {
    throw new ModelDirError(
      'MODEL_JSON_INVALID',
      dir,
      `${path} is not a tfjs layers model: it needs a "modelTopology" object and a "weightsManifest" ` +
        'list of {paths, weights} groups.',
      { file: MODEL_JSON },
    );
  }
  return j as ModelJson;
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
        throw new ModelDirError(
          'WEIGHTS_MISSING',
          dir,
          `Weight file ${join(dir, p)} named in ${MODEL_JSON} is missing. Copy the whole model directory, ` +
            'or save the model again.',
          { file: p, cause: e },
        );
      }
    }
    const expected = group.weights.map(entryBytes);
    const actual = groupBuffers.reduce((s, b) => s + b.byteLength, 0);
    if (expected.every((b) => b !== undefined)) {
      const want = (expected as number[]).reduce((s, b) => s + b, 0);
      if (want !== actual) {
        throw new ModelDirError(
          'WEIGHTS_SIZE_MISMATCH',
          dir,
          `${group.paths.join(', ')} in ${dir} hold ${actual} bytes but ${MODEL_JSON} describes ` +
            `${want} bytes of weights: the file is truncated or belongs to another model. Save it again.`,
          { file: group.paths[0] },
        );
      }
    }
    specs.push(...group.weights);
    buffers.push(...groupBuffers);
  }
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    data.set(b, off);
    off += b.byteLength;
  }
  return { specs, data: data.buffer };
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
      const artifacts: io.ModelArtifacts = {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: data,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
      if (json.trainingConfig) artifacts.trainingConfig = json.trainingConfig as io.TrainingConfig;
      if (json.userDefinedMetadata) {
        artifacts.userDefinedMetadata =
          json.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'];
      }
      return artifacts;
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

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Builds the model described by `artifacts` and sets its weights, after checking that the weight
 * manifest names exactly the model's weights with the right shapes.
 */
async function modelFromArtifacts(dir: string, artifacts: io.ModelArtifacts): Promise<LayersModel> {
  let model: LayersModel;
  const variablesBefore = new Set(Object.keys(engine().registeredVariables));
  try {
    model = await models.modelFromJSON({
      modelTopology: artifacts.modelTopology as never,
    });
  } catch (e) {
    // Layers built before the failing one created weights that nothing owns now: free them.
    for (const [name, v] of Object.entries(engine().registeredVariables)) {
      if (!variablesBefore.has(name)) v.dispose();
    }
    throw new ModelDirError(
      'MODEL_JSON_INVALID',
      dir,
      `The modelTopology in ${join(dir, MODEL_JSON)} cannot be built: ${(e as Error).message}`,
      { file: MODEL_JSON, cause: e },
    );
  }
  const specs = artifacts.weightSpecs ?? [];
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  const problems: string[] = [];
  for (const w of model.weights) {
    const s = bySpec.get(w.originalName);
    if (!s) problems.push(`missing weight ${w.originalName} ${shapeText(w.shape)}`);
    else if (shapeText(s.shape) !== shapeText(w.shape)) {
      problems.push(
        `${w.originalName} is ${shapeText(s.shape)} in the manifest, ${shapeText(w.shape)} in the model`,
      );
    }
    bySpec.delete(w.originalName);
  }
  for (const name of bySpec.keys()) problems.push(`unexpected weight ${name}`);
  if (problems.length > 0) {
    model.dispose();
    throw new ModelDirError(
      'MANIFEST_MISMATCH',
      dir,
      `The weights manifest in ${join(dir, MODEL_JSON)} does not match its model: ` +
        `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; … (${problems.length} problems)` : ''}.`,
      { file: MODEL_JSON },
    );
  }
  const data = io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
  const map: NamedTensorMap = io.decodeWeights(data, specs);
  try {
    model.loadWeights(map, true);
  } finally {
    dispose(Object.values(map));
  }
  return model;
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
  return modelFromArtifacts(dir, artifacts);
}

/** The `userDefinedMetadata` saved with a model (e.g. by `saveModel(…, { metadata })`). */
export async function readModelMetadata(dir: string): Promise<Record<string, unknown> | undefined> {
  return (await readModelJson(dir)).userDefinedMetadata;
}
