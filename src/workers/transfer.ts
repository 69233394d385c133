// How a model reaches a worker: a stored one (a shipped model, a model directory) as its manifest
// and where its files are, from which the worker loads the networks itself, checking them as
// every load does; a model made in memory (createModel) as its networks' tfjs topology and
// weights. The worker's copy must have the same fingerprint, or it is refused.
import * as tf from '../model/tf.js';
import { BbansError } from '../errors.js';
import { type CodecModel, type ResolvedModel, codecModelOf, loadedModel, storedModel } from '../models.js';
import type { CodingSettings } from '../model/architecture.js';
import type { ModelManifest } from '../model/manifest.js';
import type { ModelSpec } from '../model/spec.js';
import { toHex } from '../sha256.js';

export type ModelTransfer =
  | { kind: 'stored'; key: string; manifest: ModelManifest; source: string }
  | {
    kind: 'networks'; key: string; spec: ModelSpec; itemShape: number[]; coding: CodingSettings;
    networks: Record<string, { topology: object; weights: Float32Array[] }>;
  };

/** What to send a worker so it can rebuild `model`; `key` names it in the worker's cache. */
export function transferOf(model: ResolvedModel): ModelTransfer {
  const key = `${model.name}@${toHex(model.fingerprint)}`;
  if (model.manifest && model.source !== undefined) return { kind: 'stored', key, manifest: model.manifest, source: model.source };
  if (!('vae' in model)) throw new Error(`model ${model.name} has neither a source nor networks`);
  const networks = Object.fromEntries(Object.entries(model.vae.networks).map(([name, network]) => [name, {
    topology: network.toJSON(null, false) as object,
    weights: network.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array)),
  }]));
  return { kind: 'networks', key, spec: model.spec, itemShape: model.itemShape, coding: model.coding, networks };
}

/** The worker's side: the model a transfer describes. */
export async function modelFromTransfer(transfer: ModelTransfer): Promise<CodecModel> {
  if (transfer.kind === 'stored') return loadedModel(storedModel(transfer.manifest, transfer.source));
  const networks: Record<string, tf.LayersModel> = {};
  for (const [name, { topology, weights }] of Object.entries(transfer.networks)) {
    const network = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
    network.setWeights(weights.map((values, i) => tf.tensor(values, network.weights[i]!.shape as number[])));
    networks[name] = network;
  }
  const model = codecModelOf(transfer.spec, transfer.itemShape, networks, transfer.coding);
  if (`${model.name}@${toHex(model.fingerprint)}` !== transfer.key) {
    throw new BbansError('INVALID_MODEL', `model ${transfer.spec.name} does not rebuild exactly in a worker (its layers may be custom ones); use threads: 0`);
  }
  return model;
}
