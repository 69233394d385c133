// The library's front door: compress a batch of images with a model into one self-describing byte
// array, and decompress it back (all of it, or a range of images), refusing anything that would not
// reproduce the input exactly. The streaming forms are src/streams.ts's; all of them code frames
// through the same FrameCompressor and FrameDecompressor.

import { BbansError, invalidArgument, invalidImages, requireInteger } from './errors.js';
import { concatBytes } from './format/bytes.js';
import type { SourceFormat, StreamHeader } from './format/fields.js';
import { type FrameRef, type Layout, bytesSource, readLayout } from './format/layout.js';
import { FrameCompressor } from './compressor.js';
import { type DecodedFrame, FrameDecompressor, decodeFrame } from './decompressor.js';
import { coderFor } from './coders.js';
import { COMPRESS_OPTIONS, type CompressOptions, DECOMPRESS_OPTIONS, type DecompressOptions, MAX_IN_MEMORY_PIXELS, checkOptions, compressionPlan, inFlightFor, threadsOf } from './options.js';
import { Pipeline } from './pipeline.js';
import { type ModelInfo, type ResolvedModel, bestShippedModelFor, resolveModel } from './models.js';
import { isModelName } from './model/spec.js';
import { toHex } from './sha256.js';
import { elementCount } from './shape.js';
import { type PixelArray, isPixelArray } from './pixels.js';

export type { PixelArray } from './pixels.js';

export interface ImageBatch {
  /** Pixels, row-major: shape[0] images of shape[1..] pixels. */
  data: PixelArray;
  shape: number[];
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

/** Throws INVALID_IMAGES unless the model takes images of this shape. */
export function checkShape(model: ModelInfo, itemShape: number[]): void {
  const flatFits = model.itemShape.length !== 2 && elementCount(itemShape) === model.spec.pixels;
  if (itemShape.join('x') !== model.itemShape.join('x') && !flatFits) {
    invalidImages(`model ${model.name} codes ${model.itemShape.join('x')} images, got images of ${itemShape.join('x')}`);
  }
}

export async function compress(images: PixelArray | ImageBatch, options: CompressOptions = {}): Promise<Uint8Array> {
  checkOptions('compress', options, COMPRESS_OPTIONS);
  const model = await resolveModel(options.model ?? bestShippedModelFor(pixelsOf(images)));
  const { data, shape } = asBatch(images, model.itemShape);
  checkShape(model, shape.slice(1));
  const count = shape[0]!;
  const { header, framing } = compressionPlan('compress', model, options, { pixelBytes: data instanceof Uint16Array ? 2 : 1, itemShape: shape.slice(1), count });
  const onProgress = options.onProgress;
  const compressor = new FrameCompressor(await coderFor(model, threadsOf(options)), header, { ...framing, ...(onProgress && { onProgress: (done) => onProgress(done, count) }) });
  try {
    return concatBytes([...(await compressor.push(data)), ...(await compressor.end())]);
  } finally {
    compressor.close();
  }
}

export interface Decompressed extends ImageBatch {
  modelName: string;
  source: SourceFormat;
  /** The source file's header (.npy, or idx when stored), as stored: it describes the first segment's images. */
  sourceHeader?: Uint8Array;
}

/** Throws MODEL_MISMATCH, naming both, unless `model` is the one the file was made with. */
export function checkModelMatches(header: StreamHeader, model: ModelInfo): void {
  if (model.name !== header.modelName || toHex(model.fingerprint) !== toHex(header.fingerprint)) {
    throw new BbansError(
      'MODEL_MISMATCH',
      `model mismatch: the file needs ${header.modelName}@${toHex(header.fingerprint)}, got ${model.name}@${toHex(model.fingerprint)}`,
    );
  }
}

/** The shipped model a header names (never a directory that happens to have its name). */
async function shippedModelNamedIn(header: StreamHeader): Promise<ResolvedModel> {
  if (!isModelName(header.modelName)) {
    throw new BbansError('MODEL_MISMATCH', `the file was made with model "${header.modelName}", which this build does not ship; pass that model (its directory or URL)`);
  }
  return resolveModel(header.modelName);
}

/** The model a file's header names (or the one given), checked to be the one that made it. */
export async function modelForHeader(header: StreamHeader, choice: DecompressOptions['model']): Promise<ResolvedModel> {
  const model = choice !== undefined
    ? await resolveModel(choice)
    : await shippedModelNamedIn(header);
  checkModelMatches(header, model);
  if (elementCount(header.itemShape) !== model.spec.pixels) {
    throw new BbansError('CORRUPT_MESSAGE', `header says ${header.itemShape.join('x')} images but model ${model.name} codes ${model.spec.pixels} pixels`);
  }
  return model;
}

/** A decompression session for `decompress` and `decompressStream`: its coder opens on the first header, with the model that header names (or the one given). */
export function frameDecompressor(options: Omit<DecompressOptions, 'images'>): FrameDecompressor {
  const { onProgress, signal } = options;
  return new FrameDecompressor(
    async (header) => coderFor(await modelForHeader(header, options.model), threadsOf(options)),
    { inFlight: inFlightFor(options), ...(onProgress && { onProgress: (done) => onProgress(done) }), ...(signal && { signal }) },
  );
}

/** The images of a file (or frame) as a batch, with what the header says of them. */
export function batchOf(header: StreamHeader, data: PixelArray): Decompressed {
  return {
    data, shape: [data.length / elementCount(header.itemShape), ...header.itemShape], modelName: header.modelName, source: header.source,
    ...(header.sourceHeader && { sourceHeader: header.sourceHeader }),
  };
}

/** A header's pixel array of `length` values (two bytes each for 16-bit pixels). */
function pixelArrayFor(header: StreamHeader, length: number): PixelArray {
  return header.pixelBytes === 2 ? new Uint16Array(length) : new Uint8Array(length);
}

/**
 * The batch of no images that a file (or a range) of none decodes to: a stream of batches always
 * gives at least one, so that what the header says of the images (their shape, source and source
 * header) reaches whoever writes them back, and a source file of no images comes back whole.
 */
export function noImages(header: StreamHeader): Decompressed {
  return batchOf(header, pixelArrayFor(header, 0));
}

function checkInMemory(pixels: number): void {
  if (pixels > MAX_IN_MEMORY_PIXELS) {
    throw new BbansError('HEADER_LIMIT', `${pixels} pixels exceed the ${MAX_IN_MEMORY_PIXELS} decompress gives back in one array; use decompressStream`);
  }
}

/** The batches as one, within the in-memory limit. */
function joinBatches(header: StreamHeader, batches: Decompressed[]): Decompressed {
  const length = batches.reduce((n, b) => n + b.data.length, 0);
  checkInMemory(length);
  const data = pixelArrayFor(header, length);
  let at = 0;
  for (const batch of batches) {
    data.set(batch.data, at);
    at += batch.data.length;
  }
  return batchOf(header, data);
}

export async function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Promise<Decompressed> {
  checkOptions('decompress', options, DECOMPRESS_OPTIONS);
  if (!(bytes instanceof Uint8Array)) invalidArgument('decompress: bytes must be a Uint8Array');
  if (options.images !== undefined) {
    const layout = await readLayout(bytesSource(bytes));
    const batches: Decompressed[] = [];
    for await (const batch of decompressRange(layout, options.images, options)) batches.push(batch);
    return joinBatches(layout.header, batches);
  }
  const decompressor = frameDecompressor(options);
  const batches: Decompressed[] = [];
  let pixels = 0;
  const keep = (frames: DecodedFrame[]): void => {
    for (const frame of frames) {
      checkInMemory((pixels += frame.data.length)); // as soon as the total passes the limit, not after decoding the rest
      batches.push(batchOf(frame.header, frame.data));
    }
  };
  try {
    keep(await decompressor.push(bytes));
    keep(await decompressor.end());
  } finally {
    decompressor.close();
  }
  return joinBatches(decompressor.header!, batches);
}

/**
 * Images [from, to) of a file, one batch per frame that holds any of them, in order: only those
 * frames are read and decoded, a few at a time. No images (an empty range or file) are one empty
 * batch (noImages).
 */
export async function* decompressRange(layout: Layout, range: [number, number], options: Omit<DecompressOptions, 'images'>): AsyncGenerator<Decompressed> {
  if (!Array.isArray(range) || range.length !== 2) invalidArgument('decompress: images must be [from, to)');
  const [from, to] = range;
  requireInteger('decompress: images[0]', from, 0, layout.count);
  requireInteger('decompress: images[1]', to, from, layout.count);
  const wanted = layout.frames.filter((f) => f.first < to && f.first + f.count > from);
  const model = await modelForHeader(layout.header, options.model);
  if (wanted.length === 0) {
    yield noImages(layout.header);
    return;
  }
  const coder = await coderFor(model, threadsOf(options));
  const pipeline = new Pipeline<{ ref: FrameRef; data: PixelArray }>(inFlightFor(options), options.signal);
  let done = 0;
  const trimmed = function* (frames: Array<{ ref: FrameRef; data: PixelArray }>): Generator<Decompressed> {
    for (const { ref, data } of frames) {
      const itemPixels = elementCount(ref.header.itemShape);
      const first = Math.max(from, ref.first);
      const last = Math.min(to, ref.first + ref.count);
      done += last - first;
      options.onProgress?.(done, to - from);
      yield batchOf(ref.header, data.subarray((first - ref.first) * itemPixels, (last - ref.first) * itemPixels));
    }
  };
  try {
    for (const ref of wanted) {
      await pipeline.add(async () => ({ ref, data: await decodeFrame(coder, ref.header, await ref.load()) }), ref.count * elementCount(ref.header.itemShape));
      yield* trimmed(pipeline.finished());
    }
    yield* trimmed(await pipeline.drain());
  } finally {
    pipeline.abandon();
    coder.close();
  }
}
