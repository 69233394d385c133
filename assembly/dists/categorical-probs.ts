// Categorical over 0..K-1 with its own probability vector per symbol (f32, e.g. a softmax per
// pixel): symbol i's probabilities are probs[i*K .. i*K + K). Quantised as
// floor(S(k) / S(K) * (2^p - K)) + k with S the running sum, so the table is monotone, every
// freq >= 1 and the total is exactly 2^p; both sides sum the same floats in the same order.

@final
export class CategoricalProbs {
  precision: u32 = 0;
  found: u32 = 0;
  symbols: u32 = 0; // K
  probs: usize = 0;

  use(symbols: u32, probs: usize, precision: u32): CategoricalProbs {
    this.symbols = symbols;
    this.probs = probs;
    this.precision = precision;
    return this;
  }

  @inline row(i: u32): usize {
    return this.probs + ((<usize>i * this.symbols) << 2);
  }

  @inline total(row: usize): f64 {
    let sum: f64 = 0;
    for (let k: u32 = 0; k < this.symbols; k++) sum += <f64>load<f32>(row + (<usize>k << 2));
    return sum;
  }

  @inline get hasParameters(): bool { return true; }
  @inline paramsValid(i: u32): bool {
    const row = this.row(i);
    for (let k: u32 = 0; k < this.symbols; k++) {
      const p = load<f32>(row + (<usize>k << 2));
      if (!(p >= 0 && p < f32.POSITIVE_INFINITY)) return false;
    }
    return this.total(row) > 0;
  }
  @inline symbolValid(i: u32, symbol: u32): bool { return symbol < this.symbols; }

  @inline interval(i: u32, symbol: u32): u64 {
    const row = this.row(i);
    const scale = <f64>((<u64>1 << this.precision) - this.symbols) / this.total(row);
    let below: f64 = 0;
    for (let k: u32 = 0; k < symbol; k++) below += <f64>load<f32>(row + (<usize>k << 2));
    const start = <u32>Math.floor(below * scale) + symbol;
    if (symbol + 1 == this.symbols) return (<u64>start << 32) | (<u32>(<u64>1 << this.precision) - start);
    below += <f64>load<f32>(row + (<usize>symbol << 2));
    return (<u64>start << 32) | (<u32>Math.floor(below * scale) + symbol + 1 - start);
  }

  @inline locate(i: u32, cf: u32): u64 {
    const row = this.row(i);
    const scale = <f64>((<u64>1 << this.precision) - this.symbols) / this.total(row);
    let below: f64 = 0;
    let start: u32 = 0;
    let k: u32 = 0;
    for (; k + 1 < this.symbols; k++) {
      below += <f64>load<f32>(row + (<usize>k << 2));
      const end = <u32>Math.floor(below * scale) + k + 1;
      if (end > cf) {
        this.found = k;
        return (<u64>start << 32) | (end - start);
      }
      start = end;
    }
    this.found = k;
    return (<u64>start << 32) | (<u32>(<u64>1 << this.precision) - start);
  }
}
