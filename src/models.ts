// The models bbans ships (trained by `npm run train`, weights under models/<name>/), loaded once per
// process, and the fingerprint that ties a compressed file to the exact networks that made it.

import * as tf from '@tensorflow/tfjs';
import { readAsset } from './assets.js';
import { BbansError } from './errors.js';
import { FINGERPRINT_BYTES } from './container.js';
import { sha256 } from './sha256.js';
import type { LatentVariableModel } from './chain.js';
import { useWasmBackend } from './model/backend.js';
import { LIKELIHOOD_PRECISION, vaeCodecModel } from './model/codec-model.js';
import type { Vae } from './model/vae.js';
import { type ModelName, VAE_SPECS, type VaeSpec, isModelName } from './model/spec.js';

const MODELS_URL = new URL('../models/', import.meta.url);

export interface CodecModel {
  name: string;
  spec: VaeSpec;
  /** The tfjs networks themselves, e.g. to evaluate the model's ELBO. */
  vae: Vae;
  /** First 16 bytes of SHA-256 over both networks' topology and weights. */
  fingerprint: Uint8Array;
  /** The chain's view of the model, with pixel likelihoods quantised to `likelihoodPrecision` bits. */
  latent(likelihoodPrecision: number): LatentVariableModel;
  defaultLikelihoodPrecision: number;
}

async function loadNetwork(url: URL): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(await readAsset(new URL('model.json', url))));
  const weightSpecs = json.weightsManifest.flatMap((group: { weights: tf.io.WeightsManifestEntry[] }) => group.weights);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group: { paths: string[] }) => group.paths).map((file: string) => readAsset(new URL(file, url))),
  );
  const weightData = new Uint8Array(shards.reduce((n: number, s: Uint8Array) => n + s.length, 0));
  shards.reduce((at: number, s: Uint8Array) => (weightData.set(s, at), at + s.length), 0);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }));
}

function networkBytes(model: tf.LayersModel): Uint8Array[] {
  const topology = new TextEncoder().encode(JSON.stringify(model.toJSON(null, false)));
  const weights = model.getWeights().map((w) => {
    const values = w.dataSync();
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  });
  return [topology, ...weights];
}

export function fingerprintOf(encoder: tf.LayersModel, decoder: tf.LayersModel): Uint8Array {
  return sha256(...networkBytes(encoder), ...networkBytes(decoder)).slice(0, FINGERPRINT_BYTES);
}

const loaded = new Map<ModelName, Promise<CodecModel>>();

/** Loads a shipped model on the tfjs wasm backend (once per process). */
export function loadModel(name: string): Promise<CodecModel> {
  if (!isModelName(name)) {
    throw new BbansError('INVALID_ARGUMENT', `unknown model "${name}"; the shipped models are ${Object.keys(VAE_SPECS).join(', ')}`);
  }
  let model = loaded.get(name);
  if (!model) {
    model = (async () => {
      await useWasmBackend();
      const base = new URL(`${name}/`, MODELS_URL);
      const [encoder, decoder] = await Promise.all([loadNetwork(new URL('encoder/', base)), loadNetwork(new URL('decoder/', base))]);
      const spec = VAE_SPECS[name];
      return {
        name,
        spec,
        vae: { spec, encoder, decoder },
        fingerprint: fingerprintOf(encoder, decoder),
        defaultLikelihoodPrecision: LIKELIHOOD_PRECISION[spec.likelihood],
        latent: (precision: number) => vaeCodecModel({ spec, encoder, decoder }, precision),
      };
    })();
    loaded.set(name, model);
  }
  return model;
}
