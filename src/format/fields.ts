// The fields every version's header shares: what the pixels came from, the model, the coding
// precisions and the shape of one image. Each is checked against hard limits as it is read, so a
// hostile header cannot ask for absurd memory.
import { BbansError } from '../errors.js';
import { MAX_BINS_LOG2, MAX_PRECISION } from '../codecs.js';
import { elementCount } from '../shape.js';
import type { ByteReader, ByteWriter } from './bytes.js';

export const MAGIC = Uint8Array.of(0x42, 0x42, 0x41, 0x4e); // "BBAN"
export const FINGERPRINT_BYTES = 16;
export const MAX_MODEL_NAME = 64;
export const MAX_RANK = 4;
/** One image holds at most 2^24 pixels. */
export const MAX_ITEM_PIXELS = 2 ** 24;
/** A .npy header is a few hundred bytes; numpy allows up to 4 GiB, bbans stores at most this. */
export const MAX_SOURCE_HEADER = 1 << 16;

/** What the pixels came from, so decompression can give back the same kind of file. */
export type SourceFormat = 'raw' | 'idx' | 'npy';
const SOURCE_CODES: readonly SourceFormat[] = ['raw', 'idx', 'npy'];
const SIXTEEN_BIT = 0x80;

/** What a decoder must know of the pixels and the model before it reads a single coded bit. */
export interface StreamHeader {
  source: SourceFormat;
  /** Bytes per pixel value: 2 for 16-bit pixels. */
  pixelBytes: 1 | 2;
  /** The source file's own header (always for .npy, optionally for idx), to restore it byte for byte. */
  sourceHeader?: Uint8Array;
  modelName: string;
  fingerprint: Uint8Array;
  binsLog2: number;
  posteriorPrecision: number;
  likelihoodPrecision: number;
  /** Shape of one image, e.g. [28, 28]. */
  itemShape: number[];
}

/** The source byte: its low 7 bits say raw (0), idx (1) or npy (2); its high bit 16-bit pixels. */
export function writeModelFields(w: ByteWriter, h: StreamHeader): void {
  w.u8(SOURCE_CODES.indexOf(h.source) | (h.pixelBytes === 2 ? SIXTEEN_BIT : 0));
  const name = new TextEncoder().encode(h.modelName);
  w.u8(name.length);
  w.raw(name);
  w.raw(h.fingerprint);
  w.u8(h.binsLog2);
  w.u8(h.posteriorPrecision);
  w.u8(h.likelihoodPrecision);
}

export function readModelFields(r: ByteReader): Omit<StreamHeader, 'itemShape' | 'sourceHeader'> {
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
  if (binsLog2 < 1 || binsLog2 > MAX_BINS_LOG2 || posteriorPrecision <= binsLog2 || posteriorPrecision > MAX_PRECISION || likelihoodPrecision < 1 || likelihoodPrecision > MAX_PRECISION) {
    throw new BbansError('CORRUPT_MESSAGE', `bbans header: coding precisions ${binsLog2}/${posteriorPrecision}/${likelihoodPrecision} are out of range`);
  }
  return { source, pixelBytes, modelName, fingerprint, binsLog2, posteriorPrecision, likelihoodPrecision };
}

export function writeItemShape(w: ByteWriter, itemShape: number[]): void {
  w.u8(itemShape.length);
  for (const dim of itemShape) w.varint(dim);
}

export function readItemShape(r: ByteReader): number[] {
  const rank = r.u8('rank');
  if (rank < 1 || rank > MAX_RANK) throw new BbansError('HEADER_LIMIT', `bbans header: rank ${rank} is outside 1..${MAX_RANK}`);
  const itemShape: number[] = [];
  for (let i = 0; i < rank; i++) itemShape.push(r.varint('dimension', MAX_ITEM_PIXELS));
  if (elementCount(itemShape) > MAX_ITEM_PIXELS) throw new BbansError('HEADER_LIMIT', `bbans header: images of ${itemShape.join('x')} exceed the limit of ${MAX_ITEM_PIXELS} pixels`);
  return itemShape;
}

export function writeSourceHeader(w: ByteWriter, sourceHeader: Uint8Array): void {
  w.varint(sourceHeader.length);
  w.raw(sourceHeader);
}

export function readSourceHeader(r: ByteReader): Uint8Array {
  return r.raw(r.varint('source header length', MAX_SOURCE_HEADER), 'source header').slice();
}

export function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}
