// A VAE whose likelihood is autoregressive over a small causal window (PixelVAE-style):
//   p(x | z) = prod_t p(x_t | x_<t in the window, h_t(z)),  raster order.
// Three networks: the encoder (pixels -> posterior mean and scale, as in the paper's VAE), the
// decoder (z -> a feature vector h_t for every pixel) and the pixel network (the window's
// neighbours and h_t -> pixel t's distribution). Training runs the pixel network on every pixel at
// once, the window as shifted copies of the image; coding runs it pixel by pixel inside the WASM
// coder (assembly/autoregressive.ts), which reads the same weights.
import * as tf from './tf.js';
import { invalidArgument } from '../errors.js';
import { causalOffsets } from './causal-window.js';
import { type LocalArVaeSpec, pixelHeads } from './local-ar-vae-spec.js';
import { logisticMixtureLogPmf } from './logistic-mixture.js';
import { bernoulliLogPmf, gaussianKlFromStandardNormal } from './likelihoods.js';
import type { Architecture, Networks } from './architecture.js';
import { localArCodecModel, validateLocalAr } from './local-ar-codec.js';
import { buildEncoder, dense, deriveSeed, encoderOf } from './vae.js';
import { MAX_ITEM_PIXELS } from '../format/fields.js';
import { checkParameterCount, denseParameters, integerField, integerList, invalidModel, objectField, oneOf } from './spec-check.js';

/**
 * The sum layer's name is the one tfjs gave it, unasked, when the shipped models were trained; it
 * is part of the networks' topology and hence of their fingerprint, so every build spells it out.
 */
const ADD_LAYER = 'add_Add1';

function buildLocalArNetworks(spec: LocalArVaeSpec, seed: number): Networks {
  if (!spec.encoderHidden || !spec.decoderHidden) invalidArgument(`${spec.name}: building the networks needs the encoder and decoder widths`);
  const encoder = buildEncoder(spec, spec.encoderHidden, seed);

  const latent = tf.input({ shape: [spec.latent], name: 'decoder_latent' });
  const hidden = dense('decoder_hidden', spec.decoderHidden, 'relu', deriveSeed(seed, 4)).apply(latent) as tf.SymbolicTensor;
  const features = dense('decoder_features', spec.pixels * spec.features, 'linear', deriveSeed(seed, 5)).apply(hidden) as tf.SymbolicTensor;
  const decoder = tf.model({ inputs: latent, outputs: features, name: `${spec.name}-decoder` });

  // The first layer reads the neighbours and the features through two inputs, summed: a
  // concatenated input would cost a split of every gradient in training.
  const neighbours = tf.input({ shape: [causalOffsets(spec.window).length], name: 'pixel_neighbours' });
  const pixelFeatures = tf.input({ shape: [spec.features], name: 'pixel_features' });
  const [first, ...rest] = spec.pixelHidden;
  const fromNeighbours = tf.layers.dense({ name: 'pixel_hidden_0_neighbours', units: first!, useBias: false,
    kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 6) }) }).apply(neighbours) as tf.SymbolicTensor;
  const fromFeatures = dense('pixel_hidden_0_features', first!, 'linear', deriveSeed(seed, 7)).apply(pixelFeatures) as tf.SymbolicTensor;
  let x = tf.layers.reLU({ name: 'pixel_hidden_0' }).apply(tf.layers.add({ name: ADD_LAYER }).apply([fromNeighbours, fromFeatures])) as tf.SymbolicTensor;
  rest.forEach((units, i) => {
    x = dense(`pixel_hidden_${i + 1}`, units, 'relu', deriveSeed(seed, 11 + i)).apply(x) as tf.SymbolicTensor;
  });
  // One head per parameter group, so training never splits a [pixels, 3K] tensor (slow on wasm).
  const heads = pixelHeads(spec).map(([head, units], i) => dense(`pixel_${head}`, units, 'linear', deriveSeed(seed, 20 + i)).apply(x) as tf.SymbolicTensor);
  const pixel = tf.model({ inputs: [neighbours, pixelFeatures], outputs: heads, name: `${spec.name}-pixel` });
  return { encoder, decoder, pixel };
}

/**
 * The window's neighbours of every pixel as network input, [batch * pixels, neighbours], values
 * scaled to 0..1 (0 outside the image). Plain data, computed outside the gradient tape.
 */
export function causalNeighbours(spec: LocalArVaeSpec, pixels: Float32Array, batch: number): tf.Tensor2D {
  const offsets = causalOffsets(spec.window);
  const { height, width } = spec;
  const out = new Float32Array(batch * spec.pixels * offsets.length);
  const scale = 1 / spec.maxPixelValue;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const image = b * spec.pixels;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (const [dy, dx] of offsets) {
          const yy = y + dy;
          const xx = x + dx;
          out[o++] = yy >= 0 && xx >= 0 && xx < width ? pixels[image + yy * width + xx]! * scale : 0;
        }
      }
    }
  }
  return tf.tensor2d(out, [batch * spec.pixels, offsets.length]);
}

/** Per-image log p(x | z) in nats, for decoder features [batch, pixels * features]. */
export function localArLogLikelihood(spec: LocalArVaeSpec, networks: Networks, pixels: tf.Tensor2D, neighbours: tf.Tensor, features: tf.Tensor, training = false): tf.Tensor1D {
  return tf.tidy(() => {
    const batch = pixels.shape[0];
    const out = networks.pixel!.apply([neighbours, tf.reshape(features, [batch * spec.pixels, spec.features])], { training }) as tf.Tensor | tf.Tensor[];
    const raw = Array.isArray(out) ? out : [out];
    const x = tf.reshape(pixels, [batch * spec.pixels, 1]);
    const perPixel = spec.likelihood === 'bernoulli'
      ? tf.reshape(bernoulliLogPmf(x, raw[0]!), [batch * spec.pixels])
      : logisticMixtureLogPmf(x, raw[0]!, raw[1]!, raw[2]!, spec.maxPixelValue);
    return tf.sum(tf.reshape(perPixel, [batch, spec.pixels]), 1) as tf.Tensor1D;
  });
}

/** The WASM coder evaluates at most this many dense layers per pixel (hidden layers and the heads' layer). */
const MAX_PIXEL_LAYERS = 8;

export const localArVae: Architecture<LocalArVaeSpec> = {
  networkNames: ['encoder', 'decoder', 'pixel'],
  checkSpec(spec) {
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
    const heads = likelihood === 'bernoulli' ? 1 : 3 * components;
    const neighbours = causalOffsets({ rows, halfWidth }).length;
    checkParameterCount(String(spec.name), denseParameters(pixels, encoderHidden) + 2 * denseParameters(encoderHidden, latent)
      + denseParameters(latent, decoderHidden, pixels * features) + neighbours * hidden[0]! + denseParameters(features, ...hidden, heads));
  },
  build: buildLocalArNetworks,
  batch: (spec, pixels, count) => ({ pixels: tf.tensor2d(pixels, [count, spec.pixels]), neighbours: causalNeighbours(spec, pixels, count) }),
  negativeElbo(vae, batch, noise, training) {
    return tf.tidy(() => {
      const { mu, sigma } = encoderOf(vae.networks.encoder!, batch.pixels, training);
      const features = vae.networks.decoder!.apply(tf.add(mu, tf.mul(sigma, noise)), { training }) as tf.Tensor;
      const logLikelihood = localArLogLikelihood(vae.spec, vae.networks, batch.pixels, batch.neighbours!, features, training);
      return tf.sub(gaussianKlFromStandardNormal(mu, sigma), logLikelihood) as tf.Tensor1D;
    });
  },
  codec: (vae, precision) => localArCodecModel(vae, precision),
  defaultPrecision: (spec) => (spec.likelihood === 'bernoulli' ? 20 : 24),
  validate: validateLocalAr,
};
