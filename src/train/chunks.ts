// How a data-parallel step splits a minibatch: into CHUNKS contiguous chunks (more when there are
// more threads: one each) whose sizes differ by at most one, the first ones taking the remainder.
// The threads take chunks in turn as they become free, so a slower core takes fewer of them (the
// cores of a VM need not run at one speed); a chunk's gradient counts by its share of the batch,
// and the chunks are summed in chunk order, so a step's result does not depend on which thread
// took which chunk, nor on the thread count up to CHUNKS.

export interface Chunk {
  start: number;
  size: number;
  /** size / count: the chunk's weight in the batch's mean. */
  share: number;
}

/**
 * Chunks a step's batch is cut into, whatever the thread count up to it. Each costs about 3 ms of
 * work beyond its images (a whole gradient of the weights, measured on 32x32 images) and a
 * gradient's memory; 4 (25 images of a batch of 100) keep that near 3% of a step and still let a
 * core running at two-thirds of the other's speed or less take one chunk fewer.
 */
export const CHUNKS = 4;

/** How many chunks a batch is cut into on `threads` threads (fewer when it has fewer images). */
export function chunkCount(threads: number): number {
  return Math.max(CHUNKS, threads);
}

/** `count` items in at most `pieces` contiguous pieces (never an empty one). */
export function splitEvenly(count: number, pieces: number): Chunk[] {
  const chunks = Math.max(1, Math.min(pieces, count));
  const base = Math.floor(count / chunks);
  const extra = count % chunks;
  const out: Chunk[] = [];
  for (let i = 0, start = 0; i < chunks; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push({ start, size, share: size / count });
    start += size;
  }
  return out;
}

/** The chunks of a batch of `count` on `threads` threads. */
export function chunksOf(count: number, threads: number): Chunk[] {
  return splitEvenly(count, chunkCount(threads));
}

/** Whether steps on `a` and on `b` threads compute the same bits (one thread is the plain loop, which rounds otherwise). */
export function sameSteps(a: number, b: number): boolean {
  return a === b || (a > 1 && b > 1 && chunkCount(a) === chunkCount(b));
}

/** Runs `work` on each chunk this thread claims, claiming the next free one (counter[0]) until none is left. */
export function takeChunks(counter: Int32Array, chunks: Chunk[], work: (chunk: Chunk, index: number) => void): void {
  for (let k = Atomics.add(counter, 0, 1); k < chunks.length; k = Atomics.add(counter, 0, 1)) work(chunks[k]!, k);
}
