// SHA-256, the model fingerprint's hash: Node's native digest and the portable one browsers run
// agree with FIPS 180-4's examples and with each other on random messages split into parts.
import { describe, expect, it } from 'vitest';
import { portableSha256, sha256, toHex } from '../src/sha256.js';
import { randomInt, rng } from './random.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sha256', () => {
  it('gives the standard digests, natively and portably', () => {
    const vectors: Array<[Uint8Array, string]> = [
      [text(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      [text('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ];
    for (const [message, digest] of vectors) {
      expect(toHex(sha256(message))).toBe(digest);
      expect(toHex(portableSha256([message]))).toBe(digest);
    }
  });

  it('native and portable agree on random messages in random parts, block edges included', () => {
    const random = rng(31);
    for (let c = 0; c < 300; c++) {
      const parts = Array.from({ length: randomInt(random, 1, 4) }, () => Uint8Array.from({ length: randomInt(random, 0, 130) }, () => randomInt(random, 0, 255)));
      expect(toHex(portableSha256(parts)), `case ${c}`).toBe(toHex(sha256(...parts)));
    }
  });
});
