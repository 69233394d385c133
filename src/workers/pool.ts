// The workers that code frames in parallel: worker_threads in Node, module Web Workers in a
// browser. One pool per process, started on first use and grown to the most threads any call
// asked for; idle workers do not keep Node running. Each call gets a FrameCoder that hands its
// frames, in jobs of several (src/frame-coder.ts), to `threads` of them (the least busy first),
// one job at a time each; a worker that dies fails its jobs with
// WORKER_FAILED and is replaced on the next job. In a browser, a worker script that cannot start
// (a dev server that pre-bundles dependencies does not serve it) leaves the coding to the calling
// thread, with one warning: the bytes are the same either way.
import { BbansError } from '../errors.js';
import { nodeBuiltin } from '../node-builtins.js';
import { type ResolvedModel, loadedModel } from '../models.js';
import { givenWasmPaths } from '../model/backend.js';
import type { HandedOver } from '../chain.js';
import { type FrameCoder, type JobRunner, type RunningJob, batchingCoder, inlineRunner } from '../frame-coder.js';
import type { Job, Reply } from './protocol.js';
import { startNodeWorker } from './node-worker.js';
import { type ModelTransfer, transferOf } from './transfer.js';

/** The machine's cores: what `threads` is by default. */
export function availableThreads(): number {
  const os = nodeBuiltin('node:os');
  if (os) return os.availableParallelism();
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Number.isInteger(cores) && cores! > 0 ? cores! : 1;
}

/** What the pool needs of a worker, whichever kind it is. */
interface WorkerHandle {
  post(job: Job): void;
  /** Keeps the process alive while the worker has jobs (Node); a no-op in a browser. */
  hold(busy: boolean): void;
  terminate(): void;
}

type Events = { onReply(reply: Reply): void; onDeath(why: string): void };

/** A browser worker whose script never started: the pool then codes on the calling thread. */
class WorkerUnavailable extends Error {}
let workersUnavailable = false;
let warned = false;

function spawnNode(events: Events): WorkerHandle {
  const worker = startNodeWorker(new URL('./frame-worker.js', import.meta.url));
  worker.on('message', (reply: Reply) => events.onReply(reply));
  worker.on('error', (error) => events.onDeath(error.message));
  worker.on('exit', (code) => events.onDeath(`it exited with code ${code}`));
  worker.unref();
  return {
    post: (job) => worker.postMessage(job),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
}

function spawnBrowser(events: Events): WorkerHandle {
  // Written out so bundlers (Vite, webpack) see the worker and emit it.
  const worker = new Worker(new URL('./frame-worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (event: MessageEvent<Reply>) => events.onReply(event.data));
  worker.addEventListener('error', (event) => events.onDeath(event.message || 'it failed to start'));
  return { post: (job) => worker.postMessage(job), hold: () => {}, terminate: () => worker.terminate() };
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onHandedOver(frames: HandedOver[]): void;
}

class PoolWorker {
  readonly pending = new Map<number, Pending>();
  readonly models = new Set<string>();
  dead = false;
  started = false;
  readonly #handle: WorkerHandle;

  constructor() {
    const events: Events = {
      onReply: (reply) => {
        if ('started' in reply) return void (this.started = true);
        const job = this.pending.get(reply.id);
        if (!job) return;
        if ('handedOver' in reply) return job.onHandedOver(reply.handedOver);
        this.pending.delete(reply.id);
        this.#handle.hold(this.pending.size > 0);
        if (reply.ok) job.resolve(reply.result);
        else job.reject(reply.error.code ? new BbansError(reply.error.code, reply.error.message) : new Error(reply.error.message));
      },
      onDeath: (why) => {
        if (this.dead) return;
        this.dead = true;
        const browserStart = !this.started && !nodeBuiltin('node:worker_threads');
        if (browserStart) workersUnavailable = true;
        for (const job of this.pending.values()) job.reject(browserStart ? new WorkerUnavailable(why) : new BbansError('WORKER_FAILED', `a bbans worker stopped: ${why}`));
        this.pending.clear();
        this.#handle.hold(false);
      },
    };
    this.#handle = nodeBuiltin('node:worker_threads') ? spawnNode(events) : spawnBrowser(events);
  }

  /**
   * Sends a job; its arrays are copied, not transferred. With transfers (one thread freeing what
   * another allocated) the process kept growing over repeated calls, about 0.5 MB a frame here;
   * with copies it levels off (about 320 MB for 10k-image calls on two workers). A copy costs a
   * frame's bytes once.
   */
  run<T>(job: Job, onHandedOver: Pending['onHandedOver']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(job.id, { resolve: resolve as (value: unknown) => void, reject, onHandedOver });
      this.#handle.hold(true);
      this.#handle.post(job);
    });
  }

  terminate(): void {
    this.#handle.terminate();
  }
}

const workers: PoolWorker[] = [];
let nextJob = 1;

/** The least busy of the first `threads` workers, replacing dead ones. */
function workerFor(threads: number): PoolWorker {
  for (let i = 0; i < threads; i++) if (!workers[i] || workers[i]!.dead) workers[i] = new PoolWorker();
  return workers.slice(0, threads).reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
}

/** Codes frames with `model` on `threads` workers of the pool, a job at a time on each. */
export function poolCoder(model: ResolvedModel, threads: number): FrameCoder {
  let transfer: ModelTransfer | undefined;
  const common = (worker: PoolWorker): Pick<Job, 'id' | 'model' | 'wasmPaths'> => {
    transfer ??= transferOf(model);
    const known = worker.models.has(transfer.key);
    worker.models.add(transfer.key);
    const wasmPaths = givenWasmPaths();
    return { id: nextJob++, model: known ? { key: transfer.key } : transfer, ...(wasmPaths !== undefined && { wasmPaths }) };
  };
  let inline: Promise<JobRunner> | undefined;
  /** Runs on a worker; if browser workers cannot start, on the calling thread instead. */
  const run = async <T>(onWorker: (worker: PoolWorker) => Promise<T>, here: (runner: JobRunner) => Promise<T>): Promise<T> => {
    if (!workersUnavailable) {
      try {
        return await onWorker(workerFor(threads));
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
      }
    }
    if (!warned) console.warn('bbans: Web Workers could not start here (a dev server that pre-bundles dependencies?); coding on the page\'s thread');
    warned = true;
    inline ??= loadedModel(model).then(inlineRunner);
    return here(await inline);
  };
  /** A job, and the flag that asks it for a hand-over where threads can share memory (not in a browser page that is not cross-origin isolated). */
  const running = <T>(onWorker: (worker: PoolWorker, control?: SharedArrayBuffer) => Promise<Array<T | undefined>>, here: (runner: JobRunner) => RunningJob<T>): RunningJob<T> => {
    const flag = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    return {
      result: run((worker) => onWorker(worker, flag?.buffer as SharedArrayBuffer | undefined), (runner) => here(runner).result),
      handOver: () => void (flag && Atomics.store(flag, 0, 1)),
    };
  };
  return batchingCoder(threads, {
    encode: (settings, frames, onHandedOver) => running(
      (worker, control) => worker.run({ ...common(worker), op: 'encode', settings, frames, ...(control && { control }) }, onHandedOver),
      (runner) => runner.encode(settings, frames, onHandedOver),
    ),
    decode: (settings, frames, onHandedOver) => running(
      (worker, control) => worker.run({ ...common(worker), op: 'decode', settings, frames, ...(control && { control }) }, onHandedOver),
      (runner) => runner.decode(settings, frames, onHandedOver),
    ),
  });
}

/** Stops every worker (they start again on the next call). */
export function stopWorkers(): void {
  for (const worker of workers.splice(0)) worker.terminate();
}
