import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { binarize, BENCHMARK_BINARIZATION, binarizeStochastic } from '../src/data/binarize.js';
import { IdxFormatError, readIdx, writeIdx } from '../src/data/idx.js';
import { loadBinarizedMnistTest, loadMnistImages, loadMnistLabels, MNIST_PIXELS } from '../src/data/mnist.js';
import { MT19937 } from '../src/data/mt19937.js';

// Recorded from numpy 1.24.2 by scripts/numpy-binarize-fingerprint.py.
const NUMPY = {
  binarizedTestSha256: '16ad3251d6198cbc5a56df3ff067c2064c3dea26f871e47b3beff881ee8a6638',
  binarizedTestOnes: 1038529,
  threshold128TestSha256: '89ba780dee8bae72a6e99d565e97bc93a9069e969c7ec81008f4a5cdf9e778a7',
  seed0Uint32: [2357136044, 2546248239, 3071714933, 3626093760, 2588848963],
  seed5489Uint32: [3499211612, 581869302, 3890346734, 3586334585, 545404204],
  seed0Uniforms: [0.5488135039273248, 0.7151893663724195, 0.6027633760716439],
  seed5489Uniforms: [0.8147236863931789, 0.9057919370756192, 0.12698681629350606],
  seed0UniformAt: { 783: 0.8180333057558384, 784: 0.1024137584524164, 7839999: 0.5241683064801537 },
};

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('idx', () => {
  it('round-trips arrays of several ranks', () => {
    for (const dims of [[5], [2, 3], [2, 3, 4], [1, 1, 1, 7]]) {
      const data = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i * 37) & 255);
      const file = writeIdx({ dims, data });
      expect(Array.from(file.subarray(0, 4))).toEqual([0, 0, 0x08, dims.length]);
      const parsed = readIdx(file);
      expect(parsed.dims).toEqual(dims);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });

  it('writes big-endian dimensions', () => {
    const file = writeIdx({ dims: [10000, 1], data: new Uint8Array(10000) });
    expect(Array.from(file.subarray(0, 8))).toEqual([0, 0, 8, 2, 0, 0, 0x27, 0x10]);
  });

  it('reads the real MNIST files', () => {
    const test = loadMnistImages('test');
    expect(test.count).toBe(10000);
    expect(test.pixels.length).toBe(10000 * MNIST_PIXELS);
    expect(loadMnistLabels('test').length).toBe(10000);
  });

  it('rejects truncated files with a clear error', () => {
    const file = writeIdx({ dims: [3, 4], data: new Uint8Array(12) });
    expect(() => readIdx(file.subarray(0, 2))).toThrow(/too short/);
    expect(() => readIdx(file.subarray(0, 9))).toThrow(/truncated header/);
    expect(() => readIdx(file.subarray(0, file.length - 1))).toThrow(/truncated data.*need 12 bytes, file has 11/);
  });

  it('rejects foreign files and other element types', () => {
    expect(() => readIdx(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]))).toThrow(/not an idx file.*gzip/);
    expect(() => readIdx(new TextEncoder().encode('hello world'))).toThrow(IdxFormatError);
    const floats = writeIdx({ dims: [1], data: new Uint8Array(1) });
    floats[2] = 0x0d;
    expect(() => readIdx(floats)).toThrow(/0x0d \(float32\) is not supported/);
    const withTrailing = new Uint8Array([...writeIdx({ dims: [2], data: new Uint8Array(2) }), 9]);
    expect(() => readIdx(withTrailing)).toThrow(/trailing/);
    expect(() => writeIdx({ dims: [2, 2], data: new Uint8Array(3) })).toThrow(/hold 4 bytes/);
  });
});

describe('MT19937 (numpy RandomState)', () => {
  it('matches numpy raw 32-bit outputs for seeds 0 and 5489', () => {
    for (const [seed, expected] of [[0, NUMPY.seed0Uint32], [5489, NUMPY.seed5489Uint32]] as const) {
      const generator = new MT19937(seed);
      expect(expected.map(() => generator.nextUint32())).toEqual(expected);
    }
  });

  it('matches numpy random_sample doubles bit for bit', () => {
    for (const [seed, expected] of [[0, NUMPY.seed0Uniforms], [5489, NUMPY.seed5489Uniforms]] as const) {
      const generator = new MT19937(seed);
      expect(expected.map(() => generator.nextDouble())).toEqual(expected);
    }
    const stream = new MT19937(0).fillDoubles(new Float64Array(7840000));
    for (const [index, value] of Object.entries(NUMPY.seed0UniformAt)) expect(stream[Number(index)]).toBe(value);
  });

  it('resumes exactly from a saved state', () => {
    const generator = new MT19937(42);
    for (let i = 0; i < 1000; i++) generator.nextUint32();
    const resumed = MT19937.fromState(JSON.parse(JSON.stringify(generator.getState())));
    for (let i = 0; i < 1000; i++) expect(resumed.nextUint32()).toBe(generator.nextUint32());
  });

  it('rejects seeds numpy would reject', () => {
    expect(() => new MT19937(-1)).toThrow(RangeError);
    expect(() => new MT19937(2 ** 32)).toThrow(RangeError);
    expect(() => new MT19937(0.5)).toThrow(RangeError);
  });
});

describe('binarization', () => {
  it('reproduces numpy RandomState(0) stochastic binarization of the test set exactly', () => {
    const binary = loadBinarizedMnistTest().pixels;
    expect(BENCHMARK_BINARIZATION).toEqual({ rule: 'numpy-mt19937', seed: 0 });
    expect(binary.reduce((sum, bit) => sum + bit, 0)).toBe(NUMPY.binarizedTestOnes);
    expect(sha256(binary)).toBe(NUMPY.binarizedTestSha256);
  });

  it('applies the threshold rule (pixel >= 128) like numpy', () => {
    const binary = binarize(loadMnistImages('test').pixels, { rule: 'threshold' });
    expect(sha256(binary)).toBe(NUMPY.threshold128TestSha256);
    expect(Array.from(binarize(Uint8Array.from([0, 127, 128, 255]), { rule: 'threshold' }))).toEqual([0, 0, 1, 1]);
  });

  it('never turns on a 0 pixel nor off a 255 pixel, and continues one stream across calls', () => {
    const pixels = Uint8Array.from({ length: 512 }, (_, i) => (i % 2 ? 255 : 0));
    const binary = binarize(pixels, { rule: 'numpy-mt19937', seed: 7 });
    expect(Array.from(binary)).toEqual(Array.from(pixels, (v) => (v ? 1 : 0)));
    const whole = binarize(pixels.map(() => 128), { rule: 'numpy-mt19937', seed: 3 });
    const generator = new MT19937(3);
    const halves = [binarizeStochastic(pixels.subarray(0, 256).map(() => 128), generator),
      binarizeStochastic(pixels.subarray(256).map(() => 128), generator)];
    expect(Array.from(whole)).toEqual([...halves[0]!, ...halves[1]!]);
  });
});
