// The paper's VAE (Townsend et al. 2019): an MLP encoder and decoder, and pixels that are
// independent given z, each with its own distribution whose parameters the decoder gives.
// Each pixel likelihood lives in one entry of LIKELIHOODS: its decoder heads, its log pmf for
// training, and its codec.
import * as tf from './tf.js';
import { type DistributionCodec, MAX_TRIALS, bernoulli, betaBinomial, categoricalProbs } from '../codecs.js';
import { MAX_ITEM_PIXELS } from '../format/fields.js';
import { checkParameterCount, denseParameters, integerField, invalidModel, oneOf } from './spec-check.js';
import { invalidArgument } from '../errors.js';
import type { Architecture, Networks } from './architecture.js';
import { type CustomModelBase, checkItemShape, latentWidth } from './custom-networks.js';
import type { PixelLikelihood, VaeSpec } from './factorized-vae-spec.js';
import { toLaneMajor } from '../lane-major.js';
import { bernoulliLogPmf, betaBinomialLogPmf, categoricalLogPmf, gaussianKlFromStandardNormal } from './likelihoods.js';
import { positive } from './positive.js';
import { runNetwork } from './run.js';
import { buildEncoder, dense, deriveSeed, encoderOf, sized, vaeCodecModel, validateEncoder } from './vae.js';

interface FactorizedLikelihood {
  /** Output heads of the decoder: name, width per pixel, activation. */
  heads: Array<{ name: string; perPixel: (spec: VaeSpec) => number; activation: 'linear' | 'softplus' }>;
  /** Elementwise log pmf [batch, pixels] of raw pixel values given the decoder heads' outputs, for training. */
  logPmf(spec: VaeSpec, pixels: tf.Tensor, heads: tf.Tensor[]): tf.Tensor;
  /** Head outputs -> the codec's parameters (run by tfjs on both sides of the codec alike). */
  toParameters(spec: VaeSpec, head: tf.Tensor, batch: number): tf.Tensor;
  codec(spec: VaeSpec, parameters: Float32Array[], precision: number): DistributionCodec;
  precision: number;
}

const LIKELIHOODS: Record<PixelLikelihood, FactorizedLikelihood> = {
  bernoulli: {
    heads: [{ name: 'logits', perPixel: () => 1, activation: 'linear' }],
    logPmf: (_spec, x, [logits]) => bernoulliLogPmf(x, logits!),
    toParameters: (_spec, logits) => tf.sigmoid(logits),
    codec: (_spec, [probs], precision) => bernoulli(probs!, precision),
    precision: 16,
  },
  'beta-binomial': {
    heads: [
      { name: 'alpha', perPixel: () => 1, activation: 'softplus' },
      { name: 'beta', perPixel: () => 1, activation: 'softplus' },
    ],
    logPmf: (spec, x, [alpha, beta]) => betaBinomialLogPmf(x, positive(alpha!), positive(beta!), spec.maxPixelValue),
    toParameters: (_spec, head) => positive(head),
    codec: (spec, [alphas, betas], precision) => betaBinomial(spec.maxPixelValue, alphas!, betas!, precision),
    precision: 24,
  },
  categorical: {
    heads: [{ name: 'logits', perPixel: (spec) => spec.maxPixelValue + 1, activation: 'linear' }],
    logPmf: (spec, x, [logits]) => categoricalLogPmf(x, tf.logSoftmax(tf.reshape(logits!, [x.shape[0]!, spec.pixels, spec.maxPixelValue + 1]))),
    toParameters: (spec, logits, batch) => tf.reshape(tf.softmax(tf.reshape(logits, [batch, spec.pixels, spec.maxPixelValue + 1])), [batch, -1]),
    codec: (spec, [probs], precision) => categoricalProbs(spec.maxPixelValue + 1, probs!, precision),
    precision: 24,
  },
};

function hiddenWidth(spec: VaeSpec): number {
  if (!spec.hidden) invalidArgument(`${spec.name}: building the networks needs the hidden width`);
  return spec.hidden;
}

function buildDecoder(spec: VaeSpec, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [spec.latent], name: 'decoder_latent' });
  const hidden = dense('decoder_hidden', hiddenWidth(spec), 'relu', deriveSeed(seed, 4)).apply(input) as tf.SymbolicTensor;
  const outputs = LIKELIHOODS[spec.likelihood].heads.map(
    (head, i) => dense(`decoder_${head.name}`, spec.pixels * head.perPixel(spec), head.activation, deriveSeed(seed, 5 + i)).apply(hidden) as tf.SymbolicTensor,
  );
  return tf.model({ inputs: input, outputs, name: `${spec.name}-decoder` });
}

const MAX_VALUE: Record<PixelLikelihood, number> = { bernoulli: 1, 'beta-binomial': MAX_TRIALS, categorical: 255 };

/** The paper's kind of VAE from a user's own networks: pixels independent given z. */
export interface CustomVaeOptions extends CustomModelBase {
  /**
   * Latents [batch, latent] -> Bernoulli logits [batch, P], or beta-binomial [alpha, beta] (positive)
   * [batch, P] each, or categorical logits [batch, P * values] (pixel-major), with P = prod(itemShape).
   */
  decoder: CustomModelBase['decoder'];
  likelihood: PixelLikelihood;
  itemShape: number[];
  /** Beta-binomial pixels take values 0..trials (default 255). */
  trials?: number;
  /** Categorical pixels take values 0..values-1 (default 256). */
  values?: number;
}

function specFromNetworks(options: CustomVaeOptions): VaeSpec {
  const { name, encoder, likelihood, itemShape } = options;
  if (!Object.hasOwn(LIKELIHOODS, likelihood)) invalidArgument(`likelihood must be 'bernoulli', 'beta-binomial' or 'categorical', got "${likelihood}"`);
  const pixels = checkItemShape(itemShape);
  const maxValue = likelihood === 'bernoulli' ? 1 : likelihood === 'categorical' ? (options.values ?? 256) - 1 : options.trials ?? 255;
  if (likelihood === 'beta-binomial' && !(Number.isInteger(maxValue) && maxValue >= 1 && maxValue <= MAX_TRIALS)) invalidArgument(`trials must be an integer in 1..${MAX_TRIALS}, got ${maxValue}`);
  if (likelihood === 'categorical' && !(Number.isInteger(maxValue) && maxValue >= 1 && maxValue <= 255)) invalidArgument(`values must be an integer in 2..256, got ${maxValue + 1}`);
  return { name, architecture: 'vae', pixels, latent: latentWidth(encoder), likelihood, maxPixelValue: maxValue };
}

export const factorizedVae: Architecture<VaeSpec, CustomVaeOptions> = {
  networkNames: ['encoder', 'decoder'],
  likelihoods: ['beta-binomial', 'categorical', 'bernoulli'],
  // The paper's VAE sized from the image: latents P/16 in 4..64, hidden width P/4 in 64..256 (50 and 200 at 784 pixels).
  defaultSpec: ({ name, height, width, maxPixelValue, likelihood }) => {
    const pixels = height * width;
    return { name, architecture: 'vae', pixels, hidden: sized(pixels / 4, 64, 256), latent: sized(pixels / 16, 4, 64), likelihood: likelihood as PixelLikelihood, maxPixelValue };
  },
  checkSpec(spec) {
    const pixels = integerField(spec, 'pixels', 1, MAX_ITEM_PIXELS);
    const hidden = integerField(spec, 'hidden', 1, 4096);
    const latent = integerField(spec, 'latent', 1, 1024);
    const likelihood = oneOf(spec, 'likelihood', Object.keys(LIKELIHOODS) as PixelLikelihood[]);
    const maxPixelValue = integerField(spec, 'maxPixelValue', 1, MAX_VALUE[likelihood]);
    if (likelihood === 'bernoulli' && maxPixelValue !== 1) invalidModel('model spec: Bernoulli pixels have maxPixelValue 1');
    const outputs = LIKELIHOODS[likelihood].heads.reduce((n, head) => n + pixels * head.perPixel(spec as unknown as VaeSpec), 0);
    checkParameterCount(String(spec.name), denseParameters(pixels, hidden) + 2 * denseParameters(hidden, latent) + denseParameters(latent, hidden, outputs));
  },
  build: (spec, seed) => ({ encoder: buildEncoder(spec, hiddenWidth(spec), seed), decoder: buildDecoder(spec, seed) }),
  batch: (spec, pixels, count) => ({ pixels: tf.tensor2d(pixels, [count, spec.pixels]) }),
  negativeElbo(vae, batch, noise, training) {
    return tf.tidy(() => {
      const { mu, sigma } = encoderOf(vae.networks.encoder!, batch.pixels, training);
      const z = tf.add(mu, tf.mul(sigma, noise));
      const raw = vae.networks.decoder!.apply(z, { training }) as tf.Tensor | tf.Tensor[];
      const logLikelihood = tf.sum(LIKELIHOODS[vae.spec.likelihood].logPmf(vae.spec, batch.pixels, Array.isArray(raw) ? raw : [raw]), -1);
      return tf.sub(gaussianKlFromStandardNormal(mu, sigma), logLikelihood) as tf.Tensor1D;
    });
  },
  codec(vae, coding) {
    const { spec } = vae;
    const likelihood = LIKELIHOODS[spec.likelihood];
    return vaeCodecModel(vae, coding, (latents, batch) => {
      const parameters = runNetwork(vae.networks.decoder!, latents, batch, spec.latent, (heads) => heads.map((h) => likelihood.toParameters(spec, h, batch)));
      return likelihood.codec(spec, parameters.map((p) => toLaneMajor(p, batch, spec.pixels, p.length / (batch * spec.pixels))), coding.likelihoodPrecision);
    });
  },
  defaultPrecision: (spec) => LIKELIHOODS[spec.likelihood].precision,
  itemShape: () => undefined,
  validate(spec, networks: Networks) {
    validateEncoder(spec, networks.encoder!);
    const decoder = networks.decoder!;
    const heads = LIKELIHOODS[spec.likelihood].heads;
    const want = heads.map((h) => spec.pixels * h.perPixel(spec));
    const got = decoder.outputs.map((o) => o.shape.slice(1).join());
    if (decoder.inputs[0]?.shape.slice(1).join() !== String(spec.latent) || got.join(';') !== want.join(';')) {
      invalidArgument(`decoder must map [batch, ${spec.latent}] to ${heads.length} output(s) of [batch, ${want.join('], [batch, ')}] for ${spec.likelihood} pixels; it maps [batch, ${decoder.inputs[0]?.shape.slice(1)}] to ${JSON.stringify(decoder.outputs.map((o) => o.shape.slice(1)))}`);
    }
  },
  fromNetworks: specFromNetworks,
};
