// The models bbans ships, each a spec of one of the architectures (src/model/architectures.ts):
// the paper's two VAEs (Townsend et al. 2019) and the local autoregressive VAEs that beat them.
import type { VaeSpec } from './factorized-vae-spec.js';
import type { LocalArVaeSpec } from './local-ar-vae-spec.js';
import type { PredictiveArVaeSpec } from './predictive-ar-vae-spec.js';

export type ModelSpec = VaeSpec | LocalArVaeSpec | PredictiveArVaeSpec;

export const SHIPPED_SPECS = Object.freeze({
  'mnist-binary': {
    name: 'mnist-binary', architecture: 'vae', pixels: 784, hidden: 100, latent: 40,
    likelihood: 'bernoulli', maxPixelValue: 1,
  },
  'mnist-8bit': {
    name: 'mnist-8bit', architecture: 'vae', pixels: 784, hidden: 200, latent: 50,
    likelihood: 'beta-binomial', maxPixelValue: 255,
  },
  'mnist-binary-ar': {
    name: 'mnist-binary-ar', architecture: 'local-ar-vae', height: 28, width: 28, pixels: 784, latent: 16,
    maxPixelValue: 1, likelihood: 'bernoulli', components: 1, encoderHidden: 200, decoderHidden: 128,
    features: 8, window: { rows: 2, halfWidth: 2 }, pixelHidden: [32, 32],
  },
  'mnist-8bit-ar': {
    name: 'mnist-8bit-ar', architecture: 'local-ar-vae', height: 28, width: 28, pixels: 784, latent: 16,
    maxPixelValue: 255, likelihood: 'logistic-mixture', components: 3, encoderHidden: 200, decoderHidden: 128,
    features: 8, window: { rows: 2, halfWidth: 2 }, pixelHidden: [48, 48],
  },
  // The predictive family (src/model/predictive-ar-vae.ts) with a feature vector per pixel, which
  // centred digits pay for; the 8-bit one with the 32-32 pixel network that keeps coding at 2,000
  // images/s a thread, the binary one with 64-64 (a probe of the pixel network alone on binarized
  // MNIST: 0.1772 bits/px against 0.1811 for 32-32 after 3 epochs; 9 epochs of 32-32 with the
  // latent tracked mnist-binary-ar's curve to within 0.0001). The 8-bit one has two absolute components beside two relative to the prediction (from
  // a blank neighbourhood only the latent knows that a stroke starts) and its differences clamped
  // (see the predictive architecture's defaultSpec); 0/1 differences never reach the clamp.
  'mnist-binary-pred': {
    name: 'mnist-binary-pred', architecture: 'predictive-ar-vae', height: 28, width: 28, pixels: 784, latent: 16,
    maxPixelValue: 1, likelihood: 'bernoulli', components: 1, encoderHidden: 200, decoderHidden: 128,
    features: 8, featuresPer: 'pixel', window: { rows: 3, halfWidth: 3 }, pixelHidden: [64, 64],
  },
  'mnist-8bit-pred': {
    name: 'mnist-8bit-pred', architecture: 'predictive-ar-vae', height: 28, width: 28, pixels: 784, latent: 16,
    maxPixelValue: 255, likelihood: 'logistic-mixture', components: 4, absoluteComponents: 2, encoderHidden: 200, decoderHidden: 128,
    features: 8, featuresPer: 'pixel', differenceLimit: 4, window: { rows: 3, halfWidth: 3 }, pixelHidden: [32, 32],
  },
} satisfies Record<string, ModelSpec>) as Readonly<Record<'mnist-binary' | 'mnist-8bit' | 'mnist-binary-ar' | 'mnist-8bit-ar' | 'mnist-binary-pred' | 'mnist-8bit-pred', ModelSpec>>;

export type ModelName = keyof typeof SHIPPED_SPECS;

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(SHIPPED_SPECS, name);
}

/** nats per image -> bits per dimension (pixel). */
export function natsToBitsPerDim(nats: number, pixels: number): number {
  return nats / (pixels * Math.LN2);
}
