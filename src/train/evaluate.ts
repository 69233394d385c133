// Held-out negative ELBO, with fixed noise so numbers from different epochs are comparable.
import * as tf from '../model/tf.js';
import type { Vae } from '../model/architecture.js';
import { architectureOf, disposeBatch } from '../model/architectures.js';
import { type ImageSet, gatherImages } from './dataset.js';

/** Mean negative ELBO in nats per image over all images (one posterior sample each). */
export function meanNegativeElbo(vae: Vae, images: ImageSet, batchSize: number, noiseSeed: (batch: number) => number): number {
  const { pixels: pixelsPerImage, latent } = vae.spec;
  let totalNats = 0;
  for (let start = 0, batch = 0; start < images.count; start += batchSize, batch++) {
    const size = Math.min(batchSize, images.count - start);
    const batchPixels = gatherImages(images.pixels, pixelsPerImage, undefined, start, size);
    const inputs = architectureOf(vae.spec).batch(vae.spec, batchPixels, size);
    totalNats += tf.tidy(() => {
      const noise = tf.randomNormal([size, latent], 0, 1, 'float32', noiseSeed(batch)) as tf.Tensor2D;
      return tf.sum(architectureOf(vae.spec).negativeElbo(vae, inputs, noise, false)).dataSync()[0]!;
    });
    disposeBatch(inputs);
  }
  return totalNats / images.count;
}
