// Encoder and decoder as two separate tfjs LayersModels, so the codec can run them apart:
//   encoder: pixel values [batch, 784] (0/1 or 0..255, float32) -> [mu, sigma], each [batch, latent]
//   decoder: latent z [batch, latent] -> bernoulli: [logits] / beta-binomial: [alpha, beta], each [batch, 784]
// Output heads carry their own activation (softplus for sigma, alpha, beta), so the saved
// models give distribution parameters directly, with no post-processing to keep in sync.
import * as tf from '@tensorflow/tfjs';
import type { LatentModelSpec, VaeSpec } from './spec.js';

export interface Vae {
  spec: LatentModelSpec;
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
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

function dense(name: string, units: number, activation: 'relu' | 'softplus' | 'linear', seed: number) {
  return tf.layers.dense({
    name,
    units,
    activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: 'zeros',
  });
}

export function buildEncoder(spec: VaeSpec, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [spec.pixels], name: 'encoder_pixels' });
  let x: tf.SymbolicTensor = input;
  if (spec.maxPixelValue !== 1) {
    x = tf.layers.rescaling({ scale: 1 / spec.maxPixelValue, name: 'encoder_scale' }).apply(x) as tf.SymbolicTensor;
  }
  const hidden = dense('encoder_hidden', spec.hidden, spec.activation, deriveSeed(seed, 1)).apply(x) as tf.SymbolicTensor;
  const mu = dense('encoder_mu', spec.latent, 'linear', deriveSeed(seed, 2)).apply(hidden) as tf.SymbolicTensor;
  const sigma = dense('encoder_sigma', spec.latent, 'softplus', deriveSeed(seed, 3)).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [mu, sigma], name: `${spec.name}-encoder` });
}

export function buildDecoder(spec: VaeSpec, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [spec.latent], name: 'decoder_latent' });
  const hidden = dense('decoder_hidden', spec.hidden, spec.activation, deriveSeed(seed, 4)).apply(input) as tf.SymbolicTensor;
  const outputs =
    spec.likelihood === 'bernoulli'
      ? [dense('decoder_logits', spec.pixels, 'linear', deriveSeed(seed, 5)).apply(hidden) as tf.SymbolicTensor]
      : [
          dense('decoder_alpha', spec.pixels, 'softplus', deriveSeed(seed, 5)).apply(hidden) as tf.SymbolicTensor,
          dense('decoder_beta', spec.pixels, 'softplus', deriveSeed(seed, 6)).apply(hidden) as tf.SymbolicTensor,
        ];
  return tf.model({ inputs: input, outputs, name: `${spec.name}-decoder` });
}

export function buildVae(spec: VaeSpec, seed: number): Vae {
  return { spec, encoder: buildEncoder(spec, seed), decoder: buildDecoder(spec, seed) };
}

/** The trainable variables of both networks, in a fixed order (the optimizer state follows it). */
export function trainableVariables(vae: Vae): tf.Variable[] {
  return [...vae.encoder.trainableWeights, ...vae.decoder.trainableWeights].map((weight) => weight.read() as tf.Variable);
}
