// Hostile-input harness shared by the test suite and `npm run fuzz`: seeded mutations of a real
// container (bit flips, byte overwrites, truncation, extension, copied regions, random bodies). Each
// must decode to exactly the original images or be refused with a BbansError; anything else
// (another exception, wrong data returned) fails the run.

import { BbansError } from '../src/errors.js';
import { decompress } from '../src/api.js';
import type { CodecModel } from '../src/models.js';
import { rng } from './random.js';

export interface FuzzReport {
  cases: number;
  exact: number;
  refusals: Record<string, number>;
}

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array;
const int = (random: () => number, n: number): number => Math.floor(random() * n);

const MUTATIONS: Record<string, Mutation> = {
  flipBits(bytes, random) {
    const out = bytes.slice();
    for (let k = 1 + int(random, 8); k > 0; k--) out[int(random, out.length)] ^= 1 << int(random, 8);
    return out;
  },
  overwriteByte(bytes, random) {
    const out = bytes.slice();
    // Bias towards the header, where one byte changes the meaning of everything after it.
    out[random() < 0.5 ? int(random, Math.min(64, out.length)) : int(random, out.length)] = int(random, 256);
    return out;
  },
  truncate: (bytes, random) => bytes.subarray(0, int(random, bytes.length)),
  extend(bytes, random) {
    const out = new Uint8Array(bytes.length + 1 + int(random, 100));
    out.set(bytes);
    for (let i = bytes.length; i < out.length; i++) out[i] = int(random, 256);
    return out;
  },
  copyRegion(bytes, random) {
    const from = int(random, bytes.length);
    const to = from + int(random, bytes.length - from + 1);
    return bytes.slice().copyWithin(int(random, bytes.length), from, to);
  },
  randomBody(bytes, random) {
    const keep = int(random, Math.min(64, bytes.length));
    const out = new Uint8Array(keep + int(random, 400));
    out.set(bytes.subarray(0, keep));
    for (let i = keep; i < out.length; i++) out[i] = int(random, 256);
    return out;
  },
};

function sameImages(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
}

export async function fuzzContainers(
  container: Uint8Array,
  original: ArrayLike<number>,
  model: CodecModel,
  cases: number,
  seed: number,
): Promise<FuzzReport> {
  const random = rng(seed);
  const kinds = Object.keys(MUTATIONS);
  const report: FuzzReport = { cases, exact: 0, refusals: {} };
  for (let c = 0; c < cases; c++) {
    const kind = kinds[c % kinds.length]!;
    const mutated = MUTATIONS[kind]!(container, random);
    try {
      const result = await decompress(mutated, { model });
      if (!sameImages(result.data, original)) throw new Error(`case ${c} (${kind}): decode returned wrong data without an error`);
      report.exact++;
    } catch (error) {
      if (!(error instanceof BbansError)) throw new Error(`case ${c} (${kind}): ${String(error)}`);
      report.refusals[error.code] = (report.refusals[error.code] ?? 0) + 1;
    }
  }
  return report;
}
