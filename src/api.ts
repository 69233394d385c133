// The library's front door: compress a batch of images with a model into one self-describing byte
// array, and decompress it back, refusing anything that would not reproduce the input exactly.

import { BbansError } from './errors.js';
import { type ContainerHeader, MAX_TOTAL_PIXELS, type SourceFormat, decodeContainer, encodeContainer } from './container.js';
import { type ProgressCallback, compressChain, decompressChain } from './chain.js';
import { crc32 } from './crc32.js';
import { type CodecModel, bestShippedModelFor, loadModel } from './models.js';
import { toHex } from './sha256.js';
import { elementCount } from './shape.js';

export interface ImageBatch {
  /** Pixels, row-major, one byte each: shape[0] images of shape[1..] pixels. */
  data: Uint8Array;
  shape: number[];
}

export interface CompressOptions {
  /**
   * A shipped model by name ('mnist-8bit-ar', 'mnist-binary-ar', the paper's 'mnist-8bit' and
   * 'mnist-binary') or one from createModel. Default: the best shipped model for the data, the
   * binary one when every pixel is 0 or 1 (BEST_SHIPPED_MODEL).
   */
  model?: string | CodecModel;
  /** Independent chains; fewer cost less (~10 bytes each: an 8-byte head and the start bits its first pops take). */
  chains?: number;
  /** 2^binsLog2 equal-mass latent bins per dimension. */
  binsLog2?: number;
  posteriorPrecision?: number;
  likelihoodPrecision?: number;
  /** Recorded in the file so a tool can give back the same kind of file (the CLI restores idx files). */
  source?: SourceFormat;
  /** Called after each batch with (images done, total). */
  onProgress?: ProgressCallback;
}

export const DEFAULTS = { chains: 64, binsLog2: 12, posteriorPrecision: 28 } as const;

function invalidImages(message: string): never {
  throw new BbansError('INVALID_IMAGES', message);
}

function asBatch(images: Uint8Array | ImageBatch, itemShape: number[]): ImageBatch {
  const itemPixels = elementCount(itemShape);
  if (images instanceof Uint8Array) {
    if (images.length % itemPixels !== 0) invalidImages(`${images.length} bytes is not a whole number of ${itemPixels}-pixel images`);
    return { data: images, shape: [images.length / itemPixels, ...itemShape] };
  }
  const { data, shape } = images;
  if (!(data instanceof Uint8Array)) invalidImages('images.data must be a Uint8Array');
  if (!Array.isArray(shape) || shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    invalidImages(`images.shape must be [count, ...dims] of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const size = elementCount(shape);
  if (size !== data.length) invalidImages(`shape ${shape.join('x')} holds ${size} pixels but data has ${data.length}`);
  return images;
}

function pixelsOf(images: Uint8Array | ImageBatch): Uint8Array {
  return images instanceof Uint8Array ? images : images?.data instanceof Uint8Array ? images.data : new Uint8Array(0);
}

export async function compress(images: Uint8Array | ImageBatch, options: CompressOptions = {}): Promise<Uint8Array> {
  const choice = options.model ?? bestShippedModelFor(pixelsOf(images));
  const model = typeof choice === 'string' ? await loadModel(choice) : choice;
  const itemPixels = model.spec.pixels;
  const { data, shape } = asBatch(images, model.itemShape);
  const count = shape[0];
  const perItem = elementCount(shape.slice(1));
  if (perItem !== itemPixels) invalidImages(`model ${model.name} codes ${itemPixels}-pixel images, got images of ${shape.slice(1).join('x')}`);
  if (data.length > MAX_TOTAL_PIXELS) invalidImages(`${data.length} pixels exceed the limit of ${MAX_TOTAL_PIXELS} per file`);
  const maxPixel = model.spec.maxPixelValue;
  for (let i = 0; i < data.length; i++) {
    if (data[i] > maxPixel) invalidImages(`pixel ${i % itemPixels} of image ${Math.floor(i / itemPixels)} is ${data[i]}, but model ${model.name} takes values 0..${maxPixel}`);
  }
  const header: ContainerHeader = {
    source: options.source ?? 'raw',
    modelName: model.name,
    fingerprint: model.fingerprint,
    binsLog2: options.binsLog2 ?? DEFAULTS.binsLog2,
    posteriorPrecision: options.posteriorPrecision ?? DEFAULTS.posteriorPrecision,
    likelihoodPrecision: options.likelihoodPrecision ?? model.defaultLikelihoodPrecision,
    chains: Math.max(1, Math.min(options.chains ?? DEFAULTS.chains, count)),
    count,
    itemShape: shape.slice(1),
    crc32: crc32(data),
  };
  const message = compressChain(model.latent(header.likelihoodPrecision), Uint32Array.from(data), count, header, options.onProgress);
  return encodeContainer(header, message);
}

export interface DecompressOptions {
  /** The model to decode with; by default the shipped model named in the file. */
  model?: CodecModel;
  /** Called after each batch with (images done, total). */
  onProgress?: ProgressCallback;
}

export interface Decompressed extends ImageBatch {
  modelName: string;
  source: SourceFormat;
}

export async function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Promise<Decompressed> {
  const { header, message } = decodeContainer(bytes);
  const model = options.model ?? (await loadModel(header.modelName).catch(() => {
    throw new BbansError('MODEL_MISMATCH', `the file was made with model "${header.modelName}", which this build does not ship`);
  }));
  if (model.name !== header.modelName || toHex(model.fingerprint) !== toHex(header.fingerprint)) {
    throw new BbansError(
      'MODEL_MISMATCH',
      `model mismatch: the file needs ${header.modelName}@${toHex(header.fingerprint)}, got ${model.name}@${toHex(model.fingerprint)}`,
    );
  }
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
  const data = Uint8Array.from(symbols);
  if (crc32(data) !== header.crc32) throw new BbansError('CHECKSUM_MISMATCH', 'checksum mismatch: the decoded pixels are not the ones that were compressed');
  return { data, shape: [header.count, ...header.itemShape], modelName: header.modelName, source: header.source };
}
