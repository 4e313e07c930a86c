// The demo page: Fashion-MNIST test images, transformed and erased live with @fmnist/augment and
// classified by @fmnist/knn and the pretrained @fmnist/vgg-small CNN, all in the browser.
import {
  createAugmenter,
  createRandomEraser,
  createRng,
  type ErasingOptions,
} from '@fmnist/augment';
import { KNeighborsClassifier } from '@fmnist/knn';
import {
  loadPretrainedFrom,
  PRETRAINED_NAMES,
  type PretrainedInfo,
  type PretrainedName,
  predictProbabilities,
} from '@fmnist/vgg-small/browser';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import '@tensorflow/tfjs-backend-webgl';
// Registers the `webgpu` backend only where the browser has `navigator.gpu` (used with ?backend=webgpu).
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import sampleUrl from '../data/fmnist-sample.bin?url';
import { DEFAULT_PARAMS, type DemoParams } from './params.js';
import { PIXELS, parseSample, type Sample, toUnit } from './sample.js';

/** What the page exposes for tests and the curious (`window.__fmnist`). */
export interface DemoState {
  status: 'loading' | 'ready' | 'error';
  error?: string;
  backend?: string;
  /** On webgpu: the adapter's vendor and architecture, e.g. `google swiftshader`. */
  adapter?: string;
  knnEngine?: string;
  /** Which of the package's shipped CNN weights the page uses (`?weights=cpu|accurate`). */
  weights?: PretrainedName;
  /** Increments after each finished computation (images drawn, both models' predictions shown). */
  runId: number;
  params: DemoParams;
  /** Indices into the sample's test split (and their labels) of the images shown. */
  shown: number[];
  labels: number[];
  knn: number[];
  cnn: number[];
  /** The CNN's class probabilities, shown.length × 10, row-major. */
  cnnProbs: number[];
  accuracy: { knn: number; cnn: number };
  /** Both models on all the sample's test images as they are (no augmentation, no erasing). */
  baseline?: {
    count: number;
    knn: number[];
    cnn: number[];
    accuracy: { knn: number; cnn: number };
  };
  timings: { transformMs: number; knnMs: number; cnnMs: number };
}

declare global {
  interface Window {
    __fmnist: DemoState;
  }
}

const state: DemoState = {
  status: 'loading',
  runId: 0,
  params: { ...DEFAULT_PARAMS },
  shown: [],
  labels: [],
  knn: [],
  cnn: [],
  cnnProbs: [],
  accuracy: { knn: 0, cnn: 0 },
  timings: { transformMs: 0, knnMs: 0, cnnMs: 0 },
};
window.__fmnist = state;

/** What the controls are set to now; `state.params` are those of the results shown. */
const live: DemoParams = { ...DEFAULT_PARAMS };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function setStatus(status: DemoState['status'], text: string) {
  const el = $('status');
  el.dataset.status = status;
  el.textContent = text;
}

// ---------------------------------------------------------------- backend

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

/**
 * WebGL where the browser has it, wasm otherwise; `?backend=webgl|wasm|webgpu` forces one (WebGPU is
 * not the default: its first run compiles every shader, slower than WebGL on this small page).
 */
async function pickBackend(): Promise<string> {
  const forced = new URLSearchParams(location.search).get('backend');
  const order = forced ? [forced] : ['webgl', 'wasm'];
  const failed: string[] = [];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch (e) {
      console.warn(`backend ${name} failed`, e);
    }
    failed.push(name);
  }
  throw new Error(`No TensorFlow.js backend could start (tried ${failed.join(', ')}).`);
}

// ---------------------------------------------------------------- controls

type NumberKey = {
  [K in keyof DemoParams]: DemoParams[K] extends number ? K : never;
}[keyof DemoParams];
type BoolKey = {
  [K in keyof DemoParams]: DemoParams[K] extends boolean ? K : never;
}[keyof DemoParams];

interface Slider {
  key: NumberKey;
  label: string;
  min: number;
  max: number;
  step: number;
  unit?: string;
}

const AUGMENT_SLIDERS: Slider[] = [
  { key: 'rotation', label: 'Rotation ±', min: 0, max: 45, step: 1, unit: '°' },
  { key: 'shift', label: 'Shift ±', min: 0, max: 0.3, step: 0.01 },
  { key: 'zoom', label: 'Zoom ±', min: 0, max: 0.5, step: 0.01 },
  { key: 'shear', label: 'Shear ±', min: 0, max: 30, step: 1, unit: '°' },
];
const ERASE_SLIDERS: Slider[] = [
  { key: 'p', label: 'p (erase)', min: 0, max: 1, step: 0.05 },
  { key: 'areaMin', label: 'Area min', min: 0.01, max: 0.5, step: 0.01 },
  { key: 'areaMax', label: 'Area max', min: 0.01, max: 0.5, step: 0.01 },
  { key: 'ratioMin', label: 'Aspect min', min: 0.1, max: 1, step: 0.05 },
  { key: 'valueMin', label: 'Fill min', min: 0, max: 1, step: 0.05 },
  { key: 'valueMax', label: 'Fill max', min: 0, max: 1, step: 0.05 },
];

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('data-')) e.setAttribute(k, String(v));
    else (e as unknown as Record<string, unknown>)[k] = v;
  }
  e.append(...children);
  return e;
}

function sliderRow(s: Slider, onChange: () => void): HTMLElement {
  const id = `c-${s.key}`;
  const out = el('output', { htmlFor: id } as never);
  const show = () => {
    const v = live[s.key];
    out.textContent = `${v}${s.unit ?? ''}`;
  };
  const input = el('input', {
    id,
    type: 'range',
    min: String(s.min),
    max: String(s.max),
    step: String(s.step),
    value: String(live[s.key]),
  });
  input.addEventListener('input', () => {
    live[s.key] = Number(input.value);
    show();
    onChange();
  });
  show();
  return el('div', { className: 'row' }, el('label', { htmlFor: id }, s.label), input, out);
}

function checkRow(key: BoolKey, label: string, onChange: () => void): HTMLElement {
  const input = el('input', { id: `c-${key}`, type: 'checkbox', checked: live[key] });
  input.addEventListener('change', () => {
    live[key] = input.checked;
    onChange();
  });
  return el('label', { className: 'check' }, input, label);
}

function buildControls(maxCount: number, onChange: () => void) {
  const root = $('controls');
  const seed = el('input', {
    id: 'c-seed',
    type: 'number',
    min: '0',
    step: '1',
    value: String(live.seed),
  });
  seed.addEventListener('change', () => {
    const v = Math.trunc(Number(seed.value));
    if (Number.isFinite(v)) live.seed = v;
    seed.value = String(live.seed);
    onChange();
  });
  const next = el('button', { id: 'c-next-seed', type: 'button', textContent: 'next' });
  next.addEventListener('click', () => {
    live.seed += 1;
    seed.value = String(live.seed);
    onChange();
  });

  const augmentLegend = el('legend', {}, checkRow('augment', 'Augmentation', onChange));
  const eraseLegend = el('legend', {}, checkRow('erase', 'Random erasing', onChange));
  root.append(
    el(
      'fieldset',
      {},
      el('legend', {}, 'Images and seed'),
      sliderRow({ key: 'count', label: 'Images', min: 12, max: maxCount, step: 12 }, onChange),
      el('div', { className: 'row' }, el('label', { htmlFor: 'c-seed' }, 'Seed'), seed, next),
    ),
    el(
      'fieldset',
      {},
      augmentLegend,
      ...AUGMENT_SLIDERS.map((s) => sliderRow(s, onChange)),
      checkRow('flip', 'Horizontal flip', onChange),
    ),
    el(
      'fieldset',
      {},
      eraseLegend,
      ...ERASE_SLIDERS.map((s) => sliderRow(s, onChange)),
      checkRow('pixelLevel', 'Random value per pixel', onChange),
    ),
  );
}

// ---------------------------------------------------------------- the computation

/** The shown images after augmentation and erasing, float32 0..1, with the page's parameters. */
function transform(sample: Sample, p: DemoParams): Float32Array {
  const n = p.count;
  const src = toUnit(sample.test.images.subarray(0, n * PIXELS));
  const rng = createRng(p.seed);
  const erasing: ErasingOptions = {
    p: p.p,
    sl: Math.min(p.areaMin, p.areaMax),
    sh: Math.max(p.areaMin, p.areaMax),
    r1: p.ratioMin,
    r2: 1 / p.ratioMin,
    vl: Math.min(p.valueMin, p.valueMax),
    vh: Math.max(p.valueMin, p.valueMax),
    pixelLevel: p.pixelLevel,
  };
  const eraser = p.erase ? createRandomEraser(erasing) : undefined;
  if (p.augment) {
    const augmenter = createAugmenter({
      rotationRange: p.rotation,
      widthShiftRange: p.shift,
      heightShiftRange: p.shift,
      zoomRange: p.zoom,
      shearRange: p.shear,
      horizontalFlip: p.flip,
      preprocessingFunction: eraser,
    });
    return augmenter.augmentBatch(src, [n, 28, 28, 1], rng);
  }
  if (eraser) {
    for (let i = 0; i < n; i++) {
      eraser(src.subarray(i * PIXELS, (i + 1) * PIXELS), [28, 28, 1], rng, { inPlace: true });
    }
  }
  return src;
}

function argMaxRows(probs: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < probs.length / classes; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    }
    out.push(best);
  }
  return out;
}

// ---------------------------------------------------------------- drawing

function drawImage(canvas: HTMLCanvasElement, pixels: Float32Array) {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < PIXELS; i++) {
    const g = Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255);
    img.data[i * 4] = g;
    img.data[i * 4 + 1] = g;
    img.data[i * 4 + 2] = g;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function predLine(
  names: readonly string[],
  who: string,
  pred: number,
  label: number,
  title: string,
): HTMLElement {
  const ok = pred === label;
  return el(
    'div',
    { className: 'pred', title },
    el('span', { className: 'who' }, who),
    el('span', { className: ok ? 'ok' : 'bad' }, names[pred] ?? String(pred)),
    el('b', { className: ok ? 'ok' : 'bad' }, ok ? '✓' : '✗'),
  );
}

/** `names`: the class names, from the sample's header. */
function renderGrid(images: Float32Array, names: readonly string[]) {
  const grid = $('grid');
  const cells: HTMLElement[] = [];
  for (let i = 0; i < state.shown.length; i++) {
    const label = state.labels[i]!;
    const k = state.knn[i]!;
    const c = state.cnn[i]!;
    const canvas = el('canvas', { width: 28, height: 28 });
    drawImage(canvas, images.subarray(i * PIXELS, (i + 1) * PIXELS));
    const right = Number(k === label) + Number(c === label);
    const prob = state.cnnProbs[i * 10 + c]!;
    cells.push(
      el(
        'figure',
        {
          className: 'cell',
          'data-index': state.shown[i],
          'data-label': label,
          'data-knn': k,
          'data-cnn': c,
          'data-verdict': right === 2 ? 'both' : right === 0 ? 'none' : 'split',
        },
        canvas,
        el('div', { className: 'truth', title: 'true class' }, names[label]!),
        predLine(names, 'K', k, label, 'KNN (k = 5)'),
        predLine(names, 'C', c, label, `CNN, p = ${prob.toFixed(3)}`),
      ),
    );
  }
  grid.replaceChildren(...cells);
}

function renderSummary(info: PretrainedInfo, trainCount: number) {
  const n = state.shown.length;
  const pct = (a: number) => `${(a * 100).toFixed(1)}%`;
  const right = (preds: number[]) => preds.filter((p, i) => p === state.labels[i]).length;
  const stat = (title: string, value: string, note: string) =>
    el(
      'div',
      { className: 'stat' },
      el('span', {}, title),
      el('b', {}, value),
      el('small', {}, note),
    );
  const { knnMs, cnnMs } = state.timings;
  $('summary').replaceChildren(
    stat(
      'KNN (k = 5)',
      `${right(state.knn)}/${n} · ${pct(state.accuracy.knn)}`,
      `fitted on ${trainCount.toLocaleString('en')} sample images`,
    ),
    stat(
      `CNN (pretrained, ${info.preset} preset)`,
      `${right(state.cnn)}/${n} · ${pct(state.accuracy.cnn)}`,
      `${pct(info.testAccuracy)} on the full test set`,
    ),
    stat(
      `Unaltered (all ${state.baseline!.count})`,
      `${pct(state.baseline!.accuracy.knn)} · ${pct(state.baseline!.accuracy.cnn)}`,
      'KNN · CNN, as in the dataset',
    ),
    stat(
      'Backend',
      state.adapter ? `${state.backend} (${state.adapter})` : (state.backend ?? '?'),
      `KNN engine ${state.knnEngine ?? '?'} · KNN ${knnMs.toFixed(0)} ms · CNN ${cnnMs.toFixed(0)} ms`,
    ),
  );
}

/** The shipped CNN weights to use: `?weights=cpu|accurate`, `cpu` (the small, fast one) by default. */
function pickWeights(): PretrainedName {
  const asked = new URLSearchParams(location.search).get('weights') ?? 'cpu';
  const name = PRETRAINED_NAMES.find((n) => n === asked);
  if (!name) {
    throw new Error(`?weights=${asked}: the package ships ${PRETRAINED_NAMES.join(' and ')}.`);
  }
  return name;
}

async function main() {
  setStatus('loading', 'Loading the sample, the backend and the models…');
  const [sample, backend] = await Promise.all([
    fetch(sampleUrl)
      .then((r) => {
        if (!r.ok) throw new Error(`${sampleUrl}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .then((b) => parseSample(new Uint8Array(b))),
    pickBackend(),
  ]);
  state.backend = backend;
  if (backend === 'webgpu') {
    const info = (tf.backend() as { adapterInfo?: { vendor?: string; architecture?: string } })
      .adapterInfo;
    state.adapter = `${info?.vendor ?? '?'} ${info?.architecture ?? '?'}`;
  }
  state.weights = pickWeights();
  const { model, info } = await loadPretrainedFrom(undefined, { name: state.weights });
  const knn = new KNeighborsClassifier({ k: 5 }).fit(
    { data: toUnit(sample.train.images), shape: [sample.train.count, PIXELS] },
    sample.train.labels,
  );
  const originals = toUnit(sample.test.images);
  const baseKnn = Array.from(
    await knn.predict({ data: originals, shape: [sample.test.count, PIXELS] }),
  );
  const baseCnn = argMaxRows(await predictProbabilities(model, originals), 10);
  const acc = (preds: number[]) =>
    preds.filter((p, i) => p === sample.test.labels[i]).length / sample.test.count;
  state.baseline = {
    count: sample.test.count,
    knn: baseKnn,
    cnn: baseCnn,
    accuracy: { knn: acc(baseKnn), cnn: acc(baseCnn) },
  };
  $('footer').textContent =
    `Sample: ${sample.test.count} test and ${sample.train.count.toLocaleString('en')} training images of Fashion-MNIST, ` +
    `${sample.header.perClass.test} and ${sample.header.perClass.train} per class, chosen with seed ` +
    `${sample.header.seed} (${sample.header.script}). TensorFlow.js ${tf.version_core}.`;

  // Controls mark the results stale and start a computation 60 ms after the last change; one
  // computation at a time, repeated while the controls keep moving.
  let dirty = true;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const kick = async () => {
    timer = undefined;
    if (running) return;
    running = true;
    try {
      while (dirty) {
        dirty = false;
        await compute(sample, model, knn, info);
      }
    } catch (e) {
      fail(e);
      return;
    } finally {
      running = false;
    }
    if (!dirty && timer === undefined) {
      state.status = 'ready';
      setStatus('ready', `Ready · ${state.backend}`);
    }
  };
  const onChange = () => {
    dirty = true;
    state.status = 'loading';
    setStatus('loading', 'Computing…');
    clearTimeout(timer);
    timer = setTimeout(kick, 60);
  };
  buildControls(sample.test.count, onChange);
  await kick();
}

async function compute(
  sample: Sample,
  model: LayersModel,
  knn: KNeighborsClassifier,
  info: PretrainedInfo,
) {
  const p = { ...live };
  const t0 = performance.now();
  const images = transform(sample, p);
  const t1 = performance.now();
  const knnPred = await knn.predict({ data: images, shape: [p.count, PIXELS] });
  const t2 = performance.now();
  const probs = await predictProbabilities(model, images);
  const t3 = performance.now();
  const labels = Array.from(sample.test.labels.subarray(0, p.count));
  const cnn = argMaxRows(probs, 10);
  const knnArr = Array.from(knnPred);
  Object.assign(state, {
    params: p,
    shown: labels.map((_, i) => i),
    labels,
    knn: knnArr,
    cnn,
    cnnProbs: Array.from(probs),
    knnEngine: knn.engineInfo?.engine,
    accuracy: {
      knn: knnArr.filter((k, i) => k === labels[i]).length / p.count,
      cnn: cnn.filter((c, i) => c === labels[i]).length / p.count,
    },
    timings: { transformMs: t1 - t0, knnMs: t2 - t1, cnnMs: t3 - t2 },
  });
  renderGrid(images, sample.header.classNames);
  renderSummary(info, sample.train.count);
  state.runId++;
}

function fail(e: unknown) {
  console.error(e);
  state.status = 'error';
  state.error = e instanceof Error ? e.message : String(e);
  setStatus('error', `Error: ${state.error}`);
}

main().catch(fail);
