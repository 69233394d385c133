// Format version 1, read only (bbans writes version 3): one header, then one chain's message.
//
//   magic "BBAN" | version 1 | source u8 | model name (u8 length + ASCII) | model fingerprint (16 bytes)
//   | binsLog2 u8 | posteriorPrecision u8 | likelihoodPrecision u8 | chains varint | count varint
//   | rank u8 | dims varint x rank | crc32 of the pixels u32
//   | npy header (varint length + bytes), only when the source is npy | message bytes
//
// A version-1 file reads as one segment of one frame.
import { BbansError } from '../errors.js';
import { MAX_LANES } from '../message.js';
import { elementCount } from '../shape.js';
import { ByteReader } from './bytes.js';
import { type CodedFrame, maxTailWords } from './coded-frame.js';
import { MAGIC, type StreamHeader, readItemShape, readModelFields, readSourceHeader } from './fields.js';
import type { WholeFilePrefix, WholeFileVersion } from './version.js';

/** Version 1's limit: 2^28 pixels in a file. */
const MAX_TOTAL_PIXELS = 2 ** 28;

/** Reads the header of a version-1 file (TRUNCATED if `bytes` ends inside it). */
function readPrefix(bytes: Uint8Array): WholeFilePrefix & { crc32: number } {
  const r = new ByteReader(bytes, MAGIC.length + 1, 'bbans header');
  const fields = readModelFields(r);
  const chains = r.varint('chain count', MAX_LANES);
  const count = r.varint('image count', MAX_TOTAL_PIXELS);
  const itemShape = readItemShape(r);
  const itemPixels = elementCount(itemShape);
  if (itemPixels * count > MAX_TOTAL_PIXELS) {
    throw new BbansError('HEADER_LIMIT', `bbans header: ${count} images of ${itemShape.join('x')} exceed the limit of ${MAX_TOTAL_PIXELS} pixels`);
  }
  if (chains > Math.max(1, count)) throw new BbansError('CORRUPT_MESSAGE', `header says ${chains} chains for ${count} images`);
  const crc32 = r.u32('checksum');
  const sourceHeader = fields.source === 'npy' ? readSourceHeader(r) : undefined;
  const header = { ...fields, itemShape, ...(sourceHeader && { sourceHeader }) };
  return { header, count, crc32, messageOffset: r.at, maxMessageBytes: 8 + 8 * chains + 4 * maxTailWords(count, itemPixels) };
}

/** A whole version-1 file as its header and its one frame (no frame for a file of no images). */
function read(bytes: Uint8Array): { header: StreamHeader; frames: CodedFrame[] } {
  const prefix = readPrefix(bytes);
  const message = bytes.subarray(prefix.messageOffset);
  if (message.length > prefix.maxMessageBytes) throw new BbansError('CORRUPT_MESSAGE', `corrupt bbans file: a message of ${message.length} bytes for ${prefix.count} images`);
  if (prefix.count === 0) return { header: prefix.header, frames: [] };
  return { header: prefix.header, frames: [{ kind: 'coded', count: prefix.count, crc32: prefix.crc32, message }] };
}

export const V1: WholeFileVersion = { version: 1, layout: 'whole-file', readPrefix, read };
