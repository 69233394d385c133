// Training settings: what a run is (model spec, data, optimiser, schedule), the defaults for a
// shipped MNIST model, and the rule for which settings a resumed run may change.
import { MNIST_COLS, MNIST_ROWS } from '../data/mnist.js';
import type { ModelName, ModelSpec } from '../model/spec.js';
import { SHIPPED_SPECS } from '../model/spec.js';

export interface TrainSettings {
  name: string;
  spec: ModelSpec;
  /** Shape of one image, [height, width]. */
  itemShape: number[];
  seed: number;
  batchSize: number;
  /** Adam's learning rate at the start; the schedule may lower it (each epoch's log entry records it). */
  learningRate: number;
  optimizer: 'adam';
  /**
   * 'constant': the learning rate as given. 'plateau': halved after PLATEAU_EPOCHS epochs without a
   * better held-out rate, and the run stops after STOP_EPOCHS without one. 'cosine': from the
   * first rate down to COSINE_FLOOR of it along half a cosine over `decayEpochs` epochs, then flat.
   */
  schedule: 'constant' | 'plateau' | 'cosine';
  decayEpochs?: number;
  /** Held out from the training images (a seeded split) rather than given apart: this many of them. */
  validationImages?: number;
  /** Which epoch the model directory keeps: the best on the held-out images, or the last. */
  keep: 'best' | 'last';
  /** 'dynamic': 8-bit training images binarized afresh each epoch (the paper's binarized MNIST). */
  binarize: 'dynamic' | 'none';
  /** What the training and held-out images are (a description, with the file's SHA-256 for a user's data). */
  trainData: string;
  heldOutData: string;
  evalBatchSize: number;
  /** Each thread's tfjs backend; the threads below are separate workers, each with its own. */
  backend: 'wasm (single thread)';
  /**
   * Threads each step's batch is split over (data-parallel, src/train/workers.ts). One thread
   * rounds differently from several; 2..CHUNKS threads compute the same bits (src/train/chunks.ts).
   * Absent in checkpoints from before it: one.
   */
  threads?: number;
}

export const PLATEAU_EPOCHS = 5;
export const STOP_EPOCHS = 20;
export const COSINE_FLOOR = 0.05;

/** The cosine schedule's learning rate for `epoch` (1-based). */
export function cosineRate(settings: TrainSettings, epoch: number): number {
  const progress = Math.min(1, (epoch - 1) / settings.decayEpochs!);
  return settings.learningRate * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * The shipped models chosen on a validation split: 5,000 of MNIST's 60k training images held out
 * by the seed (the test set is only reported on), the best epoch kept, a cosine decay over
 * `decayEpochs`. The older shipped models held out the test set at a constant rate.
 */
const VALIDATED_MODELS: Partial<Record<ModelName, { decayEpochs: number }>> = {
  'mnist-binary-pred': { decayEpochs: 26 },
  'mnist-8bit-pred': { decayEpochs: 22 },
};
const MNIST_VALIDATION_IMAGES = 5000;

/**
 * What a resumed run may change: the learning rate, how long a cosine schedule takes to decay, and
 * the thread count (a run may move to another machine): where
 * the new count's steps round differently (sameSteps), the run stays deterministic but is no
 * longer the uninterrupted one (the resumed run says so; each epoch's log entry records its threads).
 */
export const RESUMABLE_CHANGES: ReadonlySet<keyof TrainSettings> = new Set(['learningRate', 'decayEpochs', 'threads']);

export function threadsOf(settings: TrainSettings): number {
  return settings.threads ?? 1;
}

/** The settings the shipped models were trained with: MNIST's 60k training images, the 10k test images held out. */
export function mnistSettings(model: ModelName): TrainSettings {
  const binary = SHIPPED_SPECS[model].maxPixelValue === 1;
  const validated = VALIDATED_MODELS[model];
  if (validated) {
    return {
      ...testHeldOutSettings(model, binary),
      schedule: 'cosine', decayEpochs: validated.decayEpochs, keep: 'best', validationImages: MNIST_VALIDATION_IMAGES,
      trainData: `MNIST train 60k less the ${MNIST_VALIDATION_IMAGES} held out${binary ? ', dynamically binarized each epoch (numpy rule, seed deriveSeed(seed, BINARIZE, epoch))' : ', raw 8-bit pixels'}`,
      heldOutData: `${MNIST_VALIDATION_IMAGES} of MNIST train 60k held out by seed deriveSeed(seed, SPLIT)${binary ? ', binarized once (numpy rule, seed deriveSeed(seed, BINARIZE, 0))' : ', raw 8-bit pixels'}`,
    };
  }
  return testHeldOutSettings(model, binary);
}

function testHeldOutSettings(model: ModelName, binary: boolean): TrainSettings {
  return {
    name: model,
    spec: SHIPPED_SPECS[model],
    itemShape: [MNIST_ROWS, MNIST_COLS],
    seed: 1,
    batchSize: 100,
    learningRate: 1e-3,
    optimizer: 'adam',
    schedule: 'constant',
    keep: 'last',
    binarize: binary ? 'dynamic' : 'none',
    trainData: binary
      ? 'MNIST train 60k, dynamically binarized each epoch: pixel = u < v/255, u from numpy-MT19937 seeded deriveSeed(seed, BINARIZE, epoch)'
      : 'MNIST train 60k, raw 8-bit pixels',
    heldOutData: binary
      ? 'MNIST test 10k, binarized once with numpy RandomState(0).random_sample (BENCHMARK_BINARIZATION)'
      : 'MNIST test 10k, raw 8-bit pixels',
    evalBatchSize: 1000,
    backend: 'wasm (single thread)',
  };
}

/**
 * Settings as a checkpoint from before user data recorded them: `model` was the name, the test
 * set was the held-out set, the schedule constant and the last epoch kept; `epochs` was a setting.
 */
export function upgradeSettings(saved: Record<string, unknown>): TrainSettings {
  if (saved.name !== undefined) return saved as unknown as TrainSettings;
  const { model, epochs: _epochs, testData, ...rest } = saved;
  // The paper models' first checkpoints also named the (always relu) activation.
  const { activation: _relu, ...savedSpec } = rest.spec as Record<string, unknown>;
  const spec = { architecture: 'vae', ...savedSpec } as ModelSpec;
  return {
    ...(rest as unknown as TrainSettings), name: model as string, spec, itemShape: [MNIST_ROWS, MNIST_COLS],
    schedule: 'constant', keep: 'last', binarize: spec.maxPixelValue === 1 ? 'dynamic' : 'none', heldOutData: testData as string,
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
