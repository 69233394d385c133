// The two VAEs of the paper (Townsend et al. 2019): architecture and pixel likelihood.

export type ModelName = 'mnist-binary' | 'mnist-8bit';
export type PixelLikelihood = 'bernoulli' | 'beta-binomial';

export interface VaeSpec {
  name: ModelName;
  pixels: number;
  hidden: number;
  latent: number;
  /** Hidden-layer activation, as in the reference MLP VAEs. */
  activation: 'relu';
  likelihood: PixelLikelihood;
  /** Pixel values are 0..maxPixelValue; the encoder scales them to [0, 1] itself. */
  maxPixelValue: number;
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
