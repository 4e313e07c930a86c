// The README's example: metrics, a report with charts, and the terminal tables, without any model.
// Run: pnpm exec tsx scripts/example.ts [outDir]
import { classificationReport, collectEnvironment, timeIt } from '@fmnist/bench';
import {
  type BenchReport,
  type ModelRun,
  modelRow,
  type Reference,
  referenceRow,
  renderTerminal,
  writeReport,
} from '@fmnist/bench/report';

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
// A figure reported elsewhere, to compare with (not measured by this run).
const paper: Reference = {
  name: "The paper's KNN",
  accuracy: 0.85,
  kind: 'published',
  details: 'k=5, raw pixels',
  source: 'a benchmark table',
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
  comparisons: [
    { id: 'vs-paper', title: 'My KNN vs the paper', rows: [modelRow(run), referenceRow(paper)] },
  ],
  references: [paper],
  timings: { totalMs: timing.meanMs, phases: {} },
  charts: [],
};
const files = await writeReport(process.argv[2] ?? 'example-report', report);
console.log(renderTerminal(report));
console.log(
  files.markdown,
  files.charts.map((c) => c.png),
);
