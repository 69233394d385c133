// The predictive local autoregressive VAE (src/model/predictive-ar-vae.ts) and the WASM predictive
// context (assembly/pixel-context.ts): the context is exactly its definition (checked against a
// plain reference here), the coder's log-probabilities are training's, random networks and images
// round trip through the fused coder, and real and odd images round trip through compress.
import * as tf from '../src/model/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { localAutoregressive, pixelNetwork, pixelOutputs, type PixelNetworkSpec } from '../src/core.js';
import { compress, decompress } from '../src/api.js';
import { createModel } from '../src/models.js';
import { codecModelOf } from '../src/models.js';
import { toLaneMajor } from '../src/lane-major.js';
import { predictiveContext } from '../src/autoregressive.js';
import { architectureOf } from '../src/model/architectures.js';
import { predictiveInputs, predictiveLogLikelihood } from '../src/model/predictive-ar-vae.js';
import type { PredictiveArVaeSpec } from '../src/model/predictive-ar-vae-spec.js';
import { pixelNetworkOf } from '../src/model/pixel-network.js';
import { causalOffsets } from '../src/model/causal-window.js';
import { runNetwork } from '../src/model/run.js';
import { useWasmBackend } from '../src/model/backend.js';
import { ALIGNED_SHARE, alignedShare, defaultSpec } from '../src/train/defaults.js';
import { loadMnistImages } from '../src/data/mnist.js';
import { randomInt, rng } from './random.js';
import { expectRoundTrip, meanBitsDifference, randomLayers } from './pixel-coder-checks.js';

const mnist8 = new Uint8Array(loadMnistImages('test').pixels);

/** The context's definition, written plainly: MED base, activity scale, differences, flags. */
function referenceContext(image: ArrayLike<number>, height: number, width: number, maxValue: number, window: { rows: number; halfWidth: number }, limit: number, y: number, x: number): { inputs: number[]; base: number; scale: number } {
  const at = (yy: number, xx: number): number => image[yy * width + xx]!;
  const n = y > 0 ? at(y - 1, x) : x > 0 ? at(y, x - 1) : 0;
  const w = x > 0 ? at(y, x - 1) : n;
  const nw = y > 0 && x > 0 ? at(y - 1, x - 1) : y > 0 ? n : w;
  const ne = y > 0 && x + 1 < width ? at(y - 1, x + 1) : n;
  const base = nw >= Math.max(w, n) ? Math.min(w, n) : nw <= Math.min(w, n) ? Math.max(w, n) : w + n - nw;
  const activity = Math.abs(w - nw) + Math.abs(n - nw) + Math.abs(n - ne);
  const inputs = causalOffsets(window).map(([dy, dx]) => {
    const yy = y + dy;
    const xx = x + dx;
    const units = (at(yy, xx) - base) * (1 / (activity + 2));
    return yy >= 0 && xx >= 0 && xx < width ? (limit > 0 ? Math.min(Math.max(units, -limit), limit) : units) : 0;
  });
  inputs.push(activity / maxValue, base / maxValue, Number(y === 0), Number(x === 0), Number(x === width - 1));
  return { inputs, base: base / maxValue, scale: (activity + 2) / maxValue };
}

/** A random pixel network over the predictive context, features per image. */
function randomPredictiveNetwork(random: () => number): PixelNetworkSpec {
  const likelihood = random() < 0.3 ? 'bernoulli' : 'logistic-mixture';
  const components = likelihood === 'bernoulli' ? 1 : randomInt(random, 1, 5);
  const window = { rows: randomInt(random, 0, 3), halfWidth: randomInt(random, 1, 3) };
  const features = randomInt(random, 0, 3);
  const inputs = causalOffsets(window).length + 5 + features;
  const widths = [inputs, ...Array.from({ length: randomInt(random, 0, 2) }, () => randomInt(random, 1, 20)), pixelOutputs({ likelihood, components })];
  const layers = randomLayers(random, widths);
  return {
    likelihood, components, height: randomInt(random, 1, 6), width: randomInt(random, 1, 7),
    maxValue: likelihood === 'bernoulli' ? 1 : [3, 255, 4095][randomInt(random, 0, 2)]!, context: 'predictive', window, features, sharedFeatures: true,
    absoluteComponents: likelihood === 'bernoulli' ? 0 : randomInt(random, 0, components), differenceLimit: randomInt(random, 0, 4), layers,
  };
}

/** A small predictive model with freshly initialised networks. */
function smallModel(height: number, width: number, maxPixelValue: number, overrides: Partial<PredictiveArVaeSpec> = {}) {
  const spec = { ...defaultSpec({ name: `tiny-predictive-${height}x${width}`, height, width, maxPixelValue, architecture: 'predictive-ar-vae' }), ...overrides } as PredictiveArVaeSpec;
  architectureOf(spec).checkSpec(spec as unknown as Record<string, unknown>);
  return codecModelOf(spec, [height, width], architectureOf(spec).build(spec, 7));
}

describe('predictive context', () => {
  it('is its definition at every pixel: MED base, activity scale, differences (clamped or not), border flags', () => {
    const random = rng(21);
    for (let c = 0; c < 12; c++) {
      const height = randomInt(random, 1, 6);
      const width = randomInt(random, 1, 6);
      const maxValue = [1, 255, 65535][c % 3]!;
      const window = { rows: randomInt(random, 0, 3), halfWidth: randomInt(random, 1, 3) };
      const count = 2;
      const pixels = Uint32Array.from({ length: count * height * width }, () => randomInt(random, 0, maxValue));
      const limit = c % 2 ? 0 : randomInt(random, 1, 3);
      const { context, transforms } = predictiveContext(height, width, maxValue, window, limit, pixels, count);
      const columns = causalOffsets(window).length + 5;
      let row = 0;
      for (let image = 0; image < count; image++) {
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++, row++) {
            const expected = referenceContext(pixels.subarray(image * height * width), height, width, maxValue, window, limit, y, x);
            expect(Array.from(context.subarray(row * columns, (row + 1) * columns)), `case ${c} pixel ${y},${x}`).toEqual(expected.inputs.map(Math.fround));
            expect(transforms[row * 3]).toBe(Math.fround(expected.base));
            expect(transforms[row * 3 + 1]).toBe(Math.fround(expected.scale));
            expect(transforms[row * 3 + 2]).toBeCloseTo(Math.log(expected.scale), 6);
          }
        }
      }
    }
  });
});

describe('the predictive model bbans train builds', () => {
  it('gives aligned images (MNIST) features per pixel and two absolute logistics, images at random places features per image', () => {
    const random = rng(26);
    const digits = mnist8.subarray(0, 2000 * 784);
    // The same digits, each moved by a random circular shift: no position means anything.
    const shifted = new Uint8Array(digits.length);
    for (let i = 0; i < 2000; i++) {
      const [dy, dx] = [randomInt(random, 0, 27), randomInt(random, 0, 27)];
      for (let p = 0; p < 784; p++) shifted[i * 784 + (((Math.floor(p / 28) + dy) % 28) * 28 + ((p % 28) + dx) % 28)] = digits[i * 784 + p]!;
    }
    expect(alignedShare(digits, 784)).toBeGreaterThan(0.25);
    expect(alignedShare(shifted, 784)).toBeLessThan(ALIGNED_SHARE / 5);
    expect(alignedShare(new Uint8Array(10 * 784).fill(7), 784)).toBe(0);
    const spec = (images: Uint8Array, maxPixelValue = 255) => defaultSpec({ name: 'x', height: 28, width: 28, maxPixelValue, architecture: 'predictive-ar-vae', images }) as PredictiveArVaeSpec;
    expect(spec(digits)).toMatchObject({ featuresPer: 'pixel', components: 4, absoluteComponents: 2, differenceLimit: 4 });
    expect(spec(shifted)).toMatchObject({ featuresPer: 'image', components: 4 });
    expect(spec(shifted).absoluteComponents).toBeUndefined();
    expect(spec(shifted).differenceLimit).toBeUndefined();
    expect(spec(digits.map((v) => (v > 127 ? 1 : 0)), 1)).toMatchObject({ featuresPer: 'pixel', likelihood: 'bernoulli', components: 1 });
  });
});

describe('predictive autoregressive coder', () => {
  it('random networks, images and lane counts: push then pop gives the symbols back and the start state', () => {
    const random = rng(22);
    for (let c = 0; c < 40; c++) {
      const spec = randomPredictiveNetwork(random);
      const network = pixelNetwork(spec);
      const lanes = randomInt(random, 1, 20);
      const pixels = spec.height * spec.width;
      const features = Float32Array.from({ length: lanes * spec.features }, () => (random() - 0.5) * 6);
      let level = randomInt(random, 0, spec.maxValue);
      const symbols = Uint32Array.from({ length: pixels * lanes }, () => {
        level = random() < 0.2 ? randomInt(random, 0, spec.maxValue) : Math.min(spec.maxValue, Math.max(0, level + randomInt(random, -2, 2)));
        return level;
      });
      const precision = randomInt(random, Math.ceil(Math.log2(spec.maxValue + 2)), 31);
      expectRoundTrip(localAutoregressive(network, features, lanes, precision), lanes, symbols, spec.likelihood, spec.maxValue, `case ${c}`);
    }
  });

  it('features per image must come one vector per lane', () => {
    const spec = randomPredictiveNetwork(rng(23));
    const inputs = causalOffsets(spec.window).length + 7;
    const outputs = pixelOutputs(spec);
    const network = pixelNetwork({ ...spec, features: 2, layers: [{ inputs, outputs, kernel: new Float32Array(inputs * outputs), bias: new Float32Array(outputs) }] });
    expect(() => localAutoregressive(network, new Float32Array(3 * 2 * spec.height * spec.width), 3, 24)).toThrow(/3 x 1 x 2/);
  });
});

describe('predictive-ar-vae models', () => {
  beforeAll(() => useWasmBackend());

  for (const [featuresPer, absoluteComponents, differenceLimit] of [['image', 0, undefined], ['pixel', 0, undefined], ['pixel', 2, 4]] as const) {
    it(`the coder's log-probabilities match training's on real MNIST (features per ${featuresPer}, ${absoluteComponents} absolute components, difference limit ${differenceLimit ?? 'none'})`, () => {
      const model = smallModel(28, 28, 255, { featuresPer, absoluteComponents, differenceLimit });
      const spec = model.spec as PredictiveArVaeSpec;
      const batch = 16;
      const images = Float32Array.from(mnist8.subarray(0, batch * 784));
      const [means] = runNetwork(model.vae.networks.encoder!, images, batch, 784);
      const [features] = runNetwork(model.vae.networks.decoder!, means!, batch, spec.latent);
      const inputs = architectureOf(spec).batch(spec, images, batch);
      const width = featuresPer === 'image' ? spec.features : 784 * spec.features;
      const trained = tf.tidy(() => predictiveLogLikelihood(spec, model.vae.networks, inputs as never, tf.tensor2d(features!, [batch, width])).dataSync());
      tf.dispose(Object.values(inputs));
      const network = pixelNetworkOf(spec, predictiveInputs(spec), model.vae.networks.pixel!);
      const log2p = localAutoregressive(network, features!, batch, model.coding.likelihoodPrecision).log2Probabilities(toLaneMajor(Uint32Array.from(images), batch, 784));
      expect(meanBitsDifference(log2p, trained, batch, 784), 'mean |difference| in bits per image').toBeLessThanOrEqual(0.01);
    });
  }

  it('an image codes to the same bits whatever lanes beside it: batches of 13 against each image alone', () => {
    for (const overrides of [{}, { featuresPer: 'pixel', absoluteComponents: 2, differenceLimit: 4 }] as const) {
      const model = smallModel(28, 28, 255, overrides);
      const spec = model.spec as PredictiveArVaeSpec;
      const network = pixelNetworkOf(spec, predictiveInputs(spec), model.vae.networks.pixel!);
      const batch = 13;
      const images = Float32Array.from(mnist8.subarray(0, batch * 784));
      const [means] = runNetwork(model.vae.networks.encoder!, images, batch, 784);
      const [features] = runNetwork(model.vae.networks.decoder!, means!, batch, spec.latent);
      const width = features!.length / batch;
      const together = localAutoregressive(network, features!, batch, 24).log2Probabilities(toLaneMajor(Uint32Array.from(images), batch, 784));
      for (let i = 0; i < batch; i++) {
        const alone = localAutoregressive(network, features!.slice(i * width, (i + 1) * width), 1, 24).log2Probabilities(Uint32Array.from(images.subarray(i * 784, (i + 1) * 784)));
        const mine = Float64Array.from({ length: 784 }, (_, p) => together[p * batch + i]!);
        expect(mine, `image ${i}`).toEqual(alone);
      }
    }
  });

  it('real MNIST, constant, noisy and inverted images round trip exactly, on workers and on the calling thread', async () => {
    const random = rng(24);
    const cases = [
      mnist8.slice(0, 37 * 784),
      new Uint8Array(5 * 784),
      new Uint8Array(5 * 784).fill(255),
      Uint8Array.from({ length: 5 * 784 }, () => randomInt(random, 0, 255)),
      mnist8.slice(0, 5 * 784).map((v) => 255 - v),
    ];
    const models = [smallModel(28, 28, 255), smallModel(28, 28, 255, { featuresPer: 'pixel', absoluteComponents: 2, differenceLimit: 4 })];
    for (const [data, model] of cases.flatMap((data) => models.map((model) => [data, model] as const))) {
      const count = data.length / 784;
      for (const threads of [0, 2]) {
        const bytes = await compress({ data, shape: [count, 28, 28] }, { model, chains: 4, threads });
        expect((await decompress(bytes, { model, threads })).data).toEqual(data);
      }
    }
  });

  it('a user model of the predictive kind (createModel) round trips, features per image or per pixel, and its networks are checked', async () => {
    const random = rng(27);
    for (const extra of [{ featuresPer: 'image' }, { featuresPer: 'pixel', absoluteComponents: 1, differenceLimit: 3 }] as const) {
      const spec = { ...defaultSpec({ name: 'tiny-user', height: 5, width: 4, maxPixelValue: 15, architecture: 'predictive-ar-vae' }), ...extra } as PredictiveArVaeSpec;
      const networks = architectureOf(spec).build(spec, 9);
      const own = { name: 'tiny-user', architecture: 'predictive-ar-vae' as const, likelihood: 'logistic-mixture' as const, itemShape: [5, 4] as [number, number], maxPixelValue: 15, window: spec.window, ...extra };
      const model = createModel({ ...own, encoder: networks.encoder!, decoder: networks.decoder!, pixel: networks.pixel! });
      expect(model.spec).toMatchObject({ latent: spec.latent, features: spec.features, components: 4, pixelHidden: [32, 32], ...extra });
      const data = Uint8Array.from({ length: 23 * 20 }, () => randomInt(random, 0, 15));
      const bytes = await compress({ data, shape: [23, 5, 4] }, { model, chains: 4 });
      expect((await decompress(bytes, { model })).data).toEqual(data);
      // The other feature layout does not fit the decoder; a window the pixel network was not built for does not fit it.
      const other = extra.featuresPer === 'image' ? 'pixel' : 'image';
      expect(() => createModel({ ...own, featuresPer: other, encoder: networks.encoder!, decoder: networks.decoder!, pixel: networks.pixel! })).toThrow(/decoder|features/);
      expect(() => createModel({ ...own, window: { rows: 1, halfWidth: 1 }, encoder: networks.encoder!, decoder: networks.decoder!, pixel: networks.pixel! })).toThrow(/pixel network/);
      expect(() => createModel({ ...own, absoluteComponents: 9, encoder: networks.encoder!, decoder: networks.decoder!, pixel: networks.pixel! })).toThrow(/absoluteComponents must be an integer in 0\.\.4, got 9/);
    }
  });

  it('16-bit pixels and odd shapes round trip exactly', async () => {
    const random = rng(25);
    for (const [height, width, maxValue] of [[1, 9, 4095], [7, 1, 65535], [5, 6, 1]] as const) {
      const model = smallModel(height, width, maxValue);
      const count = 11;
      const values = Array.from({ length: count * height * width }, () => randomInt(random, 0, maxValue));
      const data = maxValue > 255 ? Uint16Array.from(values) : Uint8Array.from(values);
      const bytes = await compress({ data, shape: [count, height, width] }, { model, chains: 3, threads: 0 });
      expect((await decompress(bytes, { model, threads: 0 })).data).toEqual(data);
    }
  });
});
