// What a local autoregressive VAE (src/model/local-ar-vae.ts) is: its spec, and the pixel
// network's heads that the spec implies, which building the networks (local-ar-vae.ts) and
// copying them into the WASM coder (local-ar-codec.ts) both follow. Kept apart from the
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

/** The pixel network's output heads and their widths: one Bernoulli logit, or the mixture's logits, means and log scales. */
export function pixelHeads(spec: LocalArVaeSpec): Array<[string, number]> {
  const k = spec.components;
  return spec.likelihood === 'bernoulli' ? [['logit', 1]] : [['logits', k], ['means', k], ['log_scales', k]];
}
