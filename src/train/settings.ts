// Training settings: defaults per model, and the rule for which may change on resume.
import type { ModelName, ModelSpec } from '../model/spec.js';
import { SHIPPED_SPECS } from '../model/spec.js';

export interface TrainSettings {
  model: ModelName;
  spec: ModelSpec;
  seed: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam';
  /** Total epochs to reach; like the learning rate, a resumed run may change it. */
  epochs: number;
  /** How training images become model input each epoch. */
  trainData: string;
  testData: string;
  evalBatchSize: number;
  backend: 'wasm (single thread)';
}

/** What a resumed run may change (each epoch's log entry records the learning rate it used). */
export const RESUMABLE_CHANGES: ReadonlySet<keyof TrainSettings> = new Set(['epochs', 'learningRate']);

export function defaultSettings(model: ModelName): TrainSettings {
  const binary = SHIPPED_SPECS[model].maxPixelValue === 1;
  return {
    model,
    spec: SHIPPED_SPECS[model],
    seed: 1,
    batchSize: 100,
    learningRate: 1e-3,
    optimizer: 'adam',
    epochs: 1000,
    trainData: binary
      ? 'MNIST train 60k, dynamically binarized each epoch: pixel = u < v/255, u from numpy-MT19937 seeded deriveSeed(seed, BINARIZE, epoch)'
      : 'MNIST train 60k, raw 8-bit pixels',
    testData: binary
      ? 'MNIST test 10k, binarized once with numpy RandomState(0).random_sample (BENCHMARK_BINARIZATION)'
      : 'MNIST test 10k, raw 8-bit pixels',
    evalBatchSize: 1000,
    backend: 'wasm (single thread)',
  };
}

/** JSON with object keys sorted, so settings compare by value whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** Names of settings that differ in ways a resumed run may not change. */
export function incompatibleSettings(saved: TrainSettings, requested: TrainSettings): string[] {
  return (Object.keys(requested) as (keyof TrainSettings)[]).filter(
    (key) => !RESUMABLE_CHANGES.has(key) && canonical(saved[key]) !== canonical(requested[key]),
  );
}
