// The two loops every codec shares: push and pop of a whole array of symbols across a view of
// the message's lanes. Symbol i (u32) goes to lane laneOffset + (i mod laneCount): the array is
// rounds x laneCount, pushed round by round, lane by lane, and popped in exactly the reverse order
// so the shared tail stays in step. A distribution D supplies, per symbol index i:
//   interval(i, symbol): u64   -> (start << 32) | freq
//   locate(i, cf): u64         -> (start << 32) | freq of the symbol whose interval holds cf,
//                                 with that symbol left in D.found
//   paramsValid(i), symbolValid(i, symbol): bool, and hasParameters (a constant: false lets the
//   compiler drop the parameter check entirely)
// and its precision in D.precision. Generic functions are instantiated per distribution, so each
// loop compiles to straight code with the distribution's arithmetic inlined.

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

export function pushSymbols<D>(m: Message, laneOffset: u32, laneCount: u32, symbols: usize, n: u32, d: D): i32 {
  checkView(m, laneOffset, laneCount, n);
  const invalid = firstInvalid<D>(symbols, n, d);
  if (invalid != -1) return invalid;
  reserveTail(m, n);
  const precision = <u64>d.precision;
  // Renormalise before head / freq * 2^precision could reach 2^63.
  const overflowUnit: u64 = (HEAD_MIN >> precision) << 32;
  const heads = m.heads + (<usize>laneOffset << 3);
  const tail = m.tail;
  let length = m.tailLength;
  let lane: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const interval = d.interval(i, load<u32>(symbols + (<usize>i << 2)));
    const start = interval >> 32;
    const freq = interval & 0xffffffff;
    const headPtr = heads + (<usize>lane << 3);
    let head = load<u64>(headPtr);
    if (head >= overflowUnit * freq) {
      store<u32>(tail + (<usize>length << 2), <u32>head);
      length++;
      head >>= 32;
    }
    const quotient = head / freq;
    store<u64>(headPtr, (quotient << precision) + (head - quotient * freq) + start);
    if (++lane == laneCount) lane = 0;
  }
  m.tailLength = length;
  return -1;
}

export function popSymbols<D>(m: Message, laneOffset: u32, laneCount: u32, out: usize, n: u32, d: D): i32 {
  checkView(m, laneOffset, laneCount, n);
  const invalid = firstInvalid<D>(0, n, d);
  if (invalid != -1) return invalid;
  const precision = <u64>d.precision;
  const mask: u64 = (<u64>1 << precision) - 1;
  const heads = m.heads + (<usize>laneOffset << 3);
  const tail = m.tail;
  let length = m.tailLength;
  let borrowed = m.borrowed;
  let lane: u32 = n == 0 ? 0 : (n - 1) % laneCount;
  for (let i = n; i-- > 0; ) {
    const headPtr = heads + (<usize>lane << 3);
    let head = load<u64>(headPtr);
    const cf = head & mask;
    const interval = d.locate(i, <u32>cf);
    store<u32>(out + (<usize>i << 2), d.found);
    head = (interval & 0xffffffff) * (head >> precision) + cf - (interval >> 32);
    if (head < HEAD_MIN) {
      let word: u32;
      if (length > 0) {
        length--;
        word = load<u32>(tail + (<usize>length << 2));
      } else if (m.strict) {
        m.tailLength = 0;
        return EXHAUSTED;
      } else {
        word = implicitWord(borrowed++);
      }
      head = (head << 32) | word;
    }
    store<u64>(headPtr, head);
    lane = lane == 0 ? laneCount - 1 : lane - 1;
  }
  m.tailLength = length;
  m.borrowed = borrowed;
  return -1;
}

/** (start, freq) of each element's symbol, as u32 pairs: for cost accounting and table checks. */
export function intervalsOf<D>(symbols: usize, n: u32, out: usize, d: D): i32 {
  const invalid = firstInvalid<D>(symbols, n, d);
  if (invalid != -1) return invalid;
  for (let i: u32 = 0; i < n; i++) {
    const interval = d.interval(i, load<u32>(symbols + (<usize>i << 2)));
    store<u32>(out + (<usize>i << 3), <u32>(interval >> 32));
    store<u32>(out + (<usize>i << 3), <u32>interval, 4);
  }
  return -1;
}
