import type { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  artifactsFromJson,
  checkWeightGroup,
  concatBytes,
  MODEL_JSON,
  modelFromArtifacts,
  parseModelJson,
} from './artifacts.js';
import { ModelDirError, ModelSourceError } from './errors.js';

/** Where {@link loadModelFrom} reads a model: the URL of its `model.json`, or any tfjs `IOHandler`. */
export type ModelSource = string | URL | io.IOHandler;

/** Options of {@link loadModelFrom} and `loadPretrainedFrom`. */
export interface LoadModelFromOptions {
  /**
   * The URL of each weight file named in `model.json`'s manifest, by file name (e.g. the hashed
   * asset URL a bundler gave it). Files not listed are fetched relative to the `model.json` URL.
   */
  weightUrls?: Readonly<Record<string, string | URL>>;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Passed to every request (headers, credentials, an `AbortSignal`, …). */
  requestInit?: RequestInit;
}

/** What a source gave: the checked model artifacts and where they came from. */
export interface LoadedArtifacts {
  artifacts: io.ModelArtifacts;
  /** The `model.json` URL, or `'IOHandler'`. */
  location: string;
}

function isHandler(source: ModelSource): source is io.IOHandler {
  return typeof source === 'object' && !(source instanceof URL) && source !== null;
}

/** `url` made absolute against the page's address where there is one (browsers). */
function absoluteUrl(url: string | URL): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(String(url), base);
  } catch (e) {
    throw new ModelSourceError({
      code: 'INVALID_URL',
      problem:
        `${String(url)} is not a URL${base ? '' : ' (a relative URL needs a page to resolve against)'}: ` +
        'give the absolute URL of the model.json.',
      cause: e,
    });
  }
}

async function fetchBytes(
  url: URL,
  dir: string,
  file: string,
  code: 'MODEL_JSON_MISSING' | 'WEIGHTS_MISSING',
  options: LoadModelFromOptions,
): Promise<Uint8Array> {
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchFn !== 'function') {
    throw new ModelSourceError({
      code: 'NO_FETCH',
      problem: 'No fetch() here: pass options.fetch to load over HTTP.',
    });
  }
  let res: Response;
  try {
    res = await fetchFn(url.href, options.requestInit);
  } catch (e) {
    throw new ModelDirError({
      code: code,
      dir: dir,
      problem: `Could not fetch ${url.href}: ${(e as Error).message}. Check that the file is served there.`,
      file,
      cause: e,
    });
  }
  if (!res.ok) {
    throw new ModelDirError({
      code: code,
      dir: dir,
      problem:
        `${url.href} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}: ` +
        `serve the model's ${code === 'MODEL_JSON_MISSING' ? MODEL_JSON : 'weight files'} there ` +
        '(or give their URLs in options.weightUrls).',
      file,
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Reads model artifacts from a URL (or an IOHandler) and checks them: valid `model.json`, every
 * weight file present with the size its manifest promises.
 */
export async function loadArtifactsFrom(
  source: ModelSource,
  options: LoadModelFromOptions = {},
): Promise<LoadedArtifacts> {
  if (isHandler(source)) {
    if (typeof source.load !== 'function') {
      throw new ModelSourceError({
        code: 'INVALID_SOURCE',
        problem:
          'The IOHandler given has no load(): give a model.json URL or a handler that can load.',
      });
    }
    return { artifacts: await source.load(), location: 'IOHandler' };
  }
  const url = absoluteUrl(source);
  if (url.protocol === 'file:') {
    throw new ModelSourceError({
      code: 'INVALID_URL',
      problem:
        `${url.href} is a file: URL, which fetch() cannot read. Under Node use loadModel(dir) or ` +
        'loadPretrained() from the main entry point.',
    });
  }
  const where = url.href;
  const text = new TextDecoder().decode(
    await fetchBytes(url, where, MODEL_JSON, 'MODEL_JSON_MISSING', options),
  );
  const json = parseModelJson(text, where, where);
  const specs: io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    const groupBuffers = await Promise.all(
      group.paths.map((p) => {
        const given = options.weightUrls?.[p];
        const weightUrl = given !== undefined ? absoluteUrl(given) : new URL(p, url);
        return fetchBytes(weightUrl, where, p, 'WEIGHTS_MISSING', options);
      }),
    );
    checkWeightGroup(where, group, groupBuffers);
    specs.push(...group.weights);
    buffers.push(...groupBuffers);
  }
  return { artifacts: artifactsFromJson(json, specs, concatBytes(buffers)), location: where };
}

/**
 * Loads a layers model over HTTP (browsers, workers, Node ≥ 18's fetch) from the URL of its
 * `model.json` (the files {@link saveModel} writes, or tfjs' own), or from any `tf.io.IOHandler`,
 * on whichever backend is active, checking the manifest against the model as `loadModel` does.
 *
 * @throws ModelDirError (`MODEL_JSON_MISSING`, `MODEL_JSON_INVALID`, `WEIGHTS_MISSING`,
 *   `WEIGHTS_SIZE_MISMATCH`, `MANIFEST_MISMATCH`; `dir` is the model.json URL) or ModelSourceError
 *   (`INVALID_URL`, `NO_FETCH`, `INVALID_SOURCE`).
 * @example
 * ```ts
 * const model = await loadModelFrom('https://example.com/models/vgg/model.json');
 * ```
 */
export async function loadModelFrom(
  source: ModelSource,
  options: LoadModelFromOptions = {},
): Promise<LayersModel> {
  const { artifacts, location } = await loadArtifactsFrom(source, options);
  return modelFromArtifacts(location, location, artifacts);
}
