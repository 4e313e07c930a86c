/**
 * Child process of `no-tfjs.test.ts`: loads the package with `@tensorflow/tfjs-core` made
 * unresolvable (a module-resolution hook), classifies plain arrays, and prints one JSON line.
 */
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier.startsWith('@tensorflow/')) {
        const e = new Error("Cannot find package '" + specifier + "' (hidden by the test)");
        e.code = 'ERR_MODULE_NOT_FOUND';
        throw e;
      }
      return next(specifier, context);
    }
  `)}`,
);

const { KNeighborsClassifier } = await import('../node.js');
const X = [
  [0, 0],
  [0, 1.5],
  [1, 0],
  [5, 5],
  [5, 6.5],
  [6, 5],
];
const y = [0, 0, 0, 1, 1, 1];
const out: Record<string, unknown> = {};
for (const engine of ['auto', 'matmul', 'brute', 'js'] as const) {
  const knn = new KNeighborsClassifier({ k: 3, engine }).fit(X, y);
  out[engine] = Array.from(
    await knn.predict([
      [0.2, 0.1],
      [5.5, 5.2],
    ]),
  );
  knn.dispose();
}
const err = await new KNeighborsClassifier({ k: 1, engine: 'tfjs' })
  .fit(X, y)
  .predict(X)
  .then(
    () => undefined,
    (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }),
  );
out.tfjs = err;
let tfjsLoadable = true;
try {
  await import('@tensorflow/tfjs-core');
} catch {
  tfjsLoadable = false;
}
out.tfjsLoadable = tfjsLoadable;
process.stdout.write(`${JSON.stringify(out)}\n`);
