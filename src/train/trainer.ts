// The training loop: resume or initialise, then per epoch train, evaluate on the held-out images,
// keep the model (the best epoch, or the last), checkpoint, log; until the epoch or time budget is
// spent, the plateau schedule gives up, or the caller aborts (the kept model stays as it is).
import * as tf from '../model/tf.js';
import path from 'node:path';
import { saveModelDirectory } from '../model/io.js';
import { natsToBitsPerDim } from '../model/spec.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf, disposeBatch, trainableVariables } from '../model/architectures.js';
import { defaultCoding } from '../models.js';
import { type ScheduleState, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { type ImageSet, gatherImages, shuffledOrder, trainingPixelsForEpoch } from './dataset.js';
import { meanNegativeElbo, meanNegativeElboOn } from './evaluate.js';
import { type EpochLogEntry, appendEpochLog, startEpochLog, truncateEpochLog } from './log.js';
import { streamSeed } from './rng.js';
import { PLATEAU_EPOCHS, STOP_EPOCHS, type TrainSettings, cosineRate, incompatibleSettings, threadsOf } from './settings.js';
import { TrainingWorkers } from './workers.js';
import { sameSteps } from './chunks.js';

export const TRAIN_LOG = 'train-log.jsonl';

export interface TrainingRun {
  settings: TrainSettings;
  train: ImageSet;
  heldOut: ImageSet;
  /** The model directory: the kept model, its checkpoint/ and train-log.jsonl. */
  directory: string;
  /** Continue from the directory's checkpoint; otherwise start from scratch. */
  resume: boolean;
  /** Stop when this many epochs are done in all. */
  epochs?: number;
  /** Start no epoch that would end more than this many seconds after `startedAt`. */
  seconds?: number;
  /** When the time budget began (a performance.now() value; default: when runTraining is called). */
  startedAt?: number;
  /** Stops the run after the current training step; the kept model is the one on disk. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  onEpoch?: (report: EpochReport) => void;
  /** Goes into the manifest's training record (e.g. the command that trained it). */
  record?: Record<string, unknown>;
}

export interface EpochReport {
  epoch: number;
  trainBitsPerDim: number;
  heldOutBitsPerDim: number;
  bestEpoch: number;
  bestBitsPerDim: number;
  learningRate: number;
  seconds: number;
  /** Whether this epoch's networks are now the model directory's. */
  kept: boolean;
  /** At most this many seconds until the run's epoch or time budget ends (undefined without a budget). */
  secondsLeft?: number;
}

export type StopReason = 'epochs' | 'time' | 'plateau' | 'aborted';

export interface TrainResult {
  epochsCompleted: number;
  /** The epoch the model directory holds, and its held-out negative ELBO. */
  keptEpoch: number;
  heldOutBitsPerDim: number;
  stopped: StopReason;
}

export interface TrainingState {
  vae: Vae;
  optimizer: tf.AdamOptimizer;
  epochsCompleted: number;
  schedule: ScheduleState;
  /** The workers that share each step and evaluation, when the settings ask for more than one thread. */
  workers?: TrainingWorkers;
}

/** Resumes from the checkpoint in `directory` if asked (it must exist and match), else initialises. */
export async function openTrainingState(settings: TrainSettings, directory: string, resume: boolean, log: (line: string) => void): Promise<TrainingState> {
  if (!resume) {
    log(`starting ${settings.name} from scratch (seed ${settings.seed})`);
    const networks = architectureOf(settings.spec).build(settings.spec, streamSeed(settings.seed, 'init'));
    const schedule = { learningRate: settings.learningRate, bestEpoch: 0, bestNats: Infinity, staleEpochs: 0, seconds: 0 };
    return { vae: { spec: settings.spec, networks }, optimizer: tf.train.adam(settings.learningRate), epochsCompleted: 0, schedule };
  }
  const checkpoint = await loadCheckpoint(directory);
  if (!checkpoint) throw new Error(`${directory} holds no training checkpoint to resume`);
  const conflicts = incompatibleSettings(checkpoint.state.settings, settings);
  if (conflicts.length > 0) {
    throw new Error(`the checkpoint in ${directory} was trained with different ${conflicts.join(', ')}; pass the same options, or start over`);
  }
  const [savedThreads, threads] = [threadsOf(checkpoint.state.settings), threadsOf(settings)];
  if (!sameSteps(savedThreads, threads)) log(`the checkpoint was trained on ${savedThreads} thread${savedThreads > 1 ? 's' : ''}, this run uses ${threads}, whose steps round differently: from here on it is not the run it would have been`);
  const saved = checkpoint.state.schedule;
  // A learning rate given on resume replaces the schedule's (the old runs' constant rate has no
  // schedule state); a cosine schedule's follows from the epoch, whatever its length now is.
  const learningRate = settings.schedule === 'cosine' ? cosineRate(settings, checkpoint.state.epochsCompleted + 1)
    : saved && settings.learningRate === checkpoint.state.settings.learningRate ? saved.learningRate : settings.learningRate;
  const schedule = { ...(saved ?? { bestEpoch: 0, bestNats: Infinity, staleEpochs: 0, seconds: 0 }), learningRate };
  const optimizer = tf.train.adam(learningRate);
  await optimizer.setWeights(checkpoint.optimizerWeights);
  log(`resuming ${settings.name} after epoch ${checkpoint.state.epochsCompleted} (learning rate ${learningRate})`);
  return { vae: checkpoint.vae, optimizer, epochsCompleted: checkpoint.state.epochsCompleted, schedule };
}

/** One step on this thread alone: Adam on the gradient of the batch's mean loss; the loss. */
function stepHere(state: TrainingState, variables: tf.Variable[], batch: Float32Array, batchSize: number, noiseSeed: number): number {
  const { vae, optimizer } = state;
  const architecture = architectureOf(vae.spec);
  const inputs = architecture.batch(vae.spec, batch, batchSize);
  const loss = tf.tidy(() => {
    const noise = tf.randomNormal([batchSize, vae.spec.latent], 0, 1, 'float32', noiseSeed) as tf.Tensor2D;
    const cost = optimizer.minimize(() => tf.mean(architecture.negativeElbo(vae, inputs, noise, true)) as tf.Scalar, true, variables)!;
    return cost.dataSync()[0]!;
  });
  disposeBatch(inputs);
  return loss;
}

/** One pass over `train` in minibatches: the mean training loss (nats per image), or undefined if aborted. */
export async function trainOneEpoch(state: TrainingState, settings: TrainSettings, train: ImageSet, epoch: number, log: (line: string) => void, signal?: AbortSignal): Promise<number | undefined> {
  const { vae, optimizer, workers } = state;
  const pixelsPerImage = vae.spec.pixels;
  const pixels = trainingPixelsForEpoch(settings, train, epoch);
  const order = shuffledOrder(train.count, streamSeed(settings.seed, 'shuffle', epoch));
  const variables = trainableVariables(vae);
  const batchSize = Math.min(settings.batchSize, train.count);
  const steps = Math.floor(train.count / batchSize); // drop the ragged last batch
  let totalLoss = 0;
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    if (signal?.aborted) return undefined;
    const batch = gatherImages(pixels, pixelsPerImage, order, step * batchSize, batchSize);
    const noiseSeed = streamSeed(settings.seed, 'noise', epoch, step);
    const loss = workers ? await workers.step(optimizer, batch, batchSize, noiseSeed) : stepHere(state, variables, batch, batchSize, noiseSeed);
    if (!Number.isFinite(loss)) throw new Error(`epoch ${epoch} step ${step}: loss is ${loss}; stopping before checkpointing`);
    totalLoss += loss;
    if ((step + 1) % 100 === 0) {
      const perStep = (performance.now() - started) / (step + 1);
      log(`  epoch ${epoch} step ${step + 1}/${steps} loss ${(totalLoss / (step + 1)).toFixed(2)} nats (${perStep.toFixed(1)} ms/step)`);
    }
  }
  return totalLoss / steps;
}

/** The plateau rule after an epoch that did (improved) or did not improve the best held-out rate. */
function nextSchedule(settings: TrainSettings, schedule: ScheduleState, epoch: number, nats: number): { schedule: ScheduleState; giveUp: boolean } {
  if (settings.schedule === 'cosine') schedule = { ...schedule, learningRate: cosineRate(settings, epoch + 1) };
  if (nats < schedule.bestNats) return { schedule: { ...schedule, bestEpoch: epoch, bestNats: nats, staleEpochs: 0 }, giveUp: false };
  const stale = schedule.staleEpochs + 1;
  if (settings.schedule !== 'plateau') return { schedule: { ...schedule, staleEpochs: stale }, giveUp: false };
  const sinceBest = epoch - schedule.bestEpoch;
  if (stale >= PLATEAU_EPOCHS) return { schedule: { ...schedule, learningRate: schedule.learningRate / 2, staleEpochs: 0 }, giveUp: sinceBest >= STOP_EPOCHS };
  return { schedule: { ...schedule, staleEpochs: stale }, giveUp: sinceBest >= STOP_EPOCHS };
}

/** The smaller of what the time budget and the epoch budget leave, at the last epoch's pace. */
function secondsLeft(run: TrainingRun, started: number, epoch: number, epochSeconds: number): number | undefined {
  const left: number[] = [];
  if (run.seconds !== undefined) left.push(Math.max(0, run.seconds - (performance.now() - started) / 1000));
  if (run.epochs !== undefined) left.push((run.epochs - epoch) * epochSeconds);
  return left.length > 0 ? Math.min(...left) : undefined;
}

export async function runTraining(run: TrainingRun): Promise<TrainResult> {
  const { settings } = run;
  const log = run.log ?? ((line: string) => console.log(line));
  const state = await openTrainingState(settings, run.directory, run.resume, log);
  const threads = threadsOf(settings);
  if (threads > 1) {
    log(`training on ${threads} threads (data-parallel)`);
    state.workers = await TrainingWorkers.start(state.vae, threads, Math.max(settings.batchSize, settings.evalBatchSize));
  }
  try {
    return await trainEpochs(run, state, log);
  } finally {
    state.workers?.close();
  }
}

async function trainEpochs(run: TrainingRun, state: TrainingState, log: (line: string) => void): Promise<TrainResult> {
  const { settings, train, heldOut, directory } = run;
  const logFile = path.join(directory, TRAIN_LOG);
  if (run.resume) await truncateEpochLog(logFile, state.epochsCompleted);
  else await startEpochLog(logFile);

  const pixels = settings.spec.pixels;
  const runStarted = run.startedAt ?? performance.now();
  let lastEpochSeconds = 0;
  let stopped: StopReason = 'epochs';
  let heldOutBitsPerDim = natsToBitsPerDim(state.schedule.bestNats, pixels);
  let keptEpoch = settings.keep === 'best' ? state.schedule.bestEpoch : state.epochsCompleted;
  for (let epoch = state.epochsCompleted + 1; run.epochs === undefined || epoch <= run.epochs; epoch++) {
    const elapsed = (performance.now() - runStarted) / 1000;
    if (run.seconds !== undefined && lastEpochSeconds > 0 && elapsed + lastEpochSeconds > run.seconds) {
      stopped = 'time';
      break;
    }
    const started = performance.now();
    // Adam reads its learning rate at every step; tfjs only lets it be set at construction.
    (state.optimizer as unknown as { learningRate: number }).learningRate = state.schedule.learningRate;
    const trainLossNats = await trainOneEpoch(state, settings, train, epoch, log, run.signal);
    if (trainLossNats === undefined) {
      stopped = 'aborted';
      break;
    }
    const evaluationSeed = (batch: number): number => streamSeed(settings.seed, 'evaluation', batch);
    const heldOutNats = state.workers
      ? await meanNegativeElboOn(state.workers, heldOut, settings.evalBatchSize, evaluationSeed)
      : meanNegativeElbo(state.vae, heldOut, settings.evalBatchSize, evaluationSeed);
    const learningRate = state.schedule.learningRate;
    const { schedule, giveUp } = nextSchedule(settings, state.schedule, epoch, heldOutNats);
    const secondsSoFar = (): number => schedule.seconds + (performance.now() - started) / 1000;
    state.epochsCompleted = epoch;
    const kept = settings.keep === 'last' || schedule.bestEpoch === epoch;
    if (kept) {
      keptEpoch = epoch;
      heldOutBitsPerDim = natsToBitsPerDim(heldOutNats, pixels);
      await saveModelDirectory(state.vae, directory, {
        itemShape: settings.itemShape,
        initSeed: streamSeed(settings.seed, 'init'),
        coding: defaultCoding(settings.spec),
        heldOut: { images: heldOut.count, negativeElboBitsPerDim: heldOutBitsPerDim, data: settings.heldOutData },
        training: { ...run.record, settings, epoch, seconds: Math.round(secondsSoFar()), log: TRAIN_LOG },
      });
    }
    await saveCheckpoint(directory, state.vae, state.optimizer, settings, epoch, { ...schedule, seconds: secondsSoFar() });
    // The epoch's time includes keeping and checkpointing it, so the time budget covers them too.
    lastEpochSeconds = (performance.now() - started) / 1000;
    state.schedule = { ...schedule, seconds: schedule.seconds + lastEpochSeconds };
    const entry: EpochLogEntry = {
      epoch,
      trainLossNats,
      trainBitsPerDim: natsToBitsPerDim(trainLossNats, pixels),
      heldOutNegElboNats: heldOutNats,
      heldOutNegElboBitsPerDim: natsToBitsPerDim(heldOutNats, pixels),
      seconds: lastEpochSeconds,
      learningRate,
      threads: threadsOf(settings),
      finishedAt: new Date().toISOString(),
    };
    await appendEpochLog(logFile, entry);
    run.onEpoch?.({
      epoch, trainBitsPerDim: entry.trainBitsPerDim, heldOutBitsPerDim: entry.heldOutNegElboBitsPerDim,
      bestEpoch: schedule.bestEpoch, bestBitsPerDim: natsToBitsPerDim(schedule.bestNats, pixels), learningRate, seconds: lastEpochSeconds, kept,
      secondsLeft: secondsLeft(run, runStarted, epoch, lastEpochSeconds),
    });
    if (giveUp) {
      stopped = 'plateau';
      break;
    }
    if (run.signal?.aborted) {
      stopped = 'aborted';
      break;
    }
  }
  return { epochsCompleted: state.epochsCompleted, keptEpoch, heldOutBitsPerDim, stopped };
}
