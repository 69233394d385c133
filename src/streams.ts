// Compression and decompression of any amount of data with bounded memory: Web Streams
// TransformStreams (Node >= 20 and browsers) and async generators over any (async) iterable,
// both built on one push/end session per direction. Pixels go in as Uint8Array or Uint16Array
// chunks of any size (not necessarily whole images); bytes come out frame by frame, and
// decompression gives back one batch of images per frame.
import { BbansError, invalidArgument } from './errors.js';
import { FrameCompressor } from './compressor.js';
import type { DecodedFrame } from './decompressor.js';
import { coderFor } from './coders.js';
import { type Decompressed, batchOf, checkShape, frameDecompressor, noImages } from './api.js';
import { BEST_SHIPPED_MODEL, resolveModel } from './models.js';
import { COMPRESS_OPTIONS, type CompressOptions, DECOMPRESS_OPTIONS, type DecompressOptions, checkOptions, compressionPlan, threadsOf } from './options.js';
import { type PixelArray, isPixelArray } from './pixels.js';

export interface CompressStreamOptions extends CompressOptions {
  /** The shape of one image (default: the model's). */
  itemShape?: number[];
}

export type DecompressStreamOptions = Omit<DecompressOptions, 'images'>;

interface Session<I, O> {
  push(chunk: I): Promise<O[]>;
  end(): Promise<O[]>;
  close(): void;
}

/** A compression session: the model and header are settled by the first chunk (its pixel type). */
function compression(options: CompressStreamOptions): Session<PixelArray, Uint8Array> {
  const { itemShape, ...rest } = options;
  checkOptions('compressStream', rest, COMPRESS_OPTIONS);
  let compressor: Promise<FrameCompressor> | undefined;
  const open = (pixelBytes: 1 | 2): Promise<FrameCompressor> => (compressor ??= (async () => {
    // A stream is not seen whole before coding, so the default model is the 8-bit one, which takes binary images too.
    const model = await resolveModel(rest.model ?? BEST_SHIPPED_MODEL.eightBit);
    const shape = itemShape ?? model.itemShape;
    checkShape(model, shape);
    const { header, framing } = compressionPlan('compressStream', model, rest, { pixelBytes, itemShape: shape });
    const onProgress = rest.onProgress;
    return new FrameCompressor(await coderFor(model, threadsOf(rest)), header, { ...framing, ...(onProgress && { onProgress: (done) => onProgress(done) }) });
  })());
  return {
    async push(chunk) {
      if (!isPixelArray(chunk)) throw new BbansError('INVALID_IMAGES', 'compressStream: each chunk must be a Uint8Array or a Uint16Array of pixels');
      return (await open(chunk instanceof Uint16Array ? 2 : 1)).push(chunk);
    },
    async end() {
      return (await open(1)).end();
    },
    close() {
      compressor?.then((c) => c.close(), () => {});
    },
  };
}

function decompression(options: DecompressStreamOptions): Session<Uint8Array, Decompressed> {
  checkOptions('decompressStream', options, DECOMPRESS_OPTIONS.filter((name) => name !== 'images'));
  const decompressor = frameDecompressor(options);
  let given = 0;
  const batches = (frames: DecodedFrame[]): Decompressed[] => {
    given += frames.length;
    return frames.map((f) => batchOf(f.header, f.data));
  };
  return {
    async push(chunk) {
      if (!(chunk instanceof Uint8Array)) invalidArgument('decompressStream: each chunk must be a Uint8Array');
      return batches(await decompressor.push(chunk));
    },
    async end() {
      const last = batches(await decompressor.end());
      // A file of no images has no frames: its header still reaches the consumer, as one empty batch.
      return given === 0 ? [noImages(decompressor.header!)] : last;
    },
    close: () => decompressor.close(),
  };
}

/** A TransformStream running a session: each chunk pushed, the end flushed, and the session let go however it ends. */
function transformOf<I, O>(session: Session<I, O>): TransformStream<I, O> {
  const run = async (step: () => Promise<O[]>, controller: TransformStreamDefaultController<O>, last: boolean): Promise<void> => {
    try {
      for (const out of await step()) controller.enqueue(out);
      if (last) session.close();
    } catch (error) {
      session.close();
      throw error;
    }
  };
  return new TransformStream<I, O>({
    transform: (chunk, controller) => run(() => session.push(chunk), controller, false),
    flush: (controller) => run(() => session.end(), controller, true),
  });
}

async function* iterate<I, O>(session: Session<I, O>, source: AsyncIterable<I> | Iterable<I>): AsyncGenerator<O> {
  try {
    for await (const chunk of source) yield* await session.push(chunk);
    yield* await session.end();
  } finally {
    session.close();
  }
}

/** Pixels in, a bbans file out: `readable.pipeThrough(compressStream({ model }))`. */
export function compressStream(options: CompressStreamOptions = {}): TransformStream<PixelArray, Uint8Array> {
  return transformOf(compression(options));
}

/** A bbans file in (any chunks), one batch of images per frame out. */
export function decompressStream(options: DecompressStreamOptions = {}): TransformStream<Uint8Array, Decompressed> {
  return transformOf(decompression(options));
}

/** compressStream over an (async) iterable of pixel chunks: `for await (const bytes of compressChunks(chunks)) ...`. */
export function compressChunks(source: AsyncIterable<PixelArray> | Iterable<PixelArray>, options: CompressStreamOptions = {}): AsyncGenerator<Uint8Array> {
  return iterate(compression(options), source);
}

/** decompressStream over an (async) iterable of byte chunks (a Node stream, a fetch body...). */
export function decompressChunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: DecompressStreamOptions = {}): AsyncGenerator<Decompressed> {
  return iterate(decompression(options), source);
}
