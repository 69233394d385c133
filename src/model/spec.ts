// The two VAEs of the paper (Townsend et al. 2019): architecture and pixel likelihood.

export type ModelName = 'mnist-binary' | 'mnist-8bit';
/** Pixel distributions: Bernoulli (0/1), beta-binomial (0..n) and, for user models, categorical (0..n, a softmax per pixel). */
export type PixelLikelihood = 'bernoulli' | 'beta-binomial' | 'categorical';

/** What coding and evaluation need to know of a VAE, shipped or a user's own. */
export interface LatentModelSpec {
  name: string;
  pixels: number;
  latent: number;
  likelihood: PixelLikelihood;
  /** Pixel values are 0..maxPixelValue (the beta-binomial's n, the categorical's last value); 1 for Bernoulli pixels. */
  maxPixelValue: number;
}

/** A shipped model's full architecture, for building and training it. */
export interface VaeSpec extends LatentModelSpec {
  name: ModelName;
  hidden: number;
  /** Hidden-layer activation, as in the reference MLP VAEs. */
  activation: 'relu';
}

export const VAE_SPECS: Readonly<Record<ModelName, VaeSpec>> = Object.freeze({
  'mnist-binary': {
    name: 'mnist-binary', pixels: 784, hidden: 100, latent: 40,
    activation: 'relu', likelihood: 'bernoulli', maxPixelValue: 1,
  },
  'mnist-8bit': {
    name: 'mnist-8bit', pixels: 784, hidden: 200, latent: 50,
    activation: 'relu', likelihood: 'beta-binomial', maxPixelValue: 255,
  },
});

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(VAE_SPECS, name);
}

/** nats per image -> bits per dimension (pixel). */
export function natsToBitsPerDim(nats: number, pixels: number): number {
  return nats / (pixels * Math.LN2);
}
