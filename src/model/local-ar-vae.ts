// A VAE whose likelihood is autoregressive over a small causal window (PixelVAE-style):
//   p(x | z) = prod_t p(x_t | x_<t in the window, h_t(z)),  raster order.
// Three networks: the encoder (pixels -> posterior mean and scale, as in the paper's VAE), the
// decoder (z -> a feature vector h_t for every pixel) and the pixel network (the window's
// neighbours and h_t -> pixel t's distribution). Training runs the pixel network on every pixel at
// once, the window as shifted copies of the image; coding runs it pixel by pixel inside the WASM
// coder (assembly/pixel-model.ts), which reads the same weights.
import * as tf from './tf.js';
import { invalidArgument } from '../errors.js';
import { causalOffsets } from './causal-window.js';
import type { Architecture, Networks } from './architecture.js';
import { type CustomLocalArBase, localArShapeFrom } from './custom-networks.js';
import { LOCAL_AR_ALIKE, checkLocalArSpec, localArCodecModel, localArNegativeElbo, localArSizes, validateLocalAr } from './local-ar-codec.js';
import { type PixelInputs, buildPixelNetwork, pixelLogPmf } from './pixel-network.js';
import type { LocalArVaeSpec, LocalPixelLikelihood } from './local-ar-vae-spec.js';
import { buildEncoder, dense, deriveSeed } from './vae.js';

/**
 * The window context, features per pixel. The sum layer's name is the one tfjs gave it, unasked,
 * when the shipped models were trained; it is part of the networks' topology and hence of their
 * fingerprint, so every build spells it out.
 */
export const LOCAL_AR_INPUTS: PixelInputs = { context: 'window', contextName: 'neighbours', sumLayer: 'add_Add1', sharedFeatures: false };

function buildLocalArNetworks(spec: LocalArVaeSpec, seed: number): Networks {
  if (!spec.encoderHidden || !spec.decoderHidden) invalidArgument(`${spec.name}: building the networks needs the encoder and decoder widths`);
  const encoder = buildEncoder(spec, spec.encoderHidden, seed);

  const latent = tf.input({ shape: [spec.latent], name: 'decoder_latent' });
  const hidden = dense('decoder_hidden', spec.decoderHidden, 'relu', deriveSeed(seed, 4)).apply(latent) as tf.SymbolicTensor;
  const features = dense('decoder_features', spec.pixels * spec.features, 'linear', deriveSeed(seed, 5)).apply(hidden) as tf.SymbolicTensor;
  const decoder = tf.model({ inputs: latent, outputs: features, name: `${spec.name}-decoder` });
  return { encoder, decoder, pixel: buildPixelNetwork(spec, LOCAL_AR_INPUTS, seed) };
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
    const rows = batch * spec.pixels;
    const perPixel = pixelLogPmf(spec, networks.pixel!, tf.reshape(pixels, [rows, 1]), neighbours, tf.reshape(features, [rows, spec.features]), undefined, training);
    return tf.sum(tf.reshape(perPixel, [batch, spec.pixels]), 1) as tf.Tensor1D;
  });
}

/**
 * A local autoregressive VAE from a user's own networks (the architecture of mnist-8bit-ar):
 * decoder latents [batch, latent] -> features [batch, P * F]; pixel network with inputs
 * [neighbours, F] laid out as buildPixelNetwork builds them (checked layer by layer).
 */
export interface CustomLocalArOptions extends CustomLocalArBase {
  architecture: 'local-ar-vae';
}

export const localArVae: Architecture<LocalArVaeSpec, CustomLocalArOptions> = {
  ...LOCAL_AR_ALIKE,
  // Sized from the image (localArSizes), 8 features per pixel from 256 pixels up (else 4); two rows
  // above and two columns either side, less where the image is smaller.
  defaultSpec: ({ name, height, width, maxPixelValue, likelihood }) => {
    const pixels = height * width;
    const bernoulli = likelihood === 'bernoulli';
    return {
      name, architecture: 'local-ar-vae', height, width, pixels, maxPixelValue, ...localArSizes(pixels),
      likelihood: likelihood as LocalPixelLikelihood, components: bernoulli ? 1 : 3, features: pixels >= 256 ? 8 : 4,
      window: { rows: Math.min(2, height - 1), halfWidth: Math.min(2, width - 1) }, pixelHidden: bernoulli ? [32, 32] : [48, 48],
    };
  },
  checkSpec: (spec) => checkLocalArSpec(spec, LOCAL_AR_INPUTS),
  build: buildLocalArNetworks,
  batch: (spec, pixels, count) => ({ pixels: tf.tensor2d(pixels, [count, spec.pixels]), neighbours: causalNeighbours(spec, pixels, count) }),
  negativeElbo: (vae, batch, noise, training) =>
    localArNegativeElbo(vae, batch, noise, training, (features) => localArLogLikelihood(vae.spec, vae.networks, batch.pixels, batch.neighbours!, features, training)),
  codec: (vae, coding) => localArCodecModel(vae, coding, LOCAL_AR_INPUTS),
  validate: (spec, networks) => validateLocalAr(spec, networks, LOCAL_AR_INPUTS),
  fromNetworks: (options) => ({ ...localArShapeFrom(options, (pixels) => pixels), architecture: 'local-ar-vae' }),
};
