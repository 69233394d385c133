// What one thread of data-parallel training computes for its shard of a batch: the gradient of
// the shard's mean loss, or the shard's per-image negative ELBOs. The calling thread (shard 0) and
// every worker run these same functions, on networks with the same weights.
import * as tf from '../model/tf.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf, disposeBatch } from '../model/architectures.js';
import type { FlatVariables } from './flat-variables.js';

/** The shard's mean negative ELBO (nats per image); its gradient goes into `gradients` (laid out by `flat`). */
export function shardGradient(vae: Vae, flat: FlatVariables, pixels: Float32Array, count: number, noise: Float32Array, gradients: Float32Array): number {
  const architecture = architectureOf(vae.spec);
  const inputs = architecture.batch(vae.spec, pixels, count);
  try {
    return tf.tidy(() => {
      const noiseTensor = tf.tensor2d(noise, [count, vae.spec.latent]);
      const { value, grads } = tf.variableGrads(() => tf.mean(architecture.negativeElbo(vae, inputs, noiseTensor, true)) as tf.Scalar, flat.variables);
      flat.write(flat.variables.map((variable) => grads[variable.name]!), gradients);
      return value.dataSync()[0]!;
    });
  } finally {
    disposeBatch(inputs);
  }
}

/** Each image's negative ELBO in nats, as held-out evaluation sums them. */
export function shardNegativeElbos(vae: Vae, pixels: Float32Array, count: number, noise: Float32Array): Float32Array {
  const architecture = architectureOf(vae.spec);
  const inputs = architecture.batch(vae.spec, pixels, count);
  try {
    return tf.tidy(() => architecture.negativeElbo(vae, inputs, tf.tensor2d(noise, [count, vae.spec.latent]), false).dataSync() as Float32Array);
  } finally {
    disposeBatch(inputs);
  }
}
