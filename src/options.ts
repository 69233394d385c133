// The options of compress, decompress and their streaming forms: what each means, its default,
// and the checks that refuse a typo or an out-of-range value (never clamped: a file holds the
// settings the caller asked for, or the call fails).
import { invalidArgument, invalidImages, requireInteger } from './errors.js';
import { MAX_SOURCE_HEADER, type SourceFormat, type StreamHeader } from './format/fields.js';
import { MAX_FRAME_PIXELS } from './format/frames.js';
import { MAX_BINS_LOG2, MAX_PRECISION } from './codecs.js';
import type { FramingOptions } from './compressor.js';
import type { ProgressCallback } from './chain.js';
import type { PipelineLimit } from './pipeline.js';
import type { CodecModel, ModelInfo } from './models.js';
import { availableThreads } from './workers/pool.js';

/** What compress, compressStream and decompress, decompressStream have in common. */
interface CodingOptions {
  /** Workers that code frames in parallel (0: code on the calling thread). Default: the machine's cores. The bytes are the same for every count. */
  threads?: number;
  /** Cancels the work; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called as frames finish. */
  onProgress?: ProgressCallback;
}

export interface CompressOptions extends CodingOptions {
  /**
   * A shipped model by name ('mnist-8bit-ar', 'mnist-binary-ar', the paper's 'mnist-8bit' and
   * 'mnist-binary'), a model directory (path in Node, or URL) as `bbans train` writes them, or a
   * loaded model (loadModel, createModel). Default: the best shipped model for the data, the
   * binary one when every pixel is 0 or 1 (BEST_SHIPPED_MODEL).
   */
  model?: string | URL | CodecModel;
  /** Images per frame, the unit of parallel work and of random access (default: defaultFrameSize). */
  frameSize?: number;
  /**
   * Independent chains in each frame; fewer cost less (~7 bytes each: an 8-byte head, less what
   * it holds), more run faster (one SIMD lane each). A frame of fewer images has one per image.
   * Default: defaultChains for the frame's images.
   */
  chains?: number;
  /** 2^binsLog2 equal-mass latent bins per dimension (default: the model's, 12 for the shipped ones). */
  binsLog2?: number;
  posteriorPrecision?: number;
  likelihoodPrecision?: number;
  /** Recorded in the file so a tool can give back the same kind of file (the CLI restores idx and .npy files). */
  source?: SourceFormat;
  /** The source file's header (with source 'npy' always, with 'idx' optionally), stored so decompression restores the file byte for byte. */
  sourceHeader?: Uint8Array;
}

export interface DecompressOptions extends CodingOptions {
  /** The model to decode with (a name, directory, URL or loaded model); by default the shipped model named in the file. */
  model?: string | URL | CodecModel;
  /** Only images [from, to) (decompress only): just the frames that hold them are decoded. */
  images?: [number, number];
}

/**
 * Chains per frame unless told: about one per IMAGES_PER_CHAIN images, rounded down to a power of
 * two, and at least two, but no more than make their heads (about 8 bytes each) FRAME_COST_SHARE
 * of the frame's expected size, when that is known. Frames coded together share the networks'
 * batches whatever their chains (src/frame-coder.ts), but a chain's images are sequential steps, so
 * chains trade rate against speed: a default frame of 3684 binarized digits coded as two chains took
 * 5.4 s for the test set on one thread, as four chains of the old 737-image frames 2.8 s. Two is
 * the least because the pixel loop codes a pair of lanes for the price of one; powers of two fill
 * the loop's blocks of 16 lanes when frames are coded together. The count is stored in each frame,
 * so decoders never apply this rule.
 */
export const IMAGES_PER_CHAIN = 128;
const DEFAULT_CHAINS_MIN = 2;
const CHAIN_HEAD_BYTES = 8;

/** The chain count of a frame of `count` images unless told (see IMAGES_PER_CHAIN), given its images' expected bytes; one per image for fewer than two. */
export function defaultChains(count: number, bytesPerImage = Infinity): number {
  const affordable = Math.floor((FRAME_COST_SHARE * count * bytesPerImage) / CHAIN_HEAD_BYTES);
  const chains = Math.max(DEFAULT_CHAINS_MIN, Math.min(Math.ceil(count / IMAGES_PER_CHAIN), affordable));
  return Math.min(count, 2 ** Math.floor(Math.log2(chains)));
}

/** The expected bytes of one image at the model's held-out rate. */
function expectedImageBytes(model: Pick<ModelInfo, 'spec' | 'manifest'>): number {
  return ((model.manifest?.heldOut?.negativeElboBitsPerDim ?? ASSUMED_BITS_PER_PIXEL) * model.spec.pixels) / 8;
}

/**
 * What a frame costs beyond its images, in bits, at most: its record and index entry (about 17
 * bytes), two chains' heads, and its first image's latent, which pops its bits from the fixed start
 * state and so is never refunded (at most binsLog2 bits a dimension).
 */
function frameCostBits(model: Pick<ModelInfo, 'spec' | 'coding'>): number {
  return 8 * 17 + DEFAULT_CHAINS_MIN * 64 + model.spec.latent * model.coding.binsLog2;
}

/**
 * Frames unless told (frameSize) are sized so that this estimate of their fixed cost is at most
 * 0.1% of their expected coded size: rate first (a frame's fixed cost is what one frame for the
 * whole file would save), while decoding one image still decodes only its frame, a few hundred
 * images of 8-bit MNIST (the README's table 3 measures the trade).
 */
export const FRAME_COST_SHARE = 1 / 1000;
/** The rate assumed for a model that records none (a manifest's held-out -ELBO). */
const ASSUMED_BITS_PER_PIXEL = 1;

/**
 * Images per frame unless told: frameCostBits / FRAME_COST_SHARE of expected output at the model's
 * held-out rate: 507 MNIST images for mnist-8bit-ar, 3684 for mnist-binary-ar, 797 for mnist-8bit,
 * 5050 for mnist-binary.
 */
export function defaultFrameSize(model: Pick<ModelInfo, 'spec' | 'coding' | 'manifest'>): number {
  const images = Math.round(frameCostBits(model) / FRAME_COST_SHARE / Math.max(8 * expectedImageBytes(model), 2 ** -10 * model.spec.pixels));
  return Math.max(1, Math.min(images, Math.floor(MAX_FRAME_PIXELS / model.spec.pixels)));
}

/** Most in-memory decompress gives back in one array; beyond it, decompressStream. */
export const MAX_IN_MEMORY_PIXELS = 2 ** 30;

const CODING_OPTIONS = ['threads', 'signal', 'onProgress'];
export const COMPRESS_OPTIONS = ['model', 'frameSize', 'chains', 'binsLog2', 'posteriorPrecision', 'likelihoodPrecision', 'source', 'sourceHeader', ...CODING_OPTIONS];
export const DECOMPRESS_OPTIONS = ['model', 'images', ...CODING_OPTIONS];
const SOURCES: readonly SourceFormat[] = ['raw', 'idx', 'npy'];
/** The most workers a call may ask for. */
export const MAX_THREADS = 256;

/** Refuses an options value that is not a plain object, a name it does not know (a typo), and values of the wrong kind. */
export function checkOptions(who: string, options: unknown, known: string[]): void {
  if (options === null || typeof options !== 'object') invalidArgument(`${who}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length) invalidArgument(`${who}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (known: ${known.join(', ')})`);
  const { onProgress, signal, threads, source } = options as CompressOptions;
  if (onProgress !== undefined && typeof onProgress !== 'function') invalidArgument(`${who}: onProgress must be a function`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) invalidArgument(`${who}: signal must be an AbortSignal`);
  if (threads !== undefined) requireInteger(`${who}: threads`, threads, 0, MAX_THREADS);
  if (source !== undefined && !SOURCES.includes(source)) invalidArgument(`${who}: source must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(source)}`);
  signal?.throwIfAborted();
}

export function threadsOf(options: CodingOptions): number {
  return options.threads ?? availableThreads();
}

/** Pixels of frames outstanding per thread, beyond two frames each: room for whole jobs of small frames waiting behind the running ones. */
export const IN_FLIGHT_PIXELS_PER_THREAD = 2 ** 23;

/** Frames outstanding at once: two per thread (the calling thread counts as one), and more while they hold at most IN_FLIGHT_PIXELS_PER_THREAD each. */
export function inFlightFor(options: CodingOptions): PipelineLimit {
  const threads = Math.max(1, threadsOf(options));
  return { entries: 2 * threads, weight: threads * IN_FLIGHT_PIXELS_PER_THREAD };
}

/**
 * The stream header and framing for compressing with `model`: the options checked, the defaults
 * filled in. `count`, when known, bounds the chains (more chains than images are refused).
 */
export function compressionPlan(who: string, model: ModelInfo, options: CompressOptions, images: { pixelBytes: 1 | 2; itemShape: number[]; count?: number }): { header: StreamHeader; framing: FramingOptions } {
  const { pixelBytes, itemShape, count } = images;
  const itemPixels = model.spec.pixels;
  const frameSize = options.frameSize ?? defaultFrameSize(model);
  if (options.frameSize !== undefined) requireInteger(`${who}: frameSize`, frameSize, 1, Math.max(1, Math.floor(MAX_FRAME_PIXELS / itemPixels)));
  if (options.chains !== undefined) requireInteger(`${who}: chains`, options.chains, 1, Math.max(1, Math.min(frameSize, count ?? frameSize)));
  const source = options.source ?? 'raw';
  if (source === 'npy' ? options.sourceHeader === undefined : source === 'raw' && options.sourceHeader !== undefined) invalidImages("sourceHeader comes with source 'npy' (always) or 'idx' (optionally), and only then");
  if (options.sourceHeader && options.sourceHeader.length > MAX_SOURCE_HEADER) invalidImages(`a source header of ${options.sourceHeader.length} bytes exceeds ${MAX_SOURCE_HEADER}`);
  if (source === 'idx' && pixelBytes === 2) invalidImages('idx files hold 8-bit pixels; 16-bit pixels come as raw or npy');
  const header: StreamHeader = {
    source,
    pixelBytes,
    ...(options.sourceHeader && { sourceHeader: options.sourceHeader }),
    modelName: model.name,
    fingerprint: model.fingerprint,
    binsLog2: options.binsLog2 ?? model.coding.binsLog2,
    posteriorPrecision: options.posteriorPrecision ?? model.coding.posteriorPrecision,
    likelihoodPrecision: options.likelihoodPrecision ?? model.coding.likelihoodPrecision,
    itemShape: [...itemShape],
  };
  requireInteger(`${who}: binsLog2`, header.binsLog2, 1, MAX_BINS_LOG2);
  requireInteger(`${who}: posteriorPrecision`, header.posteriorPrecision, header.binsLog2 + 1, MAX_PRECISION);
  requireInteger(`${who}: likelihoodPrecision`, header.likelihoodPrecision, 1, MAX_PRECISION);
  const framing: FramingOptions = {
    frameSize,
    ...(options.chains !== undefined && { chains: options.chains }),
    chainsFor: (images) => defaultChains(images, expectedImageBytes(model)),
    maxPixelValue: model.spec.maxPixelValue,
    modelName: model.name,
    inFlight: inFlightFor(options),
    ...(options.signal && { signal: options.signal }),
  };
  return { header, framing };
}
