// Checks both local autoregressive test files make of the fused pixel coder.
import { expect } from 'vitest';
import { Message, type AutoregressiveCodec, type DenseLayer } from '../src/core.js';
import { logUniform } from './random.js';

/** Push then pop gives the symbols back and the start state; a mixture's quantised cost stays within its bound over the exact one. */
export function expectRoundTrip(codec: AutoregressiveCodec, lanes: number, symbols: Uint32Array, likelihood: string, maxValue: number, label: string): void {
  const message = Message.create(lanes);
  codec.push(message, symbols);
  const decoded = Message.fromBytes(message.toBytes());
  expect(codec.pop(decoded), label).toEqual(symbols);
  expect(decoded.isInitial()).toBe(true);
  if (likelihood === 'logistic-mixture') {
    // Quantised as floor(F(x) R) + x with R = 2^p - (n + 1): every freq exceeds P(x) R.
    const exact = codec.log2Probabilities(symbols).reduce((a, b) => a - b, 0);
    const precision = codec.precision;
    expect(codec.cost(symbols)).toBeLessThan(exact + symbols.length * Math.log2(2 ** precision / (2 ** precision - maxValue - 1)) + 1e-6);
  }
  message.free();
  decoded.free();
}

/** Mean over the batch of |coder's bits - training's bits| per image: log2p lane-major [pixel][lane], trained nats per image. */
export function meanBitsDifference(log2p: Float64Array, trainedNats: ArrayLike<number>, batch: number, pixels: number): number {
  let total = 0;
  for (let b = 0; b < batch; b++) {
    let bits = 0;
    for (let t = 0; t < pixels; t++) bits -= log2p[t * batch + b]!;
    total += Math.abs(bits + trainedNats[b]! / Math.LN2);
  }
  return total / batch;
}

/** Dense layers of these widths with weights drawn from `random` at a random scale. */
export function randomLayers(random: () => number, widths: number[]): DenseLayer[] {
  const scale = logUniform(random, 0.05, 5);
  return widths.slice(1).map((outputs, l) => ({
    inputs: widths[l]!,
    outputs,
    kernel: Float32Array.from({ length: widths[l]! * outputs }, () => (random() - 0.5) * scale),
    bias: Float32Array.from({ length: outputs }, () => (random() - 0.5) * scale),
  }));
}
