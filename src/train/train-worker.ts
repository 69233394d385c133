// A data-parallel training worker (a Node worker_thread): its own tfjs wasm backend and replica of
// the networks, which takes chunks of each batch the calling thread shares (src/train/workers.ts),
// one job at a time.
import { parentPort } from 'node:worker_threads';
import type { Vae } from '../model/architecture.js';
import { architectureOf, trainableVariables } from '../model/architectures.js';
import { useWasmBackend } from '../model/backend.js';
import { installTransposeFreeMatMul } from '../model/wasm-matmul.js';
import { FlatVariables } from './flat-variables.js';
import { takeGradientChunks, takeNegativeElboChunks } from './chunk-work.js';
import type { SharedArrays, TrainJob, TrainReply } from './worker-protocol.js';

interface Replica {
  vae: Vae;
  flat: FlatVariables;
  shared: SharedArrays;
  version: number;
}

let replica: Replica | undefined;

async function start(spec: Vae['spec'], shared: SharedArrays): Promise<void> {
  // The same backend and kernels as the calling thread, so a chunk computes the same here as there.
  await useWasmBackend();
  installTransposeFreeMatMul();
  // Any initialisation will do: the first job loads the shared weights.
  const vae = { spec, networks: architectureOf(spec).build(spec, 1) };
  replica = { vae, flat: new FlatVariables(trainableVariables(vae)), shared, version: -1 };
}

function run(job: Exclude<TrainJob, { op: 'start' }>): void {
  if (!replica) throw new Error('a job came before the networks');
  const { vae, flat, shared } = replica;
  if (job.version !== replica.version) {
    flat.assign(shared.weights);
    replica.version = job.version;
  }
  if (job.op === 'gradient') takeGradientChunks(vae, flat, shared, job.count, job.threads);
  else takeNegativeElboChunks(vae, shared, job.count, job.threads);
}

const port = parentPort!;
// Jobs run one after another, in the order they came.
let queue = Promise.resolve();
port.on('message', (job: TrainJob) => {
  queue = queue.then(async () => {
    let reply: TrainReply;
    try {
      if (job.op === 'start') await start(job.spec, job.shared);
      else run(job);
      reply = { id: job.id, ok: true };
    } catch (error) {
      reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
