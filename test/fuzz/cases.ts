// The kinds of fuzz case, and case number c of a run: its kind, its model's corpus and everything
// random in it follow from the seed and c alone, so any case can be made again by itself.
//
//   file       one file, damaged anywhere, read whole
//   join       two to four files concatenated (v2 and v3 segments, stored frames, empty files), as
//              they are or damaged, read whole
//   range      a file or a join, damaged or not, read as a range of images
//   tail       damage aimed at an index and its trailer (a file's last bytes, or a segment's before a join)
//   frameHead  damage aimed at a frame record's first bytes or a segment's header
//   splice     a frame record of one file in the place of another's, its index kept or rebuilt
//   stream     a file or a join, damaged or not, read by decompressChunks in chunks of random sizes
//
// Where a kind names no read, its case is read whole, as a range or as a stream, at random.
import { elementCount } from '../../src/shape.js';
import type { Corpus } from './corpus.js';
import { MUTATIONS, REGION_MUTATIONS, type Random, type Region, pick } from './mutations.js';
import { type FuzzCase, type Read, indexedImages } from './oracle.js';
import { type Made, type Source, bytesOf, expectationAfter, joined, regionsOf } from './sources.js';
import { splice } from './splice.js';
import { logUniform, randomInt, rng } from '../random.js';

export const CASE_KINDS = ['file', 'join', 'range', 'tail', 'frameHead', 'splice', 'stream'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** The randomness of case c of the run seeded `seed`: its own stream, whatever came before it. */
export function caseRandom(seed: number, c: number): Random {
  return rng((seed ^ Math.imul(c + 1, 0x9e3779b1)) >>> 0);
}

function aPiece(corpus: Corpus, random: Random, withFrames = false): Source {
  const pieces = withFrames ? corpus.pieces.filter((p) => p.segments.some((s) => s.records.length > 0)) : corpus.pieces;
  return pick(random, pieces);
}

/** Two to four files of the corpus, drawn with replacement, joined. */
const aJoin = (corpus: Corpus, random: Random): Source => joined(Array.from({ length: randomInt(random, 2, 4) }, () => aPiece(corpus, random)));

/** A file of the corpus, or a join of them with probability `joins`. */
const aSource = (corpus: Corpus, random: Random, joins: number): Source => (random() < joins ? aJoin(corpus, random) : aPiece(corpus, random));

const asItIs = (source: Source): Made => ({ what: source.what, bytes: bytesOf(source), expected: { images: source.images, outcome: 'decodes' } });

function damagedAnywhere(source: Source, random: Random): Made {
  const original = bytesOf(source);
  const name = pick(random, Object.keys(MUTATIONS));
  const bytes = MUTATIONS[name]!(original, random);
  return { what: `${name}(${source.what})`, bytes, expected: expectationAfter(source, original, bytes) };
}

/** Damage within one of `regions` of the source (a named region kind, for the description). */
function damagedIn(source: Source, random: Random, where: string, regions: Region[]): Made {
  const original = bytesOf(source);
  const region = pick(random, regions);
  const name = pick(random, Object.keys(REGION_MUTATIONS));
  const bytes = REGION_MUTATIONS[name]!(original, random, region);
  return { what: `${name} in ${where} [${region.start}, ${region.end}) of ${source.what}`, bytes, expected: expectationAfter(source, original, bytes) };
}

/** An index with its trailer: the last segment's (the end of the file) half the time. */
function damagedTail(source: Source, random: Random): Made {
  const { indexes } = regionsOf(source.segments);
  return damagedIn(source, random, 'an index', random() < 0.5 ? [indexes.at(-1)!] : indexes);
}

/** A frame record's first bytes, or (a quarter of the time, and in files of no frames) a segment's header. */
function damagedHead(source: Source, random: Random): Made {
  const { headers, frameHeads } = regionsOf(source.segments);
  return frameHeads.length > 0 && random() < 0.75 ? damagedIn(source, random, 'a frame head', frameHeads) : damagedIn(source, random, 'a header', headers);
}

/** Damage of any of the three sorts. */
const damaged = (source: Source, random: Random): Made => pick(random, [damagedAnywhere, damagedTail, damagedHead])(source, random);

/** A range of the `count` images: all, none, one, or any. */
function aRange(random: Random, count: number): Read {
  const r = random();
  if (r < 0.2) return { how: 'range', from: 0, to: count };
  if (r < 0.3 || count === 0) {
    const at = randomInt(random, 0, count);
    return { how: 'range', from: at, to: at };
  }
  if (r < 0.5) {
    const at = randomInt(random, 0, count - 1);
    return { how: 'range', from: at, to: at + 1 };
  }
  const from = randomInt(random, 0, count);
  return { how: 'range', from, to: randomInt(random, from, count) };
}

/** The bytes cut into chunks around a typical size drawn from one byte to all of them; now and then an empty one. */
function aStream(random: Random, bytes: number): Read {
  const typical = Math.round(logUniform(random, 1, Math.max(1, bytes)));
  const chunks: number[] = [];
  for (let at = 0; at < bytes;) {
    const size = random() < 0.05 ? 0 : Math.min(bytes - at, randomInt(random, 1, 2 * typical));
    chunks.push(size);
    at += size;
  }
  return { how: 'stream', chunks };
}

/** A read of the made bytes, whose index numbers `count` images. */
type ReadOf = (made: Made, count: number) => Read;

const whole: ReadOf = () => ({ how: 'whole' });

function anyRead(random: Random): ReadOf {
  const r = random();
  return r < 0.4 ? whole : r < 0.7 ? (_, count) => aRange(random, count) : (made) => aStream(random, made.bytes.length);
}

const MAKERS: Record<CaseKind, (corpus: Corpus, random: Random) => { made: Made; read: ReadOf }> = {
  file: (corpus, random) => ({ made: damagedAnywhere(aPiece(corpus, random), random), read: whole }),
  join(corpus, random) {
    const join = aJoin(corpus, random);
    return { made: random() < 0.25 ? asItIs(join) : damaged(join, random), read: whole };
  },
  range(corpus, random) {
    const source = aSource(corpus, random, 0.5);
    return { made: random() < 0.2 ? asItIs(source) : damaged(source, random), read: (_, count) => aRange(random, count) };
  },
  tail: (corpus, random) => ({ made: damagedTail(aSource(corpus, random, 0.5), random), read: anyRead(random) }),
  frameHead: (corpus, random) => ({ made: damagedHead(aSource(corpus, random, 0.5), random), read: anyRead(random) }),
  splice(corpus, random) {
    const target = random() < 0.5 ? aPiece(corpus, random, true) : joined([aPiece(corpus, random, true), aPiece(corpus, random)]);
    return { made: splice(target, aPiece(corpus, random, true), random, random() < 0.5), read: anyRead(random) };
  },
  stream(corpus, random) {
    const source = aSource(corpus, random, 0.5);
    return { made: random() < 0.2 ? asItIs(source) : damaged(source, random), read: (made) => aStream(random, made.bytes.length) };
  },
};

/** Case c of the run seeded `seed` over `kinds`: kinds in turn, each in turn on every corpus (one a model). */
export function fuzzCase(corpora: Corpus[], seed: number, c: number, kinds: readonly CaseKind[] = CASE_KINDS): { corpus: Corpus; case: FuzzCase } {
  const kind = kinds[c % kinds.length]!;
  const corpus = corpora[Math.floor(c / kinds.length) % corpora.length]!;
  const random = caseRandom(seed, c);
  const { made, read } = MAKERS[kind](corpus, random);
  // Most cases decode on the calling thread; a quarter on a worker, where a frame travels as a message.
  const threads = random() < 0.25 ? 1 : 0;
  const count = indexedImages(made.expected).length / elementCount(corpus.model.itemShape);
  return { corpus, case: { kind, what: `${corpus.model.name}: ${made.what}`, bytes: made.bytes, expected: made.expected, read: read(made, count), threads } };
}
