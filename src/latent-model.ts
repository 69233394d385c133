// What an architecture hands the bits-back chain (src/chain.ts) and the cost maps (src/explain.ts):
// for each batch of points, its whole bits-back model (prior, likelihood and posterior) as codecs
// in the chain's lane-major layout (symbol i of an array on lane i mod batch: one lane a point).
// The chain and the cost maps compose what they are handed; what the latents are and how they are
// distributed (today a Gaussian posterior over equal-mass bins, src/model/gaussian-latent.ts; a
// learned prior or a second latent layer some day) is the architecture's business alone.
import type { BitsBackModel, DistributionCodec } from './codecs.js';

/** A batch's posterior q(z | x), which can also name one latent that stands for the whole of it. */
export interface PosteriorCodec extends DistributionCodec {
  /** The latent the cost maps charge the data under (a Gaussian's: the bins of its means). */
  pointEstimate(): Uint32Array;
}

/** One batch's bits-back model: the data dataSize x batch symbols and the latents, both lane-major. */
export interface BatchModel extends BitsBackModel<Uint32Array, Uint32Array> {
  readonly prior: DistributionCodec;
  likelihood(latent: Uint32Array): DistributionCodec;
  posterior(data: Uint32Array): PosteriorCodec;
}

/** What the chain needs of a latent-variable model: its points' size, and each batch's bits-back model. */
export interface LatentVariableModel {
  /** Symbols per point. */
  readonly dataSize: number;
  batch(batch: number): BatchModel;
}
