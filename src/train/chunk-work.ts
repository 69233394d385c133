// What the threads of data-parallel training compute for a batch on networks with the same
// weights: for each chunk they take, the gradient of its mean loss, or its per-image negative
// ELBOs. The calling thread and every worker run these same functions.
import * as tf from '../model/tf.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf, disposeBatch } from '../model/architectures.js';
import type { FlatVariables } from './flat-variables.js';
import { type Chunk, chunksOf, takeChunks } from './chunks.js';
import type { SharedArrays } from './worker-protocol.js';

/** The chunk's mean negative ELBO (nats per image); its gradient goes into `gradients` (laid out by `flat`). */
function chunkGradient(vae: Vae, flat: FlatVariables, pixels: Float32Array, count: number, noise: Float32Array, gradients: Float32Array): number {
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
function chunkNegativeElbos(vae: Vae, pixels: Float32Array, count: number, noise: Float32Array): Float32Array {
  const architecture = architectureOf(vae.spec);
  const inputs = architecture.batch(vae.spec, pixels, count);
  try {
    return tf.tidy(() => architecture.negativeElbo(vae, inputs, tf.tensor2d(noise, [count, vae.spec.latent]), false).dataSync() as Float32Array);
  } finally {
    disposeBatch(inputs);
  }
}

/** The chunk's images and noise in the shared batch. */
function inputsOf(vae: Vae, shared: SharedArrays, { start, size }: Chunk): [Float32Array, number, Float32Array] {
  const { pixels, latent } = vae.spec;
  return [shared.pixels.subarray(start * pixels, (start + size) * pixels), size, shared.noise.subarray(start * latent, (start + size) * latent)];
}

/** A thread's part of a gradient job: each chunk it takes, its gradient and loss into its slot of the shared arrays. */
export function takeGradientChunks(vae: Vae, flat: FlatVariables, shared: SharedArrays, count: number, threads: number): void {
  takeChunks(shared.claims, chunksOf(count, threads), (chunk, k) => {
    const slot = shared.gradients.subarray(k * flat.size, (k + 1) * flat.size);
    shared.losses[k] = chunkGradient(vae, flat, ...inputsOf(vae, shared, chunk), slot);
  });
}

/** A thread's part of an evaluation job: each chunk it takes, its images' negative ELBOs in place. */
export function takeNegativeElboChunks(vae: Vae, shared: SharedArrays, count: number, threads: number): void {
  takeChunks(shared.claims, chunksOf(count, threads), (chunk) => shared.negativeElbos.set(chunkNegativeElbos(vae, ...inputsOf(vae, shared, chunk)), chunk.start));
}
