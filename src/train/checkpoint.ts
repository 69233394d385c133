// A training checkpoint: the networks, the Adam state, the epoch count and the RNG state.
// Layout of <model dir>/checkpoint/: state.json, optimizer.bin, one folder per network.
// A new checkpoint is written beside the old one and swapped in by renames, so a kill at
// any moment leaves one complete checkpoint (at worst under checkpoint.old/).
// The checkpoint's networks are the ones the trainer also writes to the model directory, so the
// repository leaves them out (.gitignore): a checkpoint without its network folders resumes from
// the model directory's, which must then match the fingerprint state.json records.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadVae, saveVae } from '../model/io.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf } from '../model/architectures.js';
import { fingerprintOf } from '../models.js';
import { toHex } from '../sha256.js';
import { rngState } from './rng.js';
import type { TrainSettings } from './settings.js';

const STATE_JSON = 'state.json';
const OPTIMIZER_BIN = 'optimizer.bin';

export interface CheckpointState {
  format: 'bbans-train-checkpoint-v1';
  epochsCompleted: number;
  settings: TrainSettings;
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

function networksFingerprint(vae: Vae): string {
  return toHex(fingerprintOf(...architectureOf(vae.spec).networkNames.map((name) => vae.networks[name]!)));
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
): Promise<void> {
  const finalDirectory = checkpointDirectory(modelDirectory);
  const partial = `${finalDirectory}.partial`;
  const old = `${finalDirectory}.old`;
  await rm(partial, { recursive: true, force: true });
  await saveVae(vae, partial);

  const optimizerWeights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(optimizerWeights);
  // getWeights hands out Adam's live moment variables (must survive) plus a fresh iteration scalar.
  for (const { tensor } of optimizerWeights) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  await writeFile(path.join(partial, OPTIMIZER_BIN), new Uint8Array(data));

  const state: CheckpointState = {
    format: 'bbans-train-checkpoint-v1',
    epochsCompleted,
    settings,
    rng: rngState(settings.seed, epochsCompleted),
    optimizer: { file: OPTIMIZER_BIN, weightSpecs: specs },
    networks: networksFingerprint(vae),
    savedAt: new Date().toISOString(),
  };
  await writeFile(path.join(partial, STATE_JSON), JSON.stringify(state, null, 2));

  await rm(old, { recursive: true, force: true });
  if (existsSync(finalDirectory)) await rename(finalDirectory, old);
  await rename(partial, finalDirectory);
  await rm(old, { recursive: true, force: true });
}

/** The newest complete checkpoint, or undefined when training starts from scratch. */
export async function loadCheckpoint(modelDirectory: string): Promise<Checkpoint | undefined> {
  const candidates = [checkpointDirectory(modelDirectory), `${checkpointDirectory(modelDirectory)}.old`];
  const directory = candidates.find((candidate) => existsSync(path.join(candidate, STATE_JSON)));
  if (!directory) return undefined;

  const state = JSON.parse(await readFile(path.join(directory, STATE_JSON), 'utf8')) as CheckpointState;
  // Checkpoints from before architectures were named are all of the paper's VAE.
  state.settings.spec = { ...{ architecture: 'vae' }, ...state.settings.spec } as TrainSettings['spec'];
  if (state.format !== 'bbans-train-checkpoint-v1') throw new Error(`${directory}: unknown checkpoint format ${state.format}`);
  const own = architectureOf(state.settings.spec).networkNames.every((name) => existsSync(path.join(directory, name, 'model.json')));
  const vae = await loadVae(own ? directory : modelDirectory, state.settings.spec);
  if (!own && networksFingerprint(vae) !== state.networks) {
    throw new Error(`${directory} has no networks of its own, and those in ${modelDirectory} are not the ones it was saved with; resume needs the checkpoint's networks`);
  }
  const optimizerBytes = await readFile(path.join(directory, state.optimizer.file));
  const byName = tf.io.decodeWeights(new Uint8Array(optimizerBytes).buffer, state.optimizer.weightSpecs);
  // Adam matches moments to variables by position, so keep the saved order.
  const optimizerWeights = state.optimizer.weightSpecs.map(({ name }) => ({ name, tensor: byName[name]! }));
  return { state, vae, optimizerWeights };
}
