// The rANS message as JavaScript sees it: a handle to lanes of 64-bit heads and a shared tail of
// 32-bit words that live in WASM memory, plus its byte serialisation.
//
// Bytes (little-endian): u32 lanes, u32 borrowed (implicit words taken from below the tail),
// lanes x u64 heads, then the tail words from the bottom up. Nothing else is needed: a new message
// always starts from the same fixed state.

import { core } from './wasm.js';
import { BbansError, corrupt, requireInteger } from './errors.js';
import { viewOf } from './memory.js';

interface MessageKernels {
  message_create(lanes: number): number;
  message_allocate(lanes: number, tailLength: number, borrowed: number): number;
  message_free(ptr: number): void;
  message_lanes(ptr: number): number;
  message_tail_length(ptr: number): number;
  message_borrowed(ptr: number): number;
  message_heads(ptr: number): number;
  message_tail(ptr: number): number;
  message_first_invalid_head(ptr: number): number;
  message_is_initial(ptr: number): number;
  message_set_strict(ptr: number, strict: number): void;
}
const kernels = (): MessageKernels => core() as unknown as MessageKernels;

export const MAX_LANES = 1 << 20;
const HEADER_BYTES = 8;

/** What a strict message's pop returns when it runs out of coded bits (assembly/coder.ts). */
export const EXHAUSTED = 0x7fffffff;

/** The error for a pop that ran out of coded bits (a kernel returned EXHAUSTED). */
export function exhausted(): BbansError {
  return new BbansError('CORRUPT_MESSAGE', 'the message ran out of coded bits: it is truncated or corrupt');
}

/** A message's lane count (a frame's chains) from its bytes' first word, without reading the rest. */
export function lanesOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

const releaseOnCollect = new FinalizationRegistry<number>((ptr) => kernels().message_free(ptr));

/** A contiguous range of a message's lanes, the unit every codec pushes to and pops from. */
export interface LaneView {
  readonly message: Message;
  readonly offset: number;
  readonly count: number;
}

/**
 * What a codec codes on: a message, a view of its lanes, or views of several messages side by side
 * (a batch that spans frames: lane j of the batch is lane j of the views laid end to end). Each
 * message appears at most once, so each view's words go to its own message's tail exactly as if
 * it were coded alone.
 */
export type CodingTarget = Message | LaneView | readonly LaneView[];

export class Message {
  #ptr: number;

  private constructor(ptr: number) {
    this.#ptr = ptr;
    releaseOnCollect.register(this, ptr, this);
  }

  /** A message in the fixed start state: ready to push to, and to pop from (bits-back). */
  static create(lanes: number): Message {
    requireInteger('lanes', lanes, 1, MAX_LANES);
    return new Message(kernels().message_create(lanes));
  }

  static fromBytes(bytes: Uint8Array): Message {
    if (bytes.byteLength < HEADER_BYTES) corrupt(`${bytes.byteLength} bytes is shorter than a message header`);
    const lanes = lanesOf(bytes);
    const borrowed = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES).getUint32(4, true);
    if (lanes < 1 || lanes > MAX_LANES) corrupt(`a message's lane count ${lanes} is outside [1, ${MAX_LANES}]`);
    const tailBytes = bytes.byteLength - HEADER_BYTES - lanes * 8;
    if (tailBytes < 0 || tailBytes % 4 !== 0) {
      corrupt(`a message of ${bytes.byteLength} bytes cannot hold ${lanes} heads and whole tail words`);
    }
    const message = new Message(kernels().message_allocate(lanes, tailBytes / 4, borrowed));
    const ptr = message.pointer;
    viewOf(Uint8Array, kernels().message_heads(ptr), lanes * 8).set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + lanes * 8));
    viewOf(Uint8Array, kernels().message_tail(ptr), tailBytes).set(bytes.subarray(HEADER_BYTES + lanes * 8));
    const badLane = kernels().message_first_invalid_head(ptr);
    if (badLane !== -1) {
      message.free();
      corrupt(`a message's head of lane ${badLane} is outside the valid range`);
    }
    return message;
  }

  get pointer(): number {
    if (this.#ptr === 0) throw new BbansError('INVALID_ARGUMENT', 'message used after free()');
    return this.#ptr;
  }

  get lanes(): number {
    return kernels().message_lanes(this.pointer);
  }

  get tailWords(): number {
    return kernels().message_tail_length(this.pointer);
  }

  get borrowedWords(): number {
    return kernels().message_borrowed(this.pointer);
  }

  /** Size of `toBytes()`: everything a decoder needs, so this is what a rate must count. */
  get byteLength(): number {
    return HEADER_BYTES + this.lanes * 8 + this.tailWords * 4;
  }

  /** True when the message is back at the fixed start state (a decode that used up every bit). */
  isInitial(): boolean {
    return kernels().message_is_initial(this.pointer) === 1;
  }

  /**
   * Strict: a pop that would reach below the bottom of the tail fails (CORRUPT_MESSAGE) instead of
   * taking the start state's implicit words. Right when decoding what an encoder wrote, whose pops
   * mirror its pushes; wrong when popping first, as bits-back encoding does.
   */
  set strict(strict: boolean) {
    kernels().message_set_strict(this.pointer, strict ? 1 : 0);
  }

  view(offset: number, count: number): LaneView {
    const lanes = this.lanes;
    requireInteger('lane view offset', offset, 0, lanes - 1);
    requireInteger('lane view count', count, 1, lanes - offset);
    return { message: this, offset, count };
  }

  toBytes(): Uint8Array {
    const ptr = this.pointer;
    const lanes = this.lanes;
    const tailBytes = this.tailWords * 4;
    const out = new Uint8Array(HEADER_BYTES + lanes * 8 + tailBytes);
    const header = new DataView(out.buffer);
    header.setUint32(0, lanes, true);
    header.setUint32(4, this.borrowedWords, true);
    out.set(viewOf(Uint8Array, kernels().message_heads(ptr), lanes * 8), HEADER_BYTES);
    out.set(viewOf(Uint8Array, kernels().message_tail(ptr), tailBytes), HEADER_BYTES + lanes * 8);
    return out;
  }

  /** Frees the WASM memory now rather than when the garbage collector gets to it. */
  free(): void {
    if (this.#ptr === 0) return;
    releaseOnCollect.unregister(this);
    kernels().message_free(this.#ptr);
    this.#ptr = 0;
  }
}

/** Resolves a coding target to its views, in lane order. */
export function resolveTarget(target: CodingTarget): readonly LaneView[] {
  if (target instanceof Message) return [{ message: target, offset: 0, count: target.lanes }];
  if (!Array.isArray(target)) return [target as LaneView];
  const views = target as readonly LaneView[];
  if (views.length === 0) throw new BbansError('INVALID_ARGUMENT', 'a coding target needs at least one lane view');
  if (new Set(views.map((v) => v.message)).size !== views.length) throw new BbansError('INVALID_ARGUMENT', 'a coding target holds each message at most once');
  return views;
}

/** The lanes of a target's views together. */
export function laneCount(views: readonly LaneView[]): number {
  let lanes = 0;
  for (const view of views) lanes += view.count;
  return lanes;
}
