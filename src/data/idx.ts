// The idx format (LeCun's MNIST files): a 4-byte magic [0, 0, type, rank], then `rank`
// big-endian uint32 dimensions, then the data in row-major order. Only the unsigned-byte
// type (0x08) is supported: every file this package reads or writes is 8-bit.

import { elementCount } from '../shape.js';

export const IDX_UBYTE_TYPE = 0x08;

/** An n-dimensional array of bytes, row-major, as stored in an idx file. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const HEADER_FIXED_BYTES = 4;
const BYTES_PER_DIM = 4;

export class IdxFormatError extends Error {
  constructor(message: string) {
    super(`idx: ${message}`);
    this.name = 'IdxFormatError';
  }
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** Reads an idx ubyte header: the dimensions and where the data starts. Throws IdxFormatError if `bytes` ends inside it. */
export function readIdxHeader(bytes: Uint8Array): { dims: number[]; headerBytes: number } {
  if (bytes.length < HEADER_FIXED_BYTES) {
    throw new IdxFormatError(`file of ${bytes.length} bytes is too short for an idx header`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      `not an idx file: magic starts with 0x${hex(bytes[0]!)}${hex(bytes[1]!)}, expected 0x0000` +
        ' (a gzip file starts with 0x1f8b: decompress it first)',
    );
  }
  const type = bytes[2]!;
  const rank = bytes[3]!;
  if (type !== IDX_UBYTE_TYPE) {
    const name = TYPE_NAMES[type] ?? 'unknown type';
    throw new IdxFormatError(`element type 0x${hex(type)} (${name}) is not supported, only 0x08 (unsigned byte)`);
  }
  if (rank === 0) throw new IdxFormatError('rank 0 is not a valid idx array');

  const headerBytes = HEADER_FIXED_BYTES + BYTES_PER_DIM * rank;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(`truncated header: rank ${rank} needs ${headerBytes} bytes, file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    dims.push(view.getUint32(HEADER_FIXED_BYTES + BYTES_PER_DIM * axis, false));
  }
  return { dims, headerBytes };
}

/**
 * Parses an idx ubyte file. The returned data is a view into `bytes` (no copy).
 * Throws IdxFormatError for foreign files, other element types, or truncated data.
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  const { dims, headerBytes } = readIdxHeader(bytes);
  const expectedDataBytes = elementCount(dims);
  const actualDataBytes = bytes.length - headerBytes;
  if (actualDataBytes < expectedDataBytes) {
    throw new IdxFormatError(
      `truncated data: dims [${dims.join(', ')}] need ${expectedDataBytes} bytes, file has ${actualDataBytes}`,
    );
  }
  if (actualDataBytes > expectedDataBytes) {
    throw new IdxFormatError(
      `${actualDataBytes - expectedDataBytes} unexpected trailing bytes after dims [${dims.join(', ')}]`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + expectedDataBytes) };
}

/** The header of an idx ubyte file of these dimensions. */
export function idxHeader(dims: number[]): Uint8Array {
  if (dims.length === 0 || dims.length > 255) {
    throw new IdxFormatError(`rank must be 1..255, got ${dims.length}`);
  }
  for (const dim of dims) {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) {
      throw new IdxFormatError(`dimension ${dim} is not a uint32`);
    }
  }
  const out = new Uint8Array(HEADER_FIXED_BYTES + BYTES_PER_DIM * dims.length);
  out[2] = IDX_UBYTE_TYPE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((dim, axis) => view.setUint32(HEADER_FIXED_BYTES + BYTES_PER_DIM * axis, dim, false));
  return out;
}

/** Serialises a byte array as an idx ubyte file (the inverse of readIdx). */
export function writeIdx(array: IdxArray): Uint8Array {
  const { dims, data } = array;
  const header = idxHeader(dims);
  if (elementCount(dims) !== data.length) {
    throw new IdxFormatError(`dims [${dims.join(', ')}] hold ${elementCount(dims)} bytes, data has ${data.length}`);
  }
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
