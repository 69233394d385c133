// The latent side of BB-ANS: N(0, 1) cut into 2^binsLog2 bins of equal prior mass (so the prior over
// bin indices is uniform), and a diagonal Gaussian posterior N(mu, sigma) discretised over the same
// bins. Bin edges are Phi^-1(i / 2^k); the network sees bin centres Phi^-1((i + 0.5) / 2^k).

import { ndtr, ndtri } from '../math';

export const MAX_BINS_LOG2: u32 = 16;

// One lazily built f64[2^k + 1] edge table per k, cached for the module's life.
const edgeTables = memory.data(<i32>(MAX_BINS_LOG2 + 1) << 2);

export function binEdges(binsLog2: u32): usize {
  const slot = edgeTables + (<usize>binsLog2 << 2);
  let edges = load<usize>(slot);
  if (!edges) {
    const bins = <u32>1 << binsLog2;
    edges = heap.alloc((<usize>bins + 1) << 3);
    const width = 1.0 / <f64>bins;
    for (let i: u32 = 0; i <= bins; i++) store<f64>(edges + (<usize>i << 3), ndtri(<f64>i * width));
    store<usize>(slot, edges);
  }
  return edges;
}

/** Bin centres for an array of bin indices (the decoder network's input), as f32. */
export function gaussian_bin_centres(binsLog2: u32, indices: usize, n: u32, out: usize): void {
  assert(binsLog2 >= 1 && binsLog2 <= MAX_BINS_LOG2, 'binsLog2 out of range');
  const bins = <u32>1 << binsLog2;
  const width = 1.0 / <f64>bins;
  for (let i: u32 = 0; i < n; i++) {
    const bin = load<u32>(indices + (<usize>i << 2));
    assert(bin < bins, 'bin index out of range');
    store<f32>(out + (<usize>i << 2), <f32>ndtri((<f64>bin + 0.5) * width));
  }
}

/** Index of the bin holding each value: the number of finite edges at or below it. */
export function gaussian_bin_of(binsLog2: u32, values: usize, n: u32, out: usize): void {
  assert(binsLog2 >= 1 && binsLog2 <= MAX_BINS_LOG2, 'binsLog2 out of range');
  const edges = binEdges(binsLog2);
  const bins = <u32>1 << binsLog2;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<f64>(values + (<usize>i << 3));
    assert(!isNaN(x), 'NaN has no bin');
    let lo: u32 = 0;
    let hi = bins;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (load<f64>(edges + (<usize>mid << 3)) <= x) lo = mid;
      else hi = mid;
    }
    store<u32>(out + (<usize>i << 2), lo);
  }
}

@final
export class GaussianPosterior {
  precision: u32 = 0;
  found: u32 = 0;
  binsLog2: u32 = 0;
  means: usize = 0; // f32[n]
  scales: usize = 0; // f32[n], sigma > 0
  edges: usize = 0;

  use(binsLog2: u32, means: usize, scales: usize, precision: u32): GaussianPosterior {
    this.binsLog2 = binsLog2;
    this.means = means;
    this.scales = scales;
    this.precision = precision;
    this.edges = binEdges(binsLog2);
    return this;
  }

  /** floor(Phi((edge - mu) / sigma) (2^p - bins)) + bin: monotone in bin since ndtr is. */
  @inline cdfAt(mu: f64, sigma: f64, bin: u32): u32 {
    const bins = <u32>1 << this.binsLog2;
    if (bin == 0) return 0;
    if (bin >= bins) return <u32>(<u64>1 << this.precision);
    const mass = ndtr((load<f64>(this.edges + (<usize>bin << 3)) - mu) / sigma);
    const spare = <f64>((<u64>1 << this.precision) - bins);
    return <u32>Math.floor(mass * spare) + bin;
  }

  @inline get hasParameters(): bool { return true; }
  @inline paramsValid(i: u32): bool {
    const mu = load<f32>(this.means + (<usize>i << 2));
    const sigma = load<f32>(this.scales + (<usize>i << 2));
    return Math.abs(mu) < f32.POSITIVE_INFINITY && sigma > 0 && sigma < f32.POSITIVE_INFINITY;
  }
  @inline symbolValid(i: u32, symbol: u32): bool { return symbol < (<u32>1 << this.binsLog2); }

  @inline interval(i: u32, symbol: u32): u64 {
    const mu = <f64>load<f32>(this.means + (<usize>i << 2));
    const sigma = <f64>load<f32>(this.scales + (<usize>i << 2));
    const start = this.cdfAt(mu, sigma, symbol);
    return (<u64>start << 32) | (this.cdfAt(mu, sigma, symbol + 1) - start);
  }

  /** The bin holding value x: the number of finite edges at or below it (comparisons only). */
  @inline binOfValue(x: f64): u32 {
    let lo: u32 = 0;
    let hi = <u32>1 << this.binsLog2;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (load<f64>(this.edges + (<usize>mid << 3)) <= x) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  @inline locate(i: u32, cf: u32): u64 {
    const mu = <f64>load<f32>(this.means + (<usize>i << 2));
    const sigma = <f64>load<f32>(this.scales + (<usize>i << 2));
    // Guess the bin from the continuous quantile and check it with two CDF evaluations; a miss
    // (the floors and the freq >= 1 of tail bins move the quantised table off the continuous one)
    // falls back to the binary search, narrowed by what the check learned.
    const bins = <u32>1 << this.binsLog2;
    const total = <f64>(<u64>1 << this.precision);
    const guess = this.binOfValue(mu + sigma * ndtri((<f64>cf + 0.5) / total));
    let lo: u32 = 0;
    let hi = bins;
    let start: u32 = 0;
    let end = <u32>(<u64>1 << this.precision);
    const guessStart = this.cdfAt(mu, sigma, guess);
    if (guessStart <= cf) {
      lo = guess;
      start = guessStart;
      const guessEnd = this.cdfAt(mu, sigma, guess + 1);
      if (guessEnd > cf) {
        this.found = guess;
        return (<u64>guessStart << 32) | (guessEnd - guessStart);
      }
      lo = guess + 1;
      start = guessEnd;
    } else {
      hi = guess;
      end = guessStart;
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const c = this.cdfAt(mu, sigma, mid);
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
