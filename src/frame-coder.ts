// What codes frames (the calling thread here; a pool of workers in src/workers/pool.ts; src/coders.ts
// picks one). Frames are handed over one at a time and wait in a queue; whenever a runner (a
// worker, or the calling thread) is free, the frames waiting go to it together, up to JOB_LANES
// chains, and are coded side by side (src/frame-codec.ts: one batch for the networks), so small
// frames, which random access wants, still code at the speed of many lanes. When a runner comes
// free with nothing waiting, a running job is asked to hand half its frames over part-way
// (HandOver in src/chain.ts), so that threads of unequal speed finish together. A frame's bytes do
// not depend on what it was coded beside, nor on where, so they are the same whoever codes them,
// however grouped and handed over. Only coded frames come here: a stored frame needs no model
// (decodeFrame in src/decompressor.ts unpacks it).
import type { HandedOver } from './chain.js';
import type { CodecModel } from './models.js';
import type { CodedFrame } from './format/coded-frame.js';
import type { PixelArray } from './pixels.js';
import { lanesOf } from './message.js';
import { type FramePixels, type FrameToDecode, decodeFrames, encodeFrames } from './frame-codec.js';
import { type FrameSettings, sameSettings } from './frame-settings.js';

export interface FrameCoder {
  encode(settings: FrameSettings, pixels: PixelArray, chains: number): Promise<CodedFrame>;
  decode(settings: FrameSettings, frame: CodedFrame): Promise<PixelArray>;
  /** Lets go of whatever the coder holds (workers, frames still waiting); it codes nothing after. */
  close(): void;
}

/** A job being coded: its results (undefined for the frames it handed over), and how to ask it to hand over half its frames. */
export interface RunningJob<T> {
  result: Promise<Array<T | undefined>>;
  /** Asks for a hand-over at the next step; a runner that cannot hand over ignores it. */
  handOver(): void;
}

/** Codes a job: several frames with the same settings, side by side; frames it hands over go to `onHandedOver` (by their index in `frames`). */
export interface JobRunner {
  encode(settings: FrameSettings, frames: FramePixels[], onHandedOver: (frames: HandedOver[]) => void): RunningJob<CodedFrame>;
  decode(settings: FrameSettings, frames: FrameToDecode[], onHandedOver: (frames: HandedOver[]) => void): RunningJob<PixelArray>;
}

/**
 * Chains a job gathers at most. A job takes as many steps as its frames' chains are long, whatever
 * its lanes, and a step's fixed costs (the networks' calls) spread over its lanes, so a call's
 * frames are best split evenly over the workers in few jobs. The cap bounds a job's memory; a
 * much smaller one would leave a tail of small jobs, each paying a step's fixed costs for few lanes.
 */
export const JOB_LANES = 128;

type Waiting =
  | { op: 'encode'; settings: FrameSettings; frame: FramePixels; lanes: number; resolve(frame: CodedFrame): void; reject(error: unknown): void }
  | { op: 'decode'; settings: FrameSettings; frame: FrameToDecode; lanes: number; resolve(data: PixelArray): void; reject(error: unknown): void };

/** A job on a runner: its frames, those of them it still holds, and whether it was asked to hand over since it last did. */
interface Active {
  job: Waiting[];
  holds: Set<number>;
  asked: boolean;
  handOver(): void;
}

/** Hands frames to `runners` runners as jobs of up to JOB_LANES chains, whichever frames are waiting when a runner comes free. */
export function batchingCoder(runners: number, runner: JobRunner): FrameCoder {
  const queue: Waiting[] = [];
  const active = new Set<Active>();
  let running = 0;
  let scheduled = false;
  let closed = false;

  /**
   * The next job off the front of the queue: frames with the same operation and settings, up to
   * JOB_LANES chains, and as near as whole frames come to an even share of what waits among
   * `takers` runners. Runners that are still busy count as takers (they come free soon, and a last
   * job taken whole by one runner would leave the others idle while it runs). Frames handed over
   * go whole to the runner that comes for them: it was the one left idle.
   */
  const nextJob = (takers: number): Waiting[] => {
    const waiting = queue.reduce((n, w) => n + w.lanes, 0);
    const share = queue[0]!.frame.resume ? JOB_LANES : Math.min(JOB_LANES, waiting / takers);
    const job = [queue.shift()!];
    let lanes = job[0]!.lanes;
    while (queue.length > 0 && queue[0]!.op === job[0]!.op && sameSettings(queue[0]!.settings, job[0]!.settings)) {
      const next = lanes + queue[0]!.lanes;
      if (next > JOB_LANES || next - share > share - lanes) break;
      lanes = next;
      job.push(queue.shift()!);
    }
    return job;
  };

  const start = (job: Waiting[]): void => {
    running++;
    const first = job[0]!;
    const entry: Active = { job, holds: new Set(job.keys()), asked: false, handOver: () => {} };
    // Frames handed over leave this job and wait again, at the front, with where they stand.
    const onHandedOver = (frames: HandedOver[]): void => {
      queue.unshift(...frames.map(({ chain, progress }) => {
        entry.holds.delete(chain);
        const waiting = job[chain]!;
        waiting.frame = { ...waiting.frame, resume: progress };
        return waiting;
      }));
      entry.asked = false;
      schedule();
    };
    const coding: RunningJob<unknown> = first.op === 'encode'
      ? runner.encode(first.settings, job.map((w) => w.frame as FramePixels), onHandedOver)
      : runner.decode(first.settings, job.map((w) => w.frame as FrameToDecode), onHandedOver);
    entry.handOver = coding.handOver;
    active.add(entry);
    coding.result.then(
      (values) => entry.holds.forEach((i) => {
        const value = values[i];
        if (value === undefined) job[i]!.reject(new Error('bbans: a frame was neither coded nor handed over'));
        else (job[i]!.resolve as (value: unknown) => void)(value);
      }),
      (error: unknown) => entry.holds.forEach((i) => job[i]!.reject(error)),
    ).finally(() => {
      active.delete(entry);
      running--;
      schedule();
    });
  };

  /** A runner is free and nothing waits: the job holding the most frames is asked to hand half of them over. */
  const askForHandOver = (): void => {
    let most: Active | undefined;
    for (const entry of active) if (!entry.asked && entry.holds.size > 1 && entry.holds.size > (most?.holds.size ?? 0)) most = entry;
    if (!most) return;
    most.asked = true;
    most.handOver();
  };

  /** Queue length at the last look: frames still arriving (the producer cuts them in slices) wait a turn. */
  let seen = 0;
  const dispatch = (): void => {
    scheduled = false;
    const lanes = queue.reduce((n, w) => n + w.lanes, 0);
    // A job takes as long as its frames' chains whatever its lanes, so the first jobs should not go
    // out with the first frames of a burst: while frames keep coming, and there are not yet enough
    // for a full job per free runner, look again next turn.
    if (queue.length > seen && lanes < JOB_LANES * (runners - running)) {
      seen = queue.length;
      schedule();
      return;
    }
    for (let started = 0; !closed && running < runners && queue.length > 0; started++) start(nextJob(runners - started));
    seen = queue.length;
    if (!closed && running < runners) askForHandOver();
  };

  // A turn of the event loop first, so that frames handed over together (a whole input at once,
  // or the refill after a job) go out together.
  const schedule = (): void => {
    if (scheduled || closed) return;
    scheduled = true;
    setTimeout(dispatch, 0);
  };

  return {
    encode: (settings, pixels, chains) => new Promise<CodedFrame>((resolve, reject) => {
      queue.push({ op: 'encode', settings, frame: { pixels, chains }, lanes: chains, resolve, reject });
      schedule();
    }),
    decode: (settings, frame) => new Promise<PixelArray>((resolve, reject) => {
      queue.push({ op: 'decode', settings, frame, lanes: lanesOf(frame.message), resolve, reject });
      schedule();
    }),
    close() {
      closed = true;
      queue.length = 0;
    },
  };
}

/** Codes jobs on the calling thread, yielding to the event loop before each; it never hands over (it is the only runner). */
export function inlineRunner(model: CodecModel): JobRunner {
  const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
  const later = <T>(code: () => T): Promise<T> => turn().then(code);
  return {
    encode: (settings, frames) => ({ result: later(() => encodeFrames(model, settings, frames)), handOver() {} }),
    decode: (settings, frames) => ({ result: later(() => decodeFrames(model, settings, frames)), handOver() {} }),
  };
}

/** Codes on the calling thread, one job at a time. */
export function inlineCoder(model: CodecModel): FrameCoder {
  return batchingCoder(1, inlineRunner(model));
}
