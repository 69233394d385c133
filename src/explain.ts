// Where the bits go: the cost of every pixel of every image under a model, as the codec would pay
// it with the latent at the posterior's point estimate (a Gaussian's: the bin of its mean), and the
// latent's own net cost (the prior's bits minus the bits the posterior gives back). The demo draws
// these as cost maps. It composes the codecs the model hands it per batch, as the chain does.
import type { DistributionCodec } from './codecs.js';
import { fromLaneMajor, toLaneMajor } from './lane-major.js';
import { invalidArgument } from './errors.js';
import { type CodecModel, bestShippedModelFor, loadModel } from './models.js';

export interface PixelCosts {
  /** Bits per pixel, row-major like the input: -log2 of the quantised probability of each pixel. */
  pixelBits: Float64Array;
  /** Per image: the latent's net cost in bits (prior minus posterior), at the posterior's point estimate. */
  latentBits: Float64Array;
  modelName: string;
}

/** Images the networks see at once. */
const BATCH = 64;

/** What each symbol costs under `codec`: precision - log2(freq), in the codec's (lane-major) order. */
function symbolBits(codec: DistributionCodec, symbols: Uint32Array): Float64Array {
  return Float64Array.from(codec.intervals(symbols).freqs, (freq) => codec.precision - Math.log2(freq));
}

/** The bits of each of `lanes` lanes (one image each), from a lane-major array of bits. */
function laneTotals(bits: Float64Array, lanes: number): Float64Array {
  const totals = new Float64Array(lanes);
  for (let i = 0; i < bits.length; i++) totals[i % lanes] += bits[i]!;
  return totals;
}

/** The per-pixel costs of `count` images of `model`'s item size (no file is written). */
export async function pixelCosts(pixels: Uint8Array, options: { model?: string | CodecModel } = {}): Promise<PixelCosts> {
  const choice = options.model ?? bestShippedModelFor(pixels);
  const model = typeof choice === 'string' ? await loadModel(choice) : choice;
  const size = model.spec.pixels;
  if (!(pixels instanceof Uint8Array) || pixels.length % size !== 0) invalidArgument(`pixels must be a Uint8Array of whole ${size}-pixel images`);
  const count = pixels.length / size;
  const latentModel = model.latentVariableModel(model.coding);
  const pixelBits = new Float64Array(pixels.length);
  const latentBits = new Float64Array(count);
  for (let first = 0; first < count; first += BATCH) {
    const batch = Math.min(BATCH, count - first);
    const images = toLaneMajor(Uint32Array.from(pixels.subarray(first * size, (first + batch) * size)), batch, size);
    const { prior, likelihood, posterior } = latentModel.batch(batch);
    const given = posterior(images);
    const latent = given.pointEstimate();
    pixelBits.set(fromLaneMajor(symbolBits(likelihood(latent), images), batch, size), first * size);
    const [priorBits, givenBits] = [laneTotals(symbolBits(prior, latent), batch), laneTotals(symbolBits(given, latent), batch)];
    for (let b = 0; b < batch; b++) latentBits[first + b] = priorBits[b]! - givenBits[b]!;
  }
  return { pixelBits, latentBits, modelName: model.name };
}
