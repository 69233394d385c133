import { describe, expect, it } from 'vitest';
import {
  BbansError, Message, type DistributionCodec, bernoulli, betaBinomial, bitsBack, categorical, categoricalProbs,
  gaussianPosterior, onLanes, quantizeProbabilities, serial, uniform,
} from '../src/core.js';
import { logUniform, randomInt, rng, sampleFrom } from './random.js';

/** Every symbol of one parameter setting: intervals tile [0, 2^precision) in order, each >= 1. */
function expectExactTable(codec: DistributionCodec, symbolCount: number): void {
  const symbols = Uint32Array.from({ length: symbolCount }, (_, s) => s);
  const { starts, freqs } = codec.intervals(symbols);
  let next = 0;
  for (let s = 0; s < symbolCount; s++) {
    expect(starts[s]).toBe(next);
    expect(freqs[s]).toBeGreaterThanOrEqual(1);
    next += freqs[s];
  }
  expect(next).toBe(2 ** codec.precision);
}

/** Pushes each (codec, data) in order, pops in reverse, and checks the message returns to its start. */
function expectRoundTrip(message: Message, steps: Array<[DistributionCodec, Uint32Array]>): void {
  const before = message.toBytes();
  for (const [codec, data] of steps) codec.push(message, data);
  const reloaded = Message.fromBytes(message.toBytes());
  for (const m of [message, reloaded]) {
    for (let i = steps.length - 1; i >= 0; i--) expect(steps[i][0].pop(m)).toEqual(steps[i][1]);
    expect(m.toBytes()).toEqual(before);
  }
}

const random = rng(20261128);

/** Beta-binomial pmf by the ratio recurrence, normalised in plain doubles (a test oracle). */
function betaBinomialPmf(trials: number, a: number, b: number): number[] {
  const weights = [1];
  for (let k = 0; k < trials; k++) weights.push((weights[k] * ((trials - k) * (k + a))) / ((k + 1) * (trials - k - 1 + b)));
  const total = weights.reduce((x, y) => x + y, 0);
  return weights.map((w) => w / total);
}

function randomFreqs(symbolCount: number, precision: number): Uint32Array {
  const weights = Array.from({ length: symbolCount }, () => random() ** 4);
  return quantizeProbabilities(weights, precision);
}

describe('message', () => {
  it('starts in the fixed initial state and serialises losslessly', () => {
    const message = Message.create(5);
    expect(message.isInitial()).toBe(true);
    expect(message.byteLength).toBe(8 + 5 * 8);
    const copy = Message.fromBytes(message.toBytes());
    expect(copy.toBytes()).toEqual(message.toBytes());
    expect(copy.isInitial()).toBe(true);
  });

  it('pops from an empty tail by borrowing implicit words, and pushing them back restores the start', () => {
    const message = Message.create(3);
    const codec = uniform(20, 3 * 40); // 2400 bits: far more than the heads hold
    const taken = codec.pop(message);
    expect(message.borrowedWords).toBeGreaterThan(0);
    expect(message.isInitial()).toBe(false);
    codec.push(message, taken);
    expect(message.isInitial()).toBe(true);
  });

  it('rejects byte strings that are not messages', () => {
    expect(() => Message.fromBytes(new Uint8Array(3))).toThrow(/shorter than a message header/);
    const bytes = Message.create(2).toBytes();
    expect(() => Message.fromBytes(bytes.subarray(0, bytes.length - 1))).toThrow(BbansError);
    const zeroHead = bytes.slice();
    zeroHead.fill(0, 8, 16);
    expect(() => Message.fromBytes(zeroHead)).toThrow(/head of lane 0/);
    const noLanes = bytes.slice();
    noLanes.fill(0, 0, 4);
    expect(() => Message.fromBytes(noLanes)).toThrow(/lane count 0/);
  });

  it('refuses use after free', () => {
    const message = Message.create(1);
    message.free();
    expect(() => message.lanes).toThrow(/after free/);
  });
});

describe('distribution tables are exact', () => {
  it('bernoulli at extreme p', () => {
    for (const p of [0, 1, 1e-30, 1e-9, 0.5, 1 - 1e-7, 0.999]) {
      for (const precision of [1, 2, 12, 16, 24, 31]) {
        expectExactTable(bernoulli(new Float32Array([p, p]), precision), 2);
      }
    }
  });

  it('beta-binomial for alpha, beta from 1e-3 to 1e4', () => {
    const values = [1e-3, 0.01, 0.3, 1, 2.5, 30, 1e3, 1e4];
    for (const a of values) {
      for (const b of values) {
        for (const precision of [9, 16, 24, 31]) {
          const trials = 255;
          expectExactTable(betaBinomial(trials, new Float32Array(trials + 1).fill(a), new Float32Array(trials + 1).fill(b), precision), trials + 1);
        }
      }
    }
  });

  it('beta-binomial with few and many trials', () => {
    for (const trials of [0, 1, 2, 7, 1000]) {
      const precision = 16;
      expectExactTable(betaBinomial(trials, new Float32Array(trials + 1).fill(0.7), new Float32Array(trials + 1).fill(3), precision), trials + 1);
    }
  });

  it('gaussian posterior for sigma from 1e-6 to 1e3 and mu far in the tails', () => {
    for (const mu of [0, 0.3, -2, 5, -9, 40, -1e4]) {
      for (const sigma of [1e-6, 1e-3, 0.05, 1, 10, 1e3]) {
        for (const [binsLog2, precision] of [[4, 12], [8, 14], [8, 20], [10, 31]]) {
          const bins = 2 ** binsLog2;
          expectExactTable(gaussianPosterior(binsLog2, new Float32Array(bins).fill(mu), new Float32Array(bins).fill(sigma), precision), bins);
        }
      }
    }
  });

  it('categorical with its own probabilities per symbol, zeros and extremes included', () => {
    for (const row of [[1, 0, 0, 0], [0, 0, 0, 5e-30], [1e-30, 1, 1e30, 0], [0.25, 0.25, 0.25, 0.25]]) {
      for (const precision of [3, 12, 24, 31]) {
        expectExactTable(categoricalProbs(4, Float32Array.from([...row, ...row, ...row, ...row]), precision), 4);
      }
    }
    const wide = Float32Array.from({ length: 256 * 256 }, (_, i) => Math.exp(-(((i % 256) - 40) ** 2) / 50));
    expectExactTable(categoricalProbs(256, wide, 16), 256);
  });

  it('categorical and uniform', () => {
    const freqs = randomFreqs(256, 16);
    expectExactTable(categorical(freqs, 16, 256), 256);
    expectExactTable(categorical(randomFreqs(1000, 24), 24, 1000), 1000);
    expectExactTable(uniform(5, 32), 32);
  });
});

describe('round trips on random parameters, precisions and lane layouts', () => {
  it('every codec, interleaved on one message', () => {
    for (let trial = 0; trial < 40; trial++) {
      const lanes = randomInt(random, 1, 9);
      const rounds = randomInt(random, 0, 30);
      const n = lanes * rounds;
      const message = Message.create(lanes);
      if (trial % 3 === 0) uniform(16, lanes * 5).push(message, new Uint32Array(lanes * 5).fill(trial));
      const steps: Array<[DistributionCodec, Uint32Array]> = [];

      const bits = randomInt(random, 0, 31);
      steps.push([uniform(bits, n), Uint32Array.from({ length: n }, () => Math.floor(random() * 2 ** bits))]);

      const catPrecision = randomInt(random, 8, 31);
      const symbolCount = randomInt(random, 1, 300);
      const freqs = randomFreqs(symbolCount, catPrecision);
      steps.push([categorical(freqs, catPrecision, n), sampleFrom(random, freqs, n)]);

      const probs = Float32Array.from({ length: n }, () => (random() < 0.2 ? Math.round(random()) : random()));
      steps.push([bernoulli(probs, randomInt(random, 1, 31)), Uint32Array.from(probs, () => (random() < 0.5 ? 1 : 0))]);

      const trials = [1, 15, 255, 256][trial % 4];
      const alphas = Float32Array.from({ length: n }, () => logUniform(random, 1e-3, 1e4));
      const betas = Float32Array.from({ length: n }, () => logUniform(random, 1e-3, 1e4));
      const bbPrecision = randomInt(random, Math.ceil(Math.log2(trials + 2)), 31);
      steps.push([betaBinomial(trials, alphas, betas, bbPrecision), Uint32Array.from({ length: n }, () => randomInt(random, 0, trials))]);

      const k = randomInt(random, 1, 40);
      const catProbs = Float32Array.from({ length: n * k }, () => (random() < 0.3 ? 0 : random() ** 3));
      for (let i = 0; i < n; i++) catProbs[i * k + randomInt(random, 0, k - 1)] += 0.01;
      steps.push([categoricalProbs(k, catProbs, randomInt(random, Math.ceil(Math.log2(k + 1)), 31)), Uint32Array.from({ length: n }, () => randomInt(random, 0, k - 1))]);

      const binsLog2 = randomInt(random, 1, 12);
      const means = Float32Array.from({ length: n }, () => (random() - 0.5) * 20);
      const scales = Float32Array.from({ length: n }, () => logUniform(random, 1e-6, 1e3));
      const gPrecision = randomInt(random, binsLog2 + 1, 31);
      steps.push([gaussianPosterior(binsLog2, means, scales, gPrecision), Uint32Array.from({ length: n }, () => randomInt(random, 0, 2 ** binsLog2 - 1))]);

      expectRoundTrip(message, steps);
    }
  });

  it('codecs on different lane views compose, and pop in reverse', () => {
    const message = Message.create(6);
    const left = onLanes(uniform(7, 3 * 10), 0, 3);
    const right = onLanes(bernoulli(new Float32Array(3 * 4).fill(0.1), 12), 3, 3);
    const both = serial<[Uint32Array, Uint32Array]>([left, right]);
    const data: [Uint32Array, Uint32Array] = [Uint32Array.from({ length: 30 }, (_, i) => i * 4), Uint32Array.from({ length: 12 }, (_, i) => i % 5 === 0 ? 1 : 0)];
    both.push(message, data);
    expect(both.pop(message)).toEqual(data);
    expect(message.isInitial()).toBe(true);
  });
});

describe('the four-lane loops code exactly what the one-at-a-time loop codes', () => {
  // Lane counts that are multiples of 4 go through the WASM coder's grouped loops; a one-lane view
  // always takes the plain loop. Coding symbol i alone on lane i mod L, in the order the plain loop
  // visits them, must give the same message and the same pops, from a fresh message (pops borrow
  // implicit words), past the bottom of the tail, and on strict messages that run out.
  type PerSymbol = (from: number, to: number) => DistributionCodec;
  function makeCases(n: number): Array<[string, PerSymbol, Uint32Array]> {
    const freqs = randomFreqs(randomInt(random, 2, 300), 16);
    const wide = randomFreqs(randomInt(random, 257, 2000), 16);
    const deep = randomFreqs(randomInt(random, 2, 300), 24);
    const probs = Float32Array.from({ length: n }, () => random());
    const alphas = Float32Array.from({ length: n }, () => logUniform(random, 1e-2, 1e3));
    const betas = Float32Array.from({ length: n }, () => logUniform(random, 1e-2, 1e3));
    const means = Float32Array.from({ length: n }, () => (random() - 0.5) * 6);
    const scales = Float32Array.from({ length: n }, () => logUniform(random, 1e-3, 3));
    return [
      ['categorical (byte lookup)', (a, b) => categorical(freqs, 16, b - a), sampleFrom(random, freqs, n)],
      ['categorical (two-byte lookup)', (a, b) => categorical(wide, 16, b - a), sampleFrom(random, wide, n)],
      ['categorical (search)', (a, b) => categorical(deep, 24, b - a), sampleFrom(random, deep, n)],
      ['uniform', (a, b) => uniform(13, b - a), Uint32Array.from({ length: n }, () => randomInt(random, 0, 8191))],
      ['bernoulli', (a, b) => bernoulli(probs.subarray(a, b), 16), Uint32Array.from({ length: n }, () => randomInt(random, 0, 1))],
      ['beta-binomial', (a, b) => betaBinomial(255, alphas.subarray(a, b), betas.subarray(a, b), 16), Uint32Array.from({ length: n }, () => randomInt(random, 0, 255))],
      ['gaussian posterior', (a, b) => gaussianPosterior(10, means.subarray(a, b), scales.subarray(a, b), 24), Uint32Array.from({ length: n }, () => randomInt(random, 0, 1023))],
    ];
  }

  it('push, pop and running out, on 4, 8 and 12 lanes', () => {
    let ranOut = 0;
    for (const lanes of [4, 8, 12]) {
      const n = lanes * randomInt(random, 5, 40);
      for (const [name, codecFor, symbols] of makeCases(n)) {
        const grouped = Message.create(lanes);
        const single = Message.create(lanes);
        // A head start of borrowed words, short enough that later pops cross the bottom of the tail.
        uniform(5, lanes).pop(grouped);
        uniform(5, lanes).pop(single);
        codecFor(0, n).push(grouped, symbols);
        for (let i = 0; i < n; i++) codecFor(i, i + 1).push(single.view(i % lanes, 1), symbols.subarray(i, i + 1));
        expect(grouped.toBytes(), `${name} push on ${lanes} lanes`).toEqual(single.toBytes());

        // Pop twice as many symbols as were pushed: the second half borrows (or, strict, runs out).
        const twice = (m: Message): Message => Message.fromBytes(m.toBytes());
        const cases = makeCases(2 * n).filter(([other]) => other === name);
        const [, popCodecFor] = cases[0]!;
        for (const strict of [false, true]) {
          const a = twice(grouped);
          const b = twice(single);
          a.strict = strict;
          b.strict = strict;
          let aResult: Uint32Array | string;
          try {
            aResult = popCodecFor(0, 2 * n).pop(a);
          } catch (error) {
            aResult = (error as BbansError).code;
          }
          let bResult: Uint32Array | string = new Uint32Array(2 * n);
          try {
            for (let i = 2 * n - 1; i >= 0; i--) (bResult as Uint32Array)[i] = popCodecFor(i, i + 1).pop(b.view(i % lanes, 1))[0]!;
          } catch (error) {
            bResult = (error as BbansError).code;
          }
          expect(aResult, `${name} pop on ${lanes} lanes${strict ? ', strict' : ''}`).toEqual(bResult);
          if (aResult === 'CORRUPT_MESSAGE') ranOut++;
          else expect(a.toBytes()).toEqual(b.toBytes());
        }
      }
    }
    expect(ranOut).toBeGreaterThan(5);
  });
});

describe('coded size', () => {
  it('is within 0.1% (+64 bits per lane) of the ideal cost of the quantised distributions', () => {
    const freqs = randomFreqs(256, 16);
    for (const lanes of [1, 4, 32]) {
      const n = lanes * 20000;
      const codec = categorical(freqs, 16, n);
      const symbols = sampleFrom(random, freqs, n);
      const message = Message.create(lanes);
      const startBits = message.byteLength * 8;
      codec.push(message, symbols);
      const grownBits = message.byteLength * 8 - startBits;
      const ideal = codec.cost(symbols);
      expect(grownBits).toBeLessThanOrEqual(ideal * 1.001 + 64 * lanes);
      expect(grownBits).toBeGreaterThanOrEqual(ideal - 64 * lanes);
    }
  });

  it('quantisation at precision 24 costs under 0.1% over the true -log2 p', () => {
    const n = 20000;
    const bernoulliSymbols = Uint32Array.from({ length: n }, (_, i) => (i % 10 < 3 ? 1 : 0));
    const bernoulliIdeal = -(0.3 * n * Math.log2(0.3) + 0.7 * n * Math.log2(0.7));
    expect(bernoulli(new Float32Array(n).fill(0.3), 24).cost(bernoulliSymbols) / bernoulliIdeal).toBeLessThan(1.001);

    for (const [a, b] of [[0.2, 30], [3, 4], [40, 0.5]]) {
      const pmf = betaBinomialPmf(255, a, b);
      const symbols = sampleFrom(random, pmf.map((p) => Math.round(p * 2 ** 40)), n);
      const ideal = symbols.reduce((bits, k) => bits - Math.log2(pmf[k]), 0);
      const codec = betaBinomial(255, new Float32Array(n).fill(a), new Float32Array(n).fill(b), 24);
      expect(codec.cost(symbols) / ideal).toBeLessThan(1.001);
      expect(codec.cost(symbols) / ideal).toBeGreaterThan(0.99);
    }
  });
});

describe('bad arguments raise clear errors and leave the message untouched', () => {
  it('precision and size out of range', () => {
    expect(() => uniform(32, 1)).toThrow(/uniform bits must be an integer in \[0, 31\]/);
    expect(() => bernoulli(new Float32Array(1), 0)).toThrow(/precision/);
    expect(() => betaBinomial(255, new Float32Array(1), new Float32Array(1), 8)).toThrow(/precision must be an integer in \[9, 31\]/);
    expect(() => gaussianPosterior(8, new Float32Array(1), new Float32Array(1), 8)).toThrow(/precision must be an integer in \[9, 31\]/);
    expect(() => categorical([1, 2], 2, 1)).toThrow(/sum to 3, not 2\^2/);
    expect(() => categorical([0, 4], 2, 1)).toThrow(/every frequency must be an integer >= 1/);
    expect(() => Message.create(0)).toThrow(/lanes/);
  });

  it('mismatched lengths and layouts', () => {
    expect(() => betaBinomial(255, new Float32Array(3), new Float32Array(2), 16)).toThrow(/betas has 2 entries, expected 3/);
    expect(() => gaussianPosterior(8, new Float32Array(3), new Float32Array(4), 16)).toThrow(/scales has 4 entries/);
    const message = Message.create(4);
    expect(() => uniform(8, 6).push(message, new Uint32Array(6))).toThrow(/do not fill whole rounds of 4 lanes/);
    expect(() => uniform(8, 4).push(message, new Uint32Array(5))).toThrow(/expected 4 symbols, got 5/);
    expect(() => message.view(2, 3)).toThrow(/lane view count/);
  });

  it('NaN or out-of-range parameters and symbols', () => {
    const message = Message.create(2);
    uniform(8, 2).push(message, new Uint32Array([3, 4]));
    const before = message.toBytes();
    const attempts: Array<[() => void, RegExp]> = [
      [() => bernoulli(new Float32Array([0.5, NaN]), 12).push(message, new Uint32Array([0, 1])), /element 1 has invalid parameters \(p = NaN/],
      [() => bernoulli(new Float32Array([0.5, 1.5]), 12).pop(message), /p = 1.5/],
      [() => bernoulli(new Float32Array([0.5, 0.5]), 12).push(message, new Uint32Array([0, 2])), /element 1 is symbol 2, outside 0..1/],
      [() => betaBinomial(255, new Float32Array([1, 0]), new Float32Array([1, 1]), 16).push(message, new Uint32Array([0, 0])), /alpha = 0/],
      [() => betaBinomial(255, new Float32Array([1, 1]), new Float32Array([Infinity, 1]), 16).pop(message), /beta = Infinity/],
      [() => betaBinomial(255, new Float32Array([1, 1]), new Float32Array([1, 1]), 16).push(message, new Uint32Array([256, 0])), /symbol 256, outside 0..255/],
      [() => gaussianPosterior(8, new Float32Array([0, NaN]), new Float32Array([1, 1]), 16).push(message, new Uint32Array([0, 0])), /mean = NaN/],
      [() => gaussianPosterior(8, new Float32Array([0, 0]), new Float32Array([1, -1]), 16).pop(message), /scale = -1/],
      [() => categorical([2, 2], 2, 2).push(message, new Uint32Array([1, 2])), /symbol 2, outside 0..1/],
      [() => categoricalProbs(2, new Float32Array([1, 1, 0, 0]), 8).push(message, new Uint32Array([0, 0])), /element 1 has invalid parameters \(probabilities 0, 0; must be finite/],
      [() => categoricalProbs(2, new Float32Array([1, NaN, 1, 1]), 8).pop(message), /element 0 has invalid parameters/],
      [() => uniform(3, 2).push(message, new Uint32Array([8, 0])), /symbol 8, outside 0..7/],
    ];
    for (const [attempt, why] of attempts) {
      expect(attempt).toThrow(why);
      expect(message.toBytes()).toEqual(before);
    }
  });
});

describe('bits-back composition', () => {
  it('a toy latent model round-trips a chain of data points and returns the start state', () => {
    // z ~ uniform over 16 bins; x | z ~ Bernoulli(sigmoid(z - 8)) per pixel; q(z | x) a Gaussian over bins.
    const lanes = 4;
    const pixels = 8 * lanes;
    const binsLog2 = 4;
    const model = {
      prior: uniform(binsLog2, lanes),
      likelihood: (z: Uint32Array) =>
        bernoulli(Float32Array.from({ length: pixels }, (_, i) => 1 / (1 + Math.exp(8 - z[i % lanes] - (i % 3)))), 14),
      posterior: (x: Uint32Array) =>
        gaussianPosterior(binsLog2, Float32Array.from({ length: lanes }, (_, k) => x[k] - 0.5), new Float32Array(lanes).fill(0.7), 14),
    };
    const codec = bitsBack(model);
    const message = Message.create(lanes);
    const points = Array.from({ length: 50 }, () => Uint32Array.from({ length: pixels }, () => (random() < 0.4 ? 1 : 0)));
    for (const x of points) codec.push(message, x);
    const decoded = Message.fromBytes(message.toBytes());
    for (let i = points.length - 1; i >= 0; i--) expect(codec.pop(decoded)).toEqual(points[i]);
    expect(decoded.isInitial()).toBe(true);
  });
});
