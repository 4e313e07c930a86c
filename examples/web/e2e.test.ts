// The demo page in a real browser: Vite builds it, a static server on 127.0.0.1 serves it, Debian's
// Chromium (headless, through playwright-core) opens it. A control is changed; the images shown and
// both models' predictions must equal what the same packages compute here in Node.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAugmenter, createRandomEraser, createRng } from '@fmnist/augment';
import { KNeighborsClassifier } from '@fmnist/knn';
import { loadPretrained, predictClasses, predictProbabilities } from '@fmnist/vgg-small';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoState } from './src/main.js';
import { PIXELS, parseSample, type Sample, toUnit } from './src/sample.js';

const CHROMIUM = process.env.FMNIST_CHROMIUM ?? '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const committedScreenshot = join(here, '..', 'docs', 'web-demo.png');
const skipReason = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing: install Debian's chromium (./scripts/setup.sh does) to run the browser test.`;
if (skipReason) console.warn(`web e2e test skipped: ${skipReason}`);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** A static file server for `root` on 127.0.0.1 (random port). */
async function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    try {
      if (!file.startsWith(root) || !(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The settings the test puts the page in, as `@fmnist/augment` options, written out here. */
interface Settings {
  count: number;
  seed: number;
  p: number;
}

/** What the page must show for `s`, computed in Node with the packages directly. */
function expectedImages(sample: Sample, s: Settings): Float32Array {
  // The page's defaults (checked against window.__fmnist.params below), Keras-style augmentation
  // followed by random erasing on images scaled to 0..1.
  const augmenter = createAugmenter({
    rotationRange: 10,
    widthShiftRange: 0.05,
    heightShiftRange: 0.05,
    zoomRange: 0.1,
    shearRange: 0,
    horizontalFlip: false,
    preprocessingFunction: createRandomEraser({
      p: s.p,
      sl: 0.02,
      sh: 0.4,
      r1: 0.3,
      r2: 1 / 0.3,
      vl: 0,
      vh: 1,
      pixelLevel: false,
    }),
  });
  const src = toUnit(sample.test.images.subarray(0, s.count * PIXELS));
  return augmenter.augmentBatch(src, [s.count, 28, 28, 1], createRng(s.seed));
}

/** Gray levels as the page draws them (0..1 → 0..255). */
function toGray(images: Float32Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < images.length / PIXELS; i++) {
    out.push(
      Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS), (v) =>
        Math.round(Math.min(1, Math.max(0, v)) * 255),
      ),
    );
  }
  return out;
}

interface Shown {
  state: DemoState;
  /** The canvases' gray levels (red channel; the page draws gray). */
  pixels: number[][];
  /** The marks in the DOM: data attributes and ✓/✗ of each cell. */
  cells: { label: number; knn: number; cnn: number; marks: string[] }[];
}

async function readPage(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const state = JSON.parse(JSON.stringify(window.__fmnist));
    const cells = Array.from(document.querySelectorAll<HTMLElement>('#grid .cell'));
    return {
      state,
      pixels: cells.map((cell) => {
        const canvas = cell.querySelector('canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
        return Array.from({ length: 784 }, (_, i) => data[i * 4]!);
      }),
      cells: cells.map((cell) => ({
        label: Number(cell.dataset.label),
        knn: Number(cell.dataset.knn),
        cnn: Number(cell.dataset.cnn),
        marks: Array.from(cell.querySelectorAll('.pred b')).map((b) => b.textContent ?? ''),
      })),
    };
  });
}

async function waitReady(page: Page, check: string, timeout = 60_000) {
  await page.waitForFunction(
    `window.__fmnist && (window.__fmnist.status === 'error' || (window.__fmnist.status === 'ready' && ${check}))`,
    undefined,
    { timeout },
  );
  const { status, error } = await page.evaluate(() => window.__fmnist);
  expect(error, 'the page reported an error').toBeUndefined();
  expect(status).toBe('ready');
}

describe.skipIf(skipReason !== undefined)('the web demo in headless Chromium', () => {
  let work: string;
  let server: Server;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let sample: Sample;
  const pageErrors: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let t = performance.now();
    work = await mkdtemp(join(tmpdir(), 'fmnist-web-e2e-'));
    const outDir = join(work, 'dist');
    await build({
      configFile: join(here, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    timings.buildS = (performance.now() - t) / 1000;
    ({ server, url } = await serve(outDir));
    sample = parseSample(new Uint8Array(await readFile(join(here, 'data', 'fmnist-sample.bin'))));

    t = performance.now();
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
    });
    page = await openPage('');
    timings.pageReadyS = (performance.now() - t) / 1000;

    await tf.setBackend('wasm');
    await tf.ready();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((r) => server?.close(r));
    if (work) await rm(work, { recursive: true, force: true });
    console.log('web e2e timings (s):', JSON.stringify(timings));
  });

  /** Opens the page (`query`: e.g. `?backend=wasm`) and waits for its first results. */
  async function openPage(
    query: string,
    ctx: BrowserContext = context,
    timeout = 60_000,
  ): Promise<Page> {
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    p.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    p.on('response', (r) => {
      if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await p.goto(`${url}${query}`);
    await waitReady(p, 'window.__fmnist.runId >= 1', timeout);
    return p;
  }

  /** Checks everything shown against Node's computation for `s`. */
  async function checkAgainstNode(shown: Shown, s: Settings) {
    const { state } = shown;
    expect(state.params).toMatchObject({
      ...s,
      augment: true,
      rotation: 10,
      shift: 0.05,
      zoom: 0.1,
      shear: 0,
      flip: false,
      erase: true,
      areaMin: 0.02,
      areaMax: 0.4,
      ratioMin: 0.3,
      valueMin: 0,
      valueMax: 1,
      pixelLevel: false,
    });
    const images = expectedImages(sample, s);
    expect(shown.pixels).toHaveLength(s.count);
    expect(shown.pixels).toEqual(toGray(images));
    const labels = Array.from(sample.test.labels.subarray(0, s.count));
    expect(state.labels).toEqual(labels);

    // KNN: fitted on the same sample training images (scaled as the page does), same queries.
    const knn = new KNeighborsClassifier({ k: 5 }).fit(
      { data: toUnit(sample.train.images), shape: [sample.train.count, PIXELS] },
      sample.train.labels,
    );
    const knnNode = Array.from(await knn.predict({ data: images, shape: [s.count, PIXELS] }));
    knn.dispose();
    expect(state.knn).toEqual(knnNode);

    // CNN: the same shipped weights, read from the package folder, on tfjs-backend-wasm in Node.
    const model = await loadPretrained(state.weights);
    const probs = await predictProbabilities(model, images);
    const classes = Array.from(await predictClasses(model, images));
    model.dispose();
    expect(state.cnn).toEqual(classes);
    expect(state.cnnProbs).toHaveLength(probs.length);
    const maxDiff = state.cnnProbs.reduce((m, v, i) => Math.max(m, Math.abs(v - probs[i]!)), 0);
    expect(maxDiff).toBeLessThan(1e-4);

    // The marks: data attributes and ✓/✗ agree with the labels.
    shown.cells.forEach((cell, i) => {
      expect(cell).toEqual({
        label: labels[i],
        knn: knnNode[i],
        cnn: classes[i],
        marks: [knnNode[i] === labels[i] ? '✓' : '✗', classes[i] === labels[i] ? '✓' : '✗'],
      });
    });
    const right = (preds: number[]) => preds.filter((p, i) => p === labels[i]).length / s.count;
    expect(state.accuracy).toEqual({ knn: right(knnNode), cnn: right(classes) });
    return { maxDiff };
  }

  /** The page's predictions for all the sample's unaltered test images, against Node's. */
  async function checkBaseline(state: DemoState) {
    const originals = toUnit(sample.test.images);
    const knn = new KNeighborsClassifier({ k: 5 }).fit(
      { data: toUnit(sample.train.images), shape: [sample.train.count, PIXELS] },
      sample.train.labels,
    );
    const knnNode = Array.from(
      await knn.predict({ data: originals, shape: [sample.test.count, PIXELS] }),
    );
    knn.dispose();
    const model = await loadPretrained(state.weights);
    const cnnNode = Array.from(await predictClasses(model, originals));
    model.dispose();
    expect(state.baseline?.knn).toEqual(knnNode);
    expect(state.baseline?.cnn).toEqual(cnnNode);
    return state.baseline!.accuracy;
  }

  it('shows the images and predictions Node computes, before and after a control changes', async () => {
    let t = performance.now();
    const before = await readPage(page);
    // WebGL where the browser has it (here: Chromium's software WebGL), wasm otherwise.
    expect(['webgl', 'wasm']).toContain(before.state.backend);
    expect(before.state.weights).toBe('cpu');
    await checkAgainstNode(before, { count: 48, seed: 42, p: 0.5 });
    const baseline = await checkBaseline(before.state);
    timings.checkDefaultsS = (performance.now() - t) / 1000;

    // Change two controls as a user does: the erasing probability slider to 1, the seed to 7.
    t = performance.now();
    const runId = before.state.runId;
    await page.locator('#c-p').fill('1');
    await page.locator('#c-seed').fill('7');
    await page.locator('#c-seed').press('Tab'); // commits the number field (change event)
    await waitReady(
      page,
      `window.__fmnist.params.seed === 7 && window.__fmnist.params.p === 1 && window.__fmnist.runId > ${runId}`,
    );
    const after = await readPage(page);
    timings.changeS = (performance.now() - t) / 1000;

    // The erased images changed: every one of them (p = 1 now, and another seed).
    const changed = after.pixels.filter((px, i) => px.some((v, j) => v !== before.pixels[i]![j]));
    expect(changed).toHaveLength(48);
    const { maxDiff } = await checkAgainstNode(after, { count: 48, seed: 7, p: 1 });
    expect(pageErrors).toEqual([]);

    const update = process.env.FMNIST_UPDATE_SCREENSHOT === '1';
    const shot = update ? committedScreenshot : join(tmpdir(), 'fmnist-web-demo.png');
    await mkdir(join(shot, '..'), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    console.log(
      `web e2e: backend ${after.state.backend}, KNN engine ${after.state.knnEngine}; ` +
        `accuracy on the 48 shown (seed 7, p 1): KNN ${after.state.accuracy.knn}, CNN ${after.state.accuracy.cnn}; ` +
        `before (seed 42, p 0.5): KNN ${before.state.accuracy.knn}, CNN ${before.state.accuracy.cnn}; ` +
        `unaltered ${sample.test.count}: KNN ${baseline.knn}, CNN ${baseline.cnn}; ` +
        `max |Δp| CNN ${maxDiff.toExponential(2)}; screenshot ${shot}`,
    );
  }, 120_000);

  it('gives the same answers on the wasm backend (the fallback without WebGL), with the accurate weights', async () => {
    const t = performance.now();
    const wasmPage = await openPage('?backend=wasm&weights=accurate');
    const shown = await readPage(wasmPage);
    expect(shown.state.backend).toBe('wasm');
    expect(shown.state.weights).toBe('accurate');
    await checkAgainstNode(shown, { count: 48, seed: 42, p: 0.5 });
    await checkBaseline(shown.state);
    expect(pageErrors).toEqual([]);
    await wasmPage.close();
    timings.wasmPageS = (performance.now() - t) / 1000;
  }, 120_000);

  it('gives the same answers on WebGPU (?backend=webgpu, SwiftShader)', async () => {
    const t = performance.now();
    // A browser of its own: WebGPU needs the GPU process that the first one disables, and Vulkan
    // pointed at SwiftShader (Chromium's CPU Vulkan driver) on a machine without a GPU.
    const gpuContext = await chromium.launchPersistentContext(join(work, 'profile-webgpu'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-webgpu-adapter=swiftshader',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
    });
    try {
      // SwiftShader compiles every shader on the CPU: the first results take longer than on WebGL.
      const gpuPage = await openPage('?backend=webgpu', gpuContext, 240_000);
      const shown = await readPage(gpuPage);
      expect(shown.state.backend).toBe('webgpu');
      expect(shown.state.adapter).toBe('google swiftshader');
      expect(shown.state.knnEngine).toBe('tfjs');
      await checkAgainstNode(shown, { count: 48, seed: 42, p: 0.5 });
      await checkBaseline(shown.state);
      expect(pageErrors).toEqual([]);
    } finally {
      await gpuContext.close();
    }
    timings.webgpuPageS = (performance.now() - t) / 1000;
  }, 300_000);
});
