// What one epoch trains on: the (possibly binarized) training pixels and their batch order.
import { binarizeStochastic } from '../data/binarize.js';
import type { MnistImages } from '../data/mnist.js';
import { MT19937 } from '../data/mt19937.js';
import type { ModelSpec } from '../model/spec.js';
import { streamSeed } from './rng.js';

/** Training pixels for `epoch`: a fresh stochastic binarization for the binary model. */
export function trainingPixelsForEpoch(spec: ModelSpec, train: MnistImages, baseSeed: number, epoch: number): Uint8Array {
  if (spec.maxPixelValue !== 1) return train.pixels;
  return binarizeStochastic(train.pixels, new MT19937(streamSeed(baseSeed, 'binarize', epoch)));
}

/** A uniformly random permutation of 0..count-1 (Fisher-Yates on MT19937 doubles). */
export function shuffledOrder(count: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const generator = new MT19937(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(generator.nextDouble() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** Copies images order[start .. start+size) into a float32 [size, pixelsPerImage] buffer. */
export function gatherImages(
  pixels: Uint8Array,
  pixelsPerImage: number,
  order: ArrayLike<number> | undefined,
  start: number,
  size: number,
): Float32Array {
  const out = new Float32Array(size * pixelsPerImage);
  for (let row = 0; row < size; row++) {
    const image = order ? order[start + row]! : start + row;
    out.set(pixels.subarray(image * pixelsPerImage, (image + 1) * pixelsPerImage), row * pixelsPerImage);
  }
  return out;
}
