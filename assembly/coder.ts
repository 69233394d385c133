// The two loops every codec shares: push and pop of a whole array of symbols across a view of
// the message's lanes. Symbol i (u32) goes to lane laneOffset + (i mod laneCount): the array is
// rounds x laneCount, pushed round by round, lane by lane, and popped in exactly the reverse order
// so the shared tail stays in step. A distribution D supplies, per symbol index i:
//   interval(i, symbol): u64   -> (start << 32) | freq
//   locate(i, cf): u64         -> (start << 32) | freq of the symbol whose interval holds cf,
//                                 with that symbol left in D.found; or, for a table distribution,
//   symbolAt(cf): u32          -> that symbol, its interval then taken from interval(i, symbol)
//   paramsValid(i), symbolValid(i, symbol): bool, and hasParameters (a constant: false lets the
//   compiler drop the parameter check entirely)
// and its precision in D.precision. Generic functions are instantiated per distribution, so each
// loop compiles to straight code with the distribution's arithmetic inlined.
//
// pushSymbols, popSymbols and intervalsOf check the view, the parameters and the symbols first;
// pushChecked, popChecked and intervalsChecked are the loops alone, for a caller that has checked
// them itself (the pixel loop, assembly/pixel-loop.ts, checks a whole pixel's outputs at once), and
// need no paramsValid or symbolValid.

import { HEAD_MIN, Message, implicitWord, reserveTail } from './message';

/** Returned by a strict pop that found the tail empty. */
export const EXHAUSTED: i32 = 0x7fffffff;

/** -1 when every element is codable; i >= 0 for bad parameters at i; -(i + 2) for a bad symbol at i. */
export function firstInvalid<D>(symbols: usize, n: u32, d: D): i32 {
  if (!symbols && !d.hasParameters) return -1;
  for (let i: u32 = 0; i < n; i++) {
    if (!d.paramsValid(i)) return <i32>i;
    if (symbols && !d.symbolValid(i, load<u32>(symbols + (<usize>i << 2)))) return -(<i32>i + 2);
  }
  return -1;
}

function checkView(m: Message, laneOffset: u32, laneCount: u32, n: u32): void {
  assert(laneCount > 0 && <u64>laneOffset + laneCount <= m.lanes, 'lane view outside the message');
  assert(n % laneCount == 0, 'symbol count is not a multiple of the lane count');
}

/** head / freq * 2^precision + head mod freq + start: the push of one symbol onto a renormalised head. */
@inline
function pushed(head: u64, interval: u64, precision: u64): u64 {
  const freq = interval & 0xffffffff;
  const quotient = head / freq;
  return (quotient << precision) + (head - quotient * freq) + (interval >> 32);
}

/** Pops symbol i off `head` (before renormalising), writing the symbol to out[i]. */
@inline
function popped<D>(d: D, i: u32, head: u64, precision: u64, out: usize): u64 {
  const cf = head & ((<u64>1 << precision) - 1);
  let interval: u64;
  if (isDefined(d.symbolAt)) {
    // A table distribution finds the symbol, then its interval, with no state in between.
    const symbol = d.symbolAt(<u32>cf);
    store<u32>(out + (<usize>i << 2), symbol);
    interval = d.interval(i, symbol);
  } else {
    interval = d.locate(i, <u32>cf);
    store<u32>(out + (<usize>i << 2), d.found);
  }
  return (interval & 0xffffffff) * (head >> precision) + cf - (interval >> 32);
}

// Renormalisation is branchless (a select): about one symbol in five moves a word, at random,
// which a branch would mispredict. A push always writes the head's low word at the top of the
// tail (reserveTail made room for one word per symbol) and counts it only when it moves; a pop
// reads the top word whether or not the head takes it, so it needs a word there to read.
//
// When the lane count is a multiple of 4, the lanes go four at a time with their heads in locals,
// all four interval lookups and updates before their renormalisations (as in ryg_rans'
// interleaved coder): the four chains are independent, so the CPU overlaps them. Reordering is
// safe because an update never touches the tail and each renormalisation looks only at its own
// head, so the words land in the tail in exactly the order of the one-at-a-time loop.

export function pushSymbols<D>(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, d: D): i32 {
  checkView(m, laneOffset, laneCount, n);
  const invalid = firstInvalid<D>(symbols, n, d);
  if (invalid != -1) return invalid;
  pushChecked<D>(m, laneOffset, laneCount, symbols, n, d);
  return -1;
}

/** pushSymbols for a view, symbols and parameters known to be codable. */
export function pushChecked<D>(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, d: D): void {
  reserveTail(m, n);
  const precision = <u64>d.precision;
  // A head at or above this times freq is renormalised before head / freq * 2^precision could reach 2^63.
  const overflowUnit: u64 = (HEAD_MIN >> precision) << 32;
  const heads = m.heads + (<usize>laneOffset << 3);
  const tail = m.tail;
  let length = m.tailLength;
  if (laneCount % 4 == 0) {
    let group: u32 = 0; // lane of symbol i
    for (let i: u32 = 0; i < n; i += 4) {
      const at = heads + (<usize>group << 3);
      let h0 = load<u64>(at), h1 = load<u64>(at, 8), h2 = load<u64>(at, 16), h3 = load<u64>(at, 24);
      const v0 = d.interval(i, load<u32>(symbols + (<usize>i << 2)));
      const v1 = d.interval(i + 1, load<u32>(symbols + (<usize>i << 2), 4));
      const v2 = d.interval(i + 2, load<u32>(symbols + (<usize>i << 2), 8));
      const v3 = d.interval(i + 3, load<u32>(symbols + (<usize>i << 2), 12));
      let moves = h0 >= overflowUnit * (v0 & 0xffffffff);
      store<u32>(tail + (<usize>length << 2), <u32>h0);
      length += <u32>moves;
      h0 = select<u64>(h0 >> 32, h0, moves);
      moves = h1 >= overflowUnit * (v1 & 0xffffffff);
      store<u32>(tail + (<usize>length << 2), <u32>h1);
      length += <u32>moves;
      h1 = select<u64>(h1 >> 32, h1, moves);
      moves = h2 >= overflowUnit * (v2 & 0xffffffff);
      store<u32>(tail + (<usize>length << 2), <u32>h2);
      length += <u32>moves;
      h2 = select<u64>(h2 >> 32, h2, moves);
      moves = h3 >= overflowUnit * (v3 & 0xffffffff);
      store<u32>(tail + (<usize>length << 2), <u32>h3);
      length += <u32>moves;
      h3 = select<u64>(h3 >> 32, h3, moves);
      store<u64>(at, pushed(h0, v0, precision));
      store<u64>(at, pushed(h1, v1, precision), 8);
      store<u64>(at, pushed(h2, v2, precision), 16);
      store<u64>(at, pushed(h3, v3, precision), 24);
      group += 4;
      if (group == laneCount) group = 0;
    }
  } else {
    let lane: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const interval = d.interval(i, load<u32>(symbols + (<usize>i << 2)));
      const at = heads + (<usize>lane << 3);
      let head = load<u64>(at);
      const moves = head >= overflowUnit * (interval & 0xffffffff);
      store<u32>(tail + (<usize>length << 2), <u32>head);
      length += <u32>moves;
      head = select<u64>(head >> 32, head, moves);
      store<u64>(at, pushed(head, interval, precision));
      if (++lane == laneCount) lane = 0;
    }
  }
  m.tailLength = length;
}

/**
 * Pops symbols i - 1, i - 2, ... four at a time (lanes a multiple of 4, i a multiple of 4) while the
 * tail holds a word for each pop; returns the i it stopped at, with the tail length in m.
 */
function popGroups<D>(m: Message, heads: usize, laneCount: u32, out: usize, i: u32, d: D): u32 {
  const precision = <u64>d.precision;
  const tail = m.tail;
  let length = m.tailLength;
  let group = (i - 4) % laneCount; // first lane of symbols i - 4 .. i - 1
  while (i > 0 && length >= 4) {
    i -= 4;
    const at = heads + (<usize>group << 3);
    let h3 = popped<D>(d, i + 3, load<u64>(at, 24), precision, out);
    let h2 = popped<D>(d, i + 2, load<u64>(at, 16), precision, out);
    let h1 = popped<D>(d, i + 1, load<u64>(at, 8), precision, out);
    let h0 = popped<D>(d, i, load<u64>(at), precision, out);
    let takes = h3 < HEAD_MIN;
    h3 = select<u64>((h3 << 32) | load<u32>(tail + (<usize>(length - 1) << 2)), h3, takes);
    length -= <u32>takes;
    takes = h2 < HEAD_MIN;
    h2 = select<u64>((h2 << 32) | load<u32>(tail + (<usize>(length - 1) << 2)), h2, takes);
    length -= <u32>takes;
    takes = h1 < HEAD_MIN;
    h1 = select<u64>((h1 << 32) | load<u32>(tail + (<usize>(length - 1) << 2)), h1, takes);
    length -= <u32>takes;
    takes = h0 < HEAD_MIN;
    h0 = select<u64>((h0 << 32) | load<u32>(tail + (<usize>(length - 1) << 2)), h0, takes);
    length -= <u32>takes;
    store<u64>(at, h0);
    store<u64>(at, h1, 8);
    store<u64>(at, h2, 16);
    store<u64>(at, h3, 24);
    group = group == 0 ? laneCount - 4 : group - 4;
  }
  m.tailLength = length;
  return i;
}

/** Whether the next pops (symbols i - 4 .. i - 1) go as a group: lanes in fours, i at a group's end, a tail word for each. */
@inline
function groupNext(grouped: bool, i: u32, tailLength: u32): bool {
  return grouped && (i & 3) == 0 && tailLength >= 4;
}

export function popSymbols<D>(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, d: D): i32 {
  checkView(m, laneOffset, laneCount, n);
  const invalid = firstInvalid<D>(0, n, d);
  if (invalid != -1) return invalid;
  return popChecked<D>(m, laneOffset, laneCount, out, n, d);
}

/** popSymbols for a view and parameters known to be codable: -1, or EXHAUSTED. */
export function popChecked<D>(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, d: D): i32 {
  const precision = <u64>d.precision;
  const heads = m.heads + (<usize>laneOffset << 3);
  const tail = m.tail;
  const grouped = laneCount % 4 == 0;
  let borrowed = m.borrowed;
  let i = n;
  while (i > 0) {
    if (groupNext(grouped, i, m.tailLength)) {
      i = popGroups<D>(m, heads, laneCount, out, i, d);
      continue;
    }
    // One at a time: lane counts that are not a multiple of 4, and pops near the bottom of the tail.
    let length = m.tailLength;
    let lane = (i - 1) % laneCount;
    do {
      i--;
      const at = heads + (<usize>lane << 3);
      let head = popped<D>(d, i, load<u64>(at), precision, out);
      if (length > 0) {
        const takes = head < HEAD_MIN;
        head = select<u64>((head << 32) | load<u32>(tail + (<usize>(length - 1) << 2)), head, takes);
        length -= <u32>takes;
      } else if (head < HEAD_MIN) {
        if (m.strict) {
          m.tailLength = 0;
          return EXHAUSTED;
        }
        head = (head << 32) | implicitWord(borrowed++);
      }
      store<u64>(at, head);
      lane = lane == 0 ? laneCount - 1 : lane - 1;
    } while (i > 0 && !groupNext(grouped, i, length));
    m.tailLength = length;
  }
  m.borrowed = borrowed;
  return -1;
}

/** (start, freq) of each element's symbol, as u32 pairs: for cost accounting and table checks. */
export function intervalsOf<D>(symbols: usize, n: u32, out: usize, d: D): i32 {
  const invalid = firstInvalid<D>(symbols, n, d);
  if (invalid != -1) return invalid;
  intervalsChecked<D>(symbols, n, out, d);
  return -1;
}

/** intervalsOf for symbols and parameters known to be codable. */
export function intervalsChecked<D>(symbols: usize, n: u32, out: usize, d: D): void {
  for (let i: u32 = 0; i < n; i++) {
    const interval = d.interval(i, load<u32>(symbols + (<usize>i << 2)));
    store<u32>(out + (<usize>i << 3), <u32>(interval >> 32));
    store<u32>(out + (<usize>i << 3), <u32>interval, 4);
  }
}
