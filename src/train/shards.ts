// How a data-parallel step splits a minibatch: into contiguous shards, one a thread, whose sizes
// differ by at most one (the first ones take the remainder). A shard's gradient counts by its
// share of the batch, so the weighted sum is the gradient of the batch's mean loss.

export interface Shard {
  start: number;
  size: number;
  /** size / count: the shard's weight in the batch's mean. */
  share: number;
}

/** `count` items over at most `threads` shards (never an empty one). */
export function shardsOf(count: number, threads: number): Shard[] {
  const shards = Math.max(1, Math.min(threads, count));
  const base = Math.floor(count / shards);
  const extra = count % shards;
  const out: Shard[] = [];
  for (let i = 0, start = 0; i < shards; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push({ start, size, share: size / count });
    start += size;
  }
  return out;
}
