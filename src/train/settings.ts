// Training settings: defaults per model, and the rule for which may change on resume.
import type { ModelName, VaeSpec } from '../model/spec.js';
import { VAE_SPECS } from '../model/spec.js';

export interface TrainSettings {
  model: ModelName;
  spec: VaeSpec;
  seed: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam';
  /** Total epochs to reach; the only setting a resumed run may change. */
  epochs: number;
  /** How training images become model input each epoch. */
  trainData: string;
  testData: string;
  evalBatchSize: number;
  backend: 'wasm (single thread)';
}

export const RESUMABLE_CHANGES: ReadonlySet<keyof TrainSettings> = new Set(['epochs']);

export function defaultSettings(model: ModelName): TrainSettings {
  const binary = model === 'mnist-binary';
  return {
    model,
    spec: VAE_SPECS[model],
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

/** Names of settings that differ in ways a resumed run may not change. */
export function incompatibleSettings(saved: TrainSettings, requested: TrainSettings): string[] {
  return (Object.keys(requested) as (keyof TrainSettings)[]).filter(
    (key) => !RESUMABLE_CHANGES.has(key) && JSON.stringify(saved[key]) !== JSON.stringify(requested[key]),
  );
}
