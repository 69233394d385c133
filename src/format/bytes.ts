// Little-endian integers and unsigned LEB128 varints, written into a growing buffer and read back
// with every read checked against the end, so a short or hostile file fails with a named field.
import { BbansError } from '../errors.js';

export class ByteWriter {
  private buffer = new Uint8Array(64);
  private length = 0;
  private room(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
  u8(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value & 0xff;
  }
  raw(data: Uint8Array): void {
    this.room(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }
  varint(value: number): void {
    do {
      const low = value % 128;
      value = Math.floor(value / 128);
      this.u8(value > 0 ? low | 0x80 : low);
    } while (value > 0);
  }
  u32(value: number): void { for (let i = 0; i < 4; i++) this.u8(value >>> (8 * i)); }
  get size(): number { return this.length; }
  done(): Uint8Array { return this.buffer.slice(0, this.length); }
}

export class ByteReader {
  constructor(private readonly bytes: Uint8Array, public at = 0, private readonly where = 'bbans file') {}
  get remaining(): number { return this.bytes.length - this.at; }
  private need(count: number, what: string): void {
    if (this.at + count > this.bytes.length) throw new BbansError('TRUNCATED', `truncated ${this.where}: it ends inside the ${what}`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.at++]!;
  }
  raw(count: number, what: string): Uint8Array {
    this.need(count, what);
    return this.bytes.subarray(this.at, (this.at += count));
  }
  /** A varint no larger than `max` (HEADER_LIMIT otherwise). */
  varint(what: string, max: number): number {
    let value = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      const b = this.u8(what);
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) {
        if (value > max) throw new BbansError('HEADER_LIMIT', `${this.where}: ${what} ${value} exceeds the limit ${max}`);
        return value;
      }
    }
    throw new BbansError('CORRUPT_MESSAGE', `${this.where}: ${what} is not a valid varint`);
  }
  /** Bytes already read, from `from` to `to`. */
  span(from: number, to: number): Uint8Array { return this.bytes.subarray(from, to); }
  u32(what: string): number {
    const b = this.raw(4, what);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }
}

/** The error for a file whose bytes contradict themselves (a length, a count, a tag, a checksum). */
export function corrupt(detail: string): never {
  throw new BbansError('CORRUPT_MESSAGE', `corrupt bbans file: ${detail}`);
}

/** The chunks joined into one array. */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
