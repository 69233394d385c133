// A training checkpoint: the networks, the Adam state, the epoch count, the schedule's state and
// the RNG state. Layout of <model dir>/checkpoint/: state.json, optimizer.bin, one folder per
// network. A new checkpoint is written beside the old one and swapped in by renames, so a kill at
// any moment leaves one complete checkpoint (at worst under checkpoint.old/).
// A checkpoint may leave out its network folders when they are the model directory's (the
// repository does so for the local AR models, .gitignore): it then resumes from the model
// directory's networks, which must match the fingerprint state.json records.
import * as tf from '../model/tf.js';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { filesIn, loadNetworks } from '../model/directory.js';
import { saveNetworks } from '../model/io.js';
import type { Vae } from '../model/architecture.js';
import { vaeFingerprint } from '../model/fingerprint.js';
import { toHex } from '../sha256.js';
import { rngState, streamSeed } from './rng.js';
import { type TrainSettings, upgradeSettings } from './settings.js';

const STATE_JSON = 'state.json';
const OPTIMIZER_BIN = 'optimizer.bin';

/** Where the schedule stands after an epoch. */
export interface ScheduleState {
  learningRate: number;
  bestEpoch: number;
  bestNats: number;
  /** Epochs since the held-out rate last improved (since the learning rate last dropped, for the plateau rule). */
  staleEpochs: number;
  /** Seconds of training so far, over every run that led here. */
  seconds: number;
}

export interface CheckpointState {
  format: 'bbans-train-checkpoint-v1';
  epochsCompleted: number;
  settings: TrainSettings;
  /** Absent in checkpoints written before schedules: a constant learning rate. */
  schedule?: ScheduleState;
  rng: ReturnType<typeof rngState>;
  optimizer: { file: string; weightSpecs: tf.io.WeightsManifestEntry[] };
  /** Fingerprint of the networks (topology and weights), hex; absent in checkpoints written before it was recorded. */
  networks?: string;
  savedAt: string;
}

/** Adam's state as tfjs hands it out: iteration count, then first and second moments. */
export type OptimizerWeights = Awaited<ReturnType<tf.Optimizer['getWeights']>>;

export interface Checkpoint {
  state: CheckpointState;
  vae: Vae;
  optimizerWeights: OptimizerWeights;
}

export function checkpointDirectory(modelDirectory: string): string {
  return path.join(modelDirectory, 'checkpoint');
}

export async function saveCheckpoint(
  modelDirectory: string,
  vae: Vae,
  optimizer: tf.Optimizer,
  settings: TrainSettings,
  epochsCompleted: number,
  schedule: ScheduleState,
): Promise<void> {
  const finalDirectory = checkpointDirectory(modelDirectory);
  const partial = `${finalDirectory}.partial`;
  const old = `${finalDirectory}.old`;
  await rm(partial, { recursive: true, force: true });
  await saveNetworks(vae, partial);

  const optimizerWeights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(optimizerWeights);
  // getWeights hands out Adam's live moment variables (must survive) plus a fresh iteration scalar.
  for (const { tensor } of optimizerWeights) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  await writeFile(path.join(partial, OPTIMIZER_BIN), new Uint8Array(data));

  const state: CheckpointState = {
    format: 'bbans-train-checkpoint-v1',
    epochsCompleted,
    settings,
    schedule,
    rng: rngState(settings.seed, epochsCompleted),
    optimizer: { file: OPTIMIZER_BIN, weightSpecs: specs },
    networks: toHex(vaeFingerprint(vae)),
    savedAt: new Date().toISOString(),
  };
  await writeFile(path.join(partial, STATE_JSON), JSON.stringify(state, null, 2));

  await rm(old, { recursive: true, force: true });
  if (existsSync(finalDirectory)) await rename(finalDirectory, old);
  await rename(partial, finalDirectory);
  await rm(old, { recursive: true, force: true });
}

/** The newest complete checkpoint, or undefined when there is none. */
export async function loadCheckpoint(modelDirectory: string): Promise<Checkpoint | undefined> {
  const candidates = [checkpointDirectory(modelDirectory), `${checkpointDirectory(modelDirectory)}.old`];
  const directory = candidates.find((candidate) => existsSync(path.join(candidate, STATE_JSON)));
  if (!directory) return undefined;

  const state = JSON.parse(await readFile(path.join(directory, STATE_JSON), 'utf8')) as CheckpointState;
  if (state.format !== 'bbans-train-checkpoint-v1') throw new Error(`${directory}: unknown checkpoint format ${state.format}`);
  state.settings = upgradeSettings(state.settings as unknown as Record<string, unknown>);
  const { spec } = state.settings;
  const own = existsSync(path.join(directory, 'encoder', 'model.json'));
  const networks = await loadNetworks(filesIn(pathToFileURL(path.join(own ? directory : modelDirectory, path.sep))), spec, streamSeed(state.settings.seed, 'init'));
  const vae = { spec, networks };
  if (!own && toHex(vaeFingerprint(vae)) !== state.networks) {
    throw new Error(`${directory} has no networks of its own, and those in ${modelDirectory} are not the ones it was saved with; resume needs the checkpoint's networks`);
  }
  const optimizerBytes = await readFile(path.join(directory, state.optimizer.file));
  const byName = tf.io.decodeWeights(new Uint8Array(optimizerBytes).buffer, state.optimizer.weightSpecs);
  // Adam matches moments to variables by position, so keep the saved order.
  const optimizerWeights = state.optimizer.weightSpecs.map(({ name }) => ({ name, tensor: byName[name]! }));
  return { state, vae, optimizerWeights };
}
