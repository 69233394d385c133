// What every bbans VAE shares: the encoder (pixels -> mean and scale of a Gaussian posterior over
// the latents, as in the paper), its dense layers, and the seeding of their initialisers.
//   encoder: pixel values [batch, P] (0/1 or 0..n, float32) -> [mu, sigma], each [batch, latent]
// Output heads carry their own activation (softplus for sigma), so a saved model gives
// distribution parameters directly, with no post-processing to keep in sync.
import * as tf from './tf.js';
import { invalidArgument } from '../errors.js';
import type { CodingSettings, Vae } from './architecture.js';
import type { LatentVariableModel } from '../latent-model.js';
import { type GaussianVaeNetworks, gaussianLatentModel } from './gaussian-latent.js';
import { positive } from './positive.js';
import { runNetwork } from './run.js';

/** What the encoder needs to know: its input size, width, latent size and pixel range. */
export interface EncoderShape {
  name: string;
  pixels: number;
  latent: number;
  maxPixelValue: number;
}

/** Derives independent uint32 seeds from one base seed (splitmix32-style mixing). */
export function deriveSeed(base: number, ...parts: number[]): number {
  let h = base >>> 0;
  for (const part of [...parts, parts.length]) {
    h = (h + Math.imul(part >>> 0, 0x9e3779b9) + 0x7f4a7c15) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** A network width or count sized from the data: value rounded, within [low, high]. */
export function sized(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.round(value)));
}

export function dense(name: string, units: number, activation: 'relu' | 'softplus' | 'linear', seed: number) {
  return tf.layers.dense({
    name,
    units,
    activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: 'zeros',
  });
}

export function buildEncoder(spec: EncoderShape, hidden: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [spec.pixels], name: 'encoder_pixels' });
  let x: tf.SymbolicTensor = input;
  if (spec.maxPixelValue !== 1) {
    x = tf.layers.rescaling({ scale: 1 / spec.maxPixelValue, name: 'encoder_scale' }).apply(x) as tf.SymbolicTensor;
  }
  const h = dense('encoder_hidden', hidden, 'relu', deriveSeed(seed, 1)).apply(x) as tf.SymbolicTensor;
  const mu = dense('encoder_mu', spec.latent, 'linear', deriveSeed(seed, 2)).apply(h) as tf.SymbolicTensor;
  const sigma = dense('encoder_sigma', spec.latent, 'softplus', deriveSeed(seed, 3)).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [mu, sigma], name: `${spec.name}-encoder` });
}

/** The posterior's mean and (floored) scale for a batch of pixels. */
export function encoderOf(encoder: tf.LayersModel, pixels: tf.Tensor, training: boolean): { mu: tf.Tensor; sigma: tf.Tensor } {
  const [mu, rawSigma] = encoder.apply(pixels, { training }) as tf.Tensor[];
  return { mu: mu!, sigma: positive(rawSigma!) };
}

/** The chain's posterior parameters for `batch` images (row-major), computed on the tfjs backend. */
export function encodePosterior(vae: Vae, data: Float32Array, batch: number): { means: Float32Array; scales: Float32Array } {
  const [means, scales] = runNetwork(vae.networks.encoder!, data, batch, vae.spec.pixels, ([mu, sigma]) => [mu!, positive(sigma!)]);
  return { means: means!, scales: scales! };
}

/** The chain's model of a bbans VAE: its encoder's Gaussian latent (src/model/gaussian-latent.ts) and the architecture's pixel likelihood. */
export function vaeCodecModel(vae: Vae, coding: CodingSettings, likelihood: GaussianVaeNetworks['likelihood']): LatentVariableModel {
  const { pixels, latent } = vae.spec;
  return gaussianLatentModel({ dataSize: pixels, latentSize: latent, encode: (data, batch) => encodePosterior(vae, data, batch), likelihood }, coding);
}

export function validateEncoder(spec: EncoderShape, encoder: tf.LayersModel | undefined): void {
  const shapes = encoder?.outputs.map((o) => o.shape.slice(1)) ?? [];
  const input = encoder?.inputs[0]?.shape.slice(1).join();
  if (input !== String(spec.pixels) || shapes.length !== 2 || shapes.some((s) => s.join() !== String(spec.latent))) {
    invalidArgument(`encoder must map [batch, ${spec.pixels}] to two [batch, ${spec.latent}] outputs (mean, standard deviation); it maps [batch, ${input}] to ${JSON.stringify(shapes)}`);
  }
}
