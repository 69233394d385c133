// What a model of the paper's VAE architecture (src/model/factorized-vae.ts) is: its spec. Kept
// apart from the architecture so that the spec types (src/model/spec.ts) sit below everything
// that builds, trains or codes models.

/** Pixel distributions: Bernoulli (0/1), beta-binomial (0..n) and categorical (0..n, a softmax per pixel). */
export type PixelLikelihood = 'bernoulli' | 'beta-binomial' | 'categorical';

export interface VaeSpec {
  name: string;
  architecture: 'vae';
  pixels: number;
  /** Width of the hidden layers, for building the networks (a user's own networks bring theirs). */
  hidden?: number;
  latent: number;
  likelihood: PixelLikelihood;
  /** Pixel values are 0..maxPixelValue (the beta-binomial's n, the categorical's last value); 1 for Bernoulli pixels. */
  maxPixelValue: number;
}
