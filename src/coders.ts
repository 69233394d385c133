// The coder a call gets: the calling thread for threads: 0, else the worker pool.
import { type FrameCoder, inlineCoder } from './frame-coder.js';
import { type ResolvedModel, loadedModel } from './models.js';
import { poolCoder } from './workers/pool.js';

/** The coder for `threads` (0: the calling thread, which then loads the networks; more: that many workers). */
export async function coderFor(model: ResolvedModel, threads: number): Promise<FrameCoder> {
  return threads === 0 ? inlineCoder(await loadedModel(model)) : poolCoder(model, threads);
}
