// The message test/golden.test.ts pins (and test/browser checks the page computes too), written against a core module passed in, so the same
// function runs in Node (src/core.ts) and in the page (the bbans bundle).
import type * as Core from '../src/core.js';
import { logUniform, randomInt, rng } from './random.js';

export function goldenMessage(core: Pick<typeof Core, 'Message' | 'bernoulli' | 'betaBinomial' | 'categorical' | 'gaussianPosterior' | 'quantizeProbabilities' | 'uniform'>): Uint8Array {
  const { Message, bernoulli, betaBinomial, categorical, gaussianPosterior, quantizeProbabilities, uniform } = core;
  const random = rng(42);
  const lanes = 3;
  const n = lanes * 200;
  const message = Message.create(lanes);
  uniform(12, n).pop(message); // start by borrowing, as bits-back does
  categorical(quantizeProbabilities([5, 1, 3, 0.01, 8], 14), 14, n).push(message, Uint32Array.from({ length: n }, () => randomInt(random, 0, 4)));
  bernoulli(Float32Array.from({ length: n }, () => random()), 16).push(message, Uint32Array.from({ length: n }, () => randomInt(random, 0, 1)));
  const alphas = Float32Array.from({ length: n }, () => logUniform(random, 1e-3, 1e4));
  const betas = Float32Array.from({ length: n }, () => logUniform(random, 1e-3, 1e4));
  betaBinomial(255, alphas, betas, 16).push(message, Uint32Array.from({ length: n }, () => randomInt(random, 0, 255)));
  const means = Float32Array.from({ length: n }, () => (random() - 0.5) * 8);
  const scales = Float32Array.from({ length: n }, () => logUniform(random, 1e-4, 10));
  gaussianPosterior(12, means, scales, 20).push(message, Uint32Array.from({ length: n }, () => randomInt(random, 0, 4095)));
  return message.toBytes();
}
