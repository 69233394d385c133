import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/model/tf.js';
import { BbansError, compress, createModel, decompress, ready } from '../src/index.js';
import { rng } from './random.js';

function vae(pixels: number, latent: number, heads: number, seed: number): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
  const dense = (units: number, activation: 'relu' | 'softplus' | 'linear', k: number) =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k }) });
  const x = tf.input({ shape: [pixels] });
  const h = dense(16, 'relu', 1).apply(x) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: x, outputs: [dense(latent, 'linear', 2).apply(h), dense(latent, 'softplus', 3).apply(h)] as tf.SymbolicTensor[] });
  const z = tf.input({ shape: [latent] });
  const g = dense(16, 'relu', 4).apply(z) as tf.SymbolicTensor;
  const outputs = Array.from({ length: heads }, (_, k) => dense(pixels, heads === 1 ? 'linear' : 'softplus', 5 + k).apply(g) as tf.SymbolicTensor);
  return { encoder, decoder: tf.model({ inputs: z, outputs }) };
}

beforeAll(() => ready());

describe('a user model', () => {
  it('beta-binomial 5x3 items with 3-bit pixels and Bernoulli 4x4 items round trip exactly', async () => {
    const random = rng(5);
    const bb = createModel({ name: 'tiny-bb', ...vae(15, 3, 2, 10), likelihood: 'beta-binomial', trials: 7, itemShape: [5, 3] });
    const data = Uint8Array.from({ length: 37 * 15 }, () => Math.floor(random() * 8));
    const back = await decompress(await compress({ data, shape: [37, 5, 3] }, { model: bb, chains: 4 }), { model: bb });
    expect(back.shape).toEqual([37, 5, 3]);
    expect(back.data).toEqual(data);

    const bern = createModel({ name: 'tiny-bern', ...vae(16, 2, 1, 20), likelihood: 'bernoulli', itemShape: [4, 4] });
    const bits = Uint8Array.from({ length: 9 * 16 }, () => (random() < 0.3 ? 1 : 0));
    expect((await decompress(await compress(bits, { model: bern, chains: 3 }), { model: bern })).data).toEqual(bits);
  });

  it('decoder outputs of exactly 0 (relu, or an underflowing softplus) are floored, not refused', async () => {
    const parts = vae(15, 3, 2, 50);
    const z = tf.input({ shape: [3] });
    const zeros = () => tf.layers.dense({ units: 15, activation: 'relu', kernelInitializer: 'zeros', biasInitializer: 'zeros' }).apply(z) as tf.SymbolicTensor;
    const decoder = tf.model({ inputs: z, outputs: [zeros(), zeros()] });
    const model = createModel({ name: 'zero-heads', encoder: parts.encoder, decoder, likelihood: 'beta-binomial', trials: 7, itemShape: [5, 3] });
    const data = Uint8Array.from({ length: 6 * 15 }, (_, i) => i % 8);
    expect((await decompress(await compress(data, { model, chains: 2 }), { model })).data).toEqual(data);
  });

  it('categorical pixels with 5 values on 2x3 items round trip exactly', async () => {
    const random = rng(6);
    const parts = vae(6, 2, 1, 40);
    const x = tf.input({ shape: [2] });
    const decoder = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 6 * 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 41 }) }).apply(x) as tf.SymbolicTensor });
    const model = createModel({ name: 'tiny-cat', encoder: parts.encoder, decoder, likelihood: 'categorical', values: 5, itemShape: [2, 3] });
    const data = Uint8Array.from({ length: 21 * 6 }, () => Math.floor(random() * 5));
    expect((await decompress(await compress({ data, shape: [21, 2, 3] }, { model, chains: 4 }), { model })).data).toEqual(data);
    await expect(compress(new Uint8Array(6).fill(5), { model })).rejects.toThrow(/takes values 0..4/);
  });

  it('is checked: shapes, names, values, and the model used to decode', async () => {
    const parts = vae(15, 3, 2, 30);
    expect(() => createModel({ name: 'x', ...parts, likelihood: 'bernoulli', itemShape: [5, 3] })).toThrow(/decoder must map \[batch, 3\] to 1 output/);
    expect(() => createModel({ name: 'x', ...parts, likelihood: 'beta-binomial', itemShape: [4, 4] })).toThrow(/encoder must map \[batch, 16\]/);
    expect(() => createModel({ name: 'has space', ...parts, likelihood: 'beta-binomial', itemShape: [5, 3] })).toThrow(/printable ASCII/);
    const model = createModel({ name: 'm', ...parts, likelihood: 'beta-binomial', trials: 7, itemShape: [5, 3] });
    await expect(compress(new Uint8Array(15).fill(8), { model })).rejects.toThrow(/is 8, but model m takes values 0..7/);
    const bytes = await compress(new Uint8Array(30).fill(3), { model });
    const other = createModel({ name: 'm', ...vae(15, 3, 2, 31), likelihood: 'beta-binomial', trials: 7, itemShape: [5, 3] });
    const error = await decompress(bytes, { model: other }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BbansError);
    expect((error as BbansError).code).toBe('MODEL_MISMATCH');
    await expect(decompress(bytes)).rejects.toThrow(/made with model "m", which this build does not ship/);
  });
});
