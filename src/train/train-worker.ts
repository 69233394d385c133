// A data-parallel training worker (a Node worker_thread): its own tfjs wasm backend and replica of
// the networks, which computes a shard's gradient or negative ELBOs as the calling thread asks
// (src/train/workers.ts), one job at a time.
import { parentPort } from 'node:worker_threads';
import type { Vae } from '../model/architecture.js';
import { architectureOf, trainableVariables } from '../model/architectures.js';
import { useWasmBackend } from '../model/backend.js';
import { installTransposeFreeMatMul } from '../model/wasm-matmul.js';
import { FlatVariables } from './flat-variables.js';
import { shardGradient, shardNegativeElbos } from './shard-work.js';
import type { TrainJob, TrainReply } from './worker-protocol.js';

type Start = Extract<TrainJob, { op: 'start' }>;

interface Replica extends Omit<Start, 'op' | 'id' | 'spec'> {
  vae: Vae;
  flat: FlatVariables;
  version: number;
}

let replica: Replica | undefined;

async function start({ op: _op, id: _id, spec, ...shared }: Start): Promise<undefined> {
  // The same backend and kernels as the calling thread, so a shard computes the same here as there.
  await useWasmBackend();
  installTransposeFreeMatMul();
  // Any initialisation will do: the first job loads the shared weights.
  const vae = { spec, networks: architectureOf(spec).build(spec, 1) };
  replica = { ...shared, vae, flat: new FlatVariables(trainableVariables(vae)), version: -1 };
  return undefined;
}

function run(job: Exclude<TrainJob, Start>): number | Float32Array {
  if (!replica) throw new Error('a job came before the networks');
  if (job.version !== replica.version) {
    replica.flat.assign(replica.weights);
    replica.version = job.version;
  }
  const { pixels, latent } = replica.vae.spec;
  const images = replica.pixels.subarray(job.start * pixels, (job.start + job.count) * pixels);
  const noise = replica.noise.subarray(job.start * latent, (job.start + job.count) * latent);
  return job.op === 'gradient'
    ? shardGradient(replica.vae, replica.flat, images, job.count, noise, replica.gradients)
    : shardNegativeElbos(replica.vae, images, job.count, noise);
}

const port = parentPort!;
// Jobs run one after another, in the order they came.
let queue = Promise.resolve();
port.on('message', (job: TrainJob) => {
  queue = queue.then(async () => {
    let reply: TrainReply;
    try {
      reply = { id: job.id, ok: true, value: job.op === 'start' ? await start(job) : run(job) };
    } catch (error) {
      reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
