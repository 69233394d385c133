// Data-parallel training on `threads` threads: the calling thread and threads - 1 workers (Node
// worker_threads, src/train/train-worker.ts), each with its own tfjs wasm backend and replica of
// the networks. A step cuts the batch and its noise (drawn for the whole batch, as on one thread)
// into contiguous chunks (src/train/chunks.ts), which the threads take as they become free, each
// computing the gradient of a chunk's mean loss; the calling thread sums the chunks' gradients in
// chunk order, weighted by size, and applies the sum with its Adam. Weights, gradients and the
// batch cross in SharedArrayBuffers, so nothing is copied per worker. The fixed cut and order
// make a run deterministic, the same on any thread count from 2 to CHUNKS; one thread is the
// plain loop in trainer.ts, whose sums round differently.
import * as tf from '../model/tf.js';
import type { Worker } from 'node:worker_threads';
import type { Vae } from '../model/architecture.js';
import { trainableVariables } from '../model/architectures.js';
import { startNodeWorker } from '../workers/node-worker.js';
import { FlatVariables } from './flat-variables.js';
import { chunkCount, chunksOf } from './chunks.js';
import { takeGradientChunks, takeNegativeElboChunks } from './chunk-work.js';
import type { SharedArrays, TrainJob, TrainReply } from './worker-protocol.js';

type JobBody<J = TrainJob> = J extends TrainJob ? Omit<J, 'id'> : never;

/** One worker: jobs go out one at a time and come back in order; a worker that fails or dies fails its job with an error naming it. */
class TrainWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  #closed = false;

  constructor(readonly index: number) {
    this.#worker = startNodeWorker(new URL('./train-worker.js', import.meta.url));
    this.#worker.on('message', (reply: TrainReply) => {
      const job = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.ok) job?.resolve(reply);
      else job?.reject(new Error(`training worker ${this.index}: ${reply.message}`));
    });
    this.#worker.on('error', (error) => this.#fail(`failed: ${error.message}`));
    this.#worker.on('exit', (code) => this.#fail(`exited with code ${code}`));
  }

  run(job: JobBody): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error(`training worker ${this.index} has stopped`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...job, id });
    });
  }

  #fail(why: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#pending.values()) job.reject(new Error(`training worker ${this.index} ${why}`));
    this.#pending.clear();
  }

  /** Stops the worker; its unfinished job, if any, is dropped (nothing waits for it any more). */
  terminate(): void {
    this.#closed = true;
    this.#pending.clear();
    void this.#worker.terminate();
  }
}

export class TrainingWorkers {
  readonly #flat: FlatVariables;
  readonly #shared: SharedArrays;
  /** Version of the shared weights: a worker reloads its replica when the version it last loaded is older. */
  #version = 0;
  readonly #sum: Float32Array;

  private constructor(readonly vae: Vae, readonly threads: number, readonly workers: TrainWorker[], capacity: number) {
    this.#flat = new FlatVariables(trainableVariables(vae));
    const { pixels, latent } = vae.spec;
    const chunks = chunkCount(threads);
    const shared = <T extends Float32Array | Float64Array | Int32Array>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T =>
      new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
    this.#shared = {
      weights: shared(Float32Array, this.#flat.size), pixels: shared(Float32Array, capacity * pixels), noise: shared(Float32Array, capacity * latent),
      claims: shared(Int32Array, 1), gradients: shared(Float32Array, chunks * this.#flat.size), losses: shared(Float64Array, chunks),
      negativeElbos: shared(Float32Array, capacity),
    };
    this.#sum = new Float32Array(this.#flat.size);
    this.#flat.write(this.#flat.variables, this.#shared.weights);
  }

  /** Starts threads - 1 workers with replicas of `vae`, for batches of at most `capacity` images. */
  static async start(vae: Vae, threads: number, capacity: number): Promise<TrainingWorkers> {
    const workers = Array.from({ length: threads - 1 }, (_, i) => new TrainWorker(i + 1));
    const group = new TrainingWorkers(vae, threads, workers, capacity);
    try {
      await Promise.all(workers.map((worker) => worker.run({ op: 'start', spec: vae.spec, shared: group.#shared })));
    } catch (error) {
      group.close();
      throw error;
    }
    return group;
  }

  /** One training step on `count` images: the batch's mean loss. */
  async step(optimizer: tf.Optimizer, pixels: Float32Array, count: number, noiseSeed: number): Promise<number> {
    await this.#everywhere('gradient', pixels, count, noiseSeed, () => takeGradientChunks(this.vae, this.#flat, this.#shared, count, this.threads));
    const { gradients, losses } = this.#shared;
    const size = this.#flat.size;
    let loss = 0;
    const sum = this.#sum.fill(0);
    chunksOf(count, this.threads).forEach(({ share }, k) => {
      loss += share * losses[k]!;
      for (let i = 0, at = k * size; i < size; i++, at++) sum[i] = sum[i]! + share * gradients[at]!;
    });
    const named = this.#flat.named(sum);
    optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    this.#flat.write(this.#flat.variables, this.#shared.weights);
    this.#version++;
    return loss;
  }

  /** Each of `count` images' negative ELBO (held-out evaluation), in order. */
  async negativeElbos(pixels: Float32Array, count: number, noiseSeed: number): Promise<Float32Array> {
    await this.#everywhere('negativeElbos', pixels, count, noiseSeed, () => takeNegativeElboChunks(this.vae, this.#shared, count, this.threads));
    return this.#shared.negativeElbos.slice(0, count);
  }

  /** Stops the workers (at the end of a run, or when it fails: nothing is left running or waiting). */
  close(): void {
    for (const worker of this.workers) worker.terminate();
  }

  /**
   * Shares the batch and its noise (for all of it, from the seed, as one thread draws it), sets
   * every worker taking chunks, takes chunks here too, and waits until all are done.
   */
  async #everywhere(op: 'gradient' | 'negativeElbos', pixels: Float32Array, count: number, noiseSeed: number, here: () => void): Promise<void> {
    const { latent } = this.vae.spec;
    this.#shared.pixels.set(pixels);
    tf.tidy(() => this.#shared.noise.set(tf.randomNormal([count, latent], 0, 1, 'float32', noiseSeed).dataSync() as Float32Array));
    Atomics.store(this.#shared.claims, 0, 0);
    const done = Promise.all(this.workers.map((worker) => worker.run({ op, version: this.#version, count, threads: this.threads })));
    // Handled now, awaited below: if the chunks here throw first, a failing worker is no unhandled rejection.
    done.catch(() => {});
    here();
    await done;
  }
}
