import { describe, expect, it } from 'vitest';
import { BbansError, bernoulli, betaBinomial, categorical, categoricalProbs } from '../src/core.js';
import { type HandOver, type HandedOver, compressChain, compressChains, decompressChain, decompressChains } from '../src/chain.js';
import type { LatentVariableModel } from '../src/latent-model.js';
import { gaussianLatentModel } from '../src/model/gaussian-latent.js';
import { fromLaneMajor, toLaneMajor } from '../src/lane-major.js';
import { rng } from './random.js';

// A toy latent-variable model with fixed "networks" in plain arithmetic around the Gaussian latent
// the architectures share: enough to exercise the chain's batching, layouts and bits-back
// bookkeeping without tfjs.
function toyModel(kind: 'bernoulli' | 'beta-binomial', binsLog2 = 6): LatentVariableModel {
  const dataSize = 12;
  const latentSize = 3;
  return gaussianLatentModel({
    dataSize,
    latentSize,
    encode(data, batch) {
      const means = new Float32Array(batch * latentSize);
      const scales = new Float32Array(batch * latentSize);
      for (let b = 0; b < batch; b++) {
        for (let l = 0; l < latentSize; l++) {
          let s = 0;
          for (let d = l; d < dataSize; d += latentSize) s += data[b * dataSize + d];
          means[b * latentSize + l] = (kind === 'bernoulli' ? s - 2 : s / 255 - 2) * 0.8;
          scales[b * latentSize + l] = 0.3 + 0.1 * l;
        }
      }
      return { means, scales };
    },
    likelihood(latents, batch) {
      const first = new Float32Array(batch * dataSize);
      const second = new Float32Array(batch * dataSize);
      for (let b = 0; b < batch; b++) {
        for (let d = 0; d < dataSize; d++) {
          const z = latents[b * latentSize + (d % latentSize)];
          first[b * dataSize + d] = kind === 'bernoulli' ? 1 / (1 + Math.exp(-2 * z)) : Math.exp(z);
          second[b * dataSize + d] = Math.exp(-z) + 0.1;
        }
      }
      const [p, q] = [toLaneMajor(first, batch, dataSize), toLaneMajor(second, batch, dataSize)];
      return kind === 'bernoulli' ? bernoulli(p, 14) : betaBinomial(255, p, q, 16);
    },
  }, { binsLog2, posteriorPrecision: 16 });
}

// A model with no Gaussian in it: one latent symbol in 0..3 per point under a prior that is not
// uniform, as a learned one would be. The chain codes it like any other: the latents are the model's.
function discreteModel(): LatentVariableModel {
  const dataSize = 12;
  return {
    dataSize,
    batch: (batch) => ({
      prior: categorical([8, 4, 3, 1], 4, batch),
      likelihood: (latent) => bernoulli(Float32Array.from({ length: dataSize * batch }, (_, i) => 0.1 + 0.2 * latent[i % batch]!), 12),
      posterior(data) {
        const ones = new Uint32Array(batch);
        for (let i = 0; i < data.length; i++) ones[i % batch] += data[i]!;
        const likely = Uint32Array.from(ones, (n) => Math.min(3, n >> 1));
        const probs = Float32Array.from({ length: batch * 4 }, (_, j) => (likely[Math.floor(j / 4)] === j % 4 ? 5 : 1));
        return Object.assign(categoricalProbs(4, probs, 10), { pointEstimate: () => likely });
      },
    }),
  };
}

function toyData(kind: 'bernoulli' | 'beta-binomial', count: number, seed: number): Uint32Array {
  const random = rng(seed);
  return Uint32Array.from({ length: count * 12 }, () => (kind === 'bernoulli' ? (random() < 0.3 ? 1 : 0) : random() < 0.6 ? 0 : Math.floor(random() * 256)));
}

describe('lane-major layout', () => {
  it('transposes and back', () => {
    const rows = Float32Array.from({ length: 6 }, (_, i) => i);
    expect(Array.from(toLaneMajor(rows, 2, 3))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(fromLaneMajor(toLaneMajor(rows, 2, 3), 2, 3)).toEqual(rows);
  });
});

describe('bits-back chain', () => {
  for (const kind of ['bernoulli', 'beta-binomial'] as const) {
    it(`${kind}: round trips for N = 0, 1, N < B, N not a multiple of B, and several B`, () => {
      const model = toyModel(kind);
      for (const [count, chains] of [[0, 1], [0, 4], [1, 1], [1, 8], [3, 8], [10, 4], [17, 5], [40, 1], [64, 16]]) {
        const data = toyData(kind, count, count * 31 + chains);
        const bytes = compressChain(model, data, count, chains);
        expect(decompressChain(model, bytes, count, chains)).toEqual(data);
      }
    });
  }

  it('codes a model whose latents are not Gaussian, under a prior that is not uniform', () => {
    const model = discreteModel();
    for (const [count, chains] of [[1, 1], [10, 4], [37, 5]]) {
      const data = toyData('bernoulli', count, 900 + count);
      expect(decompressChain(model, compressChain(model, data, count, chains), count, chains)).toEqual(data);
    }
  });

  it('refuses a message decoded with the wrong settings or corrupted bytes, never returning wrong data silently', () => {
    const model = toyModel('beta-binomial');
    const data = toyData('beta-binomial', 20, 7);
    const bytes = compressChain(model, data, 20, 4);
    expect(() => decompressChain(model, bytes, 20, 5)).toThrow(/4 lanes but the settings say 5/);
    expect(() => decompressChain(toyModel('beta-binomial', 7), bytes, 20, 4)).toThrow(BbansError);
    expect(() => decompressChain(model, bytes, 19, 4)).toThrow(/did not end at the start state|ran out of coded bits/);
    // A count far beyond what the message holds stops as soon as the message runs dry.
    expect(() => decompressChain(model, bytes, 100000, 4)).toThrow(/ran out of coded bits/);
    for (const at of [40, 100, bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x10;
      expect(() => decompressChain(model, flipped, 20, 4)).toThrow(BbansError);
    }
  });

  it('chains coded side by side come out as each one alone, and decode in any grouping', () => {
    for (const kind of ['bernoulli', 'beta-binomial'] as const) {
      const model = toyModel(kind);
      const inputs = [[20, 2], [1, 1], [37, 5], [20, 2], [8, 8], [0, 1]].map(([count, chains], i) => ({ data: toyData(kind, count!, 100 + i), count: count!, chains: chains! }));
      const alone = inputs.map((input) => compressChain(model, input.data, input.count, input.chains));
      const together = compressChains(model, inputs);
      expect(together).toEqual(alone);
      const messages = inputs.map((input, i) => ({ bytes: alone[i]!, count: input.count, chains: input.chains }));
      expect(decompressChains(model, messages)).toEqual(inputs.map((input) => input.data));
      expect(decompressChains(model, messages.slice(2, 5).reverse())).toEqual(inputs.slice(2, 5).reverse().map((input) => input.data));
    }
  });

  it('a corrupt chain among others fails the whole group, never returning wrong data', () => {
    const model = toyModel('beta-binomial');
    const inputs = [0, 1, 2].map((i) => ({ data: toyData('beta-binomial', 20, 7 + i), count: 20, chains: 4 }));
    const messages = compressChains(model, inputs).map((bytes) => ({ bytes: bytes!, count: 20, chains: 4 }));
    const flipped = messages[1]!.bytes.slice();
    flipped[60] ^= 0x10;
    expect(() => decompressChains(model, [messages[0]!, { ...messages[1]!, bytes: flipped }, messages[2]!])).toThrow(BbansError);
  });

  it('chains handed over part-way resume elsewhere, beside other chains, to the same bytes and points', () => {
    const model = toyModel('beta-binomial');
    const inputs = [[40, 2], [33, 3], [25, 1], [60, 4]].map(([count, chains], i) => ({ data: toyData('beta-binomial', count!, 300 + i), count: count!, chains: chains! }));
    const alone = inputs.map((input) => compressChain(model, input.data, input.count, input.chains));
    // Asked once, after the third step: the later half of the chains with 4 or more batches to go leave.
    const askedAt = (step: number, into: HandedOver[]): HandOver => {
      let steps = 0;
      return { requested: () => ++steps === step, take: (chains) => into.push(...chains) };
    };
    const given: HandedOver[] = [];
    const first = compressChains(model, inputs, undefined, askedAt(3, given));
    expect(given.map((g) => g.chain)).toEqual([2, 3]);
    expect(first.map((bytes) => bytes !== undefined)).toEqual([true, true, false, false]);
    expect(first.slice(0, 2)).toEqual(alone.slice(0, 2));
    // Resumed beside a fresh chain, and handed over once more on the way.
    const again: HandedOver[] = [];
    const fresh = { data: toyData('beta-binomial', 9, 400), count: 9, chains: 2 };
    const second = compressChains(model, [fresh, ...given.map((g) => ({ ...inputs[g.chain]!, resume: g.progress }))], undefined, askedAt(2, again));
    expect(second[0]).toEqual(compressChain(model, fresh.data, 9, 2));
    const third = compressChains(model, again.map((g) => ({ ...[fresh, inputs[2]!, inputs[3]!][g.chain]!, resume: g.progress })));
    const resumed = [...second.slice(1), ...third].filter((bytes) => bytes !== undefined);
    expect(resumed).toEqual([alone[2], alone[3]]);

    const messages = inputs.map((input, i) => ({ bytes: alone[i]!, count: input.count, chains: input.chains }));
    const handed: HandedOver[] = [];
    const decoded = decompressChains(model, messages, undefined, askedAt(4, handed));
    expect(handed.map((g) => g.chain)).toEqual([2, 3]);
    expect(decoded.slice(0, 2)).toEqual([inputs[0]!.data, inputs[1]!.data]);
    const rest = decompressChains(model, handed.map((g) => ({ ...messages[g.chain]!, resume: g.progress })));
    expect(rest).toEqual([inputs[2]!.data, inputs[3]!.data]);
  });

  it('a hand-over is refused when it does not fit the chain', () => {
    const model = toyModel('bernoulli');
    const inputs = [0, 1].map((i) => ({ data: toyData('bernoulli', 30, 500 + i), count: 30, chains: 2 }));
    const given: HandedOver[] = [];
    compressChains(model, inputs, undefined, { requested: () => given.length === 0, take: (chains) => given.push(...chains) });
    const progress = given[0]!.progress;
    expect(() => compressChains(model, [{ ...inputs[1]!, chains: 3, resume: progress }])).toThrow(/3/);
    expect(() => compressChains(model, [{ ...inputs[1]!, resume: { ...progress, batches: 10 ** 6 } }])).toThrow(/resumed batches/);
  });
});

