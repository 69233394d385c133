// Plugging your own VAE into bbans: a tiny (untrained) model for 8x8 images with 4-bit pixels
// (values 0..15). Any tfjs encoder/decoder pair with these input and output shapes works; train it
// first for a good rate. Run from the repo after `npm ci`: node examples/custom-model.mjs
import * as tf from '@tensorflow/tfjs-layers';
import { compress, createModel, decompress, ready } from 'bbans';

await ready(); // the tfjs wasm backend, which bbans codes with, must be up before building layers

const pixels = 8 * 8;
const latent = 6;

// encoder: pixels [batch, 64] -> [mean, standard deviation], each [batch, latent]
const x = tf.input({ shape: [pixels] });
const h = tf.layers.dense({ units: 32, activation: 'relu' }).apply(x);
const mean = tf.layers.dense({ units: latent }).apply(h);
const scale = tf.layers.dense({ units: latent, activation: 'softplus' }).apply(h);
const encoder = tf.model({ inputs: x, outputs: [mean, scale] });

// decoder: latents [batch, latent] -> beta-binomial alpha and beta, each [batch, 64], positive
const z = tf.input({ shape: [latent] });
const g = tf.layers.dense({ units: 32, activation: 'relu' }).apply(z);
const alpha = tf.layers.dense({ units: pixels, activation: 'softplus' }).apply(g);
const beta = tf.layers.dense({ units: pixels, activation: 'softplus' }).apply(g);
const decoder = tf.model({ inputs: z, outputs: [alpha, beta] });

const model = createModel({ name: 'my-8x8-4bit', encoder, decoder, likelihood: 'beta-binomial', trials: 15, itemShape: [8, 8] });

const images = Uint8Array.from({ length: 100 * pixels }, (_, i) => (i * 7) % 16);
const bytes = await compress({ data: images, shape: [100, 8, 8] }, { model, chains: 10 });
const back = await decompress(bytes, { model });
console.log(`${images.length} pixels -> ${bytes.length} bytes, exact: ${back.data.every((v, i) => v === images[i])}`);
