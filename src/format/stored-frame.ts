// The stored frame (tag "R", format version 3): a frame's pixels as they are, less the smallest of
// them, packed at the bits the largest difference needs. The writer stores a frame this way when
// its coded record would be larger (data the model does not fit: noise, images unlike its training
// set), so no file grows past its pixels packed, plus its header and a few bytes a frame. Like
// zstd's raw and RLE blocks in one: a frame of one value packs into no bytes at all. It needs no
// model to read.
//
//   "R" | images varint | crc32 of the frame's pixels u32 | smallest pixel varint | bits u8 (0..16)
//   | packed bytes varint | each pixel less the smallest, in order, `bits` each, least significant
//     bit first, the last byte's spare bits 0
//
// The packed length follows from the count and the bits, and is written all the same: a reader
// from the front checks a count against it in place, where a wrong one would otherwise only show
// as the next record's bytes read as pixels. Least significant bit first makes 8-bit differences
// their own bytes and 16-bit ones little-endian.
import { BbansError } from '../errors.js';
import { crc32 } from '../crc32.js';
import { type PixelArray, pixelBytes } from '../pixels.js';
import { elementCount } from '../shape.js';
import { type ByteReader, ByteWriter } from './bytes.js';
import { corrupt } from '../errors.js';
import type { StreamHeader } from './fields.js';
import { type FrameKind, type FramePrefix, MAX_FRAME_PIXELS, readFrameStart, writeFrameStart } from './frames.js';

const STORED_TAG = 0x52; // "R"

export interface StoredFrame {
  kind: 'stored';
  count: number;
  /** CRC-32 of the frame's pixel values as bytes (16-bit ones little-endian), as for a coded frame. */
  crc32: number;
  /** The smallest pixel, which every packed value is above by its own amount. */
  low: number;
  /** Bits per packed value: what the largest pixel less the smallest needs (0 when they are all one value). */
  bits: number;
  packed: Uint8Array;
}

/** Bytes `values` pixels of `bits` bits each take packed. */
export function packedBytes(values: number, bits: number): number {
  return Math.ceil((values * bits) / 8);
}

/** What the pixels' stored record packs them with: their smallest value, and the bits their largest less it needs. */
export function storedRange(pixels: PixelArray): Pick<StoredFrame, 'low' | 'bits'> {
  let low = pixels[0] ?? 0;
  let high = low;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i]! < low) low = pixels[i]!;
    else if (pixels[i]! > high) high = pixels[i]!;
  }
  return { low, bits: 32 - Math.clz32(high - low) };
}

/** The frame of `count` images `pixels` stored, packed with their `range`; `crc32` is their checksum. */
export function storeFrame(pixels: PixelArray, count: number, crc32: number, range: Pick<StoredFrame, 'low' | 'bits'>): StoredFrame {
  const { low, bits } = range;
  const packed = new Uint8Array(packedBytes(pixels.length, bits));
  let held = 0;
  let heldBits = 0;
  let at = 0;
  for (let i = 0; i < pixels.length; i++) {
    held |= (pixels[i]! - low) << heldBits; // heldBits < 8 and bits <= 16: within 24 bits
    heldBits += bits;
    for (; heldBits >= 8; heldBits -= 8) {
      packed[at++] = held & 0xff;
      held >>>= 8;
    }
  }
  if (heldBits > 0) packed[at] = held;
  return { kind: 'stored', count, crc32, low, bits, packed };
}

/** A stored frame's pixels, checked against its checksum (the segment's header gives their shape and type). */
export function unpackStoredFrame(frame: StoredFrame, header: Pick<StreamHeader, 'itemShape' | 'pixelBytes'>): PixelArray {
  const values = frame.count * elementCount(header.itemShape);
  const pixels = header.pixelBytes === 2 ? new Uint16Array(values) : new Uint8Array(values);
  const largest = 2 ** (8 * header.pixelBytes) - 1;
  const { low, bits, packed } = frame;
  const mask = (1 << bits) - 1;
  let held = 0;
  let heldBits = 0;
  let at = 0;
  for (let i = 0; i < values; i++) {
    for (; heldBits < bits; heldBits += 8) held |= packed[at++]! << heldBits;
    const value = low + (held & mask);
    if (value > largest) corrupt(`a stored frame's pixel ${i} is ${value}, more than ${8 * header.pixelBytes}-bit pixels hold`);
    pixels[i] = value;
    held >>>= bits;
    heldBits -= bits;
  }
  // What is left of the last byte is padding; the writer leaves it 0, so every bit of the record counts.
  if (held !== 0) corrupt('a stored frame\'s spare bits after its last pixel are not 0');
  if (crc32(pixelBytes(pixels)) !== frame.crc32) throw new BbansError('CHECKSUM_MISMATCH', 'checksum mismatch: the stored pixels are not the ones that were compressed');
  return pixels;
}

export function writeStoredFrame(frame: StoredFrame): Uint8Array {
  const w = new ByteWriter();
  writeFrameStart(w, STORED_TAG, frame);
  w.varint(frame.low);
  w.u8(frame.bits);
  w.varint(frame.packed.length);
  w.raw(frame.packed);
  return w.done();
}

/** Reads everything before the packed pixels, checking the packed length against the count. */
function readPrefix(r: ByteReader, header: StreamHeader): FramePrefix & Pick<StoredFrame, 'low' | 'bits'> & { packedBytes: number } {
  const { count, crc32 } = readFrameStart(r, STORED_TAG, header);
  const depth = 8 * header.pixelBytes;
  const low = r.varint('stored frame smallest pixel', 2 ** depth - 1);
  const bits = r.u8('stored frame bits');
  if (bits > depth) corrupt(`a stored frame of ${bits}-bit values in a segment of ${depth}-bit pixels`);
  const expected = packedBytes(count * elementCount(header.itemShape), bits);
  const stated = r.varint('stored frame length', packedBytes(MAX_FRAME_PIXELS, depth));
  if (stated !== expected) corrupt(`a stored frame of ${count} images at ${bits} bits a pixel packs into ${expected} bytes, its record says ${stated}`);
  return { kind: 'stored', count, crc32, chains: 0, low, bits, packedBytes: stated };
}

function read(r: ByteReader, header: StreamHeader): StoredFrame {
  const { count, crc32, low, bits, packedBytes: length } = readPrefix(r, header);
  return { kind: 'stored', count, crc32, low, bits, packed: r.raw(length, 'stored frame pixels').slice() };
}

/** The longest prefix: tag, count, checksum, smallest pixel (3 bytes at most), bits and packed length (4). */
const MAX_PREFIX_BYTES = 1 + 4 + 4 + 3 + 1 + 4;

export const storedFrames: FrameKind<StoredFrame> = { kind: 'stored', tag: STORED_TAG, maxPrefixBytes: MAX_PREFIX_BYTES, read, readPrefix };
