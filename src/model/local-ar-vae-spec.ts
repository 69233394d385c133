// What a local autoregressive VAE (src/model/local-ar-vae.ts) is: its spec. Kept apart from the
// architecture so that the spec types (src/model/spec.ts) sit below everything that builds,
// trains or codes models.
import type { CausalWindow } from './causal-window.js';

export type LocalPixelLikelihood = 'bernoulli' | 'logistic-mixture';

export interface LocalArVaeSpec {
  name: string;
  architecture: 'local-ar-vae';
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
  /** Features per pixel that the decoder gives the pixel network. */
  features: number;
  window: CausalWindow;
  /** Hidden layer widths of the pixel network (relu). */
  pixelHidden: number[];
}
