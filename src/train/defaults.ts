// The model `bbans train --data` builds: an architecture from the registry (by default the best
// bbans has for the data), sized from the images by that architecture's own defaultSpec. The pixel
// distribution follows the range unless named: Bernoulli for 0/1, else the architecture's first.
import { invalidArgument } from '../errors.js';
import { ARCHITECTURE_NAMES, architectureOf } from '../model/architectures.js';
import type { ModelSpec } from '../model/spec.js';

export type TrainArchitecture = ModelSpec['architecture'];

/** What `bbans train` builds when no architecture is named. */
export const DEFAULT_ARCHITECTURE: TrainArchitecture = 'local-ar-vae';

export interface DefaultSpecOptions {
  name: string;
  height: number;
  width: number;
  maxPixelValue: number;
  architecture?: TrainArchitecture;
  likelihood?: string;
  /** The training images, whose alignment (alignedShare) the architecture may size by. */
  images?: ArrayLike<number>;
}

/**
 * Images whose per-position mean holds at least this share of their pixels' variance are aligned
 * (DefaultSpecInput.aligned): MNIST's training images give 0.29, 32x32 patches cut from photographs
 * and textures 0.0002-0.0003 (bench/datasets/make-natural.py's sets).
 */
export const ALIGNED_SHARE = 0.05;

/** The share of the pixels' variance that their per-position means explain: 0 for content at random places. */
export function alignedShare(images: ArrayLike<number>, pixels: number): number {
  const count = Math.floor(images.length / pixels);
  if (count < 2) return 0;
  const means = new Float64Array(pixels);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < count * pixels; i++) {
    const v = images[i]!;
    means[i % pixels]! += v;
    sum += v;
    squares += v * v;
  }
  const n = count * pixels;
  const mean = sum / n;
  const total = squares / n - mean * mean;
  if (!(total > 0)) return 0;
  let between = 0;
  for (let p = 0; p < pixels; p++) between += (means[p]! / count - mean) ** 2;
  return between / pixels / total;
}

/** The architecture's offered likelihoods, the range's default first where it applies. */
export function likelihoodsOf(architecture: TrainArchitecture): readonly string[] {
  return architectureOf({ architecture } as ModelSpec).likelihoods;
}

export function checkArchitecture(architecture: string): asserts architecture is TrainArchitecture {
  if (!(ARCHITECTURE_NAMES as string[]).includes(architecture)) invalidArgument(`architecture must be one of ${ARCHITECTURE_NAMES.join(', ')}, got ${architecture}`);
}

export function defaultSpec({ name, height, width, maxPixelValue, architecture = DEFAULT_ARCHITECTURE, likelihood, images }: DefaultSpecOptions): ModelSpec {
  checkArchitecture(architecture);
  const offered = likelihoodsOf(architecture);
  const chosen = likelihood ?? (maxPixelValue === 1 ? 'bernoulli' : offered[0]!);
  if (!offered.includes(chosen)) invalidArgument(`the ${architecture} architecture offers the likelihoods ${offered.join(', ')}, not ${chosen}`);
  if ((chosen === 'bernoulli') !== (maxPixelValue === 1)) invalidArgument(`Bernoulli pixels are exactly the 0/1 range; the range is 0..${maxPixelValue}`);
  const aligned = images !== undefined && alignedShare(images, height * width) >= ALIGNED_SHARE;
  return architectureOf({ architecture } as ModelSpec).defaultSpec({ name, height, width, maxPixelValue, likelihood: chosen, aligned });
}
