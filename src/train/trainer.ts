// The training loop: resume or initialise, then per epoch train, evaluate, checkpoint, log.
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MnistImages } from '../data/mnist.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../data/mnist.js';
import { saveVae, writeFileAtomically } from '../model/io.js';
import { natsToBitsPerDim } from '../model/spec.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf, disposeBatch, trainableVariables } from '../model/architectures.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { gatherImages, shuffledOrder, trainingPixelsForEpoch } from './dataset.js';
import { meanNegativeElbo } from './evaluate.js';
import { appendEpochLog, truncateEpochLog } from './log.js';
import { streamSeed } from './rng.js';
import type { TrainSettings } from './settings.js';
import { incompatibleSettings } from './settings.js';

export interface TrainOptions {
  settings: TrainSettings;
  modelsDir: string;
  fresh: boolean;
  log?: (line: string) => void;
}

export interface TrainingState {
  vae: Vae;
  optimizer: tf.Optimizer;
  epochsCompleted: number;
}

/** Resumes from the checkpoint in modelDirectory if there is one (and !fresh), else initialises. */
export async function openTrainingState(
  settings: TrainSettings,
  modelDirectory: string,
  fresh: boolean,
  log: (line: string) => void,
): Promise<TrainingState> {
  const optimizer = tf.train.adam(settings.learningRate);
  const checkpoint = fresh ? undefined : await loadCheckpoint(modelDirectory);
  if (!checkpoint) {
    log(`starting ${settings.model} from scratch (seed ${settings.seed})`);
    const networks = architectureOf(settings.spec).build(settings.spec, streamSeed(settings.seed, 'init'));
    return { vae: { spec: settings.spec, networks }, optimizer, epochsCompleted: 0 };
  }
  const conflicts = incompatibleSettings(checkpoint.state.settings, settings);
  if (conflicts.length > 0) {
    throw new Error(
      `checkpoint in ${modelDirectory} was trained with different ${conflicts.join(', ')}; ` +
        'pass the same options, or --fresh to start over',
    );
  }
  await optimizer.setWeights(checkpoint.optimizerWeights);
  log(`resuming ${settings.model} after epoch ${checkpoint.state.epochsCompleted}`);
  return { vae: checkpoint.vae, optimizer, epochsCompleted: checkpoint.state.epochsCompleted };
}

/** One pass over `train` in minibatches; returns the mean training loss (nats per image). */
export function trainOneEpoch(
  state: TrainingState,
  settings: TrainSettings,
  train: MnistImages,
  epoch: number,
  log: (line: string) => void,
): number {
  const { vae, optimizer } = state;
  const { pixels: pixelsPerImage, latent } = vae.spec;
  const pixels = trainingPixelsForEpoch(vae.spec, train, settings.seed, epoch);
  const order = shuffledOrder(train.count, streamSeed(settings.seed, 'shuffle', epoch));
  const variables = trainableVariables(vae);
  const architecture = architectureOf(vae.spec);
  const steps = Math.floor(train.count / settings.batchSize); // drop the ragged last batch
  let totalLoss = 0;
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const batch = gatherImages(pixels, pixelsPerImage, order, step * settings.batchSize, settings.batchSize);
    const inputs = architecture.batch(vae.spec, batch, settings.batchSize);
    const loss = tf.tidy(() => {
      const noise = tf.randomNormal([settings.batchSize, latent], 0, 1, 'float32', streamSeed(settings.seed, 'noise', epoch, step)) as tf.Tensor2D;
      const cost = optimizer.minimize(() => architecture.negativeElbo(vae, inputs, noise, true).mean() as tf.Scalar, true, variables)!;
      return cost.dataSync()[0]!;
    });
    disposeBatch(inputs);
    if (!Number.isFinite(loss)) throw new Error(`epoch ${epoch} step ${step}: loss is ${loss}; stopping before checkpointing`);
    totalLoss += loss;
    if ((step + 1) % 100 === 0) {
      const perStep = (performance.now() - started) / (step + 1);
      log(`  epoch ${epoch} step ${step + 1}/${steps} loss ${(totalLoss / (step + 1)).toFixed(2)} nats (${perStep.toFixed(1)} ms/step)`);
    }
  }
  return totalLoss / steps;
}

export async function train(options: TrainOptions): Promise<void> {
  const { settings, modelsDir, fresh } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const modelDirectory = path.join(modelsDir, settings.model);
  const logFile = path.join(modelDirectory, 'train-log.jsonl');
  await mkdir(modelDirectory, { recursive: true });

  const state: TrainingState = await openTrainingState(settings, modelDirectory, fresh, log);
  if (fresh) await writeFileAtomically(logFile, '');
  else await truncateEpochLog(logFile, state.epochsCompleted);
  await writeFileAtomically(path.join(modelDirectory, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);

  const train = loadMnistImages('train');
  const test = settings.spec.maxPixelValue === 1 ? loadBinarizedMnistTest() : loadMnistImages('test');
  const pixels = settings.spec.pixels;

  for (let epoch = state.epochsCompleted + 1; epoch <= settings.epochs; epoch++) {
    const started = performance.now();
    const trainLossNats = trainOneEpoch(state, settings, train, epoch, log);
    const testNegElboNats = meanNegativeElbo(state.vae, test, settings.evalBatchSize, (batch) =>
      streamSeed(settings.seed, 'evaluation', batch),
    );
    await saveCheckpoint(modelDirectory, state.vae, state.optimizer, settings, epoch);
    await saveVae(state.vae, modelDirectory);
    state.epochsCompleted = epoch;
    const seconds = (performance.now() - started) / 1000;
    const entry = {
      epoch,
      trainLossNats,
      trainBitsPerDim: natsToBitsPerDim(trainLossNats, pixels),
      testNegElboNats,
      testNegElboBitsPerDim: natsToBitsPerDim(testNegElboNats, pixels),
      seconds,
      learningRate: settings.learningRate,
      finishedAt: new Date().toISOString(),
    };
    await appendEpochLog(logFile, entry);
    log(
      `epoch ${epoch}: train ${trainLossNats.toFixed(2)} nats, test -ELBO ${testNegElboNats.toFixed(2)} nats = ` +
        `${entry.testNegElboBitsPerDim.toFixed(4)} bits/dim, ${seconds.toFixed(1)} s`,
    );
  }
}
