// What a local autoregressive VAE (src/model/local-ar-vae.ts) is: its spec. Kept apart from the
// architecture so that the spec types (src/model/spec.ts) sit below everything that builds,
// trains or codes models.
import type { CausalWindow } from './causal-window.js';

export type LocalPixelLikelihood = 'bernoulli' | 'logistic-mixture';

/** What every local autoregressive VAE's spec holds (this one's and src/model/predictive-ar-vae-spec.ts's). */
export interface LocalArShapeSpec {
  name: string;
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
  /** Features the decoder gives the pixel network (per pixel, or per image where the architecture says). */
  features: number;
  window: CausalWindow;
  /** Hidden layer widths of the pixel network (relu). */
  pixelHidden: number[];
}

export interface LocalArVaeSpec extends LocalArShapeSpec {
  architecture: 'local-ar-vae';
}
