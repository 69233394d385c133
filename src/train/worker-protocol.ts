// The messages between data-parallel training (src/train/workers.ts) and its workers
// (src/train/train-worker.ts).
import type { ModelSpec } from '../model/spec.js';

/**
 * The arrays every thread shares (on SharedArrayBuffers), handed over once at the start:
 * `weights` holds every trainable weight (FlatVariables layout), written by the calling thread
 * between jobs; `pixels` and `noise` the current batch; `claims` the next chunk to take
 * (src/train/chunks.ts); `gradients` one gradient a chunk, end to end, with each chunk's mean
 * loss in `losses`; `negativeElbos` the batch's per-image values.
 */
export interface SharedArrays {
  weights: Float32Array;
  pixels: Float32Array;
  noise: Float32Array;
  claims: Int32Array;
  gradients: Float32Array;
  losses: Float64Array;
  negativeElbos: Float32Array;
}

/**
 * A job: take chunks of the current batch of `count` images until none is left. Its `version`
 * says when the weights were last written, so a worker reloads its replica only then.
 */
export type TrainJob =
  | { op: 'start'; id: number; spec: ModelSpec; shared: SharedArrays }
  | { op: 'gradient' | 'negativeElbos'; id: number; version: number; count: number; threads: number };

/** A job's results are in the shared arrays; the reply says it is done, or why it failed. */
export type TrainReply = { id: number; ok: true } | { id: number; ok: false; message: string };
