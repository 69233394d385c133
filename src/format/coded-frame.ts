// The coded frame (tag "F", format versions 2 and 3): one bits-back chain over a run of images,
// its own message (heads, tail and the count of start words its first pops borrowed), decodable
// alone.
//
//   "F" | images varint | crc32 of the frame's pixels u32 | chains varint | borrowed words varint
//   | tail words varint | heads (8 bytes per chain) | tail (4 bytes per word)
import { MAX_LANES, lanesOf } from '../message.js';
import { elementCount } from '../shape.js';
import { type ByteReader, ByteWriter } from './bytes.js';
import { corrupt } from '../errors.js';
import type { StreamHeader } from './fields.js';
import { type FrameKind, type FramePrefix, readFrameStart, writeFrameStart } from './frames.js';

const CODED_TAG = 0x46; // "F"
/** Bytes a message header takes in Message.toBytes form: lanes u32, borrowed words u32. */
const MESSAGE_HEADER_BYTES = 8;

export interface CodedFrame {
  kind: 'coded';
  /** Images in the frame. */
  count: number;
  /** CRC-32 of the frame's pixel values as bytes (16-bit ones little-endian). */
  crc32: number;
  /** The frame's chain, in Message.toBytes form. */
  message: Uint8Array;
}

export function writeCodedFrame(frame: CodedFrame): Uint8Array {
  const message = new DataView(frame.message.buffer, frame.message.byteOffset, MESSAGE_HEADER_BYTES);
  const chains = lanesOf(frame.message);
  const w = new ByteWriter();
  writeFrameStart(w, CODED_TAG, frame);
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

function readPrefix(r: ByteReader, header: StreamHeader): FramePrefix {
  const { count, crc32 } = readFrameStart(r, CODED_TAG, header);
  const chains = r.varint('frame chain count', Math.min(count, MAX_LANES));
  if (chains < 1) corrupt('a frame has no chains');
  return { kind: 'coded', count, crc32, chains };
}

function read(r: ByteReader, header: StreamHeader): CodedFrame {
  const { count, crc32, chains } = readPrefix(r, header);
  const borrowed = r.varint('frame borrowed words', 2 ** 32 - 1);
  const tailWords = r.varint('frame tail words', maxTailWords(count, elementCount(header.itemShape)));
  const body = r.raw(8 * chains + 4 * tailWords, 'frame message');
  const message = new Uint8Array(MESSAGE_HEADER_BYTES + body.length);
  const view = new DataView(message.buffer);
  view.setUint32(0, chains, true);
  view.setUint32(4, borrowed, true);
  message.set(body, MESSAGE_HEADER_BYTES);
  return { kind: 'coded', count, crc32, message };
}

/** The longest prefix: tag, count, checksum and chains (3 bytes at most). */
const MAX_PREFIX_BYTES = 1 + 4 + 4 + 3;

export const codedFrames: FrameKind<CodedFrame> = { kind: 'coded', tag: CODED_TAG, maxPrefixBytes: MAX_PREFIX_BYTES, read, readPrefix };
