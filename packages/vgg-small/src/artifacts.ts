import { dispose, engine, io, type NamedTensorMap } from '@tensorflow/tfjs-core';
import { type LayersModel, models } from '@tensorflow/tfjs-layers';
import { ModelDirError } from './errors.js';

// The parts of loading a saved model that need no file system (shared by the Node directory loader
// in io.ts and the URL loader in load-url.ts, which runs in browsers).

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

/**
 * Parses `model.json` text (read from `path`, inside `dir`) and checks that it is a tfjs layers
 * model with a well-formed weights manifest.
 */
export function parseModelJson(text: string, dir: string, path: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelDirError({
      code: 'MODEL_JSON_INVALID',
      dir: dir,
      problem: `${path} is not valid JSON (${(e as Error).message}); the file is corrupt. Save the model again.`,
      file: MODEL_JSON,
      cause: e,
    });
  }
  const j = json as Partial<ModelJson>;
  const manifestOk =
    Array.isArray(j?.weightsManifest) &&
    j.weightsManifest.every(
      (g) =>
        g &&
        Array.isArray(g.paths) &&
        g.paths.every((p) => typeof p === 'string') &&
        Array.isArray(g.weights) &&
        g.weights.every((w) => w && typeof w.name === 'string' && Array.isArray(w.shape)),
    );
  if (typeof j !== 'object' || j === null || typeof j.modelTopology !== 'object' || !manifestOk) {
    throw new ModelDirError({
      code: 'MODEL_JSON_INVALID',
      dir: dir,
      problem:
        `${path} is not a tfjs layers model: it needs a "modelTopology" object and a "weightsManifest" ` +
        'list of {paths, weights} groups.',
      file: MODEL_JSON,
    });
  }
  return j as ModelJson;
}

/**
 * Checks that the bytes read for one weight group (`buffers`, from the files `group.paths`) are
 * as many as its manifest describes.
 */
export function checkWeightGroup(
  dir: string,
  group: ModelJson['weightsManifest'][number],
  buffers: readonly Uint8Array[],
): void {
  const expected = group.weights.map(entryBytes);
  const actual = buffers.reduce((s, b) => s + b.byteLength, 0);
  if (expected.every((b) => b !== undefined)) {
    const want = (expected as number[]).reduce((s, b) => s + b, 0);
    if (want !== actual) {
      throw new ModelDirError({
        code: 'WEIGHTS_SIZE_MISMATCH',
        dir: dir,
        problem:
          `${group.paths.join(', ')} in ${dir} hold ${actual} bytes but ${MODEL_JSON} describes ` +
          `${want} bytes of weights: the file is truncated or belongs to another model. Save it again.`,
        file: group.paths[0],
      });
    }
  }
}

/** Joins byte arrays into one `ArrayBuffer`. */
export function concatBytes(buffers: readonly Uint8Array[]): ArrayBuffer {
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    data.set(b, off);
    off += b.byteLength;
  }
  return data.buffer;
}

/** The `tf.io.ModelArtifacts` of a checked `model.json` and its weight bytes. */
export function artifactsFromJson(
  json: ModelJson,
  specs: WeightsManifestEntry[],
  data: ArrayBuffer,
): io.ModelArtifacts {
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
}

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Builds the model described by `artifacts` and sets its weights, after checking that the weight
 * manifest names exactly the model's weights with the right shapes. `dir` and `modelJsonPath` say
 * where the artifacts came from (a directory or a URL), for the error messages.
 */
export async function modelFromArtifacts(
  dir: string,
  modelJsonPath: string,
  artifacts: io.ModelArtifacts,
): Promise<LayersModel> {
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
    throw new ModelDirError({
      code: 'MODEL_JSON_INVALID',
      dir: dir,
      problem: `The modelTopology in ${modelJsonPath} cannot be built: ${(e as Error).message}`,
      file: MODEL_JSON,
      cause: e,
    });
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
    throw new ModelDirError({
      code: 'MANIFEST_MISMATCH',
      dir: dir,
      problem:
        `The weights manifest in ${modelJsonPath} does not match its model: ` +
        `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; … (${problems.length} problems)` : ''}.`,
      file: MODEL_JSON,
    });
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
