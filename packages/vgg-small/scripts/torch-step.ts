/**
 * PyTorch's training step on a preset's network, for the benchmarks (scripts/bench-training.ts,
 * scripts/bench-parallel.ts): runs scripts/torch-step.py with Debian's python3-torch.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESETS } from '../src/presets.js';

/** What torch-step.py prints (its last line, JSON). */
export interface TorchResult {
  threads: number;
  step_ms: number;
  images_per_s: number;
}

/** This process's environment without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, for timing Debian's PyTorch. */
export function torchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * The median step of `preset`'s network (the same layers, dropout and Adam) at `batch` on
 * `threads` threads, after `warmup` untimed steps. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset
 * for that command only. Undefined, with a line on stderr, when PyTorch cannot run.
 */
export function torchStep(
  preset: 'reference' | 'cpu',
  {
    batch,
    threads,
    steps,
    warmup,
  }: { batch: number; threads: number; steps: number; warmup: number },
): TorchResult | undefined {
  const m = PRESETS[preset].model as {
    blockFilters?: number[];
    denseUnits?: number[];
    blockDropout?: number;
    denseDropout?: number;
  };
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(dirname(fileURLToPath(import.meta.url)), 'torch-step.py'),
      '--filters',
      (m.blockFilters ?? [64, 128, 256]).join(','),
      '--dense',
      (m.denseUnits ?? [2048]).join(','),
      '--block-dropout',
      String(m.blockDropout ?? 0.25),
      '--dense-dropout',
      String(m.denseDropout ?? 0.5),
      '--batch',
      String(batch),
      '--steps',
      String(steps),
      '--warmup',
      String(warmup),
      '--threads',
      String(threads),
    ],
    { encoding: 'utf8', env: torchEnv() },
  );
  if (r.status !== 0) {
    console.error(
      `PyTorch skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()} (apt-get install -y python3-torch)`,
    );
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
}
