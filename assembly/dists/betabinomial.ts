// Beta-binomial(trials, alpha, beta) per symbol over 0..trials, alpha and beta from f32 arrays.
//
// The pmf is tabulated by the ratio recurrence w(k+1) = w(k) (n-k)(k+a) / ((k+1)(n-k-1+b)) from
// w(0) = 1, so no lgamma is needed and the table is exact up to normalisation. Weights can span far
// more than a double's range (for a = 1e4, b = 1e-3 the ratio of the extremes is ~1e1000), so when a
// weight passes 2^600 the running sums are scaled by 2^-600 (an exact power of two) and each
// cumulative entry remembers how many such scalings came after it. Cumulative sums of
// non-negative terms, exact power-of-two scalings and one final division are all monotone, so the
// quantised table floor(F(k) (2^p - (n+1))) + k is non-decreasing with every freq >= 1, and both
// sides of the codec compute it with the same IEEE operations in the same order.

const RESCALE_ABOVE: f64 = reinterpret<f64>(<u64>(1023 + 600) << 52); // 2^600
const RESCALE_BY: f64 = reinterpret<f64>(<u64>(1023 - 600) << 52); // 2^-600

@final
export class BetaBinomial {
  precision: u32 = 0;
  found: u32 = 0;
  trials: u32 = 0;
  alphas: usize = 0;
  betas: usize = 0;
  // Scratch for one symbol's table, grown on demand and kept for the module's life.
  cumulative: usize = 0; // f64[trials + 2]: sum of weights below k, at the scale of its epoch
  epochs: usize = 0; // u32[trials + 2]: how many rescalings had happened when entry k was written
  capacity: u32 = 0;
  finalEpoch: u32 = 0;
  total: f64 = 0;

  use(trials: u32, alphas: usize, betas: usize, precision: u32): void {
    this.trials = trials;
    this.alphas = alphas;
    this.betas = betas;
    this.precision = precision;
    if (this.capacity < trials + 2) {
      if (this.capacity) {
        heap.free(this.cumulative);
        heap.free(this.epochs);
      }
      this.capacity = trials + 2;
      this.cumulative = heap.alloc(<usize>this.capacity << 3);
      this.epochs = heap.alloc(<usize>this.capacity << 2);
    }
  }

  tabulate(i: u32): void {
    const a = <f64>load<f32>(this.alphas + (<usize>i << 2));
    const b = <f64>load<f32>(this.betas + (<usize>i << 2));
    const n = this.trials;
    const cumulative = this.cumulative;
    const epochs = this.epochs;
    let weight: f64 = 1;
    let sum: f64 = 0;
    let epoch: u32 = 0;
    for (let k: u32 = 0; k <= n; k++) {
      store<f64>(cumulative + (<usize>k << 3), sum);
      store<u32>(epochs + (<usize>k << 2), epoch);
      sum += weight;
      if (k == n) break;
      const fk = <f64>k;
      const left = <f64>(n - k);
      weight *= (left * (fk + a)) / ((fk + 1) * (left - 1 + b));
      if (weight > RESCALE_ABOVE) {
        weight *= RESCALE_BY;
        sum *= RESCALE_BY;
        epoch++;
      }
    }
    store<f64>(cumulative + (<usize>(n + 1) << 3), sum);
    store<u32>(epochs + (<usize>(n + 1) << 2), epoch);
    this.finalEpoch = epoch;
    this.total = sum;
  }

  /** Quantised cumulative mass below symbol k; 0 at k = 0 and exactly 2^precision at k = n + 1. */
  @inline cdfAt(k: u32): u32 {
    let c = load<f64>(this.cumulative + (<usize>k << 3));
    for (let e = load<u32>(this.epochs + (<usize>k << 2)); e < this.finalEpoch; e++) c *= RESCALE_BY;
    const spare = <f64>((<u64>1 << this.precision) - this.trials - 1);
    return <u32>Math.floor((c / this.total) * spare) + k;
  }

  @inline paramsValid(i: u32): bool {
    const a = load<f32>(this.alphas + (<usize>i << 2));
    const b = load<f32>(this.betas + (<usize>i << 2));
    return a > 0 && a < f32.POSITIVE_INFINITY && b > 0 && b < f32.POSITIVE_INFINITY;
  }
  @inline symbolValid(i: u32, symbol: u32): bool { return symbol <= this.trials; }

  @inline interval(i: u32, symbol: u32): u64 {
    this.tabulate(i);
    const start = this.cdfAt(symbol);
    return (<u64>start << 32) | (this.cdfAt(symbol + 1) - start);
  }

  @inline locate(i: u32, cf: u32): u64 {
    this.tabulate(i);
    let lo: u32 = 0;
    let hi = this.trials + 1;
    let start: u32 = 0;
    let end = <u32>(<u64>1 << this.precision);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const c = this.cdfAt(mid);
      if (c <= cf) {
        lo = mid;
        start = c;
      } else {
        hi = mid;
        end = c;
      }
    }
    this.found = lo;
    return (<u64>start << 32) | (end - start);
  }
}
