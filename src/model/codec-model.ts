// Adapts a trained VAE (tfjs LayersModels) to the chain's LatentVariableModel: the networks run on
// whole batches, and their float32 outputs become the parameters of the WASM codecs.

import * as tf from '@tensorflow/tfjs';
import { type DistributionCodec, bernoulli, betaBinomial, categoricalProbs } from '../codecs.js';
import type { LatentVariableModel } from '../chain.js';
import type { Vae } from './vae.js';
import { positive } from './positive.js';

/** Default precision (bits) of the quantised pixel likelihoods. */
export const LIKELIHOOD_PRECISION = { bernoulli: 16, 'beta-binomial': 24, categorical: 24 } as const;

/** Runs `model` on a batch and reads its outputs (tidy must not return typed arrays: it walks them). */
function run(model: tf.LayersModel, input: Float32Array, batch: number, width: number, after?: (t: tf.Tensor, output: number) => tf.Tensor): Float32Array[] {
  const outputs = tf.tidy(() => {
    const raw = model.predict(tf.tensor2d(input, [batch, width]), { batchSize: batch });
    return (Array.isArray(raw) ? raw : [raw]).map((t, i) => (after ? after(t, i) : t));
  });
  try {
    return outputs.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(outputs);
  }
}

export function vaeCodecModel(vae: Vae, precision: number): LatentVariableModel {
  const { pixels, latent, likelihood, maxPixelValue } = vae.spec;
  return {
    dataSize: pixels,
    latentSize: latent,
    encode(data, batch) {
      const [means, scales] = run(vae.encoder, data, batch, pixels, (t, i) => (i === 1 ? positive(t) : t));
      return { means: means!, scales: scales! };
    },
    decode(latents, batch) {
      // Bernoulli and categorical decoders give logits; the codecs take probabilities, computed by
      // the same wasm kernels on both sides.
      if (likelihood === 'bernoulli') return run(vae.decoder, latents, batch, latent, (t) => tf.sigmoid(t));
      if (likelihood === 'categorical') return run(vae.decoder, latents, batch, latent, (t) => tf.softmax(t.reshape([batch, pixels, maxPixelValue + 1])));
      return run(vae.decoder, latents, batch, latent, positive);
    },
    likelihood(params): DistributionCodec {
      if (likelihood === 'bernoulli') return bernoulli(params[0]!, precision);
      if (likelihood === 'categorical') return categoricalProbs(maxPixelValue + 1, params[0]!, precision);
      return betaBinomial(maxPixelValue, params[0]!, params[1]!, precision);
    },
  };
}
