// Seeded damage to a file's bytes: anywhere (bit flips, byte overwrites, truncation, extension,
// copied regions, random bodies), or within one region of it (an index and its trailer, a frame's
// first bytes, a segment's header), where one wrong byte changes the meaning of everything after it.
import { randomInt } from '../random.js';

export type Random = () => number;
export type Mutation = (bytes: Uint8Array, random: Random) => Uint8Array;

/** Bytes [start, end) of a file. */
export interface Region {
  start: number;
  end: number;
}

export const int = (random: Random, n: number): number => Math.floor(random() * n);
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

/** Mutations anywhere in the file. */
export const MUTATIONS: Record<string, Mutation> = {
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

export type RegionMutation = (bytes: Uint8Array, random: Random, region: Region) => Uint8Array;

/** Values a length, count or tag is most often wrong by: none, the varint limits, one. */
const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff];

const within = (random: Random, { start, end }: Region): number => randomInt(random, start, end - 1);

/** Mutations inside one region of the file (never empty). */
export const REGION_MUTATIONS: Record<string, RegionMutation> = {
  flip(bytes, random, region) {
    const out = bytes.slice();
    for (let k = 1 + int(random, 3); k > 0; k--) out[within(random, region)] ^= 1 << int(random, 8);
    return out;
  },
  overwrite(bytes, random, region) {
    const out = bytes.slice();
    for (let k = 1 + int(random, 2); k > 0; k--) out[within(random, region)] = random() < 0.5 ? pick(random, EDGE_BYTES) : int(random, 256);
    return out;
  },
  /** One byte up or down by one: a count, a length or a header size that is off by one. */
  nudge(bytes, random, region) {
    const out = bytes.slice();
    out[within(random, region)] += random() < 0.5 ? 1 : -1;
    return out;
  },
  /** The file ends inside the region, or just after it. */
  truncate: (bytes, random, { start, end }) => bytes.slice(0, randomInt(random, start, end)),
  remove(bytes, random, region) {
    const at = within(random, region);
    const out = new Uint8Array(bytes.length - 1);
    out.set(bytes.subarray(0, at));
    out.set(bytes.subarray(at + 1), at);
    return out;
  },
  insert(bytes, random, { start, end }) {
    const at = randomInt(random, start, end);
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes.subarray(0, at));
    out[at] = random() < 0.5 ? pick(random, EDGE_BYTES) : int(random, 256);
    out.set(bytes.subarray(at), at + 1);
    return out;
  },
};
