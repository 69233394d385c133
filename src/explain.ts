// Where the bits go: the cost of every pixel of every image under a model, as the codec would pay
// it with the latent at the bin of the posterior mean, and the latent's own net cost (the prior's
// bits minus the bits the posterior gives back). The demo draws these as cost maps.
import { binCentres, binOf, gaussianPosterior } from './codecs.js';
import { fromLaneMajor, toLaneMajor } from './lane-major.js';
import { invalidArgument } from './errors.js';
import { type CodecModel, bestShippedModelFor, loadModel } from './models.js';

export interface PixelCosts {
  /** Bits per pixel, row-major like the input: -log2 of the quantised probability of each pixel. */
  pixelBits: Float64Array;
  /** Per image: the latent's net cost in bits (prior minus posterior), at the posterior mean's bin. */
  latentBits: Float64Array;
  modelName: string;
}

/** Images the networks see at once. */
const BATCH = 64;

/** The per-pixel costs of `count` images of `model`'s item size (no file is written). */
export async function pixelCosts(pixels: Uint8Array, options: { model?: string | CodecModel } = {}): Promise<PixelCosts> {
  const choice = options.model ?? bestShippedModelFor(pixels);
  const model = typeof choice === 'string' ? await loadModel(choice) : choice;
  const size = model.spec.pixels;
  if (!(pixels instanceof Uint8Array) || pixels.length % size !== 0) invalidArgument(`pixels must be a Uint8Array of whole ${size}-pixel images`);
  const count = pixels.length / size;
  const { binsLog2, posteriorPrecision } = model.coding;
  const chain = model.latent(model.coding.likelihoodPrecision);
  const pixelBits = new Float64Array(pixels.length);
  const latentBits = new Float64Array(count);
  for (let first = 0; first < count; first += BATCH) {
    const batch = Math.min(BATCH, count - first);
    const images = pixels.subarray(first * size, (first + batch) * size);
    const { means, scales } = chain.encode(Float32Array.from(images), batch);
    const latents = binOf(binsLog2, Float64Array.from(means));
    const posterior = gaussianPosterior(binsLog2, toLaneMajor(means, batch, chain.latentSize), toLaneMajor(scales, batch, chain.latentSize), posteriorPrecision);
    const { freqs: latentFreqs } = posterior.intervals(toLaneMajor(latents, batch, chain.latentSize));
    const likelihood = chain.likelihood(binCentres(binsLog2, latents), batch);
    const { freqs } = likelihood.intervals(toLaneMajor(Uint32Array.from(images), batch, size));
    const bits = fromLaneMajor(Float64Array.from(freqs, (f) => likelihood.precision - Math.log2(f)), batch, size);
    pixelBits.set(bits, first * size);
    for (let b = 0; b < batch; b++) {
      let given = 0;
      for (let l = 0; l < chain.latentSize; l++) given += posteriorPrecision - Math.log2(latentFreqs[l * batch + b]!);
      latentBits[first + b] = chain.latentSize * binsLog2 - given;
    }
  }
  return { pixelBits, latentBits, modelName: model.name };
}
