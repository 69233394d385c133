// What training reads: a set of equally sized images, the images of an epoch (binarized afresh for
// the paper's binarized MNIST) and their batch order.
import { binarizeStochastic } from '../data/binarize.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../data/mnist.js';
import { MT19937 } from '../data/mt19937.js';
import { streamSeed } from './rng.js';
import type { TrainSettings } from './settings.js';

/** count images, row-major, one after another; 16-bit values in a Uint16Array. */
export interface ImageSet {
  count: number;
  pixels: Uint8Array | Uint16Array;
}

/** Training pixels for `epoch`: a fresh stochastic binarization when the settings ask for one. */
export function trainingPixelsForEpoch(settings: TrainSettings, train: ImageSet, epoch: number): Uint8Array | Uint16Array {
  if (settings.binarize === 'none') return train.pixels;
  return binarizeStochastic(train.pixels as Uint8Array, new MT19937(streamSeed(settings.seed, 'binarize', epoch)));
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
  pixels: Uint8Array | Uint16Array,
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

/**
 * Splits a set into training and held-out images: a seeded random `fraction` (at least one image)
 * is held out, in file order within each part.
 */
export function splitHeldOut(images: ImageSet, pixelsPerImage: number, fraction: number, seed: number): { train: ImageSet; heldOut: ImageSet } {
  const heldOutCount = Math.max(1, Math.round(images.count * fraction));
  const order = shuffledOrder(images.count, seed);
  const held = new Uint8Array(images.count);
  for (let i = 0; i < heldOutCount; i++) held[order[i]!] = 1;
  const part = (keep: number): ImageSet => {
    const indices: number[] = [];
    for (let i = 0; i < images.count; i++) if (held[i] === keep) indices.push(i);
    const pixels = new (images.pixels.constructor as Uint8ArrayConstructor | Uint16ArrayConstructor)(indices.length * pixelsPerImage);
    indices.forEach((image, row) => pixels.set(images.pixels.subarray(image * pixelsPerImage, (image + 1) * pixelsPerImage), row * pixelsPerImage));
    return { count: indices.length, pixels };
  };
  return { train: part(0), heldOut: part(1) };
}

/**
 * A shipped model's training and held-out images: MNIST's 60k and a held-out part of them
 * (settings.validationImages, binarized once for a binary model), or the 60k and the test set.
 */
export function mnistTrainingSets(settings: TrainSettings): { train: ImageSet; heldOut: ImageSet } {
  const all = loadMnistImages('train');
  const binary = settings.binarize === 'dynamic';
  if (settings.validationImages === undefined) return { train: all, heldOut: binary ? loadBinarizedMnistTest() : loadMnistImages('test') };
  const { train, heldOut } = splitHeldOut(all, settings.spec.pixels, settings.validationImages / all.count, streamSeed(settings.seed, 'split'));
  if (!binary) return { train, heldOut };
  return { train, heldOut: { count: heldOut.count, pixels: binarizeStochastic(heldOut.pixels as Uint8Array, new MT19937(streamSeed(settings.seed, 'binarize', 0))) } };
}
