// The local autoregressive models and their fused WASM coder: the coder's log-probabilities are
// training's (so the trained -ELBO is the rate), every quantised table tiles [0, 2^precision),
// round trips are exact on real and odd images, and bad network outputs are refused.
import * as tf from '../src/model/tf.js';
import { describe, expect, it } from 'vitest';
import { BbansError, Message, localAutoregressive, pixelNetwork, pixelOutputs, type PixelNetworkSpec } from '../src/core.js';
import { compress, decompress } from '../src/api.js';
import { createModel, loadModel } from '../src/models.js';
import { toLaneMajor } from '../src/lane-major.js';
import { architectureOf } from '../src/model/architectures.js';
import { LOCAL_AR_INPUTS, localArLogLikelihood } from '../src/model/local-ar-vae.js';
import type { LocalArVaeSpec } from '../src/model/local-ar-vae-spec.js';
import { pixelNetworkOf } from '../src/model/pixel-network.js';
import { runNetwork } from '../src/model/run.js';
import { loadBinarizedMnistTest, loadMnistImages } from '../src/data/mnist.js';
import { randomInt, rng } from './random.js';
import { expectRoundTrip, meanBitsDifference, randomLayers } from './pixel-coder-checks.js';

const IMAGE = 784;
const mnist8 = new Uint8Array(loadMnistImages('test').pixels);
const mnistBinary = new Uint8Array(loadBinarizedMnistTest().pixels);
const MODELS = [['mnist-8bit-ar', mnist8], ['mnist-binary-ar', mnistBinary]] as const;

/** A random pixel network: sizes and weights drawn from `random`. */
function randomNetwork(random: () => number, overrides: Partial<PixelNetworkSpec> = {}): PixelNetworkSpec {
  const likelihood = overrides.likelihood ?? (random() < 0.5 ? 'bernoulli' : 'logistic-mixture');
  const components = likelihood === 'bernoulli' ? 1 : randomInt(random, 1, 4);
  const window = overrides.window ?? { rows: randomInt(random, 0, 2), halfWidth: randomInt(random, 1, 2) };
  const features = overrides.features ?? randomInt(random, 0, 3);
  const neighbours = window.rows * (2 * window.halfWidth + 1) + window.halfWidth;
  const widths = [neighbours + features, ...Array.from({ length: randomInt(random, 0, 2) }, () => randomInt(random, 1, 9)), pixelOutputs({ likelihood, components })];
  const layers = randomLayers(random, widths);
  return {
    likelihood, components, height: randomInt(random, 1, 5), width: randomInt(random, 1, 6),
    maxValue: likelihood === 'bernoulli' ? 1 : [3, 15, 255, 1000][randomInt(random, 0, 3)]!, window, features, layers, ...overrides,
  };
}

describe('local autoregressive coder', () => {
  it('random networks: every pixel table tiles [0, 2^precision) with every freq >= 1', () => {
    const random = rng(11);
    for (let c = 0; c < 30; c++) {
      // One pixel, so every lane's distribution depends on its features only: lane x holds symbol x.
      const spec = randomNetwork(random, { height: 1, width: 1 });
      const network = pixelNetwork(spec);
      const lanes = spec.maxValue + 1;
      const feature = Float32Array.from({ length: spec.features }, () => (random() - 0.5) * 10);
      const features = new Float32Array(lanes * spec.features);
      for (let lane = 0; lane < lanes; lane++) features.set(feature, lane * spec.features);
      const precision = randomInt(random, Math.ceil(Math.log2(lanes + 1)), 31);
      const { starts, freqs } = localAutoregressive(network, features, lanes, precision).intervals(Uint32Array.from({ length: lanes }, (_, x) => x));
      let end = 0;
      for (let x = 0; x < lanes; x++) {
        expect(starts[x], `case ${c}, symbol ${x}`).toBe(end);
        expect(freqs[x]).toBeGreaterThanOrEqual(1);
        end += freqs[x]!;
      }
      expect(end).toBe(2 ** precision);
    }
  });

  it('random networks, images and lane counts: push then pop gives the symbols back and the start state', () => {
    const random = rng(12);
    for (let c = 0; c < 40; c++) {
      const spec = randomNetwork(random);
      const network = pixelNetwork(spec);
      const lanes = randomInt(random, 1, 9);
      const pixels = spec.height * spec.width;
      const features = Float32Array.from({ length: lanes * pixels * spec.features }, () => (random() - 0.5) * 6);
      const symbols = Uint32Array.from({ length: pixels * lanes }, () => (random() < 0.5 ? 0 : randomInt(random, 0, spec.maxValue)));
      const precision = randomInt(random, Math.ceil(Math.log2(spec.maxValue + 2)), 31);
      expectRoundTrip(localAutoregressive(network, features, lanes, precision), lanes, symbols, spec.likelihood, spec.maxValue, `case ${c}`);
    }
  });

  it('refuses NaN or infinite network outputs and symbols out of range, with clear errors', () => {
    const spec = randomNetwork(rng(13), { likelihood: 'logistic-mixture', features: 2, height: 3, width: 3 });
    const network = pixelNetwork(spec);
    const symbols = new Uint32Array(9 * 2);
    const nanFeatures = new Float32Array(2 * 9 * 2);
    nanFeatures[2 * 4] = Number.NaN; // lane 0, pixel 4
    const message = Message.create(2);
    expect(() => localAutoregressive(network, nanFeatures, 2, 24).push(message, symbols)).toThrow(/pixel 4 of lane 0: the pixel network's output is NaN or infinite/);
    expect(() => localAutoregressive(network, nanFeatures, 2, 24).pop(message)).toThrow(BbansError);
    const tooLarge = symbols.slice();
    tooLarge[5] = spec.maxValue + 1;
    expect(() => localAutoregressive(network, new Float32Array(2 * 9 * 2), 2, 24).push(message, tooLarge)).toThrow(/outside 0\.\./);
    expect(() => pixelNetwork({ ...spec, layers: spec.layers.map((l) => ({ ...l, bias: l.bias.map(() => Infinity) })) })).toThrow(/finite/);
    expect(() => pixelNetwork({ ...spec, layers: [{ ...spec.layers[0]!, inputs: spec.layers[0]!.inputs + 1 }, ...spec.layers.slice(1)] })).toThrow(/layer 0/);
    expect(() => pixelNetwork({ ...spec, layers: [] })).toThrow(/1\.\.8 dense layers/);
    message.free();
  });
});

describe('shipped local autoregressive models', () => {
  for (const [name, pixels] of MODELS) {
    it(`${name}: the coder's log-probabilities match training's on real test images`, async () => {
      const model = await loadModel(name);
      const spec = model.spec as LocalArVaeSpec;
      const batch = 32;
      const images = Float32Array.from(pixels.subarray(0, batch * IMAGE));
      const [means] = runNetwork(model.vae.networks.encoder!, images, batch, IMAGE);
      const [features] = runNetwork(model.vae.networks.decoder!, means!, batch, spec.latent);
      const inputs = architectureOf(spec).batch(spec, images, batch);
      const trained = tf.tidy(() => localArLogLikelihood(spec, model.vae.networks, inputs.pixels, inputs.neighbours!, tf.tensor2d(features!, [batch, IMAGE * spec.features])).dataSync());
      tf.dispose(Object.values(inputs));
      const network = pixelNetworkOf(spec, LOCAL_AR_INPUTS, model.vae.networks.pixel!);
      const codec = localAutoregressive(network, features!, batch, model.coding.likelihoodPrecision);
      const log2p = codec.log2Probabilities(toLaneMajor(Uint32Array.from(images), batch, IMAGE));
      expect(meanBitsDifference(log2p, trained, batch, IMAGE), 'mean |difference| in bits per image').toBeLessThanOrEqual(0.01);
    });

    it(`${name}: real MNIST round trips for several N and chain counts`, async () => {
      for (const [count, chains] of [[1, 1], [3, 3], [37, 8], [64, 16]]) {
        const images = pixels.slice(2000 + 100 * chains, 2000 + 100 * chains + count * IMAGE);
        const bytes = await compress(images, { model: name, chains });
        const back = await decompress(bytes);
        expect(back.data).toEqual(images);
        expect(back.modelName).toBe(name);
      }
    });
  }

  it('a likelihood codec whose reused features a later call replaced refuses to code, and the newest codes what it was made for', async () => {
    const model = await loadModel('mnist-binary-ar');
    const { likelihood } = model.latentVariableModel(model.coding).batch(3);
    const latents = (seed: number) => Uint32Array.from({ length: 3 * model.spec.latent }, (_, i) => Math.floor((Math.sin(seed + i) + 1) * 2 ** (model.coding.binsLog2 - 1)));
    const symbols = toLaneMajor(Uint32Array.from(MODELS[1][1].subarray(0, 3 * IMAGE)), 3, IMAGE);
    const first = likelihood(latents(1));
    const expected = first.intervals(symbols);
    const second = likelihood(latents(2));
    expect(() => first.intervals(symbols)).toThrow(/stale/);
    expect(() => first.push(Message.create(3), symbols)).toThrow(/stale/);
    expect(second.intervals(symbols)).not.toEqual(expected);
    expect(likelihood(latents(1)).intervals(symbols)).toEqual(expected);
  });

  it('odd images round trip exactly: all-0, all-max, noise, inverted digits', async () => {
    const random = rng(14);
    const inverted = mnist8.slice(0, 6 * IMAGE).map((v) => 255 - v);
    const cases: Array<[string, Uint8Array]> = [
      ['mnist-8bit-ar', new Uint8Array(6 * IMAGE)],
      ['mnist-8bit-ar', new Uint8Array(6 * IMAGE).fill(255)],
      ['mnist-8bit-ar', Uint8Array.from({ length: 6 * IMAGE }, () => randomInt(random, 0, 255))],
      ['mnist-8bit-ar', inverted],
      ['mnist-binary-ar', new Uint8Array(6 * IMAGE)],
      ['mnist-binary-ar', new Uint8Array(6 * IMAGE).fill(1)],
      ['mnist-binary-ar', Uint8Array.from({ length: 6 * IMAGE }, () => randomInt(random, 0, 1))],
      ['mnist-binary-ar', mnistBinary.slice(0, 6 * IMAGE).map((v) => 1 - v)],
    ];
    for (const [model, images] of cases) {
      const back = await decompress(await compress(images, { model, chains: 4 }));
      expect(back.data).toEqual(images);
    }
  });

  it('compress picks the best shipped model for the data when none is named; a named model wins', async () => {
    const eight = mnist8.slice(0, 3 * IMAGE);
    const binary = mnistBinary.slice(0, 3 * IMAGE);
    expect((await decompress(await compress(eight))).modelName).toBe('mnist-8bit-ar');
    expect((await decompress(await compress({ data: binary, shape: [3, 28, 28] }))).modelName).toBe('mnist-binary-ar');
    expect((await decompress(await compress(binary, { model: 'mnist-8bit' }))).modelName).toBe('mnist-8bit');
  });

  it('a user model of the local autoregressive kind (createModel) round trips, and its networks are checked', async () => {
    const spec: LocalArVaeSpec = {
      name: 'tiny-ar', architecture: 'local-ar-vae', height: 5, width: 4, pixels: 20, latent: 3, maxPixelValue: 15,
      likelihood: 'logistic-mixture', components: 2, encoderHidden: 8, decoderHidden: 8, features: 2, window: { rows: 1, halfWidth: 1 }, pixelHidden: [6],
    };
    const networks = architectureOf(spec).build(spec, 5);
    const model = createModel({ name: 'tiny-ar', architecture: 'local-ar-vae', likelihood: 'logistic-mixture', itemShape: [5, 4], maxPixelValue: 15, window: { rows: 1, halfWidth: 1 }, encoder: networks.encoder!, decoder: networks.decoder!, pixel: networks.pixel! });
    expect(model.spec).toMatchObject({ latent: 3, features: 2, components: 2, pixelHidden: [6] });
    const random = rng(15);
    const data = Uint8Array.from({ length: 23 * 20 }, () => randomInt(random, 0, 15));
    const bytes = await compress({ data, shape: [23, 5, 4] }, { model, chains: 4 });
    expect((await decompress(bytes, { model })).data).toEqual(data);
    expect(() => createModel({ name: 'x', architecture: 'local-ar-vae', likelihood: 'logistic-mixture', itemShape: [5, 4], maxPixelValue: 15, encoder: networks.encoder!, decoder: networks.decoder!, pixel: networks.pixel! }))
      .toThrow(/pixel network/);
  });
});
