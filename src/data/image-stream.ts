// A file of images read as it arrives: the header first (.npy, idx, or raw pixels with a shape),
// then the pixels chunk by chunk, so a file of any length is compressed in bounded memory. The
// same checks as reading it whole: the header's kind and dtype, bool values, and exactly the bytes
// the header promises (truncated or trailing data is refused at the end).
import type { SourceFormat } from '../format/fields.js';
import { concatBytes } from '../format/bytes.js';
import { elementCount } from '../shape.js';
import { type PixelArray, firstPixelAbove } from '../pixels.js';
import { IdxFormatError, readIdxHeader } from './idx.js';
import { NpyFormatError, isNpy, readNpyHeader } from './npy.js';
import { ImageFileError, isIdx } from './image-file.js';

export interface ImageStream {
  source: SourceFormat;
  /** The file's own header (.npy, idx), stored so decompression can restore it. */
  sourceHeader?: Uint8Array;
  itemShape: number[];
  pixelBytes: 1 | 2;
  /** Images in the file, when its header or its size says. */
  count?: number;
  pixels: AsyncGenerator<PixelArray>;
}

/** Longest header read before deciding what a file is: a .npy header may be up to 64 KiB. */
const MAX_HEAD = 12 + (1 << 16);

/** Collects a stream's first bytes until a header parses (or the stream ends). */
class Head {
  bytes: Uint8Array = new Uint8Array(0);
  ended = false;
  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}
  async more(): Promise<boolean> {
    if (this.ended || this.bytes.length >= MAX_HEAD) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.bytes = concatBytes([this.bytes, next.value]);
    return true;
  }
  /** `parse` on the bytes so far, reading more while it fails for want of them. */
  async parse<T>(parse: (bytes: Uint8Array) => T): Promise<T> {
    for (;;) {
      try {
        return parse(this.bytes);
      } catch (error) {
        if (!(await this.more())) throw error;
      }
    }
  }
}

/** The pixels after a header: `rest` of the head, then every later chunk, checked and counted. */
async function* pixelsOf(rest: Uint8Array, chunks: AsyncIterator<Uint8Array>, kind: { wide: boolean; little: boolean; bool: boolean; bytes?: number }, name: string): AsyncGenerator<PixelArray> {
  let seen = 0;
  let odd: number | undefined;
  const convert = (chunk: Uint8Array): PixelArray => {
    seen += chunk.length;
    if (kind.bytes !== undefined && seen > kind.bytes) throw new ImageFileError(`${name}: unexpected trailing bytes after the ${kind.bytes} bytes of pixels its header describes`);
    if (!kind.wide) {
      if (kind.bool && firstPixelAbove(chunk, 1) >= 0) throw new ImageFileError(`${name}: npy: a bool value is neither 0 nor 1`);
      return chunk;
    }
    let joined = chunk;
    if (odd !== undefined) {
      joined = new Uint8Array(chunk.length + 1);
      joined[0] = odd;
      joined.set(chunk, 1);
    }
    const values = new Uint16Array(joined.length >> 1);
    const view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getUint16(2 * i, kind.little);
    odd = joined.length % 2 ? joined[joined.length - 1] : undefined;
    return values;
  };
  if (rest.length) yield convert(rest);
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield convert(next.value);
  if (kind.bytes !== undefined && seen < kind.bytes) throw new ImageFileError(`${name}: truncated: its header describes ${kind.bytes} bytes of pixels, it holds ${seen}`);
  if (odd !== undefined) throw new ImageFileError(`${name}: its 16-bit data ends in half a value`);
}

/**
 * Reads a stream of a file of images: .npy and idx by their magic bytes; anything else as raw
 * 8-bit pixels, which needs `shape` ([count, ...item] or the item's shape alone; `size`, the
 * file's length when known, then gives the count).
 */
export async function readImageStream(source: AsyncIterable<Uint8Array>, name: string, shape?: number[], size?: number): Promise<ImageStream> {
  const chunks = source[Symbol.asyncIterator]();
  const head = new Head(chunks);
  const fail = (error: unknown): never => {
    if (error instanceof IdxFormatError || error instanceof NpyFormatError) throw new ImageFileError(`${name}: ${error.message}`);
    throw error;
  };
  if (shape !== undefined) {
    const itemShape = shape.length >= 3 ? shape.slice(1) : shape;
    const itemPixels = elementCount(itemShape);
    const count = shape.length >= 3 ? shape[0] : size === undefined ? undefined : size / itemPixels;
    if (count !== undefined && !Number.isInteger(count)) throw new ImageFileError(`${name}: ${size} bytes is not a whole number of ${itemShape.join('x')} images`);
    const pixels = pixelsOf(new Uint8Array(0), chunks, { wide: false, little: true, bool: false, ...(count !== undefined && { bytes: count * itemPixels }) }, name);
    return { source: 'raw', itemShape, pixelBytes: 1, ...(count !== undefined && { count }), pixels };
  }
  while (head.bytes.length < 4 && (await head.more()));
  const bytes = head.bytes;
  let info: { source: SourceFormat; dims: number[]; headerBytes: number; wide: boolean; little: boolean; bool: boolean };
  if (isNpy(bytes)) {
    const { dtype, shape: dims, headerBytes } = await head.parse(readNpyHeader).catch(fail);
    info = { source: 'npy', dims, headerBytes, wide: dtype === '<u2' || dtype === '>u2', little: dtype === '<u2', bool: dtype === '|b1' };
  } else if (isIdx(bytes)) {
    const { dims, headerBytes } = await head.parse(readIdxHeader).catch(fail);
    info = { source: 'idx', dims, headerBytes, wide: false, little: true, bool: false };
  } else {
    throw new ImageFileError(`${name} is neither a .npy nor an idx ubyte file; for raw pixels give its shape (--shape H,W)`);
  }
  if (info.dims.length < 2) throw new ImageFileError(`${name} holds an array of shape (${info.dims.join(', ')}); images need (count, height, width)`);
  const all = head.bytes;
  const valueBytes = info.wide ? 2 : 1;
  const pixels = pixelsOf(all.subarray(info.headerBytes), chunks, { ...info, bytes: elementCount(info.dims) * valueBytes }, name);
  return {
    source: info.source, sourceHeader: all.slice(0, info.headerBytes), itemShape: info.dims.slice(1),
    pixelBytes: info.wide ? 2 : 1, count: info.dims[0]!, pixels,
  };
}
