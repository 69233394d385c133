// The library's front door: compress a batch of images with a model into one self-describing byte
// array, and decompress it back, refusing anything that would not reproduce the input exactly.

import { BbansError, invalidArgument, requireInteger } from './errors.js';
import { type ContainerHeader, MAX_SOURCE_HEADER, MAX_TOTAL_PIXELS, type SourceFormat, decodeContainer, encodeContainer } from './container.js';
import { type ProgressCallback, compressChain, decompressChain } from './chain.js';
import { crc32 } from './crc32.js';
import { type CodecModel, bestShippedModelFor, loadModel } from './models.js';
import { useWasmBackend } from './model/backend.js';
import { toHex } from './sha256.js';
import { elementCount } from './shape.js';
import { type PixelArray, firstPixelAbove, isPixelArray, pixelBytes } from './pixels.js';

export type { PixelArray } from './pixels.js';

export interface ImageBatch {
  /** Pixels, row-major: shape[0] images of shape[1..] pixels. */
  data: PixelArray;
  shape: number[];
}

export interface CompressOptions {
  /**
   * A shipped model by name ('mnist-8bit-ar', 'mnist-binary-ar', the paper's 'mnist-8bit' and
   * 'mnist-binary'), a model directory (path in Node, or URL) as `bbans train` writes them, or a
   * loaded model (loadModel, createModel). Default: the best shipped model for the data, the
   * binary one when every pixel is 0 or 1 (BEST_SHIPPED_MODEL).
   */
  model?: string | URL | CodecModel;
  /** Independent chains; fewer cost less (~10 bytes each: an 8-byte head and the start bits its first pops take). Default: defaultChains. */
  chains?: number;
  /** 2^binsLog2 equal-mass latent bins per dimension (default: the model's, 12 for the shipped ones). */
  binsLog2?: number;
  posteriorPrecision?: number;
  likelihoodPrecision?: number;
  /** Recorded in the file so a tool can give back the same kind of file (the CLI restores idx and .npy files). */
  source?: SourceFormat;
  /** With source 'npy': the .npy file's header, stored so decompression restores the file byte for byte. */
  sourceHeader?: Uint8Array;
  /** Called after each batch with (images done, total). */
  onProgress?: ProgressCallback;
}

/** The largest default chain count, and how many pixels a chain gets before another is added. */
export const MAX_DEFAULT_CHAINS = 64;
export const PIXELS_PER_CHAIN = 2 ** 16;

/**
 * The chain count compress uses unless told: one chain per 2^16 pixels (about 84 MNIST images),
 * at least 1 and at most 64. Each chain costs ~10 bytes and runs as one SIMD lane; a small set
 * thus gets few chains, which matter for its size, and a large one 64, which matter for speed.
 * The count is stored in the file, so decoders never apply this rule.
 */
export function defaultChains(count: number, itemPixels: number): number {
  return Math.max(1, Math.min(MAX_DEFAULT_CHAINS, count, Math.floor((count * itemPixels) / PIXELS_PER_CHAIN)));
}

const COMPRESS_OPTIONS = ['model', 'chains', 'binsLog2', 'posteriorPrecision', 'likelihoodPrecision', 'source', 'sourceHeader', 'onProgress'];
const DECOMPRESS_OPTIONS = ['model', 'onProgress'];
const SOURCES: readonly SourceFormat[] = ['raw', 'idx', 'npy'];

/** Refuses an options value that is not a plain object, a name it does not know (a typo), and a progress callback that is not a function. */
function checkOptions(who: string, options: unknown, known: string[]): void {
  if (options === null || typeof options !== 'object') invalidArgument(`${who}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length) invalidArgument(`${who}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (known: ${known.join(', ')})`);
  const { onProgress } = options as { onProgress?: unknown };
  if (onProgress !== undefined && typeof onProgress !== 'function') invalidArgument(`${who}: onProgress must be a function`);
}

function invalidImages(message: string): never {
  throw new BbansError('INVALID_IMAGES', message);
}

function asBatch(images: PixelArray | ImageBatch, itemShape: number[]): ImageBatch {
  const itemPixels = elementCount(itemShape);
  if (isPixelArray(images)) {
    if (images.length % itemPixels !== 0) invalidImages(`${images.length} pixels is not a whole number of ${itemShape.join('x')} images`);
    return { data: images, shape: [images.length / itemPixels, ...itemShape] };
  }
  const { data, shape } = images ?? {};
  if (!isPixelArray(data)) invalidImages('images must be a Uint8Array, a Uint16Array or { data, shape } with one of them');
  if (!Array.isArray(shape) || shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    invalidImages(`images.shape must be [count, ...dims] of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const size = elementCount(shape);
  if (size !== data.length) invalidImages(`shape ${shape.join('x')} holds ${size} pixels but data has ${data.length}`);
  return images;
}

function pixelsOf(images: PixelArray | ImageBatch): PixelArray {
  return isPixelArray(images) ? images : isPixelArray(images?.data) ? images.data : new Uint8Array(0);
}

function checksumOf(data: PixelArray): number {
  return crc32(pixelBytes(data));
}

async function modelFor(choice: string | URL | CodecModel): Promise<CodecModel> {
  return typeof choice === 'string' || choice instanceof URL ? loadModel(choice) : choice;
}

/** Throws INVALID_IMAGES unless the model takes images of this shape and every pixel is in its range. */
function checkImagesFit(model: CodecModel, shape: number[], data: PixelArray): void {
  const itemShape = shape.slice(1);
  const flatFits = model.itemShape.length !== 2 && elementCount(itemShape) === model.spec.pixels;
  if (itemShape.join('x') !== model.itemShape.join('x') && !flatFits) {
    invalidImages(`model ${model.name} codes ${model.itemShape.join('x')} images, got images of ${itemShape.join('x')}`);
  }
  if (data.length > MAX_TOTAL_PIXELS) invalidImages(`${data.length} pixels exceed the limit of ${MAX_TOTAL_PIXELS} per file`);
  const maxPixel = model.spec.maxPixelValue;
  const itemPixels = model.spec.pixels;
  const i = firstPixelAbove(data, maxPixel);
  if (i >= 0) invalidImages(`pixel ${i % itemPixels} of image ${Math.floor(i / itemPixels)} is ${data[i]}, but model ${model.name} takes values 0..${maxPixel}`);
}

export async function compress(images: PixelArray | ImageBatch, options: CompressOptions = {}): Promise<Uint8Array> {
  checkOptions('compress', options, COMPRESS_OPTIONS);
  if (options.source !== undefined && !SOURCES.includes(options.source)) invalidArgument(`compress: source must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(options.source)}`);
  await useWasmBackend();
  const model = await modelFor(options.model ?? bestShippedModelFor(pixelsOf(images)));
  const { data, shape } = asBatch(images, model.itemShape);
  checkImagesFit(model, shape, data);
  const count = shape[0]!;
  // Refused, not clamped: a file never holds other settings than the caller asked for.
  if (options.chains !== undefined) requireInteger('compress: chains', options.chains, 1, Math.max(1, count));
  const source = options.source ?? 'raw';
  if ((source === 'npy') !== (options.sourceHeader !== undefined)) invalidImages("sourceHeader is given with source 'npy' and only then");
  if (options.sourceHeader && options.sourceHeader.length > MAX_SOURCE_HEADER) invalidImages(`a source header of ${options.sourceHeader.length} bytes exceeds ${MAX_SOURCE_HEADER}`);
  if (source === 'idx' && data instanceof Uint16Array) invalidImages('idx files hold 8-bit pixels; 16-bit pixels come as raw or npy');
  const header: ContainerHeader = {
    source,
    pixelBytes: data instanceof Uint16Array ? 2 : 1,
    ...(options.sourceHeader && { sourceHeader: options.sourceHeader }),
    modelName: model.name,
    fingerprint: model.fingerprint,
    binsLog2: options.binsLog2 ?? model.coding.binsLog2,
    posteriorPrecision: options.posteriorPrecision ?? model.coding.posteriorPrecision,
    likelihoodPrecision: options.likelihoodPrecision ?? model.coding.likelihoodPrecision,
    chains: options.chains ?? defaultChains(count, model.spec.pixels),
    count,
    itemShape: shape.slice(1),
    crc32: checksumOf(data),
  };
  const message = compressChain(model.latent(header.likelihoodPrecision), Uint32Array.from(data), count, header, options.onProgress);
  return encodeContainer(header, message);
}

export interface DecompressOptions {
  /** The model to decode with (a name, directory, URL or loaded model); by default the shipped model named in the file. */
  model?: string | URL | CodecModel;
  /** Called after each batch with (images done, total). */
  onProgress?: ProgressCallback;
}

export interface Decompressed extends ImageBatch {
  modelName: string;
  source: SourceFormat;
  /** The source file's header (.npy), as stored. */
  sourceHeader?: Uint8Array;
}

/** Throws MODEL_MISMATCH, naming both, unless `model` is the one the file was made with. */
export function checkModelMatches(header: ContainerHeader, model: CodecModel): void {
  if (model.name !== header.modelName || toHex(model.fingerprint) !== toHex(header.fingerprint)) {
    throw new BbansError(
      'MODEL_MISMATCH',
      `model mismatch: the file needs ${header.modelName}@${toHex(header.fingerprint)}, got ${model.name}@${toHex(model.fingerprint)}`,
    );
  }
}

export async function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Promise<Decompressed> {
  checkOptions('decompress', options, DECOMPRESS_OPTIONS);
  await useWasmBackend();
  const { header, message } = decodeContainer(bytes);
  const model = options.model !== undefined
    ? await modelFor(options.model)
    : await loadModel(header.modelName).catch(() => {
      throw new BbansError('MODEL_MISMATCH', `the file was made with model "${header.modelName}", which this build does not ship; pass that model (its directory or URL)`);
    });
  checkModelMatches(header, model);
  const itemPixels = elementCount(header.itemShape);
  if (itemPixels !== model.spec.pixels) {
    throw new BbansError('CORRUPT_MESSAGE', `header says ${header.itemShape.join('x')} images but model ${model.name} codes ${model.spec.pixels} pixels`);
  }
  if (header.chains > Math.max(1, header.count)) {
    throw new BbansError('CORRUPT_MESSAGE', `header says ${header.chains} chains for ${header.count} images`);
  }
  const latent = model.latent(header.likelihoodPrecision);
  let symbols: Uint32Array;
  try {
    symbols = decompressChain(latent, message, header.count, header, options.onProgress);
  } catch (error) {
    // Settings the header allowed but the model's codecs refuse mean the header is not what we wrote.
    if (error instanceof BbansError && (error.code === 'INVALID_ARGUMENT' || error.code === 'INVALID_PARAMETER')) {
      throw new BbansError('CORRUPT_MESSAGE', `corrupt bbans file: ${error.message}`);
    }
    throw error;
  }
  const data = header.pixelBytes === 2 ? Uint16Array.from(symbols) : Uint8Array.from(symbols);
  if (checksumOf(data) !== header.crc32) throw new BbansError('CHECKSUM_MISMATCH', 'checksum mismatch: the decoded pixels are not the ones that were compressed');
  return {
    data, shape: [header.count, ...header.itemShape], modelName: header.modelName, source: header.source,
    ...(header.sourceHeader && { sourceHeader: header.sourceHeader }),
  };
}
