// Loads a model directory (manifest.json + one tfjs layers-format folder per network) through a
// ModelFiles: file: URLs in Node, http(s) in a browser, or the literal URLs a bundler emitted for
// a shipped model's files. Shipped models, a user's trained models and training
// checkpoints all load through here. Nothing read is trusted: the networks are built from the
// checked spec (never from the file's topology, which could describe anything), each weights
// manifest must list exactly the built networks' weights, weight files must lie inside the
// folder and hold exactly the bytes the manifest says, and the result must match the
// manifest's fingerprint.
import * as tf from './tf.js';
import { readAsset } from '../assets.js';
import type { Networks } from './architecture.js';
import { architectureOf } from './architectures.js';
import { MANIFEST_FILE, MAX_MANIFEST_BYTES, type ModelManifest, parseManifest } from './manifest.js';
import type { ModelSpec } from './spec.js';
import { invalidModel } from './spec-check.js';

export const MODEL_JSON = 'model.json';

/** The URL of each file of a model, by its path inside the model directory ('encoder/model.json'). */
export type ModelFiles = (path: string) => URL;

/** The files of the model directory at `folder`, a URL ending in '/'. */
export const filesIn = (folder: URL): ModelFiles => (path) => new URL(path, folder);
const MAX_MODEL_JSON_BYTES = 1 << 20;
/** A weight file name: one path segment, no dot first (so never '..' or hidden). */
const WEIGHT_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
}

function weightEntries(json: unknown, where: string): { paths: string[]; weights: WeightEntry[] } {
  const groups = (json as { weightsManifest?: unknown })?.weightsManifest;
  if (!Array.isArray(groups)) invalidModel(`${where}: no weightsManifest`);
  const paths: string[] = [];
  const weights: WeightEntry[] = [];
  for (const group of groups as Array<{ paths?: unknown; weights?: unknown }>) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) invalidModel(`${where}: a weightsManifest group needs paths and weights`);
    for (const file of group.paths) {
      if (typeof file !== 'string' || !WEIGHT_FILE.test(file)) invalidModel(`${where}: weight file ${JSON.stringify(file)} is not a plain file name inside the model folder`);
      paths.push(file);
    }
    weights.push(...(group.weights as WeightEntry[]));
  }
  return { paths, weights };
}

/** Sets `network`'s weights from the folder's model.json + weight files, checked against the network itself. */
async function loadWeights(network: tf.LayersModel, files: ModelFiles, folder: string, expectedBytes: number | undefined): Promise<void> {
  const modelJson = files(`${folder}/${MODEL_JSON}`);
  const where = modelJson.href;
  const text = await readAsset(modelJson, 'network description', MAX_MODEL_JSON_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch (error) {
    invalidModel(`${where}: not JSON (${(error as Error).message})`);
  }
  const { paths, weights } = weightEntries(json, where);
  const expected = network.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
  const same = weights.length === expected.length && weights.every((w, i) =>
    w?.name === expected[i]!.name && w.dtype === 'float32' && !('quantization' in w) && Array.isArray(w.shape) && w.shape.join() === expected[i]!.shape.join());
  if (!same) invalidModel(`${where}: its weights are not the ${expected.length} float32 weights the manifest's architecture has (${expected.map((w) => `${w.name} [${w.shape.join(',')}]`).join(', ')})`);
  const bytes = 4 * expected.reduce((n, w) => n + w.shape.reduce((a, d) => a * d, 1), 0);
  if (expectedBytes !== undefined && bytes !== expectedBytes) invalidModel(`${where}: the weights take ${bytes} bytes, the manifest says ${expectedBytes}`);
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const file of paths) {
    const shard = await readAsset(files(`${folder}/${file}`), 'weight file', bytes - at);
    data.set(shard, at);
    at += shard.length;
  }
  if (at !== bytes) invalidModel(`${where}: the weight files hold ${at} bytes, the weights need ${bytes}`);
  const byName = tf.io.decodeWeights(data.buffer, weights.map(({ name, shape, dtype }) => ({ name, shape, dtype: dtype as 'float32' })));
  network.setWeights(expected.map(({ name }) => byName[name]!));
  for (const tensor of Object.values(byName)) tensor.dispose();
}

/** Builds the spec's networks (initialisers seeded with initSeed, as trained) and loads each one's weights from <name>/. */
export async function loadNetworks(files: ModelFiles, spec: ModelSpec, initSeed: number, weightBytes?: Record<string, number>): Promise<Networks> {
  const architecture = architectureOf(spec);
  const networks = architecture.build(spec, initSeed);
  for (const name of architecture.networkNames) await loadWeights(networks[name]!, files, name, weightBytes?.[name]);
  return networks;
}

/** A model directory's manifest alone (no tfjs): what a model is, before its networks are loaded. */
export async function readManifest(files: ModelFiles): Promise<ModelManifest> {
  const manifestUrl = files(MANIFEST_FILE);
  return parseManifest(await readAsset(manifestUrl, 'model manifest', MAX_MANIFEST_BYTES), manifestUrl.href);
}
