// The messages between data-parallel training (src/train/workers.ts) and its workers
// (src/train/train-worker.ts).
import type { ModelSpec } from '../model/spec.js';

/**
 * At the start, the shared arrays (on SharedArrayBuffers): `weights` holds every trainable weight
 * (FlatVariables layout), written by the calling thread between jobs; `pixels` and `noise` the
 * current batch, of which a job takes the images [start, start + count); `gradients` is the
 * worker's own, for the gradients it sends back. A job's `version` says when the weights were
 * last written, so a worker reloads its replica only then.
 */
export type TrainJob =
  | { op: 'start'; id: number; spec: ModelSpec; weights: Float32Array; pixels: Float32Array; noise: Float32Array; gradients: Float32Array }
  | { op: 'gradient' | 'negativeElbos'; id: number; version: number; start: number; count: number };

/** A gradient job's value is its shard's mean loss (the gradient is in `gradients`); a negativeElbos job's, the per-image values. */
export type TrainReply =
  | { id: number; ok: true; value?: number | Float32Array }
  | { id: number; ok: false; message: string };
