// Data-parallel training's speed-up (a script that prints lines, not a test): the same
// predictive-ar-vae model, data and steps trained on 1 thread and on --threads N in turns of
// --steps steps, --rounds times, so both see the machine as it is in the same minute (this VM's
// two vCPUs change speed from minute to minute); each round prints both ms/step and their ratio,
// then the median ratio. Images: the first batches of a .npy file of 8-bit images. With
// --threads 1 it times one thread alone: two such processes at once against one show what the
// machine gives two copies of the same work, the bound on any data-parallel speed-up.
//
//   npm run build && node bench/train-threads.mjs --data images.npy [--threads 2] [--rounds 8] [--steps 5]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readNpy } from '../dist/data/npy.js';
import { useWasmBackend } from '../dist/model/backend.js';
import { installTransposeFreeMatMul } from '../dist/model/wasm-matmul.js';
import { defaultSpec } from '../dist/train/defaults.js';
import { openTrainingState, trainOneEpoch } from '../dist/train/trainer.js';
import { TrainingWorkers } from '../dist/train/workers.js';

const { values: args } = parseArgs({
  options: { data: { type: 'string' }, threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '8' }, steps: { type: 'string', default: '5' } },
});
if (!args.data) throw new Error('usage: node bench/train-threads.mjs --data images.npy [--threads N] [--rounds R] [--steps S]');
const [threads, rounds, steps] = [args.threads, args.rounds, args.steps].map(Number);
const BATCH = 100;

await useWasmBackend();
installTransposeFreeMatMul();
const { data, shape } = readNpy(new Uint8Array(readFileSync(args.data)));
const [, height, width] = shape;
const spec = defaultSpec({ name: 'train-threads', height, width, maxPixelValue: 255, architecture: 'predictive-ar-vae' });
const settings = {
  name: spec.name, spec, itemShape: [height, width], seed: 1, batchSize: BATCH, learningRate: 1e-3, optimizer: 'adam', schedule: 'constant',
  keep: 'last', binarize: 'none', trainData: args.data, heldOutData: '', evalBatchSize: 1000, backend: 'wasm (single thread)',
};
const train = { count: BATCH * steps, pixels: data.subarray(0, BATCH * steps * height * width) };
const one = await openTrainingState(settings, '', false, () => {});
const many = await openTrainingState({ ...settings, threads }, '', false, () => {});
if (threads > 1) many.workers = await TrainingWorkers.start(many.vae, threads, BATCH);

/** ms per step of one epoch of `steps` steps. */
async function msPerStep(state, epoch) {
  const started = performance.now();
  await trainOneEpoch(state, settings, train, epoch, () => {});
  return (performance.now() - started) / steps;
}

await msPerStep(one, 1); // untimed: V8 and the wasm kernels warm up
if (threads === 1) {
  for (let round = 1; round <= rounds; round++) console.log(`round ${round}: 1 thread ${(await msPerStep(one, round + 1)).toFixed(0)} ms/step`);
  process.exit(0);
}
await msPerStep(many, 1);
const ratios = [];
for (let round = 1; round <= rounds; round++) {
  const [a, b] = [await msPerStep(one, round + 1), await msPerStep(many, round + 1)];
  ratios.push(a / b);
  console.log(`round ${round}: 1 thread ${a.toFixed(0)} ms/step, ${threads} threads ${b.toFixed(0)} ms/step, x${(a / b).toFixed(2)}`);
}
ratios.sort((x, y) => x - y);
console.log(`median x${ratios[Math.floor(rounds / 2)].toFixed(2)}, range x${ratios[0].toFixed(2)}-x${ratios.at(-1).toFixed(2)} (${height}x${width} images, batch ${BATCH}, ${steps} steps a turn)`);
many.workers.close();
