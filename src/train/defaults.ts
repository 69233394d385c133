// The model `bbans train --data` builds when told nothing else: the best architecture bbans has
// (the local autoregressive VAE), sized from the images. Widths follow the image size, within
// bounds that the MNIST models (784 pixels: 16 latents, encoder 200, decoder 128, 8 features per
// pixel) sit inside; the pixel distribution follows the range: Bernoulli for 0/1, otherwise a
// 3-component discretised logistic mixture over 0..maxPixelValue.
import type { LocalArVaeSpec, LocalPixelLikelihood } from '../model/local-ar-vae.js';

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, Math.round(value)));

export interface DefaultSpecOptions {
  name: string;
  height: number;
  width: number;
  maxPixelValue: number;
  likelihood?: LocalPixelLikelihood;
}

export function defaultSpec({ name, height, width, maxPixelValue, likelihood }: DefaultSpecOptions): LocalArVaeSpec {
  const pixels = height * width;
  const chosen = likelihood ?? (maxPixelValue === 1 ? 'bernoulli' : 'logistic-mixture');
  return {
    name,
    architecture: 'local-ar-vae',
    height,
    width,
    pixels,
    latent: clamp(pixels / 49, 4, 32),
    maxPixelValue,
    likelihood: chosen,
    components: chosen === 'bernoulli' ? 1 : 3,
    encoderHidden: clamp(pixels / 4, 64, 256),
    decoderHidden: clamp(pixels / 6, 64, 128),
    features: pixels >= 256 ? 8 : 4,
    // Two rows above and two columns either side, less where the image is smaller.
    window: { rows: Math.min(2, height - 1), halfWidth: Math.min(2, width - 1) },
    pixelHidden: chosen === 'bernoulli' ? [32, 32] : [48, 48],
  };
}
