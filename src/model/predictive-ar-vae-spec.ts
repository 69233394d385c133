// What a predictive local autoregressive VAE (src/model/predictive-ar-vae.ts) is: its spec. Kept
// apart from the architecture so that the spec types (src/model/spec.ts) sit below everything that
// builds, trains or codes models.
import type { CausalWindow } from './causal-window.js';
import type { LocalPixelLikelihood } from './local-ar-vae-spec.js';

export interface PredictiveArVaeSpec {
  name: string;
  architecture: 'predictive-ar-vae';
  height: number;
  width: number;
  pixels: number;
  latent: number;
  /** Pixel values are 0..maxPixelValue (1: binary, Bernoulli pixels). */
  maxPixelValue: number;
  likelihood: LocalPixelLikelihood;
  /** Logistic components per pixel (logistic-mixture only). */
  components: number;
  /** Hidden widths of the encoder and decoder, for building them (a user's own networks bring theirs). */
  encoderHidden?: number;
  decoderHidden?: number;
  /** Features the decoder gives the pixel network: one vector per image that every pixel reads, or one per pixel. */
  features: number;
  featuresPer: 'image' | 'pixel';
  window: CausalWindow;
  /** Hidden layer widths of the pixel network (relu). */
  pixelHidden: number[];
}
