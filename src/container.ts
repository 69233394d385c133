// The bbans file format: a small header that says everything a decoder must know and check,
// then the rANS message. All integers little-endian; varints are unsigned LEB128.
//
//   magic "BBAN" | version u8 | source u8 | model name (u8 length + ASCII)
//   | model fingerprint (16 bytes)
//   | binsLog2 u8 | posteriorPrecision u8 | likelihoodPrecision u8 | chains varint
//   | count varint | rank u8 | dims varint x rank | crc32 of the pixels u32
//   | npy header (varint length + bytes), only when the source is npy | message bytes
//
// The source byte says what the pixels came from, so a tool can give back the same file: its low
// 7 bits are 0 raw pixels, 1 an idx file, 2 a .npy file (whose header follows, kept verbatim); its
// high bit is set for 16-bit pixels (raw: little-endian). Files before 16-bit pixels and .npy
// sources were added have 0 or 1 there and decode as before; older readers refuse the new codes.
// The checksum is over the pixel values as bytes, 16-bit ones little-endian.
//
// Every field is checked against hard limits before anything is allocated, so a hostile header
// cannot ask for absurd memory.

import { BbansError } from './errors.js';
import { MAX_LANES } from './message.js';
import { elementCount } from './shape.js';

export const MAGIC = Uint8Array.of(0x42, 0x42, 0x41, 0x4e); // "BBAN"
export const FORMAT_VERSION = 1;
export const FINGERPRINT_BYTES = 16;
export const MAX_MODEL_NAME = 64;
export const MAX_RANK = 4;
/** Limits on what a header may describe: 2^28 pixels in all (256 MiB decoded) and 2^24 per item. */
export const MAX_TOTAL_PIXELS = 2 ** 28;
export const MAX_ITEM_PIXELS = 2 ** 24;

/** What the pixels came from, so decompression can give back the same kind of file. */
export type SourceFormat = 'raw' | 'idx' | 'npy';
const SOURCE_CODES: readonly SourceFormat[] = ['raw', 'idx', 'npy'];
const SIXTEEN_BIT = 0x80;
/** A .npy header is a few hundred bytes; numpy allows up to 4 GiB, bbans stores at most this. */
export const MAX_SOURCE_HEADER = 1 << 16;

export interface ContainerHeader {
  source: SourceFormat;
  /** Bytes per pixel value: 2 for 16-bit pixels. */
  pixelBytes: 1 | 2;
  /** The source file's own header (a .npy header), to restore it byte for byte. */
  sourceHeader?: Uint8Array;
  modelName: string;
  fingerprint: Uint8Array;
  binsLog2: number;
  posteriorPrecision: number;
  likelihoodPrecision: number;
  chains: number;
  count: number;
  /** Shape of one item, e.g. [28, 28]. */
  itemShape: number[];
  crc32: number;
}

class Writer {
  private bytes: number[] = [];
  u8(value: number): void { this.bytes.push(value & 0xff); }
  raw(data: Uint8Array): void { for (const b of data) this.bytes.push(b); }
  varint(value: number): void {
    do {
      const low = value % 128;
      value = Math.floor(value / 128);
      this.u8(value > 0 ? low | 0x80 : low);
    } while (value > 0);
  }
  u32(value: number): void { for (let i = 0; i < 4; i++) this.u8(value >>> (8 * i)); }
  done(): Uint8Array { return Uint8Array.from(this.bytes); }
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  private need(count: number, what: string): void {
    if (this.at + count > this.bytes.length) throw new BbansError('TRUNCATED', `truncated bbans file: it ends inside the ${what}`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.at++];
  }
  raw(count: number, what: string): Uint8Array {
    this.need(count, what);
    return this.bytes.subarray(this.at, (this.at += count));
  }
  varint(what: string, max: number): number {
    let value = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      const b = this.u8(what);
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) {
        if (value > max) throw new BbansError('HEADER_LIMIT', `bbans header: ${what} ${value} exceeds the limit ${max}`);
        return value;
      }
    }
    throw new BbansError('CORRUPT_MESSAGE', `bbans header: ${what} is not a valid varint`);
  }
  u32(what: string): number {
    const b = this.raw(4, what);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }
  rest(): Uint8Array { return this.bytes.subarray(this.at); }
}

export function encodeContainer(header: ContainerHeader, message: Uint8Array): Uint8Array {
  const w = new Writer();
  w.raw(MAGIC);
  w.u8(FORMAT_VERSION);
  w.u8(SOURCE_CODES.indexOf(header.source) | (header.pixelBytes === 2 ? SIXTEEN_BIT : 0));
  const name = new TextEncoder().encode(header.modelName);
  w.u8(name.length);
  w.raw(name);
  w.raw(header.fingerprint);
  w.u8(header.binsLog2);
  w.u8(header.posteriorPrecision);
  w.u8(header.likelihoodPrecision);
  w.varint(header.chains);
  w.varint(header.count);
  w.u8(header.itemShape.length);
  for (const dim of header.itemShape) w.varint(dim);
  w.u32(header.crc32);
  if (header.source === 'npy') {
    w.varint(header.sourceHeader!.length);
    w.raw(header.sourceHeader!);
  }
  const head = w.done();
  const out = new Uint8Array(head.length + message.length);
  out.set(head);
  out.set(message, head.length);
  return out;
}

export function decodeContainer(bytes: Uint8Array): { header: ContainerHeader; message: Uint8Array } {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new BbansError('NOT_BBANS', 'not a bbans file (the magic bytes "BBAN" are missing)');
  }
  const r = new Reader(bytes);
  r.raw(MAGIC.length, 'magic');
  const version = r.u8('format version');
  if (version !== FORMAT_VERSION) {
    throw new BbansError('UNSUPPORTED_VERSION', `bbans file format version ${version} is not supported (this build reads version ${FORMAT_VERSION})`);
  }
  const sourceCode = r.u8('source format');
  const source = SOURCE_CODES[sourceCode & ~SIXTEEN_BIT];
  if (source === undefined || (source === 'idx' && sourceCode & SIXTEEN_BIT)) throw new BbansError('CORRUPT_MESSAGE', `bbans header: unknown source format ${sourceCode}`);
  const pixelBytes = sourceCode & SIXTEEN_BIT ? 2 : 1;
  const nameLength = r.u8('model name');
  if (nameLength > MAX_MODEL_NAME) throw new BbansError('HEADER_LIMIT', `bbans header: model name of ${nameLength} bytes exceeds ${MAX_MODEL_NAME}`);
  const modelName = new TextDecoder().decode(r.raw(nameLength, 'model name'));
  const fingerprint = r.raw(FINGERPRINT_BYTES, 'model fingerprint').slice();
  const binsLog2 = r.u8('bins');
  const posteriorPrecision = r.u8('posterior precision');
  const likelihoodPrecision = r.u8('likelihood precision');
  if (binsLog2 < 1 || binsLog2 > 16 || posteriorPrecision <= binsLog2 || posteriorPrecision > 31 || likelihoodPrecision < 1 || likelihoodPrecision > 31) {
    throw new BbansError('CORRUPT_MESSAGE', `bbans header: coding precisions ${binsLog2}/${posteriorPrecision}/${likelihoodPrecision} are out of range`);
  }
  const chains = r.varint('chain count', MAX_LANES);
  const count = r.varint('image count', MAX_TOTAL_PIXELS);
  const rank = r.u8('rank');
  if (rank < 1 || rank > MAX_RANK) throw new BbansError('HEADER_LIMIT', `bbans header: rank ${rank} is outside 1..${MAX_RANK}`);
  const itemShape: number[] = [];
  for (let i = 0; i < rank; i++) itemShape.push(r.varint('dimension', MAX_ITEM_PIXELS));
  const itemPixels = elementCount(itemShape);
  if (itemPixels > MAX_ITEM_PIXELS || itemPixels * count > MAX_TOTAL_PIXELS) {
    throw new BbansError('HEADER_LIMIT', `bbans header: ${count} images of ${itemShape.join('x')} exceed the limit of ${MAX_TOTAL_PIXELS} pixels`);
  }
  const crc = r.u32('checksum');
  const header: ContainerHeader = { source, pixelBytes, modelName, fingerprint, binsLog2, posteriorPrecision, likelihoodPrecision, chains, count, itemShape, crc32: crc };
  if (source === 'npy') header.sourceHeader = r.raw(r.varint('npy header length', MAX_SOURCE_HEADER), 'npy header').slice();
  return { header, message: r.rest() };
}
