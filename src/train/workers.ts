// Data-parallel training on `threads` threads: the calling thread and threads - 1 workers (Node
// worker_threads, src/train/train-worker.ts), each with its own tfjs wasm backend and replica of
// the networks. A step splits the batch and its noise (drawn for the whole batch, as on one
// thread) into contiguous shards (src/train/shards.ts); each thread takes the gradient of its
// shard's mean loss; the calling thread sums them in shard order, weighted by shard size, and
// applies the sum with its Adam. Weights, gradients and the batch cross in SharedArrayBuffers,
// so nothing is copied per worker; the fixed order makes a run deterministic for its thread
// count (but not equal to a run on another count: float sums round by their order).
import * as tf from '../model/tf.js';
import type { Worker } from 'node:worker_threads';
import type { Vae } from '../model/architecture.js';
import { trainableVariables } from '../model/architectures.js';
import { startNodeWorker } from '../workers/node-worker.js';
import { FlatVariables } from './flat-variables.js';
import { type Shard, shardsOf } from './shards.js';
import { shardGradient, shardNegativeElbos } from './shard-work.js';
import type { TrainJob, TrainReply } from './worker-protocol.js';

type JobBody<J = TrainJob> = J extends TrainJob ? Omit<J, 'id'> : never;

/** One worker: jobs go out one at a time and come back in order; a worker that fails or dies fails its job with an error naming it. */
class TrainWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: TrainReply & { ok: true }): void; reject(error: Error): void }>();
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

  run(job: JobBody): Promise<TrainReply & { ok: true }> {
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
  readonly #weights: Float32Array;
  /** Version of #weights: a worker reloads its replica when the version it last loaded is older. */
  #version = 0;
  readonly #gradients: Float32Array[];
  readonly #sum: Float32Array;
  readonly #pixels: Float32Array;
  readonly #noise: Float32Array;

  private constructor(readonly vae: Vae, readonly threads: number, readonly workers: TrainWorker[], capacity: number) {
    this.#flat = new FlatVariables(trainableVariables(vae));
    this.#weights = this.#flat.sharedArray();
    // Shard 0's gradients are the calling thread's: they need no shared memory.
    this.#gradients = [new Float32Array(this.#flat.size), ...workers.map(() => this.#flat.sharedArray())];
    this.#sum = new Float32Array(this.#flat.size);
    this.#pixels = new Float32Array(new SharedArrayBuffer(capacity * vae.spec.pixels * Float32Array.BYTES_PER_ELEMENT));
    this.#noise = new Float32Array(new SharedArrayBuffer(capacity * vae.spec.latent * Float32Array.BYTES_PER_ELEMENT));
    this.#flat.write(this.#flat.variables, this.#weights);
  }

  /** Starts threads - 1 workers with replicas of `vae`, for batches of at most `capacity` images. */
  static async start(vae: Vae, threads: number, capacity: number): Promise<TrainingWorkers> {
    const workers = Array.from({ length: threads - 1 }, (_, i) => new TrainWorker(i + 1));
    const group = new TrainingWorkers(vae, threads, workers, capacity);
    try {
      await Promise.all(workers.map((worker, i) => worker.run({
        op: 'start', spec: vae.spec, weights: group.#weights, pixels: group.#pixels, noise: group.#noise, gradients: group.#gradients[i + 1]!,
      })));
    } catch (error) {
      group.close();
      throw error;
    }
    return group;
  }

  /** One training step on `count` images: the batch's mean loss. */
  async step(optimizer: tf.Optimizer, pixels: Float32Array, count: number, noiseSeed: number): Promise<number> {
    const shards = this.#share(pixels, count, noiseSeed);
    const replies = this.#onWorkers(shards, 'gradient');
    const [first] = shards;
    const losses = [shardGradient(this.vae, this.#flat, ...this.#inputs(first!), this.#gradients[0]!), ...(await replies).map((reply) => reply.value as number)];
    let loss = 0;
    const sum = this.#sum.fill(0);
    shards.forEach(({ share }, k) => {
      loss += share * losses[k]!;
      const gradient = this.#gradients[k]!;
      for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + share * gradient[i]!;
    });
    const named = this.#flat.named(sum);
    optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    this.#flat.write(this.#flat.variables, this.#weights);
    this.#version++;
    return loss;
  }

  /** Each of `count` images' negative ELBO (held-out evaluation), in order. */
  async negativeElbos(pixels: Float32Array, count: number, noiseSeed: number): Promise<Float32Array> {
    const shards = this.#share(pixels, count, noiseSeed);
    const replies = this.#onWorkers(shards, 'negativeElbos');
    const out = new Float32Array(count);
    out.set(shardNegativeElbos(this.vae, ...this.#inputs(shards[0]!)));
    (await replies).forEach((reply, k) => out.set(reply.value as Float32Array, shards[k + 1]!.start));
    return out;
  }

  /** Stops the workers (at the end of a run, or when it fails: nothing is left running or waiting). */
  close(): void {
    for (const worker of this.workers) worker.terminate();
  }

  /** Puts the batch and its noise (for all of it, from the seed, as one thread draws it) where the workers read them, and splits it. */
  #share(pixels: Float32Array, count: number, noiseSeed: number): Shard[] {
    this.#pixels.set(pixels);
    tf.tidy(() => this.#noise.set(tf.randomNormal([count, this.vae.spec.latent], 0, 1, 'float32', noiseSeed).dataSync() as Float32Array));
    return shardsOf(count, this.threads);
  }

  #inputs(shard: Shard): [Float32Array, number, Float32Array] {
    const { pixels, latent } = this.vae.spec;
    return [this.#pixels.subarray(shard.start * pixels, (shard.start + shard.size) * pixels), shard.size, this.#noise.subarray(shard.start * latent, (shard.start + shard.size) * latent)];
  }

  /** Shards 1.. on the workers, started before shard 0 runs here. */
  #onWorkers(shards: Shard[], op: 'gradient' | 'negativeElbos'): Promise<Array<TrainReply & { ok: true }>> {
    const replies = Promise.all(shards.slice(1).map((shard, k) => this.workers[k]!.run({ op, version: this.#version, start: shard.start, count: shard.size })));
    // Handled now, awaited later: if shard 0 throws first, a failing worker is no unhandled rejection.
    replies.catch(() => {});
    return replies;
  }
}
