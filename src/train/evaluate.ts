// Held-out negative ELBO, with fixed noise so numbers from different epochs are comparable.
import * as tf from '../model/tf.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf, disposeBatch } from '../model/architectures.js';
import { type ImageSet, gatherImages } from './dataset.js';
import type { TrainingWorkers } from './workers.js';

/** The images in batches of `batchSize`, in order: each batch's number, float32 pixels and size. */
function* batchesOf(images: ImageSet, pixelsPerImage: number, batchSize: number): Generator<{ batch: number; pixels: Float32Array; size: number }> {
  for (let start = 0, batch = 0; start < images.count; start += batchSize, batch++) {
    const size = Math.min(batchSize, images.count - start);
    yield { batch, pixels: gatherImages(images.pixels, pixelsPerImage, undefined, start, size), size };
  }
}

/** Mean negative ELBO in nats per image over all images (one posterior sample each). */
export function meanNegativeElbo(vae: Vae, images: ImageSet, batchSize: number, noiseSeed: (batch: number) => number): number {
  const { latent } = vae.spec;
  let totalNats = 0;
  for (const { batch, pixels, size } of batchesOf(images, vae.spec.pixels, batchSize)) {
    const inputs = architectureOf(vae.spec).batch(vae.spec, pixels, size);
    totalNats += tf.tidy(() => {
      const noise = tf.randomNormal([size, latent], 0, 1, 'float32', noiseSeed(batch)) as tf.Tensor2D;
      return tf.sum(architectureOf(vae.spec).negativeElbo(vae, inputs, noise, false)).dataSync()[0]!;
    });
    disposeBatch(inputs);
  }
  return totalNats / images.count;
}

/**
 * The same, each batch split over the threads of data-parallel training: the same noise, and the
 * per-image values summed in image order as above.
 */
export async function meanNegativeElboOn(workers: TrainingWorkers, images: ImageSet, batchSize: number, noiseSeed: (batch: number) => number): Promise<number> {
  let totalNats = 0;
  for (const { batch, pixels, size } of batchesOf(images, workers.vae.spec.pixels, batchSize)) {
    const perImage = await workers.negativeElbos(pixels, size, noiseSeed(batch));
    totalNats += tf.tidy(() => tf.sum(tf.tensor1d(perImage)).dataSync()[0]!);
  }
  return totalNats / images.count;
}
