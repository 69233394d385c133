// An rANS message: one 64-bit head per lane and one tail stack of 32-bit words shared by all lanes.
// Heads stay in [HEAD_MIN, 2^63), so a push moves at most one word to the tail and a pop pulls at
// most one word back, and every precision up to 31 bits fits the arithmetic without overflow.
//
// The message starts from a fixed, known state, so nothing random is ever stored: every head holds
// 31 pseudo-random bits, and below the bottom of the tail lies an endless run of pseudo-random
// "implicit" words. A pop that needs a word from an empty tail takes the next implicit word and
// counts it in `borrowed`; the decoder, which ends where the encoder started, finds exactly those
// words left on its tail, which is how `message_is_initial` proves a decode consumed everything.

export const HEAD_MIN: u64 = 1 << 31;
export const MAX_PRECISION: u32 = 31;

@unmanaged
export class Message {
  lanes: u32;
  tailLength: u32;
  tailCapacity: u32;
  borrowed: u32;
  /**
   * Set while decoding a file: its pops mirror the encoder's pushes and so never reach below the
   * bottom of the tail; one that does proves the file corrupt, and stops the decode right there.
   */
  strict: bool;
  heads: usize; // u64[lanes]
  tail: usize; // u32[tailCapacity], bottom first
}

// splitmix64's finaliser: a fixed bijective scramble, so start states look random but are constants.
@inline
function mix64(x: u64): u64 {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

// Heads start in [2^31, 2^32): 31 pseudo-random bits, so first pops still look random. Whatever
// the first pops take from a head is never refunded, so fewer start bits mean cheaper chains (62
// bits cost ~4 bytes more per lane on binarized MNIST).
@inline
export function initialHead(lane: u32): u64 {
  return (mix64(<u64>lane + 0x243f6a8885a308d3) >> 33) | HEAD_MIN;
}

/** The word `depth` places below the bottom of the tail (depth 0 is the first one popped). */
@inline
export function implicitWord(depth: u32): u32 {
  return <u32>(mix64(<u64>depth + 0x13198a2e03707344) >> 32);
}

function allocMessage(lanes: u32, tailCapacity: u32): Message {
  const m = changetype<Message>(heap.alloc(offsetof<Message>()));
  m.lanes = lanes;
  m.tailLength = 0;
  m.tailCapacity = tailCapacity;
  m.borrowed = 0;
  m.strict = false;
  m.heads = heap.alloc(<usize>lanes << 3);
  m.tail = heap.alloc(<usize>max<u32>(tailCapacity, 1) << 2);
  return m;
}

export function message_create(lanes: u32): Message {
  const m = allocMessage(lanes, 1024);
  for (let lane: u32 = 0; lane < lanes; lane++) store<u64>(m.heads + (<usize>lane << 3), initialHead(lane));
  return m;
}

/** An empty shell to be filled by the caller (deserialisation): heads, tail words and counts. */
export function message_allocate(lanes: u32, tailLength: u32, borrowed: u32): Message {
  const m = allocMessage(lanes, tailLength);
  m.tailLength = tailLength;
  m.borrowed = borrowed;
  return m;
}

export function message_free(m: Message): void {
  heap.free(m.heads);
  heap.free(m.tail);
  heap.free(changetype<usize>(m));
}

export function message_set_strict(m: Message, strict: bool): void { m.strict = strict; }
export function message_lanes(m: Message): u32 { return m.lanes; }
export function message_tail_length(m: Message): u32 { return m.tailLength; }
export function message_borrowed(m: Message): u32 { return m.borrowed; }
export function message_heads(m: Message): usize { return m.heads; }
export function message_tail(m: Message): usize { return m.tail; }

/** Index of the first head outside [HEAD_MIN, 2^63), or -1 when all are valid. */
export function message_first_invalid_head(m: Message): i32 {
  for (let lane: u32 = 0; lane < m.lanes; lane++) {
    const h = load<u64>(m.heads + (<usize>lane << 3));
    if (h < HEAD_MIN || h >> 63) return <i32>lane;
  }
  return -1;
}

/** True when the message is the fixed start state, with the borrowed implicit words given back. */
export function message_is_initial(m: Message): bool {
  for (let lane: u32 = 0; lane < m.lanes; lane++) {
    if (load<u64>(m.heads + (<usize>lane << 3)) != initialHead(lane)) return false;
  }
  if (m.tailLength != m.borrowed) return false;
  for (let j: u32 = 0; j < m.tailLength; j++) {
    if (load<u32>(m.tail + (<usize>j << 2)) != implicitWord(m.borrowed - 1 - j)) return false;
  }
  return true;
}

/** Makes room for `words` more tail words (a push of n symbols adds at most n words). */
export function reserveTail(m: Message, words: u32): void {
  const needed = <u64>m.tailLength + words;
  if (needed <= <u64>m.tailCapacity) return;
  let capacity = <u64>m.tailCapacity;
  while (capacity < needed) capacity += (capacity >> 1) + 1024;
  if (capacity > 0x3fffffff) capacity = max<u64>(needed, 0x3fffffff);
  m.tail = heap.realloc(m.tail, <usize>capacity << 2);
  m.tailCapacity = <u32>capacity;
}
