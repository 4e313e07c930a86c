// The README's example: metrics, a report with charts, and the terminal tables, without any model.
// Run: pnpm exec tsx scripts/example.ts [outDir]
import {
  type BenchReport,
  classificationReport,
  collectEnvironment,
  knnVsSklearnComparison,
  type ModelRun,
  renderTerminal,
  SEED_REFERENCES,
  timeIt,
  writeReport,
} from '@fmnist/bench';

const classNames = ['cat', 'dog', 'bird'];
const yTrue = new Uint8Array([0, 0, 1, 1, 2, 2, 2, 0, 1, 2]);
const predict = () => new Int32Array([0, 2, 1, 1, 2, 0, 2, 0, 1, 2]); // your model here

const timing = await timeIt(predict, { warmup: 1, repeats: 5 });
const metrics = classificationReport(yTrue, timing.result, { classNames });
console.log(metrics.accuracy, metrics.macro.f1, metrics.perClass[0]); // 0.8, ...

const run: ModelRun = {
  id: 'knn',
  name: 'My KNN',
  params: { k: 5 },
  trainSize: 100,
  testSize: yTrue.length,
  accuracy: metrics.accuracy,
  metrics,
  timings: { trainMs: 0, inferenceMs: timing.medianMs },
};
const report: BenchReport = {
  schemaVersion: 1,
  title: 'Example',
  environment: collectEnvironment(),
  backendAttempts: [],
  config: {},
  dataset: { name: 'toy', trainSize: 100, testSize: yTrue.length, classNames },
  models: [run],
  external: [],
  comparisons: [knnVsSklearnComparison(run)],
  references: [SEED_REFERENCES.sklearnKnn],
  timings: { totalMs: timing.meanMs, phases: {} },
  charts: [],
};
const files = await writeReport(process.argv[2] ?? 'example-report', report);
console.log(renderTerminal(report));
console.log(
  files.markdown,
  files.charts.map((c) => c.png),
);
