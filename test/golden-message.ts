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

/**
 * The fused autoregressive coder (format version 1 files of the local AR models): a random
 * two-layer pixel network over 9x7 images of 8-bit pixels (a 3-component logistic mixture) and
 * over 0/1 pixels (Bernoulli), starting by borrowing as bits-back does.
 */
export function goldenAutoregressiveMessage(core: Pick<typeof Core, 'Message' | 'uniform' | 'pixelNetwork' | 'pixelOutputs' | 'localAutoregressive'>): Uint8Array {
  const { Message, uniform, pixelNetwork, pixelOutputs, localAutoregressive } = core;
  const random = rng(43);
  const lanes = 19; // one block of 16 lanes and a remainder, the WASM loop's two paths
  const message = Message.create(lanes);
  uniform(12, lanes * 10).pop(message);
  for (const [likelihood, components, maxValue] of [['logistic-mixture', 3, 255], ['bernoulli', 1, 1]] as const) {
    const window = { rows: 2, halfWidth: 2 };
    const widths = [12 + 4, 7, pixelOutputs({ likelihood, components })];
    const layers = widths.slice(1).map((outputs, l) => ({
      inputs: widths[l]!, outputs,
      kernel: Float32Array.from({ length: widths[l]! * outputs }, () => random() - 0.5),
      bias: Float32Array.from({ length: outputs }, () => random() - 0.5),
    }));
    const network = pixelNetwork({ likelihood, components, height: 9, width: 7, maxValue, window, features: 4, layers });
    const features = Float32Array.from({ length: lanes * 63 * 4 }, () => (random() - 0.5) * 4);
    const pixels = Uint32Array.from({ length: 63 * lanes }, () => (random() < 0.6 ? 0 : randomInt(random, 0, maxValue)));
    localAutoregressive(network, features, lanes, likelihood === 'bernoulli' ? 20 : 24).push(message, pixels);
  }
  return message.toBytes();
}

/**
 * The fused coder with the predictive context (predictive-ar-vae models) and features per image: a
 * random two-layer pixel network over 9x7 images, 8-bit pixels from a random walk in steps of at
 * most 20 (taken in the coder's [pixel][lane] order; a 4-component mixture) and 0/1 pixels
 * (Bernoulli), starting by borrowing as bits-back does.
 */
export function goldenPredictiveMessage(core: Pick<typeof Core, 'Message' | 'uniform' | 'pixelNetwork' | 'pixelOutputs' | 'localAutoregressive'>): Uint8Array {
  const { Message, uniform, pixelNetwork, pixelOutputs, localAutoregressive } = core;
  const random = rng(44);
  const lanes = 19;
  const message = Message.create(lanes);
  uniform(12, lanes * 10).pop(message);
  for (const [likelihood, components, maxValue] of [['logistic-mixture', 4, 255], ['bernoulli', 1, 1]] as const) {
    const window = { rows: 3, halfWidth: 3 };
    const widths = [24 + 5 + 3, 9, pixelOutputs({ likelihood, components })];
    const layers = widths.slice(1).map((outputs, l) => ({
      inputs: widths[l]!, outputs,
      kernel: Float32Array.from({ length: widths[l]! * outputs }, () => random() - 0.5),
      bias: Float32Array.from({ length: outputs }, () => random() - 0.5),
    }));
    const network = pixelNetwork({ likelihood, components, height: 9, width: 7, maxValue, context: 'predictive', window, features: 3, sharedFeatures: true, layers });
    const features = Float32Array.from({ length: lanes * 3 }, () => (random() - 0.5) * 4);
    let level = 128;
    const pixels = Uint32Array.from({ length: 63 * lanes }, () => {
      level = Math.min(255, Math.max(0, level + randomInt(random, -20, 20)));
      return maxValue === 1 ? Number(level > 128) : level;
    });
    localAutoregressive(network, features, lanes, likelihood === 'bernoulli' ? 20 : 24).push(message, pixels);
  }
  return message.toBytes();
}
