// Jobs that run side by side but hand back their results in the order they were added, with a
// bound on what is outstanding: how frames are coded in parallel and written in order with bounded
// memory. The first failure (in order) is the one reported; an abort stops it at once.

/** Outstanding at once: up to `entries` jobs, and beyond that more while their weights (a frame's pixels) sum to at most `weight`. */
export interface PipelineLimit {
  entries: number;
  weight: number;
}

interface Entry<T> {
  settled: Promise<void>;
  weight: number;
  done: boolean;
  value?: T;
  error?: unknown;
}

export class Pipeline<T> {
  #entries: Array<Entry<T>> = [];
  #abandoned = false;

  constructor(private readonly limit: PipelineLimit, private readonly signal?: AbortSignal) {}

  #weight(): number {
    return this.#entries.reduce((sum, entry) => sum + entry.weight, 0);
  }

  #checkAbort(): void {
    this.signal?.throwIfAborted();
    if (this.#abandoned) throw new Error('pipeline used after it was abandoned');
  }

  /** Starts a job, first waiting for the oldest one when the limit is reached. */
  async add(job: () => Promise<T>, weight = 0): Promise<void> {
    this.#checkAbort();
    if (this.#entries.length >= this.limit.entries && this.#weight() + weight > this.limit.weight) await this.#wait(this.#entries[0]!);
    const entry: Entry<T> = { done: false, settled: Promise.resolve(), weight };
    entry.settled = job().then(
      (value) => { entry.value = value; },
      (error: unknown) => { entry.error = error; },
    ).finally(() => { entry.done = true; });
    this.#entries.push(entry);
  }

  /** The results finished so far at the head of the line, in order; throws the first failure. */
  finished(): T[] {
    const out: T[] = [];
    while (this.#entries[0]?.done) out.push(this.#result(this.#entries.shift()!));
    return out;
  }

  /** Waits for every job; their results in order. */
  async drain(): Promise<T[]> {
    const out: T[] = [];
    while (this.#entries.length > 0) {
      await this.#wait(this.#entries[0]!);
      out.push(this.#result(this.#entries.shift()!));
    }
    return out;
  }

  /** Drops every outstanding job's result (their failures included). */
  abandon(): void {
    this.#abandoned = true;
    this.#entries = [];
  }

  /** Waits until `entry` settles or the signal aborts. */
  async #wait(entry: Entry<T>): Promise<void> {
    const signal = this.signal;
    if (signal) {
      let onAbort = (): void => {};
      const aborted = new Promise<void>((resolve) => {
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        await Promise.race([entry.settled, aborted]);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    } else {
      await entry.settled;
    }
    this.#checkAbort();
  }

  #result(entry: Entry<T>): T {
    if ('error' in entry) {
      this.abandon();
      throw entry.error;
    }
    return entry.value as T;
  }
}
