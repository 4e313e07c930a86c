import type { LayersModel } from '@tensorflow/tfjs-layers';
import { modelFromArtifacts } from './artifacts.js';
import { ModelDirError } from './errors.js';
import { type LoadModelFromOptions, loadArtifactsFrom, type ModelSource } from './load-url.js';
import type { PretrainedInfo } from './pretrained.js';
import { PRETRAINED_NAMES, type PretrainedName } from './pretrained-names.js';

/** URLs of the files of shipped pretrained weights. */
export interface PretrainedUrls {
  /** The `model.json`. */
  modelJson: string;
  /** Each weight file named in `model.json`, by name. */
  weights: Record<string, string>;
}

/**
 * Where the shipped pretrained weights are, as URLs next to this module: `pretrained/<name>/` of
 * the installed package. Written as `new URL('…', import.meta.url)` with literal paths, so that
 * bundlers (Vite, webpack 5, Rollup with an asset plugin, esbuild's `file` loader) copy the files
 * into the build and rewrite the URLs; served unbundled, they point into the package folder.
 */
export function pretrainedUrls(name: PretrainedName = 'cpu'): PretrainedUrls {
  switch (name) {
    case 'cpu':
      return {
        modelJson: new URL('../pretrained/cpu/model.json', import.meta.url).href,
        weights: { 'weights.bin': new URL('../pretrained/cpu/weights.bin', import.meta.url).href },
      };
    case 'accurate':
      return {
        modelJson: new URL('../pretrained/accurate/model.json', import.meta.url).href,
        weights: {
          'weights.bin': new URL('../pretrained/accurate/weights.bin', import.meta.url).href,
        },
      };
    default:
      throw new ModelDirError({
        code: 'MODEL_DIR_NOT_FOUND',
        dir: String(name),
        problem:
          `There are no pretrained weights named ${JSON.stringify(name)}; the package ships ` +
          `${PRETRAINED_NAMES.map((n) => JSON.stringify(n)).join(' and ')}.`,
      });
  }
}

function isPretrainedInfo(m: unknown): m is PretrainedInfo {
  const i = m as Partial<PretrainedInfo> | undefined;
  return (
    typeof i === 'object' &&
    i !== null &&
    typeof i.preset === 'string' &&
    typeof i.testAccuracy === 'number' &&
    typeof i.seed === 'number'
  );
}

/** Options of {@link loadPretrainedFrom}. */
export interface LoadPretrainedFromOptions extends LoadModelFromOptions {
  /**
   * Which shipped weights to load when no `source` is given: `'cpu'` (the default) or
   * `'accurate'`. Ignored when a `source` is given.
   */
  name?: PretrainedName;
}

/** What {@link loadPretrainedFrom} gives. */
export interface LoadedPretrained {
  model: LayersModel;
  /** How the weights were trained and their accuracy on the 10,000 test images. */
  info: PretrainedInfo;
}

/**
 * Loads pretrained weights over HTTP, for browsers: by default weights shipped in the package
 * (`options.name`: `'cpu'` unless told `'accurate'`; see {@link pretrainedUrls}: a bundler serves
 * them with the app), or a `model.json` URL / `tf.io.IOHandler` of a copy you host. Under Node, `loadPretrained()` of the main entry
 * point reads the files directly.
 *
 * @throws ModelDirError when a file is missing or corrupt, or when the model carries no
 *   pretrained-weights metadata (`MODEL_JSON_INVALID`); see {@link loadModelFrom}.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-webgl';
 * import { loadPretrainedFrom, predictClasses } from '@fmnist/vgg-small/browser';
 *
 * const { model, info } = await loadPretrainedFrom(undefined, { name: 'accurate' });
 * console.log(info.testAccuracy); // the accuracy it reached on the 10,000 test images
 * const classes = await predictClasses(model, images); // Uint8Array N×784 → Uint8Array of 0..9
 * ```
 */
export async function loadPretrainedFrom(
  source?: ModelSource,
  options: LoadPretrainedFromOptions = {},
): Promise<LoadedPretrained> {
  const { name = 'cpu', ...opts } = options;
  let loadOptions: LoadModelFromOptions = opts;
  if (source === undefined) {
    const urls = pretrainedUrls(name);
    source = urls.modelJson;
    loadOptions = { ...opts, weightUrls: { ...urls.weights, ...opts.weightUrls } };
  }
  const { artifacts, location } = await loadArtifactsFrom(source, loadOptions);
  const info = artifacts.userDefinedMetadata;
  if (!isPretrainedInfo(info)) {
    throw new ModelDirError({
      code: 'MODEL_JSON_INVALID',
      dir: location,
      problem:
        `${location} holds a model but not pretrained weights of this package: its userDefinedMetadata ` +
        'lacks preset, testAccuracy and seed. Load it with loadModelFrom() instead.',
      file: 'model.json',
    });
  }
  const model = await modelFromArtifacts(location, location, artifacts);
  return { model, info };
}
