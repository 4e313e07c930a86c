import { classificationReport, measure, type TfMemoryLike } from '@fmnist/bench';
import type { ModelRun } from '@fmnist/bench/report';
import type { Split } from '@fmnist/data';
import * as vgg from '@fmnist/vgg-small';

/** Options of {@link evaluatePretrained}. */
export interface PretrainedPartOptions {
  classNames: readonly string[];
  tf: TfMemoryLike;
  /** Which shipped models; default all of them (`PRETRAINED_NAMES` of `@fmnist/vgg-small`). */
  names?: readonly vgg.PretrainedName[];
  say: (line: string) => void;
}

/**
 * Loads each shipped pretrained CNN and evaluates it on `test` (seconds: inference only). Each becomes
 * a {@link ModelRun} with `loaded: true`, its parameter count, and the figures its `model.json` records
 * about its training (preset, epochs, the test accuracy measured when it was made).
 */
export async function evaluatePretrained(
  test: Split,
  options: PretrainedPartOptions,
): Promise<ModelRun[]> {
  const runs: ModelRun[] = [];
  for (const name of options.names ?? vgg.PRETRAINED_NAMES) {
    const loaded = await measure(() => vgg.loadPretrained(name), { tf: options.tf });
    const model = loaded.result;
    try {
      const info = await vgg.pretrainedInfo(name).catch(() => undefined);
      const evaluated = await measure(() => vgg.evaluateModel(model, test), { tf: options.tf });
      const { loss, predictions } = evaluated.result;
      const metrics = classificationReport(test.labels, predictions, {
        classNames: options.classNames,
      });
      const run: ModelRun = {
        id: `pretrained-${name}`,
        name: `VGG-small CNN, shipped '${name}' weights`,
        params: {
          weights: name,
          preset: info?.preset ?? name,
          epochs: info?.epochs ?? null,
          trainingMinutes: info?.trainingMinutes ?? null,
          recordedTestAccuracy: info?.testAccuracy ?? null,
        },
        trainSize: 0,
        testSize: test.count,
        accuracy: metrics.accuracy,
        loss,
        parameters: model.countParams(),
        loaded: true,
        metrics,
        timings: { trainMs: loaded.wallMs, inferenceMs: evaluated.wallMs },
        memory: evaluated.memory,
      };
      runs.push(run);
      options.say(
        `  shipped '${name}' weights: ${(metrics.accuracy * 100).toFixed(2)}% on ${test.count} test images ` +
          `(${run.parameters?.toLocaleString('en-US')} parameters, ${(evaluated.wallMs / 1000).toFixed(1)} s)`,
      );
    } finally {
      model.dispose();
    }
  }
  return runs;
}
