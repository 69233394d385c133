// The files bbans reads images from and gives them back as: .npy (uint8, uint16, bool), idx ubyte,
// and raw pixel bytes with a shape given beside them. A file's first dimension counts images; the
// rest is one image's shape. What a file came from travels in the compressed file (its source and,
// for .npy, its header), so decompression restores it byte for byte.
import type { Decompressed, ImageBatch } from '../api.js';
import type { SourceFormat } from '../format/fields.js';
import { elementCount } from '../shape.js';
import { type PixelArray, pixelBytes } from '../pixels.js';
import { IDX_UBYTE_TYPE, IdxFormatError, idxHeader, readIdx, readIdxHeader } from './idx.js';
import { NpyFormatError, isNpy, npyData, npyHeader, npyHeaderDtype, readNpy, readNpyHeader } from './npy.js';

export class ImageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFileError';
  }
}

export interface ImageFile {
  images: ImageBatch;
  source: SourceFormat;
  /** A .npy file's header, kept to restore the file. */
  sourceHeader?: Uint8Array;
}

/** True when `bytes` starts like an idx ubyte file. */
export function isIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === IDX_UBYTE_TYPE;
}

/** [count, ...item] from raw bytes and a shape that is either that or the item's shape alone. */
function rawShape(bytes: Uint8Array, shape: number[], name: string): number[] {
  if (shape.length >= 3) {
    if (elementCount(shape) !== bytes.length) throw new ImageFileError(`${name}: shape ${shape.join('x')} holds ${elementCount(shape)} bytes, the file has ${bytes.length}`);
    return shape;
  }
  const item = elementCount(shape);
  if (bytes.length % item !== 0) throw new ImageFileError(`${name}: ${bytes.length} bytes is not a whole number of ${shape.join('x')} images`);
  return [bytes.length / item, ...shape];
}

/**
 * Reads a file of images: .npy and idx by their magic bytes; anything else as raw 8-bit pixels,
 * which needs `shape` ([count, ...item] or the item's shape alone).
 */
export function readImageFile(bytes: Uint8Array, name: string, shape?: number[]): ImageFile {
  let file: ImageFile;
  try {
    if (shape !== undefined) file = { images: { data: bytes, shape: rawShape(bytes, shape, name) }, source: 'raw' };
    else if (isNpy(bytes)) {
      const array = readNpy(bytes);
      file = { images: { data: array.data, shape: array.shape }, source: 'npy', sourceHeader: array.header };
    } else if (isIdx(bytes)) {
      const { dims, data } = readIdx(bytes);
      file = { images: { data, shape: dims }, source: 'idx' };
    } else {
      throw new ImageFileError(`${name} is neither a .npy nor an idx ubyte file; for raw pixels give its shape (--shape H,W)`);
    }
  } catch (error) {
    if (error instanceof IdxFormatError || error instanceof NpyFormatError) throw new ImageFileError(`${name}: ${error.message}`);
    throw error;
  }
  if (file.images.shape.length < 2) throw new ImageFileError(`${name} holds an array of shape (${file.images.shape.join(', ')}); images need (count, height, width)`);
  return file;
}

/** What a file of images was, as far as writing one like it goes. */
export type ImageFileKind = Pick<Decompressed, 'source' | 'sourceHeader'> & { itemShape: number[] };

/** The count of images the stored file header (.npy, idx) says, if there is one. */
export function storedCount(kind: ImageFileKind): number | undefined {
  if (!kind.sourceHeader) return undefined;
  return kind.source === 'npy' ? readNpyHeader(kind.sourceHeader).shape[0] : readIdxHeader(kind.sourceHeader).dims[0];
}

/** The header of a file of `count` images like the one compressed (the stored one when it still fits). */
export function imageFileHead(kind: ImageFileKind, count: number): Uint8Array {
  const shape = [count, ...kind.itemShape];
  if (kind.source === 'idx') return idxHeader(shape);
  if (kind.source !== 'npy') return new Uint8Array(0);
  const stored = kind.sourceHeader!;
  const fits = readNpyHeader(stored).shape.join() === shape.join();
  return npyHeader(npyHeaderDtype(stored), shape, fits ? stored : undefined);
}

/** The bytes of these pixels in such a file (raw 16-bit pixels are little-endian, the bytes the checksums cover). */
export function imageFileBody(kind: ImageFileKind, data: PixelArray): Uint8Array {
  if (kind.source === 'npy') return npyData(npyHeaderDtype(kind.sourceHeader!), data);
  return pixelBytes(data);
}
