// The bits-back chain across data points. N points are coded by B independent chains: point i goes
// to lane i mod B, and once the batch size has ramped up (see RAMP_GROWTH), points t*B .. t*B + B - 1
// form a batch, so every network call sees a whole batch. Per batch, the model's bits-back step
// (src/latent-model.ts): pop the latents from the posterior, push the data under the likelihood,
// push the latents under the prior. Decompression runs the batches backwards, and the batch layout
// is the same on both sides, so the networks see exactly the same inputs.

import { BbansError, invalidArgument, requireInteger } from './errors.js';
import { type LaneView, MAX_LANES, Message } from './message.js';
import { reusable } from './memory.js';
import { bitsBack } from './codecs.js';
import type { LatentVariableModel } from './latent-model.js';

/** Throws INVALID_ARGUMENT unless a chain of `chains` lanes can code points of the model's size. */
function checkChains(model: LatentVariableModel, chains: number): void {
  requireInteger('chains', chains, 1, MAX_LANES);
  requireInteger('model dataSize', model.dataSize, 1, 2 ** 24);
}

/**
 * Batch sizes grow by this factor from 1 up to B. A batch pops all its posteriors before pushing
 * anything, so the bits it pops must already be on the message: a posterior pop takes roughly
 * latents x binsLog2 - KL bits (~440 for the binary model) while a coded point leaves only its
 * -ELBO behind (~190). Growing by 1.2x keeps what earlier batches left (~190 / 0.2 per point of
 * the next batch) above what the next one pops (measured: with 64 chains nothing is borrowed
 * beyond the first point; 1.3x still borrowed 59 words); whatever a pop finds missing comes from
 * the start state's free bits and is never refunded. A fixed rule of (N, B), so the decoder derives it too.
 */
const RAMP_GROWTH = 1.2;

/** Batches in coding order: runs of points first .. first + size - 1 on lanes offset .. offset + size - 1. */
function batchesOf(count: number, chains: number): Array<{ first: number; offset: number; size: number }> {
  const batches = [];
  let allowed = 1;
  for (let first = 0; first < count; ) {
    const offset = first % chains;
    const size = Math.min(Math.floor(allowed), chains - offset, count - first);
    batches.push({ first, offset, size });
    first += size;
    allowed *= RAMP_GROWTH;
  }
  return batches;
}

/**
 * Told as work finishes how much of it is done and, when that is known, how much there is: the
 * chain calls it after each batch with the points done of all it codes, compress and decompress
 * as frames finish with the images done.
 */
export type ProgressCallback = (done: number, total?: number) => void;

/**
 * Where a chain stands between two of its batches: its message so far, how many of its batches are
 * done and, when decoding, the points decoded so far (the whole output array). A chain handed over
 * (HandOver) resumes from it, on another thread or beside other chains, to the same bytes.
 */
export interface ChainProgress {
  message: Uint8Array;
  batches: number;
  points?: Uint32Array;
}

/** One chain's input: `count` points of `model.dataSize` symbols each (row-major), on `chains` lanes; `resume` to go on from a hand-over. */
export interface ChainInput {
  data: Uint32Array;
  count: number;
  chains: number;
  resume?: ChainProgress;
}

/** One chain's message, as compressChains wrote it, with its point count and lanes; `resume` to go on from a hand-over. */
export interface ChainMessage {
  bytes: Uint8Array;
  count: number;
  chains: number;
  resume?: ChainProgress;
}

/**
 * Lets a run of chains give some of them away between steps, so that a thread that comes free can
 * take over part of a slower thread's work (src/frame-coder.ts). Asked after every step; when it
 * says yes, the later half of the chains still running with HANDOVER_MIN_BATCHES or more batches
 * to go stop there, and `take` gets them with their progress; the run goes on with the rest.
 */
export interface HandOver {
  requested(): boolean;
  take(chains: HandedOver[]): void;
}

/** A chain handed over: its index among the chains of the run, and where it stands. */
export interface HandedOver {
  chain: number;
  progress: ChainProgress;
}

/** Fewer batches left than this are not worth moving: a hand-over costs about a step's time. */
const HANDOVER_MIN_BATCHES = 4;

/**
 * Compresses several independent chains side by side: each is its own message, with its own
 * batches (batchesOf), but the next batches of all of them make one batch for the networks, so
 * chains of few lanes still code at the speed of many. A chain's bytes are the same as coded alone
 * (the networks' rows do not depend on the rest of the batch: tested; the pixel network is our own
 * WASM, per lane), and the same when it was handed over and resumed. A chain handed over has no
 * bytes here (undefined).
 */
export function compressChains(model: LatentVariableModel, inputs: readonly ChainInput[], onProgress?: ProgressCallback, handOver?: HandOver): Array<Uint8Array | undefined> {
  const plans = inputs.map((input) => {
    checkChains(model, input.chains);
    if (input.data.length !== input.count * model.dataSize) invalidArgument(`expected ${input.count} x ${model.dataSize} symbols, got ${input.data.length}`);
    return batchesOf(input.count, input.chains);
  });
  const messages = inputs.map((input) => (input.resume ? resumed(input.resume, input.chains) : Message.create(input.chains)));
  const batchSymbols = reusable(Uint32Array);
  try {
    const run = new ChainRun(plans, inputs.map((input) => input.resume?.batches ?? 0), onProgress);
    for (let parts = run.next(); parts; parts = run.next(handOver, (chain) => ({ message: messages[chain]!.toBytes(), batches: run.done[chain]! }))) {
      const laneMajor = batchSymbols(parts.lanes * model.dataSize); // every element is written below
      for (const { chain, batch: { first, size }, at } of parts.list) {
        // Each point's row goes straight to its column of the lane-major batch.
        for (let lane = 0; lane < size; lane++) {
          const row = inputs[chain]!.data.subarray((first + lane) * model.dataSize);
          for (let i = 0, column = at + lane; i < model.dataSize; i++) laneMajor[column + i * parts.lanes] = row[i]!;
        }
      }
      bitsBack(model.batch(parts.lanes)).push(parts.views(messages), laneMajor);
    }
    return messages.map((message, chain) => (run.finished(chain) ? message.toBytes() : undefined));
  } finally {
    for (const message of messages) message.free();
  }
}

/**
 * Inverse of compressChains; fails with CORRUPT_MESSAGE unless every chain's decode ends at the
 * start state. A chain handed over has no points here (undefined).
 */
export function decompressChains(model: LatentVariableModel, chains: readonly ChainMessage[], onProgress?: ProgressCallback, handOver?: HandOver): Array<Uint32Array | undefined> {
  const plans = chains.map((chain) => {
    checkChains(model, chain.chains);
    return batchesOf(chain.count, chain.chains).reverse();
  });
  const messages: Message[] = [];
  try {
    for (const chain of chains) {
      const message = chain.resume ? resumed(chain.resume, chain.chains) : Message.fromBytes(chain.bytes);
      messages.push(message);
      message.strict = true; // a valid message never runs dry while decoding: stop at once if this one does
      if (message.lanes !== chain.chains) {
        throw new BbansError('CORRUPT_MESSAGE', `message has ${message.lanes} lanes but the settings say ${chain.chains} chains`);
      }
    }
    const outs = chains.map((chain) => {
      const size = chain.count * model.dataSize;
      if (chain.resume?.points && chain.resume.points.length !== size) invalidArgument(`a resumed chain's points hold ${chain.resume.points.length} symbols, not ${size}`);
      return chain.resume?.points ?? new Uint32Array(size);
    });
    const run = new ChainRun(plans, chains.map((chain) => chain.resume?.batches ?? 0), onProgress);
    for (let parts = run.next(); parts; parts = run.next(handOver, (chain) => ({ message: messages[chain]!.toBytes(), batches: run.done[chain]!, points: outs[chain]! }))) {
      const laneMajor = bitsBack(model.batch(parts.lanes)).pop(parts.views(messages));
      for (const { chain, batch: { first, size }, at } of parts.list) {
        for (let lane = 0; lane < size; lane++) {
          const row = outs[chain]!.subarray((first + lane) * model.dataSize);
          for (let i = 0, column = at + lane; i < model.dataSize; i++) row[i] = laneMajor[column + i * parts.lanes]!;
        }
      }
    }
    if (!messages.every((message, chain) => !run.finished(chain) || message.isInitial())) {
      throw new BbansError('CORRUPT_MESSAGE', 'decoding did not end at the start state: the data is corrupt or was coded with another model or settings');
    }
    return outs.map((out, chain) => (run.finished(chain) ? out : undefined));
  } finally {
    for (const message of messages) message.free();
  }
}

/** A hand-over's message, checked like any other (it crossed a thread boundary). */
function resumed(progress: ChainProgress, chains: number): Message {
  const message = Message.fromBytes(progress.message);
  const lanes = message.lanes;
  if (lanes !== chains) {
    message.free();
    invalidArgument(`a resumed chain's message has ${lanes} lanes, not ${chains}`);
  }
  return message;
}

type Batch = ReturnType<typeof batchesOf>[number];

/**
 * The steps of chains coded side by side: each step takes the next batch of every chain still
 * running, wherever each one stands (a resumed chain may be further on than the rest), and after
 * each step the chains may be handed over.
 */
class ChainRun {
  readonly done: number[];
  readonly #running: Set<number>;
  #last: ReturnType<typeof batchParts> | undefined;
  #points = 0;
  readonly #total: number;

  constructor(readonly plans: Batch[][], done: number[], readonly onProgress?: ProgressCallback) {
    plans.forEach((plan, chain) => requireInteger('resumed batches', done[chain]!, 0, plan.length));
    this.done = done;
    this.#running = new Set(plans.flatMap((plan, chain) => (done[chain]! < plan.length ? [chain] : [])));
    this.#total = plans.reduce((n, plan, chain) => n + pointsIn(plan.slice(done[chain])), 0);
  }

  finished(chain: number): boolean {
    return this.done[chain] === this.plans[chain]!.length;
  }

  /** The next step's batches (after counting the last step done and handing over what is asked for), or undefined at the end. */
  next(handOver?: HandOver, progressOf?: (chain: number) => ChainProgress): ReturnType<typeof batchParts> | undefined {
    if (this.#last) {
      for (const { chain } of this.#last.list) if (++this.done[chain]! === this.plans[chain]!.length) this.#running.delete(chain);
      this.onProgress?.((this.#points += this.#last.lanes), this.#total);
      if (handOver && this.#running.size > 1 && handOver.requested()) this.#handOver(handOver, progressOf!);
    }
    this.#last = this.#running.size > 0 ? batchParts(this.plans, this.done, this.#running) : undefined;
    return this.#last;
  }

  #handOver(handOver: HandOver, progressOf: (chain: number) => ChainProgress): void {
    const movable = [...this.#running].filter((chain) => this.plans[chain]!.length - this.done[chain]! >= HANDOVER_MIN_BATCHES);
    const given = movable.slice(movable.length - Math.floor(this.#running.size / 2));
    if (given.length === 0) return;
    handOver.take(given.map((chain) => ({ chain, progress: progressOf(chain) })));
    for (const chain of given) this.#running.delete(chain);
  }
}

function pointsIn(batches: readonly Batch[]): number {
  return batches.reduce((n, batch) => n + batch.size, 0);
}

/** The running chains' next batches, where each one's lanes start in the joint batch, and their lane views. */
function batchParts(plans: Batch[][], done: readonly number[], running: ReadonlySet<number>) {
  const list: Array<{ chain: number; batch: Batch; at: number }> = [];
  let lanes = 0;
  plans.forEach((plan, chain) => {
    if (!running.has(chain)) return;
    const batch = plan[done[chain]!]!;
    list.push({ chain, batch, at: lanes });
    lanes += batch.size;
  });
  return {
    list,
    lanes,
    views: (messages: Message[]): LaneView[] => list.map(({ chain, batch }) => messages[chain]!.view(batch.offset, batch.size)),
  };
}

/**
 * Compresses `count` points of `model.dataSize` symbols each on `chains` independent chains (lanes;
 * each costs its 8-byte head and the start bits its first pops take, ~10 bytes measured); returns
 * the message bytes.
 */
export function compressChain(model: LatentVariableModel, data: Uint32Array, count: number, chains: number, onProgress?: ProgressCallback): Uint8Array {
  return compressChains(model, [{ data, count, chains }], onProgress)[0]!;
}

/** Inverse of compressChain; fails with CORRUPT_MESSAGE unless the decode ends at the start state. */
export function decompressChain(model: LatentVariableModel, bytes: Uint8Array, count: number, chains: number, onProgress?: ProgressCallback): Uint32Array {
  return decompressChains(model, [{ bytes, count, chains }], onProgress)[0]!;
}
