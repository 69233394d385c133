// What codes frames (the calling thread here; a pool of workers in src/workers/pool.ts; src/coders.ts
// picks one). Frames are handed over one at a time and wait in a queue; whenever a runner (a
// worker, or the calling thread) is free, the frames waiting go to it together, up to JOB_LANES
// chains, and are coded side by side (src/frame-codec.ts: one batch for the networks), so small
// frames, which random access wants, still code at the speed of many lanes. A frame's bytes do not
// depend on what it was coded beside, so the bytes are the same whoever codes them, however grouped.
import type { CodecModel } from './models.js';
import type { Frame } from './format/v2.js';
import type { PixelArray } from './pixels.js';
import { type FramePixels, type FrameSettings, chainsOf, decodeFrames, encodeFrames } from './frame-codec.js';

export interface FrameCoder {
  encode(settings: FrameSettings, pixels: PixelArray, chains: number): Promise<Frame>;
  decode(settings: FrameSettings, frame: Frame): Promise<PixelArray>;
  /** Lets go of whatever the coder holds (workers, frames still waiting); it codes nothing after. */
  close(): void;
}

/** Codes a job: several frames with the same settings, side by side. */
export interface JobRunner {
  encode(settings: FrameSettings, frames: FramePixels[]): Promise<Frame[]>;
  decode(settings: FrameSettings, frames: Frame[]): Promise<PixelArray[]>;
}

/**
 * Chains a job gathers at most. Measured per image on one worker: the pixel loop runs 1.6x faster
 * from 16 lanes up (whole blocks of 16), and a step's fixed costs (the networks' calls) spread
 * over more lanes; but a job takes as many steps as its longest frame whatever its lanes, so a
 * call's frames are better split evenly over the workers than queued in small jobs.
 */
export const JOB_LANES = 64;

type Waiting =
  | { op: 'encode'; settings: FrameSettings; frame: FramePixels; lanes: number; resolve(frame: Frame): void; reject(error: unknown): void }
  | { op: 'decode'; settings: FrameSettings; frame: Frame; lanes: number; resolve(data: PixelArray): void; reject(error: unknown): void };

function sameSettings(a: FrameSettings, b: FrameSettings): boolean {
  return a.binsLog2 === b.binsLog2 && a.posteriorPrecision === b.posteriorPrecision && a.likelihoodPrecision === b.likelihoodPrecision && a.pixelBytes === b.pixelBytes;
}

/** Hands frames to `runners` runners as jobs of up to JOB_LANES chains, whichever frames are waiting when a runner comes free. */
export function batchingCoder(runners: number, runner: JobRunner, onClose: () => void = () => {}): FrameCoder {
  const queue: Waiting[] = [];
  let running = 0;
  let scheduled = false;
  let closed = false;

  /**
   * The next job off the front of the queue: frames with the same operation and settings, up to
   * JOB_LANES chains, and as near as whole frames come to an even share of what waits among
   * `takers` runners. Runners that are still busy count as takers (they come free soon, and a last
   * job taken whole by one runner would leave the others idle while it runs).
   */
  const nextJob = (takers: number): Waiting[] => {
    const waiting = queue.reduce((n, w) => n + w.lanes, 0);
    const share = Math.min(JOB_LANES, waiting / takers);
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
    const results: Promise<unknown[]> = first.op === 'encode'
      ? runner.encode(first.settings, job.map((w) => w.frame as FramePixels))
      : runner.decode(first.settings, job.map((w) => w.frame as Frame));
    results.then(
      (values) => job.forEach((w, i) => (w.resolve as (value: unknown) => void)(values[i])),
      (error: unknown) => job.forEach((w) => w.reject(error)),
    ).finally(() => {
      running--;
      schedule();
    });
  };

  const dispatch = (): void => {
    scheduled = false;
    for (let started = 0; !closed && running < runners && queue.length > 0; started++) start(nextJob(runners - started));
  };

  // A turn of the event loop first, so that frames handed over together (a whole input at once,
  // or the refill after a job) go out together.
  const schedule = (): void => {
    if (scheduled || closed) return;
    scheduled = true;
    setTimeout(dispatch, 0);
  };

  return {
    encode: (settings, pixels, chains) => new Promise<Frame>((resolve, reject) => {
      queue.push({ op: 'encode', settings, frame: { pixels, chains }, lanes: chains, resolve, reject });
      schedule();
    }),
    decode: (settings, frame) => new Promise<PixelArray>((resolve, reject) => {
      queue.push({ op: 'decode', settings, frame, lanes: chainsOf(frame), resolve, reject });
      schedule();
    }),
    close() {
      closed = true;
      queue.length = 0;
      onClose();
    },
  };
}

/** Codes jobs on the calling thread, yielding to the event loop before each. */
export function inlineRunner(model: CodecModel): JobRunner {
  const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    async encode(settings, frames) {
      await turn();
      return encodeFrames(model, settings, frames);
    },
    async decode(settings, frames) {
      await turn();
      return decodeFrames(model, settings, frames);
    },
  };
}

/** Codes on the calling thread, one job at a time. */
export function inlineCoder(model: CodecModel): FrameCoder {
  return batchingCoder(1, inlineRunner(model));
}
