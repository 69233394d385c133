// The models bbans ships (trained by `npm run train`, weights under models/<name>/), loaded once per
// process; a user's own VAE wrapped the same way (createModel); and the fingerprint that ties a
// compressed file to the exact networks that made it.

import * as tf from '@tensorflow/tfjs';
import { BbansError, invalidArgument } from './errors.js';
import { FINGERPRINT_BYTES, MAX_ITEM_PIXELS, MAX_MODEL_NAME } from './container.js';
import { MAX_TRIALS } from './codecs.js';
import { sha256 } from './sha256.js';
import { elementCount } from './shape.js';
import type { LatentVariableModel } from './chain.js';
import { useWasmBackend } from './model/backend.js';
import { loadLayersModelFrom } from './model/load.js';
import { LIKELIHOOD_PRECISION, vaeCodecModel } from './model/codec-model.js';
import type { Vae } from './model/vae.js';
import { type LatentModelSpec, type ModelName, type PixelLikelihood, VAE_SPECS, isModelName } from './model/spec.js';

const MODELS_URL = new URL('../models/', import.meta.url);

export interface CodecModel {
  name: string;
  spec: LatentModelSpec;
  /** Shape of one item, e.g. [28, 28]; flat pixel arrays are read as items of this shape. */
  itemShape: number[];
  /** The tfjs networks themselves, e.g. to evaluate the model's ELBO. */
  vae: Vae;
  /** First 16 bytes of SHA-256 over both networks' topology and weights. */
  fingerprint: Uint8Array;
  /** The chain's view of the model, with pixel likelihoods quantised to `likelihoodPrecision` bits. */
  latent(likelihoodPrecision: number): LatentVariableModel;
  defaultLikelihoodPrecision: number;
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

function codecModelOf(spec: LatentModelSpec, itemShape: number[], encoder: tf.LayersModel, decoder: tf.LayersModel): CodecModel {
  const vae = { spec, encoder, decoder };
  return {
    name: spec.name,
    spec,
    itemShape,
    vae,
    fingerprint: fingerprintOf(encoder, decoder),
    defaultLikelihoodPrecision: LIKELIHOOD_PRECISION[spec.likelihood],
    latent: (precision: number) => vaeCodecModel(vae, precision),
  };
}

const loaded = new Map<ModelName, Promise<CodecModel>>();

/** Loads a shipped model on the tfjs wasm backend (once per process). */
export function loadModel(name: string): Promise<CodecModel> {
  if (!isModelName(name)) {
    return Promise.reject(new BbansError('INVALID_ARGUMENT', `unknown model "${name}"; the shipped models are ${Object.keys(VAE_SPECS).join(', ')}`));
  }
  let model = loaded.get(name);
  if (!model) {
    model = (async () => {
      await useWasmBackend();
      const base = new URL(`${name}/`, MODELS_URL);
      const [encoder, decoder] = await Promise.all([loadLayersModelFrom(new URL('encoder/', base)), loadLayersModelFrom(new URL('decoder/', base))]);
      return codecModelOf(VAE_SPECS[name], [28, 28], encoder, decoder);
    })();
    loaded.set(name, model);
  }
  return model;
}

export interface CustomModelOptions {
  /** Stored in every file this model writes (ASCII, at most 64 characters). */
  name: string;
  /** Pixels [batch, prod(itemShape)] as float32 values -> [mean, standard deviation] of each latent, [batch, latent] each. */
  encoder: tf.LayersModel;
  /**
   * Latents [batch, latent] -> Bernoulli logits [batch, P], or beta-binomial [alpha, beta] (positive)
   * [batch, P] each, or categorical logits [batch, P * values] (pixel-major), with P = prod(itemShape).
   */
  decoder: tf.LayersModel;
  likelihood: PixelLikelihood;
  itemShape: number[];
  /** Beta-binomial pixels take values 0..trials (default 255). */
  trials?: number;
  /** Categorical pixels take values 0..values-1 (default 256). */
  values?: number;
}

function outputShapes(model: tf.LayersModel): number[][] {
  return model.outputs.map((o) => o.shape.slice(1).map((d) => d ?? -1));
}

/** Wraps a user's own VAE so compress/decompress can use it (pass it as `model` to both). */
export function createModel(options: CustomModelOptions): CodecModel {
  const { name, encoder, decoder, likelihood, itemShape } = options;
  if (!/^[\x21-\x7e]+$/.test(name) || name.length > MAX_MODEL_NAME) invalidArgument(`model name must be 1..${MAX_MODEL_NAME} printable ASCII characters, got "${name}"`);
  if (!['bernoulli', 'beta-binomial', 'categorical'].includes(likelihood)) invalidArgument(`likelihood must be 'bernoulli', 'beta-binomial' or 'categorical', got "${likelihood}"`);
  if (!Array.isArray(itemShape) || itemShape.length < 1 || itemShape.some((d) => !Number.isInteger(d) || d < 1)) invalidArgument(`itemShape must be positive integers, got ${JSON.stringify(itemShape)}`);
  const pixels = elementCount(itemShape);
  if (pixels > MAX_ITEM_PIXELS) invalidArgument(`items of ${pixels} pixels exceed the limit of ${MAX_ITEM_PIXELS}`);
  const maxValue = likelihood === 'bernoulli' ? 1 : likelihood === 'categorical' ? (options.values ?? 256) - 1 : options.trials ?? 255;
  if (likelihood === 'beta-binomial' && !(Number.isInteger(maxValue) && maxValue >= 1 && maxValue <= MAX_TRIALS)) invalidArgument(`trials must be an integer in 1..${MAX_TRIALS}, got ${maxValue}`);
  if (likelihood === 'categorical' && !(Number.isInteger(maxValue) && maxValue >= 1 && maxValue <= 255)) invalidArgument(`values must be an integer in 2..256, got ${maxValue + 1}`);

  const encoderOut = outputShapes(encoder);
  const latent = encoderOut[0]?.[0] ?? -1;
  if (encoder.inputs[0]?.shape.slice(1).join() !== String(pixels) || encoderOut.length !== 2 || encoderOut.some((s) => s.length !== 1 || s[0] !== latent) || latent < 1) {
    invalidArgument(`encoder must map [batch, ${pixels}] to two [batch, latent] outputs (mean, standard deviation); it maps [batch, ${encoder.inputs[0]?.shape.slice(1)}] to ${JSON.stringify(encoderOut)}`);
  }
  const decoderOut = outputShapes(decoder);
  const heads = likelihood === 'beta-binomial' ? 2 : 1;
  const width = likelihood === 'categorical' ? pixels * (maxValue + 1) : pixels;
  if (decoder.inputs[0]?.shape.slice(1).join() !== String(latent) || decoderOut.length !== heads || decoderOut.some((s) => s.join() !== String(width))) {
    invalidArgument(`decoder must map [batch, ${latent}] to ${heads} output(s) of [batch, ${width}] for ${likelihood} pixels; it maps [batch, ${decoder.inputs[0]?.shape.slice(1)}] to ${JSON.stringify(decoderOut)}`);
  }
  return codecModelOf({ name, pixels, latent, likelihood, maxPixelValue: maxValue }, [...itemShape], encoder, decoder);
}
