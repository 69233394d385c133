// A bbans worker (a worker_thread in Node, a module Web Worker in a browser): it loads models as
// it is told (once each) and codes jobs of whole frames with src/frame-codec.ts, exactly as the calling
// thread would. Its tfjs is its own, so the host's tfjs is never touched.
import type { HandOver } from '../chain.js';
import { BbansError } from '../errors.js';
import { decodeFrames, encodeFrames } from '../frame-codec.js';
import type { CodecModel } from '../models.js';
import { useWasmBackend } from '../model/backend.js';
import { nodeBuiltin } from '../node-builtins.js';
import { type ModelTransfer, modelFromTransfer } from './transfer.js';
import type { Job, Reply } from './protocol.js';

interface Port {
  postMessage(message: unknown): void;
  on(listener: (message: Job) => void): void;
}

function parentPort(): Port {
  const threads = nodeBuiltin('node:worker_threads');
  if (threads?.parentPort) {
    const port = threads.parentPort;
    return { postMessage: (m) => port.postMessage(m), on: (listener) => port.on('message', listener) };
  }
  const scope = globalThis as unknown as { postMessage(m: unknown): void; addEventListener(type: 'message', l: (e: MessageEvent<Job>) => void): void };
  return { postMessage: (m) => scope.postMessage(m), on: (listener) => scope.addEventListener('message', (event) => listener(event.data)) };
}

const models = new Map<string, Promise<CodecModel>>();

function modelOf(transfer: ModelTransfer | { key: string }, wasmPaths: Job['wasmPaths']): Promise<CodecModel> {
  let model = models.get(transfer.key);
  if (!model) {
    if (!('kind' in transfer)) throw new Error(`worker: model ${transfer.key} was never sent`);
    model = useWasmBackend(wasmPaths === undefined ? {} : { wasmPaths }).then(() => modelFromTransfer(transfer));
    // A model that fails to load stays failed: every job naming it gets the same error.
    models.set(transfer.key, model);
  }
  return model;
}

/** Frames a job hands over when the pool has set its flag go straight back, before the job's reply. */
function handOverOf(job: Job): HandOver | undefined {
  if (!job.control) return undefined;
  const flag = new Int32Array(job.control);
  return {
    requested: () => Atomics.exchange(flag, 0, 0) === 1,
    take: (handedOver) => port.postMessage({ id: job.id, handedOver } satisfies Reply),
  };
}

/** One job's result; it goes back copied, not transferred (see PoolWorker.run). */
async function run(job: Job): Promise<unknown> {
  const model = await modelOf(job.model, job.wasmPaths);
  const handOver = handOverOf(job);
  return job.op === 'encode' ? encodeFrames(model, job.settings, job.frames, handOver) : decodeFrames(model, job.settings, job.frames, handOver);
}

const port = parentPort();
port.postMessage({ started: true } satisfies Reply);
// Jobs run one after another, in the order they came.
let queue = Promise.resolve();
port.on((job) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      reply = { id: job.id, ok: true, result: await run(job) };
    } catch (error) {
      const code = error instanceof BbansError ? error.code : undefined;
      reply = { id: job.id, ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } };
    }
    port.postMessage(reply);
  });
});
