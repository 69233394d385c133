// Turning 8-bit MNIST into binary pixels. The benchmark rule is the reference code's
// stochastic binarization, reproduced bit for bit:
//   u = np.random.RandomState(seed).random_sample(images.shape)   # row-major, all pixels
//   binary = u < images / 255.
import { MT19937 } from './mt19937.js';

export type BinarizeRule =
  /** pixel = 1 iff u < v/255, u the numpy RandomState(seed).random_sample stream in pixel order. */
  | { rule: 'numpy-mt19937'; seed: number }
  /** pixel = 1 iff v >= threshold (default 128). */
  | { rule: 'threshold'; threshold?: number };

/** The rule every codec in the benchmark uses for binarized MNIST (the paper's, seed 0). */
export const BENCHMARK_BINARIZATION: BinarizeRule = Object.freeze({ rule: 'numpy-mt19937', seed: 0 });

export const DEFAULT_THRESHOLD = 128;

/** Binarizes 8-bit pixels (any shape, row-major) into a new array of 0/1 bytes. */
export function binarize(pixels: Uint8Array, rule: BinarizeRule): Uint8Array {
  switch (rule.rule) {
    case 'numpy-mt19937':
      return binarizeStochastic(pixels, new MT19937(rule.seed));
    case 'threshold':
      return binarizeByThreshold(pixels, rule.threshold ?? DEFAULT_THRESHOLD);
  }
}

/**
 * Stochastic binarization drawing one uniform per pixel from `generator`, advancing it by
 * two 32-bit outputs per pixel. Exposed so a caller can continue one stream across calls.
 */
export function binarizeStochastic(pixels: Uint8Array, generator: MT19937): Uint8Array {
  // v / 255 in float64, as numpy computes `images / 255.`, looked up rather than divided.
  const onProbability = Float64Array.from({ length: 256 }, (_, value) => value / 255);
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    out[i] = generator.nextDouble() < onProbability[pixels[i]!]! ? 1 : 0;
  }
  return out;
}

export function binarizeByThreshold(pixels: Uint8Array, threshold: number): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! >= threshold ? 1 : 0;
  return out;
}
