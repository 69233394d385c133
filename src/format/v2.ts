// Format version 2: independent frames, an index, and files that join by concatenation.
//
//   segment = header | frame* | index
//   header  = magic "BBAN" | version 2 | source u8 | model name (u8 length + ASCII)
//             | model fingerprint (16 bytes) | binsLog2 u8 | posteriorPrecision u8
//             | likelihoodPrecision u8 | rank u8 | dims varint x rank
//             | source file's header (varint length + bytes; length 0: none)
//   frame   = "F" | images varint | crc32 of the frame's pixels u32 | chains varint
//             | borrowed words varint | tail words varint | heads (8 bytes per chain) | tail (4 bytes per word)
//   index   = "X" | header bytes varint | frames varint | (frame bytes varint, images varint) per frame
//             | crc32 of the index so far u32 | index bytes (from "X" through that crc) u32 | "BBIX"
//
// All integers little-endian, varints unsigned LEB128. Each frame is one bits-back chain (its own
// message: heads, tail and the count of start words its first pops borrowed) over a run of images,
// decodable alone. The index ends the segment with a fixed 8-byte trailer, so a reader at the end
// of a file finds the index, every frame's offset, and the segment's start; whatever lies before
// that start is another segment, read the same way. A file is one or more segments: `cat a b`
// of two files made with the same model is a file holding a's images, then b's.
import { corrupt } from '../errors.js';
import { MAX_LANES, lanesOf } from '../message.js';
import { crc32 } from '../crc32.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { MAGIC, type StreamHeader, readItemShape, readModelFields, readSourceHeader, writeItemShape, writeModelFields, writeSourceHeader } from './fields.js';

export const VERSION = 2;
const FRAME_TAG = 0x46; // "F"
const INDEX_TAG = 0x58; // "X"
const END_MAGIC = Uint8Array.of(0x42, 0x42, 0x49, 0x58); // "BBIX"
export const TRAILER_BYTES = 8;
/** A frame holds at most 2^24 pixels (64 MiB while decoding), so a reader's memory stays bounded by a few frames. */
export const MAX_FRAME_PIXELS = 2 ** 24;
/** Bytes a message header takes in Message.toBytes form: lanes u32, borrowed words u32. */
const MESSAGE_HEADER_BYTES = 8;

export interface Frame {
  /** Images in the frame. */
  count: number;
  /** CRC-32 of the frame's pixel values as bytes (16-bit ones little-endian). */
  crc32: number;
  /** The frame's chain, in Message.toBytes form. */
  message: Uint8Array;
}

/** What the index says of one frame. */
export interface IndexEntry {
  bytes: number;
  count: number;
}

export function writeHeader(header: StreamHeader): Uint8Array {
  const w = new ByteWriter();
  w.raw(MAGIC);
  w.u8(VERSION);
  writeModelFields(w, header);
  writeItemShape(w, header.itemShape);
  writeSourceHeader(w, header.sourceHeader ?? new Uint8Array(0));
  return w.done();
}

/** Reads a version-2 header; `r` stands just after the magic and version bytes. */
export function readHeaderFields(r: ByteReader): StreamHeader {
  const fields = readModelFields(r);
  const itemShape = readItemShape(r);
  const sourceHeader = readSourceHeader(r);
  if (fields.source === 'npy' && sourceHeader.length === 0) corrupt('an npy source without its header');
  if (fields.source === 'raw' && sourceHeader.length > 0) corrupt('raw pixels with a source header');
  return { ...fields, itemShape, ...(sourceHeader.length > 0 && { sourceHeader }) };
}

export function writeFrame(frame: Frame): Uint8Array {
  const message = new DataView(frame.message.buffer, frame.message.byteOffset, MESSAGE_HEADER_BYTES);
  const chains = lanesOf(frame.message);
  const w = new ByteWriter();
  w.u8(FRAME_TAG);
  w.varint(frame.count);
  w.u32(frame.crc32);
  w.varint(chains);
  w.varint(message.getUint32(4, true));
  w.varint((frame.message.length - MESSAGE_HEADER_BYTES - 8 * chains) / 4);
  w.raw(frame.message.subarray(MESSAGE_HEADER_BYTES));
  return w.done();
}

/**
 * The most tail words a chain over `count` images may claim: a pixel adds at most 31 bits and an
 * image's latents at most 2^16 x 16 bits, so a real message is smaller; a hostile one cannot make
 * a reader hold more than 128 MiB.
 */
export function maxTailWords(count: number, itemPixels: number): number {
  return Math.min(2 ** 25, count * (itemPixels + 32768) + 65536);
}

/** What a frame record says before its message: enough to describe it without reading the rest. */
export interface FramePrefix {
  count: number;
  crc32: number;
  chains: number;
}

/** Longest a frame record's prefix (tag, count, checksum, chains) can be. */
export const MAX_FRAME_PREFIX_BYTES = 1 + 4 + 4 + 3;

export function readFramePrefix(r: ByteReader, itemPixels: number): FramePrefix {
  if (r.u8('frame tag') !== FRAME_TAG) corrupt('a frame does not start with its tag');
  const count = r.varint('frame image count', Math.floor(MAX_FRAME_PIXELS / itemPixels));
  if (count < 1) corrupt('a frame holds no images');
  const crc = r.u32('frame checksum');
  const chains = r.varint('frame chain count', Math.min(count, MAX_LANES));
  if (chains < 1) corrupt('a frame has no chains');
  return { count, crc32: crc, chains };
}

/** Reads the frame record at r.at (TRUNCATED if it is not all there); `itemPixels` bounds what it may claim. */
export function readFrame(r: ByteReader, itemPixels: number): Frame {
  const { count, crc32: crc, chains } = readFramePrefix(r, itemPixels);
  const borrowed = r.varint('frame borrowed words', 2 ** 32 - 1);
  const tailWords = r.varint('frame tail words', maxTailWords(count, itemPixels));
  const body = r.raw(8 * chains + 4 * tailWords, 'frame message');
  const message = new Uint8Array(MESSAGE_HEADER_BYTES + body.length);
  const view = new DataView(message.buffer);
  view.setUint32(0, chains, true);
  view.setUint32(4, borrowed, true);
  message.set(body, MESSAGE_HEADER_BYTES);
  return { count, crc32: crc, message };
}

/** True when the next byte starts a frame (false: the index). */
export function atFrame(r: ByteReader): boolean {
  const at = r.at;
  const tag = r.u8('frame or index tag');
  r.at = at;
  if (tag !== FRAME_TAG && tag !== INDEX_TAG) corrupt(`byte ${tag} where a frame or the index should start`);
  return tag === FRAME_TAG;
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
