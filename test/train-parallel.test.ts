// Data-parallel training (src/train/workers.ts) on a tiny model: how batches are cut, runs that are
// deterministic and the same on 2 and 3 threads and agree with one thread to rounding, held-out
// evaluation that is the same on any count, and failures that end a run with a clear error.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../src/model/backend.js';
import { installTransposeFreeMatMul } from '../src/model/wasm-matmul.js';
import { trainableVariables } from '../src/model/architectures.js';
import { parseTrainCommand } from '../src/train/args.js';
import { defaultSpec } from '../src/train/defaults.js';
import { meanNegativeElbo, meanNegativeElboOn } from '../src/train/evaluate.js';
import { type TrainSettings, incompatibleSettings } from '../src/train/settings.js';
import { CHUNKS, chunksOf, splitEvenly } from '../src/train/chunks.js';
import { openTrainingState, runTraining, trainOneEpoch } from '../src/train/trainer.js';
import { TrainingWorkers } from '../src/train/workers.js';
import { rng } from './random.js';

const spec = defaultSpec({ name: 'tiny', height: 8, width: 8, maxPixelValue: 15, architecture: 'predictive-ar-vae' });
const settings: TrainSettings = {
  name: 'tiny', spec, itemShape: [8, 8], seed: 3, batchSize: 10, learningRate: 1e-3, optimizer: 'adam', schedule: 'constant', keep: 'last',
  binarize: 'none', trainData: 'random', heldOutData: 'random', evalBatchSize: 7, backend: 'wasm (single thread)',
};
const random = rng(11);
const train = { count: 40, pixels: Uint8Array.from({ length: 40 * 64 }, () => Math.floor(random() * 16)) };
const heldOut = { count: 9, pixels: Uint8Array.from({ length: 9 * 64 }, () => Math.floor(random() * 16)) };
const quiet = (): void => {};
let root: string;

beforeAll(async () => {
  await useWasmBackend();
  installTransposeFreeMatMul();
  root = await mkdtemp(path.join(tmpdir(), 'bbans-parallel-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Two epochs (four steps each) on `threads` threads, batches of `batchSize`: the losses, the weights and the held-out -ELBO. */
async function twoEpochs(threads: number, batchSize = settings.batchSize) {
  const run = { ...settings, batchSize, threads };
  const state = await openTrainingState(run, path.join(root, 'unused'), false, quiet);
  if (threads > 1) state.workers = await TrainingWorkers.start(state.vae, threads, Math.max(run.batchSize, run.evalBatchSize));
  try {
    const losses = [await trainOneEpoch(state, run, train, 1, quiet), await trainOneEpoch(state, run, train, 2, quiet)];
    const seed = (batch: number): number => 100 + batch;
    const heldOutNats = state.workers ? await meanNegativeElboOn(state.workers, heldOut, run.evalBatchSize, seed) : meanNegativeElbo(state.vae, heldOut, run.evalBatchSize, seed);
    return { losses, weights: trainableVariables(state.vae).map((v) => Array.from(v.dataSync())), heldOutNats, state };
  } finally {
    state.workers?.close();
  }
}

describe('chunks', () => {
  it('cut a batch into contiguous chunks of sizes differing by at most one, weighted by size', () => {
    expect(splitEvenly(100, 2)).toEqual([{ start: 0, size: 50, share: 0.5 }, { start: 50, size: 50, share: 0.5 }]);
    expect(splitEvenly(10, 3).map(({ start, size }) => [start, size])).toEqual([[0, 4], [4, 3], [7, 3]]);
    expect(splitEvenly(10, 3).reduce((sum, { share }) => sum + share, 0)).toBeCloseTo(1, 15);
    expect(splitEvenly(2, 4).map(({ size }) => size), 'no empty chunk').toEqual([1, 1]);
    expect(chunksOf(101, 2).map(({ size }) => size), 'the same cut for 2 threads or CHUNKS').toEqual([26, 25, 25, 25]);
    expect(chunksOf(101, CHUNKS)).toEqual(chunksOf(101, 2));
    expect(chunksOf(100, 10), 'one chunk a thread beyond CHUNKS').toHaveLength(10);
  });
});

describe('data-parallel training', () => {
  it('is deterministic, the same on 2 and 3 threads, and agrees with one thread to rounding', async () => {
    const [one, twoA, twoB, three] = [await twoEpochs(1), await twoEpochs(2), await twoEpochs(2), await twoEpochs(3)];
    expect(twoB.weights, 'two runs on 2 threads: the same weights').toEqual(twoA.weights);
    expect(twoB.losses).toEqual(twoA.losses);
    expect(three.weights, 'whichever thread takes which chunk').toEqual(twoA.weights);
    for (let e = 0; e < 2; e++) expect(twoA.losses[e]! / one.losses[e]!).toBeCloseTo(1, 5);
    // The held-out -ELBO of the same weights does not depend on the split (each image's value is its own).
    const sameWeights = one.state.vae;
    const onWorkers = await TrainingWorkers.start(sameWeights, 2, 9);
    try {
      for (const batchSize of [9, 4]) {
        const seed = (batch: number): number => 7 + batch;
        expect(await meanNegativeElboOn(onWorkers, heldOut, batchSize, seed)).toBe(meanNegativeElbo(sameWeights, heldOut, batchSize, seed));
      }
    } finally {
      onWorkers.close();
    }
  });

  it('records its thread count; a checkpoint from before (no count: one thread) resumes on another', async () => {
    const directory = path.join(root, 'run');
    await mkdir(directory);
    const first = await runTraining({ settings: { ...settings, threads: 2 }, train, heldOut, directory, resume: false, epochs: 1, log: quiet });
    expect(first.epochsCompleted).toBe(1);
    const { threads: _threads, ...before } = settings;
    expect(incompatibleSettings(before, { ...settings, threads: 2 })).toEqual([]);
    const lines: string[] = [];
    const resumed = await runTraining({ settings: before, train, heldOut, directory, resume: true, epochs: 2, log: (line) => lines.push(line) });
    expect(resumed.epochsCompleted).toBe(2);
    expect(lines.join('\n')).toMatch(/trained on 2 threads, this run uses 1, whose steps round differently/);
  });

  it('a job a worker cannot do fails with an error naming the worker, and a run that fails stops its workers', async () => {
    const state = await openTrainingState({ ...settings, threads: 2 }, path.join(root, 'unused'), false, quiet);
    const workers = await TrainingWorkers.start(state.vae, 2, 10);
    try {
      // More images than the shared batch holds: the worker's chunks past its end fail.
      await expect(workers.workers[0]!.run({ op: 'gradient', version: 0, count: 50, threads: 2 })).rejects.toThrow(/^training worker 1: /);
    } finally {
      workers.close();
    }
    await expect(workers.workers[0]!.run({ op: 'gradient', version: 0, count: 5, threads: 2 })).rejects.toThrow(/training worker 1 has stopped/);
    // A NaN pixel (the image sets hold integers; a cast smuggles one in) makes the loss NaN: the run stops before checkpointing, and returns (no worker keeps it waiting).
    await mkdir(path.join(root, 'wild'));
    const wild = { count: 40, pixels: Float32Array.from(train.pixels, (value, i) => (i === 40 * 64 - 1 ? Number.NaN : value)) as unknown as Uint8Array };
    await expect(runTraining({ settings: { ...settings, threads: 2 }, train: wild, heldOut, directory: path.join(root, 'wild'), resume: false, epochs: 1, log: quiet }))
      .rejects.toThrow(/loss is NaN; stopping before checkpointing/);
  });

  it('--threads N on the command line, for your own data and for a shipped model', () => {
    const data = parseTrainCommand(['--data', 'a.npy', '--out', 'm', '--threads', '3']);
    expect(data.kind === 'data' && data.options.threads).toBe(3);
    const mnist = parseTrainCommand(['--model', 'mnist-binary', '--threads', '1']);
    expect(mnist.kind === 'mnist' && mnist.threads).toBe(1);
    expect(() => parseTrainCommand(['--data', 'a.npy', '--out', 'm', '--threads', '0'])).toThrow(/--threads must be an integer in 1\.\.256/);
  });
});
