/**
 * Draws the progress of a long run of the `accurate` preset: training and validation accuracy and
 * loss per epoch, from the history in its newest checkpoint (training/<run>-ckpt/epoch-NNNN/state.json),
 * to training/<run>-progress.svg and .png (written atomically). Run it after a session's epochs are
 * committed:
 *
 *   pnpm --filter @fmnist/examples exec tsx scripts/accurate-progress-chart.ts              # the 40-epoch run
 *   pnpm --filter @fmnist/examples exec tsx scripts/accurate-progress-chart.ts accurate-60  # the 60-epoch run
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TrainingHistory, trainingCurvesSpec, writeChart } from '@fmnist/bench/charts';

// The run's name: `accurate` (the 40-epoch run) or `accurate-60` (the 60-epoch run, whose weights
// ship); its epoch count. Both are finished.
const RUNS: Record<string, number> = { accurate: 40, 'accurate-60': 60 };
const run = process.argv[2] ?? 'accurate';
const totalEpochs = RUNS[run];
if (totalEpochs === undefined) {
  console.error(
    `error: unknown run ${JSON.stringify(run)}; use one of ${Object.keys(RUNS).join(', ')}`,
  );
  process.exit(2);
}
const training = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'training');
const checkpoints = join(training, `${run}-ckpt`);
const newest = (existsSync(checkpoints) ? readdirSync(checkpoints) : [])
  .filter((d) => /^epoch-\d{4}$/.test(d))
  .sort()
  .pop();
if (!newest) {
  console.error(
    `error: no epoch-NNNN checkpoint in ${checkpoints}; resume the run first (training/README.md)`,
  );
  process.exit(2);
}
const state = JSON.parse(readFileSync(join(checkpoints, newest, 'state.json'), 'utf8')) as {
  epochsCompleted: number;
  history: TrainingHistory;
};
const { history, epochsCompleted } = state;
const files = await writeChart(
  training,
  `${run}-progress`,
  trainingCurvesSpec(history, {
    title: `The accurate preset, epochs 1–${epochsCompleted} of ${totalEpochs} (validation: 6,000 held-out training images)`,
  }),
);
const best = Math.max(...(history.valAcc ?? [0]));
console.log(
  `${files.svg}${files.png ? ` and ${files.png}` : ''}: ${epochsCompleted} epochs, best validation accuracy ${(best * 100).toFixed(2)}%`,
);
