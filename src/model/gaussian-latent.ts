// The latent every bbans architecture has: a Gaussian posterior q(z | x) = N(mean, scale^2) per
// dimension, discretised over the 2^binsLog2 bins of equal mass under the N(0, 1) prior, which
// makes the prior over bin indices uniform, and the decoder fed each bin's centre. An
// architecture gives its networks row-major (one row per point), as they compute; this makes them
// the chain's per-batch bits-back model, in its lane-major layout.
import { type DistributionCodec, MAX_BINS_LOG2, MAX_PRECISION, binCentres, binOf, gaussianPosterior, uniform } from '../codecs.js';
import { requireInteger } from '../errors.js';
import { fromLaneMajor, toLaneMajor } from '../lane-major.js';
import type { LatentVariableModel } from '../latent-model.js';
import { reusable } from '../memory.js';

/** A VAE's networks around a Gaussian latent, arrays row-major (one row per point). */
export interface GaussianVaeNetworks {
  readonly dataSize: number;
  readonly latentSize: number;
  /** Posterior q(z | x) for `batch` points: mean and standard deviation of each latent. */
  encode(data: Float32Array, batch: number): { means: Float32Array; scales: Float32Array };
  /**
   * The data codec p(x | z) for `batch` latent vectors (the bins' centres, batch x latentSize): it
   * codes dataSize x batch symbols laid out lane-major (one lane per point).
   */
  likelihood(latents: Float32Array, batch: number): DistributionCodec;
}

/** How finely the latent is cut: 2^binsLog2 bins per dimension, the posterior's mass in each to posteriorPrecision bits. */
export interface LatentBins {
  binsLog2: number;
  posteriorPrecision: number;
}

/** The chain's model of a VAE with a Gaussian latent over `bins`. */
export function gaussianLatentModel(networks: GaussianVaeNetworks, bins: LatentBins): LatentVariableModel {
  const { dataSize, latentSize } = networks;
  const { binsLog2, posteriorPrecision } = bins;
  requireInteger('binsLog2', binsLog2, 1, MAX_BINS_LOG2);
  requireInteger('posteriorPrecision', posteriorPrecision, binsLog2 + 1, MAX_PRECISION);
  requireInteger('model latentSize', latentSize, 1, 2 ** 16);
  // The encoder's input, reused from batch to batch (the network copies it in before the next).
  const encoderInput = reusable(Float32Array);
  return {
    dataSize,
    batch: (batch) => ({
      prior: uniform(binsLog2, latentSize * batch),
      likelihood: (latents) => networks.likelihood(binCentres(binsLog2, fromLaneMajor(latents, batch, latentSize)), batch),
      posterior(data) {
        const { means, scales } = networks.encode(fromLaneMajor(data, batch, dataSize, encoderInput(data.length)), batch);
        const laneMeans = toLaneMajor(means, batch, latentSize);
        const codec = gaussianPosterior(binsLog2, laneMeans, toLaneMajor(scales, batch, latentSize), posteriorPrecision);
        return Object.assign(codec, { pointEstimate: () => binOf(binsLog2, Float64Array.from(laneMeans)) });
      },
    }),
  };
}
