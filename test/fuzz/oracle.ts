// The fuzzer's oracle: a case is bytes, what they must decode to, and how they are read (whole, a
// range of images, or as a stream in chunks). The decoder passes a case when it gives back exactly
// the expected images or refuses with a BbansError of a code that names damaged input; it fails it
// with any other error, with data that differ (fewer images without an error among them), or, for a
// stream, with a batch that is not the next part of the expected images, even before a refusal.
import { BbansError, type BbansErrorCode } from '../../src/errors.js';
import { decompress } from '../../src/api.js';
import { decompressChunks } from '../../src/streams.js';
import type { CodecModel } from '../../src/models.js';
import type { PixelArray } from '../../src/pixels.js';
import { elementCount } from '../../src/shape.js';

export type Outcome = 'decodes' | 'refused' | 'either';

/**
 * What the bytes must do: `decodes`, a well-formed file, must give the images; `refused`, a file
 * the format forbids, must be refused (a stream may hand out the frames before what is wrong);
 * `either`, damaged bytes, may do either. `images` are what a reader from the front meets.
 */
export interface Expectation {
  images: PixelArray;
  outcome: Outcome;
  /**
   * Where the index is intact and fits the file but one frame record is not the one it describes
   * (another frame's record in its place): the images as the index numbers them, and the images
   * [from, to) of that frame. A range read loads only the frames it needs, so one that reaches
   * into that frame reads with `outcome`, and any other must decode to the index's images.
   */
  byIndex?: { images: PixelArray; frame: [number, number] };
}

/** The images as the file's index numbers them: what a range read takes its images from. */
export const indexedImages = (expected: Expectation): PixelArray => expected.byIndex?.images ?? expected.images;

export type Read =
  | { how: 'whole' }
  /** decompress(bytes, { images: [from, to) }). */
  | { how: 'range'; from: number; to: number }
  /** decompressChunks over the bytes cut into chunks of these sizes. */
  | { how: 'stream'; chunks: number[] };

export interface FuzzCase {
  kind: string;
  /** How the bytes were made, for the report of a failure. */
  what: string;
  bytes: Uint8Array;
  expected: Expectation;
  read: Read;
  /** decompress's threads (its default when absent). */
  threads?: number;
}

/** What a case came to: its exact images, or the code it was refused with. */
export type Verdict = 'exact' | BbansErrorCode;

/** The codes that name damaged or foreign input; anything else (a codec's misuse codes, a dead worker) is a decoder bug. */
const REFUSAL_CODES: ReadonlySet<BbansErrorCode> = new Set(['NOT_BBANS', 'UNSUPPORTED_VERSION', 'MODEL_MISMATCH', 'TRUNCATED', 'HEADER_LIMIT', 'CORRUPT_MESSAGE', 'CHECKSUM_MISMATCH']);

export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

const describeRead = (read: Read): string =>
  read.how === 'range' ? `range [${read.from}, ${read.to})` : read.how === 'stream' ? `stream in ${read.chunks.length} chunks` : 'whole';

/** The case in one line: its kind, how its bytes were made, how they are read. */
export const describeCase = (c: FuzzCase): string =>
  `${c.kind} (${c.what}; read ${describeRead(c.read)}${c.threads === undefined ? '' : `, ${c.threads} threads`})`;

/**
 * What is wrong with `got` as the part of `want` from pixel `at` on, in the same pixel type;
 * undefined when nothing is. No pixels are of no type: a header's pixel depth is checked by the
 * checksums of the frames decoded, so a damaged one goes unseen only where none is (a file of no
 * images, whose damaged bytes are then the file bbans writes for no images of the other depth, or
 * an empty range), and the reader rightly gives back no pixels.
 */
function partError(want: PixelArray, got: PixelArray, at: number): string | undefined {
  if (got.length > 0 && got.BYTES_PER_ELEMENT !== want.BYTES_PER_ELEMENT) return `decoded ${8 * got.BYTES_PER_ELEMENT}-bit pixels, the file holds ${8 * want.BYTES_PER_ELEMENT}-bit ones`;
  if (at + got.length > want.length) return `decoded ${at + got.length} pixels without an error, the file holds ${want.length}`;
  const wrong = got.findIndex((v, i) => v !== want[at + i]);
  if (wrong >= 0) return `decoded wrong data without an error (pixel ${at + wrong} is ${got[wrong]}, not ${want[at + wrong]})`;
  return undefined;
}

async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) yield bytes.slice(at, (at += size));
}

/** Reads the case as it says, handing each decoded part to `part` (a stream's batches one by one); returns the pixels decoded. */
async function read(c: FuzzCase, model: CodecModel, part: (data: PixelArray, at: number) => void): Promise<number> {
  const options = { model, ...(c.threads !== undefined && { threads: c.threads }) };
  if (c.read.how !== 'stream') {
    const { data } = await decompress(c.bytes, c.read.how === 'range' ? { ...options, images: [c.read.from, c.read.to] } : options);
    part(data, 0);
    return data.length;
  }
  let at = 0;
  for await (const { data } of decompressChunks(chunked(c.bytes, c.read.chunks), options)) {
    part(data, at);
    at += data.length;
  }
  return at;
}

/** What the case's read must give (as pixels) and how it must end. */
function demand({ read, expected }: FuzzCase, itemPixels: number): { want: PixelArray; outcome: Outcome } {
  if (read.how !== 'range') return { want: expected.images, outcome: expected.outcome };
  const frame = expected.byIndex?.frame;
  const reachesFrame = frame === undefined || (read.from < frame[1] && frame[0] < read.to);
  return { want: indexedImages(expected).subarray(read.from * itemPixels, read.to * itemPixels), outcome: reachesFrame ? expected.outcome : 'decodes' };
}

/** Runs the case through the decoder: its verdict, or a FuzzFailure saying what the decoder did wrong. */
export async function judge(c: FuzzCase, model: CodecModel): Promise<Verdict> {
  const { want, outcome } = demand(c, elementCount(model.itemShape));
  const failure = (what: string): FuzzFailure => new FuzzFailure(`${describeCase(c)}: ${what}`);
  let decoded: number;
  try {
    decoded = await read(c, model, (data, at) => {
      const wrong = partError(want, data, at);
      if (wrong) throw failure(wrong);
    });
  } catch (error) {
    if (error instanceof FuzzFailure) throw error;
    if (!(error instanceof BbansError)) throw failure(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}, not a BbansError`);
    if (!REFUSAL_CODES.has(error.code)) throw failure(`refused with ${error.code}, a code for misuse, not damaged input: ${error.message}`);
    if (outcome === 'decodes') throw failure(`refused a well-formed file: ${error.code}: ${error.message}`);
    return error.code;
  }
  if (decoded < want.length) throw failure(`decoded ${decoded} of ${want.length} pixels without an error`);
  if (outcome === 'refused') throw failure('decoded a file the format forbids instead of refusing it');
  return 'exact';
}
