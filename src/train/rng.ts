// Every random draw in training comes from a seed derived from (base seed, stream, epoch[, step]),
// never from a generator carried across epochs. The RNG state at an epoch boundary is thus
// just (seed, epoch): a resumed run replays exactly what an uninterrupted run would draw.
import { deriveSeed } from '../model/vae.js';

export const RNG_STREAMS = Object.freeze({
  /** Weight initialisation: deriveSeed(seed, INIT) is the buildVae seed. */
  init: 1,
  /** Minibatch order of an epoch (MT19937, Fisher-Yates). */
  shuffle: 2,
  /** Dynamic binarization of the training set for an epoch (MT19937, numpy rule). */
  binarize: 3,
  /** Reparameterisation noise of one training step (tf.randomNormal seed). */
  noise: 4,
  /** Noise for the test -ELBO, the same every epoch so epochs are comparable. */
  evaluation: 5,
  /** Which images of a user's data set are held out (MT19937, Fisher-Yates). */
  split: 6,
});

export type RngStream = keyof typeof RNG_STREAMS;

export function streamSeed(baseSeed: number, stream: RngStream, ...counters: number[]): number {
  return deriveSeed(baseSeed, RNG_STREAMS[stream], ...counters);
}

/** The JSON description of the RNG state stored in a checkpoint. */
export function rngState(baseSeed: number, nextEpoch: number) {
  return {
    scheme: 'seed = deriveSeed(baseSeed, stream, epoch[, step]) (src/train/rng.ts)',
    baseSeed,
    streams: RNG_STREAMS,
    nextEpoch,
  };
}
