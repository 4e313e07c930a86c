/**
 * Draws the `accurate` run's progress so far: training and validation accuracy and loss per epoch,
 * from the history in its newest checkpoint (training/accurate-ckpt/epoch-NNNN/state.json), to
 * training/accurate-progress.svg and .png (written atomically). Run it after a session's epochs are
 * committed:
 *
 *   pnpm --filter @fmnist/examples exec tsx scripts/accurate-progress-chart.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TrainingHistory, trainingCurvesSpec, writeChart } from '@fmnist/bench/charts';

const training = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'training');
const checkpoints = join(training, 'accurate-ckpt');
const newest = readdirSync(checkpoints)
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
  'accurate-progress',
  trainingCurvesSpec(history, {
    title: `The accurate preset, epochs 1–${epochsCompleted} of 40 (validation: 6,000 held-out training images)`,
  }),
);
const best = Math.max(...(history.valAcc ?? [0]));
console.log(
  `${files.svg}${files.png ? ` and ${files.png}` : ''}: ${epochsCompleted} epochs, best validation accuracy ${(best * 100).toFixed(2)}%`,
);
