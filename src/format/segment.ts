// What the segment versions (2 and 3) share: a segment is a header, frames and an index, and a
// file is one or more segments.
//
//   segment = header | frame* | index
//   header  = magic "BBAN" | version u8 | source u8 | model name (u8 length + ASCII)
//             | model fingerprint (16 bytes) | binsLog2 u8 | posteriorPrecision u8
//             | likelihoodPrecision u8 | rank u8 | dims varint x rank
//             | source file's header (varint length + bytes; length 0: none)
//   frame   = a record whose first byte, its tag, names its kind (src/format/frames.ts)
//   index   = "X" | header bytes varint | frames varint | (frame bytes varint, images varint) per frame
//             | crc32 of the index so far u32 | index bytes (from "X" through that crc) u32 | "BBIX"
//
// All integers little-endian, varints unsigned LEB128. The index ends the segment with a fixed
// 8-byte trailer, so a reader at the end of a file finds the index, every frame's offset, and the
// segment's start; whatever lies before that start is another segment, read the same way. That is
// why every segment version ends the same way: a reader finds a segment before it knows its
// version. `cat a b` of two files made with the same model is a file holding a's images, then b's.
import { BbansError } from '../errors.js';
import { crc32 } from '../crc32.js';
import { toHex } from '../sha256.js';
import { type ByteReader, ByteWriter } from './bytes.js';
import { corrupt } from '../errors.js';
import { MAGIC, type StreamHeader, readItemShape, readModelFields, readSourceHeader, writeItemShape, writeModelFields, writeSourceHeader } from './fields.js';
import { type FrameKind, type FrameRecord, MAX_FRAME_PIXELS } from './frames.js';

const INDEX_TAG = 0x58; // "X"
const END_MAGIC = Uint8Array.of(0x42, 0x42, 0x49, 0x58); // "BBIX"
export const TRAILER_BYTES = 8;

/** What the index says of one frame. */
export interface IndexEntry {
  bytes: number;
  count: number;
}

export function writeSegmentHeader(version: number, header: StreamHeader): Uint8Array {
  const w = new ByteWriter();
  w.raw(MAGIC);
  w.u8(version);
  writeModelFields(w, header);
  writeItemShape(w, header.itemShape);
  writeSourceHeader(w, header.sourceHeader ?? new Uint8Array(0));
  return w.done();
}

/** Reads a segment's header; `r` stands just after the magic and version bytes. */
export function readSegmentHeader(r: ByteReader): StreamHeader {
  const fields = readModelFields(r);
  const itemShape = readItemShape(r);
  const sourceHeader = readSourceHeader(r);
  if (fields.source === 'npy' && sourceHeader.length === 0) corrupt('an npy source without its header');
  if (fields.source === 'raw' && sourceHeader.length > 0) corrupt('raw pixels with a source header');
  return { ...fields, itemShape, ...(sourceHeader.length > 0 && { sourceHeader }) };
}

/** The kind of the frame record at r.at, or undefined at the index (nothing is read). */
export function frameKindAt<F extends FrameRecord>(kinds: readonly FrameKind<F>[], r: ByteReader): FrameKind<F> | undefined {
  const at = r.at;
  const tag = r.u8('frame or index tag');
  r.at = at;
  if (tag === INDEX_TAG) return undefined;
  return kinds.find((kind) => kind.tag === tag) ?? corrupt(`byte ${tag} where a frame or the index should start`);
}

/** Throws unless a segment made as `next` may follow one made as `first` in one file (of any segment version). */
export function checkJoinable(first: StreamHeader, next: StreamHeader): void {
  const differs = (what: string, a: string, b: string): void => {
    if (a !== b) throw new BbansError('CORRUPT_MESSAGE', `the file joins segments that differ in ${what} (${a} and ${b}); only files made with the same model from the same kind of images concatenate`);
  };
  differs('model', `${first.modelName}@${toHex(first.fingerprint)}`, `${next.modelName}@${toHex(next.fingerprint)}`);
  differs('image shape', first.itemShape.join('x'), next.itemShape.join('x'));
  differs('source', `${first.source} ${8 * first.pixelBytes}-bit`, `${next.source} ${8 * next.pixelBytes}-bit`);
}

export function writeIndex(headerBytes: number, entries: IndexEntry[]): Uint8Array {
  const w = new ByteWriter();
  w.u8(INDEX_TAG);
  w.varint(headerBytes);
  w.varint(entries.length);
  for (const { bytes, count } of entries) {
    w.varint(bytes);
    w.varint(count);
  }
  const body = w.done();
  w.u32(crc32(body));
  w.u32(body.length + 4);
  w.raw(END_MAGIC);
  return w.done();
}

/** The index's length from the trailer (the last 8 bytes of a segment), or undefined when they are not a trailer. */
export function indexBytesOf(trailer: Uint8Array): number | undefined {
  if (trailer.length !== TRAILER_BYTES || END_MAGIC.some((b, i) => trailer[4 + i] !== b)) return undefined;
  return new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
}

/** Reads the index record at r.at, trailer included, checking its checksum. */
export function readIndex(r: ByteReader): { headerBytes: number; entries: IndexEntry[] } {
  const start = r.at;
  if (r.u8('index tag') !== INDEX_TAG) corrupt('the index does not start with its tag');
  const headerBytes = r.varint('index header length', 2 ** 20);
  const frames = r.varint('index frame count', 2 ** 31);
  const entries: IndexEntry[] = [];
  for (let i = 0; i < frames; i++) {
    // Read one by one: each entry takes at least 2 bytes, so a huge count runs out of bytes first.
    entries.push({ bytes: r.varint('index frame length', 2 ** 40), count: r.varint('index image count', MAX_FRAME_PIXELS) });
  }
  const body = r.span(start, r.at);
  const checksum = r.u32('index checksum');
  const recordBytes = r.u32('index length');
  const mark = r.raw(END_MAGIC.length, 'index end mark');
  if (END_MAGIC.some((b, i) => mark[i] !== b)) corrupt('the index does not end with its mark');
  if (recordBytes !== body.length + 4) corrupt('the index length in the trailer is not the index');
  if (crc32(body) !== checksum) corrupt('the index checksum does not match');
  return { headerBytes, entries };
}
