// Beta-binomial(trials, alpha, beta) per symbol over 0..trials, alpha and beta from f32 arrays.
//
// The cumulative table is walked from the end nearer the mean, so a symbol costs steps in
// proportion to its distance from that end (a handful for typical image pixels), never a full
// table. Walking up from 0 (alpha <= beta): P(0) = B(a, b + n) / B(a, b) = Gamma(b + n) Gamma(a + b) / (Gamma(b) Gamma(a + b + n)),
// which is >= 2^-n because alpha <= beta, and P(k+1) = P(k) (n-k)(k+a) / ((k+1)(n-k-1+b)).
// Quantised: C(k) = floor(min(S(k), 1) R) + k for k <= n, C(n + 1) = 2^precision, where S(k) is
// the running sum of P below k and R = 2^precision - (n + 1). The running sum only grows, so C is
// monotone and every freq >= 1; the last symbol of the walk absorbs the rounding. alpha > beta is
// the mirror image: symbol k is coded as n - k of beta-binomial(n, beta, alpha), intervals flipped.
// Both sides of the codec run the same IEEE operations in the same order, so the bits agree.

import { lgammaBalance } from '../lgamma';

/** n <= 1000 keeps P at the walk's start >= 2^-1000, above the subnormal range. */
export const MAX_TRIALS: u32 = 1000;

@final
export class BetaBinomial {
  precision: u32 = 0;
  found: u32 = 0;
  trials: u32 = 0;
  alphas: usize = 0;
  betas: usize = 0;
  // Element i's distribution in walking orientation, set by begin(i). The walks themselves keep
  // their running mass and sum in locals: through fields, every step would wait on a store.
  a: f64 = 0;
  b: f64 = 0;
  mirrored: bool = false;
  firstMass: f64 = 0;

  use(trials: u32, alphas: usize, betas: usize, precision: u32): BetaBinomial {
    this.trials = trials;
    this.alphas = alphas;
    this.betas = betas;
    this.precision = precision;
    return this;
  }

  @inline spare(): f64 {
    return <f64>((<u64>1 << this.precision) - this.trials - 1);
  }

  /** Orients element i's distribution so the walk starts at the end nearer its mean. */
  @inline begin(i: u32): void {
    const alpha = <f64>load<f32>(this.alphas + (<usize>i << 2));
    const beta = <f64>load<f32>(this.betas + (<usize>i << 2));
    this.mirrored = alpha > beta;
    this.a = this.mirrored ? beta : alpha;
    this.b = this.mirrored ? alpha : beta;
    const n = <f64>this.trials;
    this.firstMass = Math.exp(lgammaBalance(this.b + n, this.a + this.b, this.b, this.a + this.b + n));
  }

  /** P(k + 1) / P(k) in walking orientation. */
  @inline ratio(k: u32): f64 {
    const fk = <f64>k;
    const left = <f64>this.trials - fk;
    return (left * (fk + this.a)) / ((fk + 1) * (left - 1 + this.b));
  }

  /** C(k) from the mass summed below k. */
  @inline cumulative(below: f64, k: u32): u32 {
    if (k > this.trials) return <u32>(<u64>1 << this.precision);
    const s = below < 1 ? below : 1; // also maps a NaN from absurd parameters to 1
    return <u32>Math.floor(s * this.spare()) + k;
  }

  /** Maps a walking-orientation interval back to the caller's orientation. */
  @inline orient(interval: u64): u64 {
    if (!this.mirrored) return interval;
    const freq = interval & 0xffffffff;
    const end = (interval >> 32) + freq;
    return (((<u64>1 << this.precision) - end) << 32) | freq;
  }

  @inline get hasParameters(): bool { return true; }
  @inline paramsValid(i: u32): bool {
    const a = load<f32>(this.alphas + (<usize>i << 2));
    const b = load<f32>(this.betas + (<usize>i << 2));
    return a > 0 && a < f32.POSITIVE_INFINITY && b > 0 && b < f32.POSITIVE_INFINITY;
  }
  @inline symbolValid(i: u32, symbol: u32): bool { return symbol <= this.trials; }

  @inline interval(i: u32, symbol: u32): u64 {
    this.begin(i);
    const k = this.mirrored ? this.trials - symbol : symbol;
    let mass = this.firstMass;
    let below: f64 = 0;
    for (let j: u32 = 0; j < k; j++) {
      below += mass;
      mass *= this.ratio(j);
    }
    const start = this.cumulative(below, k);
    below += mass;
    return this.orient((<u64>start << 32) | (this.cumulative(below, k + 1) - start));
  }

  @inline locate(i: u32, cf: u32): u64 {
    this.begin(i);
    // In walking orientation the target is cf, or its mirror image when the walk runs downwards.
    const target = this.mirrored ? (<u32>(<u64>1 << this.precision) - 1 - cf) : cf;
    let mass = this.firstMass;
    let below: f64 = 0;
    let before: f64 = 0;
    const spare = this.spare();
    let k: u32 = 0;
    for (; k < this.trials; k++) {
      before = below;
      below += mass;
      // C(k + 1) > target, i.e. floor(s * spare) + k + 1 > target, is s * spare >= target - k for
      // an integer target: the same test without converting to an integer on every step.
      const s = below < 1 ? below : 1;
      if (s * spare >= <f64>target - <f64>k) break;
      mass *= this.ratio(k);
    }
    // Stopped at k, or ran to the last symbol (its mass below is all of it, and its interval
    // always ends at 2^precision).
    if (k == this.trials) before = below;
    const start = this.cumulative(before, k);
    const end = k == this.trials ? <u32>(<u64>1 << this.precision) : this.cumulative(below, k + 1);
    this.found = this.mirrored ? this.trials - k : k;
    return this.orient((<u64>start << 32) | (end - start));
  }
}
