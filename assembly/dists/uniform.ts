// Uniform over 2^bits symbols: the prior over equal-mass latent bins.

@final
export class Uniform {
  precision: u32 = 0;
  found: u32 = 0;

  use(bits: u32): Uniform {
    this.precision = bits;
    return this;
  }

  @inline get hasParameters(): bool { return false; }
  @inline paramsValid(i: u32): bool { return true; }
  @inline symbolValid(i: u32, symbol: u32): bool { return <u64>symbol < (<u64>1 << this.precision); }
  @inline interval(i: u32, symbol: u32): u64 { return (<u64>symbol << 32) | 1; }
  @inline locate(i: u32, cf: u32): u64 {
    this.found = cf;
    return (<u64>cf << 32) | 1;
  }
}
