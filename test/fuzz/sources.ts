// A well-formed file as the fuzzer holds it: its segments' bytes and the images it decodes to. Files
// join by concatenation (the images of each in order); where their bytes lie (headers, frames'
// first bytes, indexes) is what the aimed mutations hit; and a damaged copy of one is judged by
// what it still is: the same bytes, a whole number of its segments, or neither.
import type { PixelArray } from '../../src/pixels.js';
import { elementCount } from '../../src/shape.js';
import { type RawSegment, joinSegments } from '../format-edit.js';
import type { Expectation } from './oracle.js';
import type { Region } from './mutations.js';

export interface Source {
  /** What the file is, for the case's description. */
  what: string;
  images: PixelArray;
  segments: RawSegment[];
}

/** A new array of `length` pixels of the same type as `like`. */
export function pixelsLike(like: PixelArray, length: number): PixelArray {
  return like instanceof Uint16Array ? new Uint16Array(length) : new Uint8Array(length);
}

/** Bytes made from sources (as they are, damaged or spliced), what they are, and what they must decode to. */
export interface Made {
  what: string;
  bytes: Uint8Array;
  expected: Expectation;
}

export const bytesOf = (source: Source): Uint8Array => joinSegments(source.segments);

/** The files concatenated: one file of all their segments and images. */
export function joined(sources: Source[]): Source {
  const length = sources.reduce((n, s) => n + s.images.length, 0);
  const images = pixelsLike(sources[0]!.images, length);
  let at = 0;
  for (const source of sources) {
    images.set(source.images, at);
    at += source.images.length;
  }
  return { what: `join(${sources.map((s) => s.what).join('+')})`, images, segments: sources.flatMap((s) => s.segments) };
}

/** The most of a frame record's first bytes that hold its fields (tag, count, checksum, and the kind's lengths). */
const FRAME_HEAD_BYTES = 16;

export interface Regions {
  /** Each segment's header. */
  headers: Region[];
  /** Each frame record's first bytes. */
  frameHeads: Region[];
  /** Each segment's index with its trailer; the last segment's is the end of the file. */
  indexes: Region[];
}

export function regionsOf(segments: RawSegment[]): Regions {
  const regions: Regions = { headers: [], frameHeads: [], indexes: [] };
  let at = 0;
  const next = (bytes: number): Region => ({ start: at, end: (at += bytes) });
  for (const { head, records, index } of segments) {
    regions.headers.push(next(head.length));
    for (const record of records) {
      const { start } = next(record.length);
      regions.frameHeads.push({ start, end: start + Math.min(record.length, FRAME_HEAD_BYTES) });
    }
    regions.indexes.push(next(index.length));
  }
  return regions;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * What `bytes`, made from `source`'s by a mutation, must decode to: the same bytes are the same
 * file, and a cut where one of its segments ends leaves a file of the segments before it (both must
 * decode); anything else must decode to the source's images or be refused.
 */
export function expectationAfter(source: Source, original: Uint8Array, bytes: Uint8Array): Expectation {
  if (sameBytes(bytes, original)) return { images: source.images, outcome: 'decodes' };
  let end = 0;
  let pixels = 0;
  for (const { header, head, records, counts, index } of source.segments) {
    end += head.length + records.reduce((n, r) => n + r.length, 0) + index.length;
    pixels += counts.reduce((n, c) => n + c, 0) * elementCount(header.itemShape);
    if (end === bytes.length && sameBytes(bytes, original.subarray(0, end))) return { images: source.images.subarray(0, pixels), outcome: 'decodes' };
  }
  return { images: source.images, outcome: 'either' };
}
