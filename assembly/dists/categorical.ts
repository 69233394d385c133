// Categorical distribution from a fixed integer frequency table summing to 2^precision.
// Pop uses a direct cf -> symbol lookup when the table is small enough to stay in cache (one byte
// per entry for up to 256 symbols, two for more), otherwise a binary search over the cumulative table.
// The distribution is generic over the lookup's entry type, so each coding loop is compiled for one
// kind of table, with no per-symbol branch on which kind it is.

const LOOKUP_MAX_PRECISION: u32 = 16;

@unmanaged
export class CategoricalTable {
  symbolCount: u32;
  precision: u32;
  cdf: usize; // u32[symbolCount + 1]
  intervals: usize; // u64[symbolCount]: start << 32 | freq, each symbol's interval in one load
  lookup: usize; // u8 or u16 [2^precision], or 0
  lookupBytes: u32; // 1 or 2, or 0 without a lookup
}

/** Builds the table; the caller has checked every freq >= 1 and the sum is exactly 2^precision. */
export function categorical_table_create(freqs: usize, symbolCount: u32, precision: u32): CategoricalTable {
  const t = changetype<CategoricalTable>(heap.alloc(offsetof<CategoricalTable>()));
  t.symbolCount = symbolCount;
  t.precision = precision;
  t.cdf = heap.alloc((<usize>symbolCount + 1) << 2);
  t.intervals = heap.alloc(<usize>symbolCount << 3);
  let total: u64 = 0;
  for (let s: u32 = 0; s < symbolCount; s++) {
    const freq = load<u32>(freqs + (<usize>s << 2));
    assert(freq >= 1, 'categorical frequency below 1');
    store<u32>(t.cdf + (<usize>s << 2), <u32>total);
    store<u64>(t.intervals + (<usize>s << 3), (total << 32) | freq);
    total += freq;
  }
  assert(total == <u64>1 << precision, 'categorical frequencies do not sum to 2^precision');
  store<u32>(t.cdf + (<usize>symbolCount << 2), <u32>total);
  t.lookup = 0;
  t.lookupBytes = 0;
  if (precision <= LOOKUP_MAX_PRECISION && symbolCount <= 0x10000) {
    t.lookupBytes = symbolCount <= 0x100 ? 1 : 2;
    t.lookup = heap.alloc(<usize>total * t.lookupBytes);
    for (let s: u32 = 0; s < symbolCount; s++) {
      const end = load<u32>(t.cdf + (<usize>(s + 1) << 2));
      for (let cf = load<u32>(t.cdf + (<usize>s << 2)); cf < end; cf++) {
        if (t.lookupBytes == 1) store<u8>(t.lookup + cf, <u8>s);
        else store<u16>(t.lookup + (<usize>cf << 1), <u16>s);
      }
    }
  }
  return t;
}

export function categorical_table_free(t: CategoricalTable): void {
  heap.free(t.cdf);
  heap.free(t.intervals);
  if (t.lookup) heap.free(t.lookup);
  heap.free(changetype<usize>(t));
}

/** L: the lookup's entry type, u8 or u16; u32 for a table without a lookup (binary search). */
@final
export class Categorical<L> {
  precision: u32 = 0;
  symbolCount: u32 = 0;
  cdf: usize = 0;
  intervals: usize = 0;
  lookup: usize = 0;

  use(t: CategoricalTable): Categorical<L> {
    this.precision = t.precision;
    this.symbolCount = t.symbolCount;
    this.cdf = t.cdf;
    this.intervals = t.intervals;
    this.lookup = t.lookup;
    return this;
  }

  @inline get hasParameters(): bool { return false; }
  @inline paramsValid(i: u32): bool { return true; }
  @inline symbolValid(i: u32, symbol: u32): bool { return symbol < this.symbolCount; }

  @inline interval(i: u32, symbol: u32): u64 {
    return load<u64>(this.intervals + (<usize>symbol << 3));
  }

  /** The symbol whose interval holds cf (see popped in coder.ts: no state kept between this and interval). */
  @inline symbolAt(cf: u32): u32 {
    let symbol: u32;
    if (sizeof<L>() < 4) {
      symbol = <u32>load<L>(this.lookup + (<usize>cf << alignof<L>()));
    } else {
      let lo: u32 = 0;
      let hi = this.symbolCount;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (load<u32>(this.cdf + (<usize>mid << 2)) <= cf) lo = mid;
        else hi = mid;
      }
      symbol = lo;
    }
    return symbol;
  }
}
