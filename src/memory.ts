// Moves whole arrays between JavaScript and the WASM heap. Views of wasm memory are made fresh
// on every access because any call that allocates may grow (and so detach) the buffer.

import { core } from './wasm.js';

type Typed = Uint8Array | Uint32Array | Float32Array | Float64Array;
type TypedConstructor<T extends Typed> = { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

export function viewOf<T extends Typed>(kind: TypedConstructor<T>, ptr: number, length: number): T {
  return new kind(core().memory.buffer, ptr, length);
}

/** Runs `body` with a stage that copies arrays into wasm memory; everything staged is freed after. */
export function staged<R>(body: (stage: Stage) => R): R {
  const stage = new Stage();
  try {
    return body(stage);
  } finally {
    stage.release();
  }
}

export class Stage {
  private readonly blocks: number[] = [];

  /** Copies `array` into a new block and returns its address. */
  put(array: Typed): number {
    const ptr = this.alloc(array.byteLength);
    new Uint8Array(core().memory.buffer, ptr, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return ptr;
  }

  alloc(bytes: number): number {
    const ptr = core().alloc(Math.max(bytes, 4));
    this.blocks.push(ptr);
    return ptr;
  }

  release(): void {
    for (const ptr of this.blocks) core().free(ptr);
    this.blocks.length = 0;
  }
}

/**
 * One typed array for a run of calls, viewed at each call's size and grown when a call needs
 * more: for data that is copied on (into WASM, or into a tensor) before the next call, so coding
 * does not leave a new array per batch for the garbage collector.
 */
export function reusable<T extends Float32Array | Uint32Array>(kind: { new (length: number): T }): (size: number) => T {
  let array = new kind(0);
  return (size) => {
    if (array.length < size) array = new kind(size);
    return array.subarray(0, size) as T;
  };
}
