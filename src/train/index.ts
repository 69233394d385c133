// bbans/train (Node): train a model for your own images and keep it as a model directory.
//
//   import { train } from 'bbans/train';
//   const result = await train({ data: 'scans.npy', out: 'models/scans', seconds: 1800 });
//   // then compress(images, { model: 'models/scans' })
//
// Everything is checked before anything is written: the data (2-D grayscale images of one shape,
// pixel values in range), the options, and the output directory (refused if it exists, unless
// `force` replaces a model directory or `resume` continues one). A run that keeps no epoch leaves
// no directory behind.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImageBatch } from '../api.js';
import { firstPixelAbove, isPixelArray, largestPixel, pixelBytes } from '../pixels.js';
import { invalidArgument, invalidImages } from '../errors.js';
import { ImageFileError, readImageFile } from '../data/image-file.js';
import { useWasmBackend } from '../model/backend.js';
import { MANIFEST_FILE } from '../model/manifest.js';
import type { LocalPixelLikelihood } from '../model/local-ar-vae-spec.js';
import type { PixelLikelihood } from '../model/factorized-vae-spec.js';
import { architectureOf } from '../model/architectures.js';
import { installTransposeFreeMatMul } from '../model/wasm-matmul.js';
import { MAX_THREADS } from '../options.js';
import { sha256, toHex } from '../sha256.js';
import { availableThreads } from '../workers/pool.js';
import { checkpointDirectory } from './checkpoint.js';
import { type ImageSet, splitHeldOut } from './dataset.js';
import { DEFAULT_ARCHITECTURE, type TrainArchitecture, checkArchitecture, defaultSpec } from './defaults.js';
import { streamSeed } from './rng.js';
import type { TrainSettings } from './settings.js';
import { type EpochReport, type TrainResult, runTraining } from './trainer.js';

export type { EpochReport, TrainResult } from './trainer.js';

/** Images as a file path (.npy, idx, or raw bytes with `shape`) or in memory. */
export type TrainImages = string | ImageBatch;

export interface TrainOptions {
  data: TrainImages;
  /** Held-out images, which pick the epoch kept; default: `heldOutFraction` of `data`, chosen by the seed. */
  heldOut?: TrainImages;
  /** Default 0.1. */
  heldOutFraction?: number;
  /** [height, width] of raw pixel files. */
  shape?: number[];
  /** The model directory to write. */
  out: string;
  /** Stored in every file the model writes (printable ASCII, at most 64); default: out's base name. */
  name?: string;
  /** The pixel range 0..maxPixelValue the model takes; default: the largest value in the training data. */
  maxPixelValue?: number;
  /** Default 'local-ar-vae' (the best bbans has); 'vae' is the paper's. */
  architecture?: TrainArchitecture;
  /** Default: 'bernoulli' for 0/1 pixels, else 'logistic-mixture' (local AR) or 'beta-binomial' (vae); see LIKELIHOODS. */
  likelihood?: LocalPixelLikelihood | PixelLikelihood;
  /** Bounds on the run: epochs in all, and seconds for this call, loading the data included (default 1800 when neither is given). */
  epochs?: number;
  seconds?: number;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  /**
   * Threads each step is split over (data-parallel: the calling thread and threads - 1 workers);
   * default: the machine's cores. A run is deterministic for its thread count, not across counts.
   */
  threads?: number;
  /** Continue the training in `out` (its settings must match). */
  resume?: boolean;
  /** Replace `out` if it is a model directory. */
  force?: boolean;
  signal?: AbortSignal;
  onEpoch?: (report: EpochReport) => void;
  log?: (line: string) => void;
  /** Goes into the manifest's training record. */
  record?: Record<string, unknown>;
}

export const DEFAULT_TRAIN_SECONDS = 1800;
export const DEFAULT_HELD_OUT_FRACTION = 0.1;

interface LoadedImages {
  batch: ImageBatch;
  /** What they are, for the settings: file name and SHA-256 of the pixels. */
  description: string;
}

async function loadImages(images: TrainImages, what: string, shape: number[] | undefined): Promise<LoadedImages> {
  let batch: ImageBatch;
  let name = `${what} (in memory)`;
  if (typeof images === 'string') {
    name = images;
    const bytes = await readFile(images).catch((error: NodeJS.ErrnoException) => invalidImages(`cannot read ${images}: ${error.code ?? error.message}`));
    if (bytes.length === 0) invalidImages(`${images} is empty`);
    try {
      batch = readImageFile(new Uint8Array(bytes), images, shape).images;
    } catch (error) {
      if (error instanceof ImageFileError) invalidImages(error.message);
      throw error;
    }
  } else {
    batch = images;
    if (!isPixelArray(batch?.data) || !Array.isArray(batch.shape)) invalidImages(`${what} must be a file path or { data, shape }`);
  }
  const { data, shape: dims } = batch;
  if (dims.length !== 3) invalidImages(`${name}: images must be 2-D grayscale, an array of shape (count, height, width); got (${dims.join(', ')})`);
  if (dims.some((d) => !Number.isInteger(d) || d < 0) || dims[0]! * dims[1]! * dims[2]! !== data.length) invalidImages(`${name}: shape (${dims.join(', ')}) does not hold its ${data.length} pixels`);
  if (dims[0] === 0) invalidImages(`${name} holds no images`);
  if (dims[1]! < 2 || dims[2]! < 2) invalidImages(`${name}: images of ${dims[1]}x${dims[2]} are too small to model; they need at least 2x2 pixels`);
  return { batch, description: `${name}: ${dims[0]} images of ${dims[1]}x${dims[2]}, ${data instanceof Uint16Array ? 16 : 8}-bit, pixels sha256 ${toHex(sha256(pixelBytes(data)))}` };
}

function checkRange(images: LoadedImages, maxPixelValue: number, what: string): void {
  const { data, shape } = images.batch;
  const pixels = shape[1]! * shape[2]!;
  const i = firstPixelAbove(data, maxPixelValue);
  if (i >= 0) invalidImages(`${what}: pixel ${i % pixels} of image ${Math.floor(i / pixels)} is ${data[i]}, beyond the range 0..${maxPixelValue}`);
}

function positive(name: string, value: number | undefined, integer: boolean, max = Infinity): void {
  if (value !== undefined && !(typeof value === 'number' && value > 0 && value <= max && (!integer || Number.isInteger(value)))) {
    invalidArgument(`${name} must be a positive ${integer ? 'integer' : 'number'}${max < Infinity ? ` up to ${max}` : ''}, got ${value}`);
  }
}

/** Whether `directory` is something train may replace: a model directory (or a run's) or an empty folder. */
async function replaceable(directory: string): Promise<boolean> {
  if (!(await stat(directory)).isDirectory()) return false;
  if (existsSync(path.join(directory, MANIFEST_FILE)) || existsSync(path.join(checkpointDirectory(directory), 'state.json'))) return true;
  return (await readdir(directory)).length === 0;
}

async function prepareDirectory(out: string, resume: boolean, force: boolean): Promise<boolean> {
  const exists = existsSync(out);
  if (resume) {
    if (!exists) invalidArgument(`cannot resume: ${out} does not exist`);
    return false;
  }
  if (exists) {
    if (!force) invalidArgument(`${out} already exists; use -f (force) to replace it, or --resume (resume) to continue its training`);
    if (!(await replaceable(out))) invalidArgument(`${out} is not a bbans model directory; refusing to replace it`);
  }
  return true;
}

/** Trains a model on the images and writes its model directory (see the README's "Your own data"). */
export async function train(options: TrainOptions): Promise<TrainResult & { directory: string }> {
  const startedAt = performance.now();
  const { out } = options;
  if (typeof out !== 'string' || out === '') invalidArgument('out must name the model directory to write');
  const name = options.name ?? path.basename(path.resolve(out));
  if (!/^[\x21-\x7e]{1,64}$/.test(name)) invalidArgument(`the model name ${JSON.stringify(name)} must be 1..64 printable ASCII characters without spaces; give one (--name)`);
  positive('epochs', options.epochs, true);
  positive('seconds', options.seconds, false);
  positive('batchSize', options.batchSize, true, 4096);
  positive('learningRate', options.learningRate, false, 1);
  positive('maxPixelValue', options.maxPixelValue, true, 65535);
  positive('threads', options.threads, true, MAX_THREADS);
  const fraction = options.heldOutFraction ?? DEFAULT_HELD_OUT_FRACTION;
  if (!(fraction > 0 && fraction <= 0.5)) invalidArgument(`heldOutFraction must be in (0, 0.5], got ${fraction}`);
  const architecture = options.architecture ?? DEFAULT_ARCHITECTURE;
  checkArchitecture(architecture);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) invalidArgument(`seed must be a uint32, got ${seed}`);

  const data = await loadImages(options.data, 'data', options.shape);
  const [, height, width] = data.batch.shape as [number, number, number];
  const maxPixelValue = options.maxPixelValue ?? Math.max(1, largestPixel(data.batch.data));
  checkRange(data, maxPixelValue, typeof options.data === 'string' ? options.data : 'data');
  const spec = defaultSpec({ name, height, width, maxPixelValue, architecture, likelihood: options.likelihood, images: data.batch.data });
  architectureOf(spec).checkSpec(spec as unknown as Record<string, unknown>);
  const pixels = height * width;
  let trainSet: ImageSet;
  let heldOutSet: ImageSet;
  let heldOutData: string;
  const asSet = (batch: ImageBatch): ImageSet => ({ count: batch.shape[0]!, pixels: batch.data });
  if (options.heldOut !== undefined) {
    const heldOut = await loadImages(options.heldOut, 'heldOut', options.shape);
    if (heldOut.batch.shape.slice(1).join('x') !== `${height}x${width}`) invalidImages(`the held-out images are ${heldOut.batch.shape.slice(1).join('x')}, the training images ${height}x${width}`);
    checkRange(heldOut, maxPixelValue, typeof options.heldOut === 'string' ? options.heldOut : 'heldOut');
    trainSet = asSet(data.batch);
    heldOutSet = asSet(heldOut.batch);
    heldOutData = heldOut.description;
  } else {
    if (data.batch.shape[0]! < 2) invalidImages('one image cannot be split into training and held-out images; give more, or held-out images of their own');
    ({ train: trainSet, heldOut: heldOutSet } = splitHeldOut(asSet(data.batch), pixels, fraction, streamSeed(seed, 'split')));
    heldOutData = `${fraction * 100}% of ${data.description}, held out by seed ${seed}`;
  }

  const resume = options.resume ?? false;
  const created = await prepareDirectory(out, resume, options.force ?? false);
  const settings: TrainSettings = {
    name, spec, itemShape: [height, width], seed, batchSize: options.batchSize ?? 100, learningRate: options.learningRate ?? 1e-3,
    optimizer: 'adam', schedule: 'plateau', keep: 'best', binarize: 'none',
    trainData: options.heldOut === undefined ? `the rest of ${data.description}` : data.description, heldOutData,
    evalBatchSize: 1000, backend: 'wasm (single thread)', threads: options.threads ?? availableThreads(),
  };
  await useWasmBackend();
  installTransposeFreeMatMul();
  if (created) {
    if (existsSync(out)) await rm(out, { recursive: true });
    await mkdir(out).catch((error: NodeJS.ErrnoException) => invalidArgument(`cannot create ${out}: ${error.code ?? error.message}`));
  }
  const seconds = options.seconds ?? (options.epochs === undefined ? DEFAULT_TRAIN_SECONDS : undefined);
  let result: TrainResult;
  try {
    result = await runTraining({
      settings, train: trainSet, heldOut: heldOutSet, directory: out, resume, epochs: options.epochs, seconds, startedAt,
      signal: options.signal, log: options.log ?? (() => {}), onEpoch: options.onEpoch, record: options.record,
    });
  } catch (error) {
    if (created && !existsSync(path.join(out, MANIFEST_FILE))) await rm(out, { recursive: true, force: true });
    throw error;
  }
  if (created && result.keptEpoch === 0) await rm(out, { recursive: true, force: true });
  return { ...result, directory: out };
}
