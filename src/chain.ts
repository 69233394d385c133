// The bits-back chain across data points. N points are coded by B independent chains: point i goes
// to lane i mod B, and once the batch size has ramped up (see RAMP_GROWTH), points t*B .. t*B + B - 1
// form a batch, so every network call sees a whole batch. Per batch: pop latents from the posterior,
// push the data under the likelihood, push the latents under the uniform prior over equal-mass bins. Decompression runs the batches backwards,
// and the batch layout is the same on both sides, so the networks see exactly the same inputs.

import { BbansError, invalidArgument, requireInteger } from './errors.js';
import { MAX_LANES, Message } from './message.js';
import { type Codec, type DistributionCodec, binCentres, bitsBack, gaussianPosterior, uniform } from './codecs.js';

/** What the chain needs of a latent-variable model. Arrays are row-major, one row per data point. */
export interface LatentVariableModel {
  readonly dataSize: number;
  readonly latentSize: number;
  /** Posterior q(z | x) for `batch` points: mean and standard deviation of each latent. */
  encode(data: Float32Array, batch: number): { means: Float32Array; scales: Float32Array };
  /**
   * The data codec p(x | z) for `batch` latent vectors (the bins' centres, batch x latentSize): it
   * codes dataSize x batch symbols laid out lane-major (one lane per point).
   */
  likelihood(latents: Float32Array, batch: number): DistributionCodec;
}

export interface ChainSettings {
  /** Independent chains (lanes); each costs its 8-byte head and the start bits its first pops take (~10 bytes measured). */
  chains: number;
  /** Latent bins per dimension: 2^binsLog2 equal-mass bins of N(0, 1). */
  binsLog2: number;
  /** Precision of the discretised posterior, in bits (> binsLog2). */
  posteriorPrecision: number;
}

/** row-major rows x cols -> cols x rows, so element (r, c) lands on lane r; elements are `width` values wide. */
export function toLaneMajor<T extends Float32Array | Float64Array | Uint32Array>(rowMajor: T, rows: number, cols: number, width = 1): T {
  const out = new (rowMajor.constructor as new (n: number) => T)(rowMajor.length);
  if (width === 1) {
    for (let r = 0; r < rows; r++) for (let c = 0, from = r * cols; c < cols; c++) out[c * rows + r] = rowMajor[from + c];
    return out;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const from = (r * cols + c) * width;
      out.set(rowMajor.subarray(from, from + width), (c * rows + r) * width);
    }
  }
  return out;
}

/** cols x rows (lane-major) -> row-major rows x cols. */
export function fromLaneMajor<T extends Float32Array | Float64Array | Uint32Array>(laneMajor: T, rows: number, cols: number): T {
  return toLaneMajor(laneMajor, cols, rows);
}

/** The BB-ANS codec for one batch of `batch` points, data and latents in lane-major layout. */
function batchCodec(model: LatentVariableModel, settings: ChainSettings, batch: number): Codec<Uint32Array> {
  const { dataSize, latentSize } = model;
  const { binsLog2, posteriorPrecision } = settings;
  return bitsBack<Uint32Array, Uint32Array>({
    prior: uniform(binsLog2, latentSize * batch),
    likelihood(latents) {
      return model.likelihood(binCentres(binsLog2, fromLaneMajor(latents, batch, latentSize)), batch);
    },
    posterior(data) {
      const { means, scales } = model.encode(Float32Array.from(fromLaneMajor(data, batch, dataSize)), batch);
      return gaussianPosterior(binsLog2, toLaneMajor(means, batch, latentSize), toLaneMajor(scales, batch, latentSize), posteriorPrecision);
    },
  });
}

function checkSettings(model: LatentVariableModel, settings: ChainSettings): void {
  requireInteger('chains', settings.chains, 1, MAX_LANES);
  requireInteger('binsLog2', settings.binsLog2, 1, 16);
  requireInteger('posteriorPrecision', settings.posteriorPrecision, settings.binsLog2 + 1, 31);
  requireInteger('model dataSize', model.dataSize, 1, 2 ** 24);
  requireInteger('model latentSize', model.latentSize, 1, 2 ** 16);
}

/**
 * Batch sizes grow by this factor from 1 up to B. A batch pops all its posteriors before pushing
 * anything, so the bits it pops must already be on the message: a posterior pop takes roughly
 * latents x binsLog2 - KL bits (~440 for the binary model) while a coded point leaves only its
 * -ELBO behind (~190). Growing by 1.2x keeps what earlier batches left (~190 / 0.2 per point of
 * the next batch) above what the next one pops (measured: with 64 chains nothing is borrowed
 * beyond the first point; 1.3x still borrowed 59 words); whatever a pop finds missing comes from
 * the start state's free bits and is never refunded. A fixed rule of (N, B), so the decoder derives it too.
 */
const RAMP_GROWTH = 1.2;

/** Batches in coding order: runs of points first .. first + size - 1 on lanes offset .. offset + size - 1. */
function batchesOf(count: number, chains: number): Array<{ first: number; offset: number; size: number }> {
  const batches = [];
  let allowed = 1;
  for (let first = 0; first < count; ) {
    const offset = first % chains;
    const size = Math.min(Math.floor(allowed), chains - offset, count - first);
    batches.push({ first, offset, size });
    first += size;
    allowed *= RAMP_GROWTH;
  }
  return batches;
}

/** Told after each batch how many of the points are done. */
export type ProgressCallback = (done: number, total: number) => void;

/** Compresses `count` points of `model.dataSize` symbols each; returns the message bytes. */
export function compressChain(
  model: LatentVariableModel,
  data: Uint32Array,
  count: number,
  settings: ChainSettings,
  onProgress?: ProgressCallback,
): Uint8Array {
  checkSettings(model, settings);
  if (data.length !== count * model.dataSize) invalidArgument(`expected ${count} x ${model.dataSize} symbols, got ${data.length}`);
  const message = Message.create(settings.chains);
  try {
    for (const { first, offset, size } of batchesOf(count, settings.chains)) {
      const rows = data.subarray(first * model.dataSize, (first + size) * model.dataSize);
      batchCodec(model, settings, size).push(message.view(offset, size), toLaneMajor(rows, size, model.dataSize));
      onProgress?.(first + size, count);
    }
    return message.toBytes();
  } finally {
    message.free();
  }
}

/** Inverse of compressChain; fails with CORRUPT_MESSAGE unless the decode ends at the start state. */
export function decompressChain(
  model: LatentVariableModel,
  bytes: Uint8Array,
  count: number,
  settings: ChainSettings,
  onProgress?: ProgressCallback,
): Uint32Array {
  checkSettings(model, settings);
  const message = Message.fromBytes(bytes);
  message.strict = true; // a valid message never runs dry while decoding: stop at once if this one does
  try {
    if (message.lanes !== settings.chains) {
      throw new BbansError('CORRUPT_MESSAGE', `message has ${message.lanes} lanes but the settings say ${settings.chains} chains`);
    }
    const out = new Uint32Array(count * model.dataSize);
    for (const { first, offset, size } of batchesOf(count, settings.chains).reverse()) {
      const laneMajor = batchCodec(model, settings, size).pop(message.view(offset, size));
      out.set(fromLaneMajor(laneMajor, size, model.dataSize), first * model.dataSize);
      onProgress?.(count - first, count);
    }
    if (!message.isInitial()) {
      throw new BbansError('CORRUPT_MESSAGE', 'decoding did not end at the start state: the data is corrupt or was coded with another model or settings');
    }
    return out;
  } finally {
    message.free();
  }
}
