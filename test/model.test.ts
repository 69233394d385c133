import * as tf from '../src/model/tf.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../src/model/backend.js';
import { pathToFileURL } from 'node:url';
import { filesIn, loadNetworks } from '../src/model/directory.js';
import { saveNetworks } from '../src/model/io.js';
import { lgamma } from '../src/model/lgamma.js';
import { betaBinomialLogPmf, gaussianKlFromStandardNormal, logBinomialCoefficients } from '../src/model/likelihoods.js';
import { natsToBitsPerDim, SHIPPED_SPECS } from '../src/model/spec.js';
import { architectureOf, disposeBatch, trainableVariables } from '../src/model/architectures.js';
import { loadMnistImages, MNIST_PIXELS } from '../src/data/mnist.js';
import { saveCheckpoint } from '../src/train/checkpoint.js';
import { mnistSettings } from '../src/train/settings.js';
import type { TrainingState } from '../src/train/trainer.js';
import { openTrainingState, trainOneEpoch } from '../src/train/trainer.js';

// Python math.lgamma (float64).
const LGAMMA_REFERENCE: [number, number][] = [
  [0.001, 6.907178885383854], [0.1, 2.2527126517342055], [0.5, 0.5723649429247004], [1, 0], [1.5, -0.12078223763524543],
  [2, 0], [3, 0.693147180559945], [7.25, 7.0521854507385395], [10, 12.801827480081467], [100, 359.1342053695754],
  [1000, 5905.220423209181], [123456.5, 1323898.6306627372],
];
const EULER_GAMMA = 0.5772156649015329;

beforeAll(async () => {
  await useWasmBackend();
});

describe('backend', () => {
  it('runs on the tfjs wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('lgamma', () => {
  it('matches known values to float32 accuracy', () => {
    const xs = LGAMMA_REFERENCE.map(([x]) => x);
    const got = tf.tidy(() => lgamma(tf.tensor1d(xs)).dataSync());
    LGAMMA_REFERENCE.forEach(([x, expected], i) => {
      // Absolute error for |lgamma| small, relative (a few float32 ulps) for large values.
      expect(Math.abs(got[i]! - expected), `lgamma(${x})`).toBeLessThan(2e-6 + 4e-7 * Math.abs(expected));
    });
  });

  it('differentiates to digamma', () => {
    const grad = tf.grad((x: tf.Tensor) => tf.sum(lgamma(x)));
    const [atOne, atTwo] = grad(tf.tensor1d([1, 2])).dataSync();
    expect(atOne).toBeCloseTo(-EULER_GAMMA, 5);
    expect(atTwo).toBeCloseTo(1 - EULER_GAMMA, 5);
    // scipy.special.digamma at 0.5, 10 and 1000.
    const [atHalf, atTen, atThousand] = grad(tf.tensor1d([0.5, 10, 1000])).dataSync();
    expect(atHalf).toBeCloseTo(-1.9635100260214235, 5);
    expect(atTen).toBeCloseTo(2.251752589066721, 5);
    expect(atThousand).toBeCloseTo(6.907255195648812, 4);
  });
});

describe('beta-binomial', () => {
  const n = 255;
  let k: tf.Tensor2D;

  beforeAll(() => {
    k = tf.expandDims(tf.range(0, n + 1), 0) as tf.Tensor2D;
  });
  afterAll(() => k.dispose());

  it('log pmf sums to 1 over 0..255', () => {
    for (const [alpha, beta] of [[1, 1], [0.01, 5], [2.5, 0.3], [50, 80], [0.2, 0.2], [300, 20]] as const) {
      const total = tf.tidy(() => {
        const a = tf.fill([1, n + 1], alpha);
        const b = tf.fill([1, n + 1], beta);
        return Math.exp(tf.logSumExp(betaBinomialLogPmf(k, a, b, n)).dataSync()[0]!);
      });
      // float32 rounding of lgamma terms as large as lgamma(n + alpha + beta) ~ m ln m.
      const m = n + alpha + beta;
      expect(Math.abs(total - 1), `alpha ${alpha} beta ${beta}`).toBeLessThan(1e-4 + 2e-7 * m * Math.log(m));
    }
  });

  // Terms like lgamma(257) ~ 1167 carry float32 rounding of ~1e-4 each, hence 3 digits.
  it('is uniform for alpha = beta = 1', () => {
    const logPmf = tf.tidy(() => betaBinomialLogPmf(k, tf.onesLike(k), tf.onesLike(k), n).dataSync());
    for (const value of logPmf) expect(value).toBeCloseTo(-Math.log(256), 3);
  });

  it('uses exact binomial coefficients', () => {
    const table = logBinomialCoefficients(255);
    expect(table[0]).toBe(0);
    expect(table[1]).toBeCloseTo(Math.log(255), 12);
    expect(table[255]).toBeCloseTo(0, 9);
  });
});

describe('Gaussian KL', () => {
  it('is zero for the prior itself and matches the closed form', () => {
    const [zero, other] = tf.tidy(() =>
      gaussianKlFromStandardNormal(tf.tensor2d([[0, 0], [1, 0]]), tf.tensor2d([[1, 1], [0.5, 2]])).dataSync(),
    );
    expect(zero).toBeCloseTo(0, 6);
    const expected = 0.5 * (1 + 0.25 - 1) - Math.log(0.5) + 0.5 * (4 - 1) - Math.log(2);
    expect(other).toBeCloseTo(expected, 5);
  });
});

describe('architectures', () => {
  it.each(Object.values(SHIPPED_SPECS))('$name: networks with the right shapes, a positive loss, save and load', async (spec) => {
    const architecture = architectureOf(spec);
    const vae = { spec, networks: architecture.build(spec, 1) };
    expect(Object.keys(vae.networks)).toEqual(architecture.networkNames);
    const batch = 3;
    const values = tf.tidy(() => tf.randomUniform([batch, spec.pixels], 0, spec.maxPixelValue + 1, 'int32', 5).dataSync());
    const pixels = Float32Array.from(values);
    const inputs = architecture.batch(spec, pixels, batch);
    const [mu, sigma] = vae.networks.encoder!.predict(inputs.pixels) as tf.Tensor[];
    expect(mu!.shape).toEqual([batch, spec.latent]);
    expect(sigma!.shape).toEqual([batch, spec.latent]);
    expect(Math.min(...sigma!.dataSync())).toBeGreaterThan(0);

    const loss = architecture.negativeElbo(vae, inputs, tf.zeros([batch, spec.latent]), false);
    expect(loss.shape).toEqual([batch]);
    for (const nats of loss.dataSync()) expect(nats).toBeGreaterThan(0);
    expect(natsToBitsPerDim(784 * Math.LN2, 784)).toBeCloseTo(1, 12);
    expect(() => architecture.validate(spec, vae.networks)).not.toThrow();

    const directory = await mkdtemp(path.join(tmpdir(), 'bbans-vae-'));
    try {
      await saveNetworks(vae, directory);
      const loaded = { spec, networks: await loadNetworks(filesIn(pathToFileURL(`${directory}/`)), spec, 1) };
      const [loadedMu] = loaded.networks.encoder!.predict(inputs.pixels) as tf.Tensor[];
      expect(Array.from(loadedMu!.dataSync())).toEqual(Array.from(mu!.dataSync()));
      expect(Array.from(architecture.negativeElbo(loaded, inputs, tf.zeros([batch, spec.latent]), false).dataSync())).toEqual(Array.from(loss.dataSync()));
    } finally {
      await rm(directory, { recursive: true, force: true });
      disposeBatch(inputs);
    }
  });
});

describe('training checkpoints', () => {
  it('resuming from a checkpoint continues exactly like an uninterrupted run', async () => {
    const settings = { ...mnistSettings('mnist-binary'), batchSize: 100 };
    const all = loadMnistImages('train');
    const train = { count: 300, pixels: all.pixels.subarray(0, 300 * MNIST_PIXELS) };
    const quiet = () => {};
    const root = await mkdtemp(path.join(tmpdir(), 'bbans-train-'));
    try {
      // Like the trainer: checkpoint after every epoch and carry on with the same state.
      const uninterrupted = await openTrainingState(settings, path.join(root, 'a'), false, quiet);
      const schedule = uninterrupted.schedule;
      const lossesA: number[] = [];
      const liveTensors: number[] = [];
      for (const epoch of [1, 2, 3]) {
        lossesA.push((await trainOneEpoch(uninterrupted, settings, train, epoch, quiet))!);
        await saveCheckpoint(path.join(root, 'a'), uninterrupted.vae, uninterrupted.optimizer, settings, epoch, schedule);
        liveTensors.push(tf.memory().numTensors);
      }
      expect(liveTensors[2], 'no tensors leak per epoch').toBe(liveTensors[1]);

      const first = await openTrainingState(settings, path.join(root, 'b'), false, quiet);
      const lossB1 = await trainOneEpoch(first, settings, train, 1, quiet);
      await saveCheckpoint(path.join(root, 'b'), first.vae, first.optimizer, settings, 1, schedule);
      // As in the repository: the checkpoint without its networks, which the model directory holds.
      await saveNetworks(first.vae, path.join(root, 'b'));
      for (const name of ['encoder', 'decoder']) await rm(path.join(root, 'b', 'checkpoint', name), { recursive: true });
      const resumed = await openTrainingState(settings, path.join(root, 'b'), true, quiet);
      expect(resumed.epochsCompleted).toBe(1);
      const lossB2 = await trainOneEpoch(resumed, settings, train, 2, quiet);
      await saveCheckpoint(path.join(root, 'b'), resumed.vae, resumed.optimizer, settings, 2, schedule);
      const lossB3 = await trainOneEpoch(resumed, settings, train, 3, quiet);

      expect([lossB1, lossB2, lossB3]).toEqual(lossesA);
      const weights = (state: TrainingState) => trainableVariables(state.vae).map((v) => Array.from(v.dataSync()));
      expect(weights(resumed)).toEqual(weights(uninterrupted));

      await expect(openTrainingState({ ...settings, batchSize: 50 }, path.join(root, 'b'), true, quiet)).rejects.toThrow(/batchSize/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('wasm transposed matMul', () => {
  it('agrees with a plain loop for every transpose combination', () => {
    const a = [[1, 2, 3], [4, 5, 6]];
    const b = [[7, 8], [9, 10], [11, 12]];
    const expected = [[58, 64], [139, 154]];
    const transposed = (m: number[][]) => m[0]!.map((_, j) => m.map((row) => row[j]!));
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const product = tf.tidy(() =>
        tf.matMul(tf.tensor2d(ta ? transposed(a) : a), tf.tensor2d(tb ? transposed(b) : b), ta, tb).arraySync(),
      );
      expect(product).toEqual(expected);
    }
  });
});
