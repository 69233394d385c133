// The model `bbans train --data` builds when told nothing else: the best architecture bbans has
// (the local autoregressive VAE), sized from the images; or, asked for, the paper's VAE. Widths
// follow the image size, within bounds that the MNIST models (784 pixels) sit inside: for the local
// AR VAE 16 latents, encoder 200, decoder 128, 8 features per pixel; for the paper's VAE 50
// latents and hidden width 200. The pixel distribution follows the range unless named: Bernoulli
// for 0/1; otherwise a 3-component discretised logistic mixture (local AR) or a beta-binomial
// (the paper's VAE) over 0..maxPixelValue.
import { invalidArgument } from '../errors.js';
import type { PixelLikelihood } from '../model/factorized-vae-spec.js';
import type { LocalPixelLikelihood } from '../model/local-ar-vae-spec.js';
import type { ModelSpec } from '../model/spec.js';

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, Math.round(value)));

export type TrainArchitecture = ModelSpec['architecture'];

/** The likelihoods each architecture offers, the range's default first where it applies. */
export const LIKELIHOODS: Record<TrainArchitecture, readonly string[]> = {
  'local-ar-vae': ['logistic-mixture', 'bernoulli'],
  vae: ['beta-binomial', 'categorical', 'bernoulli'],
};

export interface DefaultSpecOptions {
  name: string;
  height: number;
  width: number;
  maxPixelValue: number;
  architecture?: TrainArchitecture;
  likelihood?: LocalPixelLikelihood | PixelLikelihood;
}

export function defaultSpec({ name, height, width, maxPixelValue, architecture = 'local-ar-vae', likelihood }: DefaultSpecOptions): ModelSpec {
  const pixels = height * width;
  const offered = LIKELIHOODS[architecture];
  const chosen = likelihood ?? (maxPixelValue === 1 ? 'bernoulli' : offered[0]!);
  if (!offered.includes(chosen)) invalidArgument(`the ${architecture} architecture offers the likelihoods ${offered.join(', ')}, not ${chosen}`);
  if ((chosen === 'bernoulli') !== (maxPixelValue === 1)) invalidArgument(`Bernoulli pixels are exactly the 0/1 range; the range is 0..${maxPixelValue}`);
  if (architecture === 'vae') {
    return { name, architecture, pixels, hidden: clamp(pixels / 4, 64, 256), latent: clamp(pixels / 16, 4, 64), likelihood: chosen as PixelLikelihood, maxPixelValue };
  }
  return {
    name,
    architecture,
    height,
    width,
    pixels,
    latent: clamp(pixels / 49, 4, 32),
    maxPixelValue,
    likelihood: chosen as LocalPixelLikelihood,
    components: chosen === 'bernoulli' ? 1 : 3,
    encoderHidden: clamp(pixels / 4, 64, 256),
    decoderHidden: clamp(pixels / 6, 64, 128),
    features: pixels >= 256 ? 8 : 4,
    // Two rows above and two columns either side, less where the image is smaller.
    window: { rows: Math.min(2, height - 1), halfWidth: Math.min(2, width - 1) },
    pixelHidden: chosen === 'bernoulli' ? [32, 32] : [48, 48],
  };
}
