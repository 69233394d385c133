// The negative ELBO of a VAE in nats per image, with a N(0, I) prior and analytic KL:
//   -ELBO(x) = -log p(x | z) + KL(q(z | x) || p(z)),  z = mu + sigma * noise (one sample).
import * as tf from '@tensorflow/tfjs';
import { positive } from './positive.js';
import { bernoulliLogPmf, betaBinomialLogPmf, gaussianKlFromStandardNormal } from './likelihoods.js';
import type { Vae } from './vae.js';

export function pixelLogLikelihood(vae: Vae, pixels: tf.Tensor2D, decoderOutputs: tf.Tensor[]): tf.Tensor1D {
  return tf.tidy(() => {
    const logProbabilities =
      vae.spec.likelihood === 'bernoulli'
        ? bernoulliLogPmf(pixels, decoderOutputs[0]!)
        : betaBinomialLogPmf(pixels, decoderOutputs[0]!, decoderOutputs[1]!, vae.spec.maxPixelValue);
    return logProbabilities.sum(-1) as tf.Tensor1D;
  });
}

/**
 * Per-image negative ELBO (nats). `pixels` holds raw pixel values as float32 [batch, 784];
 * `noise` is standard normal [batch, latent], passed in so the caller controls its seed.
 */
export function negativeElbo(vae: Vae, pixels: tf.Tensor2D, noise: tf.Tensor2D, training = false): tf.Tensor1D {
  return tf.tidy(() => {
    const [mu, rawSigma] = vae.encoder.apply(pixels, { training }) as tf.Tensor[];
    const sigma = positive(rawSigma!);
    const z = mu!.add(sigma.mul(noise));
    const decoderOutputs = vae.decoder.apply(z, { training }) as tf.Tensor | tf.Tensor[];
    const raw = Array.isArray(decoderOutputs) ? decoderOutputs : [decoderOutputs];
    const outputs = vae.spec.likelihood === 'beta-binomial' ? raw.map(positive) : raw;
    const kl = gaussianKlFromStandardNormal(mu!, sigma);
    return kl.sub(pixelLogLikelihood(vae, pixels, outputs)) as tf.Tensor1D;
  });
}
