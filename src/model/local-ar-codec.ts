// A local autoregressive VAE (src/model/local-ar-vae.ts, src/model/predictive-ar-vae.ts) as the
// chain's LatentVariableModel: the encoder gives the Gaussian latent, the decoder (tfjs) the features,
// and the pixel network, read once out of its tfjs layers into a WASM PixelNetwork, codes the
// pixels (src/autoregressive.ts).
import { invalidArgument } from '../errors.js';
import type { LatentVariableModel } from '../latent-model.js';
import { contextWidth, localAutoregressive, pixelOutputs } from '../autoregressive.js';
import * as tf from './tf.js';
import type { CodingSettings, ModelBatch, Networks, Vae } from './architecture.js';
import { gaussianKlFromStandardNormal } from './likelihoods.js';
import { MAX_PIXEL_LAYERS, type PixelInputs, type PixelNetworkShape, pixelNetworkOf, validatePixelNetwork } from './pixel-network.js';
import { MAX_ITEM_PIXELS } from '../format/fields.js';
import { checkParameterCount, denseParameters, integerField, integerList, invalidModel, objectField, oneOf } from './spec-check.js';
import { type OutputArray, runNetwork } from './run.js';
import { type EncoderShape, encoderOf, sized, vaeCodecModel, validateEncoder } from './vae.js';
import { reusable } from '../memory.js';
import type { ModelSpec } from './spec.js';
import type { LocalArShapeSpec } from './local-ar-vae-spec.js';

type LocalArShape = PixelNetworkShape & EncoderShape;

/** Features the decoder gives for one image: one vector shared by its pixels, or one per pixel. */
export function featuresPerImage(spec: Pick<LocalArShape, 'pixels' | 'features'>, inputs: Pick<PixelInputs, 'sharedFeatures'>): number {
  return inputs.sharedFeatures ? spec.features : spec.pixels * spec.features;
}

/**
 * The sizes every local autoregressive architecture takes from an image of `pixels`, within bounds
 * the MNIST models (784 pixels) sit inside: latents P/49 in 4..32, encoder P/4 in 64..256,
 * decoder P/6 in 64..128.
 */
export function localArSizes(pixels: number): { latent: number; encoderHidden: number; decoderHidden: number } {
  return { latent: sized(pixels / 49, 4, 32), encoderHidden: sized(pixels / 4, 64, 256), decoderHidden: sized(pixels / 6, 64, 128) };
}

/** Per-image negative ELBO in nats of a local autoregressive VAE, given its log p(x | z) for the decoder's features. */
export function localArNegativeElbo(vae: Vae, batch: ModelBatch, noise: tf.Tensor2D, training: boolean, logLikelihood: (features: tf.Tensor) => tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const { mu, sigma } = encoderOf(vae.networks.encoder!, batch.pixels, training);
    const features = vae.networks.decoder!.apply(tf.add(mu, tf.mul(sigma, noise)), { training }) as tf.Tensor;
    return tf.sub(gaussianKlFromStandardNormal(mu, sigma), logLikelihood(features)) as tf.Tensor1D;
  });
}

/** What the local autoregressive architectures have alike: their networks, likelihoods, precisions and fixed item shape. */
export const LOCAL_AR_ALIKE = {
  networkNames: ['encoder', 'decoder', 'pixel'],
  likelihoods: ['logistic-mixture', 'bernoulli'],
  defaultPrecision: (spec: LocalArShapeSpec): number => (spec.likelihood === 'bernoulli' ? 20 : 24),
  itemShape: (spec: LocalArShapeSpec): number[] => [spec.height, spec.width],
} as const;

/** The spec fields every local autoregressive architecture has, inside bbans's limits (Architecture.checkSpec). */
export function checkLocalArSpec(spec: Record<string, unknown>, inputs: PixelInputs): void {
  const height = integerField(spec, 'height', 1, 4096);
  const width = integerField(spec, 'width', 1, 4096);
  const pixels = integerField(spec, 'pixels', 1, MAX_ITEM_PIXELS);
  if (pixels !== height * width) invalidModel(`model spec: pixels ${pixels} is not height x width = ${height * width}`);
  const latent = integerField(spec, 'latent', 1, 1024);
  const likelihood = oneOf(spec, 'likelihood', ['bernoulli', 'logistic-mixture'] as const);
  integerField(spec, 'maxPixelValue', 1, likelihood === 'bernoulli' ? 1 : 65535);
  const components = integerField(spec, 'components', 1, likelihood === 'bernoulli' ? 1 : 16);
  const encoderHidden = integerField(spec, 'encoderHidden', 1, 4096);
  const decoderHidden = integerField(spec, 'decoderHidden', 1, 4096);
  const features = integerField(spec, 'features', 1, 64);
  const window = objectField(spec, 'window');
  const rows = integerField(window, 'rows', 0, 8);
  const halfWidth = integerField(window, 'halfWidth', 0, 8);
  if (rows + halfWidth === 0) invalidModel('model spec: the causal window must hold at least one neighbour');
  const hidden = integerList(spec, 'pixelHidden', [1, MAX_PIXEL_LAYERS - 1], 1, 1024);
  const heads = pixelOutputs({ likelihood, components });
  checkParameterCount(String(spec.name), denseParameters(pixels, encoderHidden) + 2 * denseParameters(encoderHidden, latent)
    + denseParameters(latent, decoderHidden, featuresPerImage({ pixels, features }, inputs)) + contextWidth(inputs.context, { rows, halfWidth }) * hidden[0]! + denseParameters(features, ...hidden, heads));
}

export function localArCodecModel<S extends ModelSpec & LocalArShape>(vae: Vae<S>, coding: CodingSettings, inputs: PixelInputs): LatentVariableModel {
  const { spec, networks: { decoder, pixel } } = vae;
  const precision = coding.likelihoodPrecision;
  const network = pixelNetworkOf(spec, inputs, pixel!);
  // One features array for every batch (the largest yet, viewed at each batch's size), not a new
  // 25 KB per image. A codec reads its features as it pushes or pops, so only the newest one may
  // be used: the chain uses each before it asks for the next, and an older one refuses to run.
  const features: OutputArray = reusable(Float32Array);
  let newest = 0;
  return vaeCodecModel(vae, coding, (latents, batch) => {
    const [batchFeatures] = runNetwork(decoder!, latents, batch, spec.latent, undefined, features);
    const codec = localAutoregressive(network, batchFeatures!, batch, precision);
    const mine = ++newest;
    const current = <A extends unknown[], R>(method: (...args: A) => R) => (...args: A): R => {
      if (mine !== newest) invalidArgument('this likelihood codec is stale: its features were replaced by a later likelihood call (use each codec before asking for the next)');
      return method(...args);
    };
    return { precision, push: current(codec.push), pop: current(codec.pop), intervals: current(codec.intervals), cost: current(codec.cost) };
  });
}

/** The networks must be exactly what the WASM loop evaluates: checked layer by layer. */
export function validateLocalAr(spec: LocalArShape, networks: Networks, inputs: PixelInputs): void {
  validateEncoder(spec, networks.encoder);
  const { decoder, pixel } = networks;
  const featureWidth = featuresPerImage(spec, inputs);
  if (!decoder || decoder.inputs[0]?.shape.slice(1).join() !== String(spec.latent) || decoder.outputs.length !== 1 || decoder.outputs[0]!.shape.slice(1).join() !== String(featureWidth)) {
    invalidArgument(`decoder must map [batch, ${spec.latent}] to [batch, ${featureWidth}] (${spec.features} features ${inputs.sharedFeatures ? 'per image' : 'per pixel'})`);
  }
  validatePixelNetwork(spec, inputs, pixel);
}
