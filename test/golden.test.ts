// Pins the exact bytes the codecs produce. Files written by one build must decode in every other,
// so any change to the quantisation, the math or the build flags (AssemblyScript swaps its exp/log
// implementations with shrinkLevel, for one) must show up here, not in a user's failed decode.
import { describe, expect, it } from 'vitest';
import { Message, bernoulli, betaBinomial, categorical, gaussianPosterior, quantizeProbabilities, uniform } from '../src/core.js';
import { sha256, toHex } from '../src/sha256.js';
import { logUniform, randomInt, rng } from './random.js';

function goldenMessage(): Uint8Array {
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

describe('golden bytes', () => {
  it('every codec produces exactly the recorded message', () => {
    const bytes = goldenMessage();
    expect(bytes.length).toBe(GOLDEN_LENGTH);
    expect(toHex(sha256(bytes))).toBe(GOLDEN_SHA256);
  });
});

const GOLDEN_LENGTH = 2876;
const GOLDEN_SHA256 = '547deb83f0ed73c0be3c1a2f54aa8b6e2346706b1bcd468ef3673a8e2f854295';
