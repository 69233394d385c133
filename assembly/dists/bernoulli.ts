// Bernoulli(p) per symbol, p = probability of a 1, from an f32 array (what the network gives).

@final
export class Bernoulli {
  precision: u32 = 0;
  found: u32 = 0;
  probs: usize = 0;

  use(probs: usize, precision: u32): Bernoulli {
    this.probs = probs;
    this.precision = precision;
    return this;
  }

  /** Mass of symbol 1 out of 2^precision, rounded, kept in [1, 2^precision - 1]. */
  @inline onesFreq(i: u32): u32 {
    const total = <f64>(<u64>1 << this.precision);
    const p = <f64>load<f32>(this.probs + (<usize>i << 2));
    return <u32>min<f64>(max<f64>(Math.floor(p * total + 0.5), 1), total - 1);
  }

  @inline get hasParameters(): bool { return true; }
  @inline paramsValid(i: u32): bool {
    const p = load<f32>(this.probs + (<usize>i << 2));
    return p >= 0 && p <= 1;
  }
  @inline symbolValid(i: u32, symbol: u32): bool { return symbol <= 1; }

  @inline interval(i: u32, symbol: u32): u64 {
    const ones = <u64>this.onesFreq(i);
    const zeros = (<u64>1 << this.precision) - ones;
    return symbol ? (zeros << 32) | ones : zeros;
  }

  @inline locate(i: u32, cf: u32): u64 {
    const ones = <u64>this.onesFreq(i);
    const zeros = (<u64>1 << this.precision) - ones;
    const isOne = <u64>cf >= zeros;
    this.found = <u32>isOne;
    return isOne ? (zeros << 32) | ones : zeros;
  }
}
