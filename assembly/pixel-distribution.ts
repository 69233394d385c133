// The distribution of one pixel of one lane, from the pixel network's raw outputs: a Bernoulli
// (binary images) or a discretised logistic mixture, quantised to 2^precision with every value's
// frequency at least 1. Computed in f64 with AssemblyScript's own exp and log, so every engine gets
// the same bits. Each likelihood is known here once: how many outputs it reads (pixelOutputs), how
// it reads them, its intervals, its pop search and its log-probabilities.

/** The likelihood kinds (src/autoregressive.ts: KIND); anything but Bernoulli is the logistic mixture. */
const KIND_BERNOULLI: u32 = 0;
export const MAX_COMPONENTS: u32 = 16;
/** Log scales are clipped to this range, as in training (src/model/logistic-mixture.ts). */
const LOG_SCALE_MIN: f64 = -7;
const LOG_SCALE_MAX: f64 = 3;
/**
 * Sigmoid arguments are rounded to multiples of 2^-20 before exp: between two grid points exp
 * changes by a factor of at least 1 + 2^-20, far more than its rounding error, so the mixture CDF
 * computed on the grid is monotone in x, which the quantisation needs. Its effect on the
 * probabilities is below 1e-6 relative.
 */
const GRID: f64 = 1048576;
/** Below this, a probability from the gridded CDF has lost its digits (see mixtureLog2Probability). */
const TINY_PROBABILITY: f64 = 9.313225746154785e-10; // 2^-30
const ARGUMENT_LIMIT: f64 = 700;

/**
 * The network outputs a pixel of `kind` reads, in this order: one Bernoulli logit, or K mixture
 * logits, K means and K log scales (units of maxValue). TypeScript's twin: src/autoregressive.ts,
 * pixelOutputGroups.
 */
export function pixelOutputs(kind: u32, components: u32): u32 {
  return kind == KIND_BERNOULLI ? 1 : 3 * components;
}

@inline
function gridded(t: f64): f64 {
  const c = t < -ARGUMENT_LIMIT ? -ARGUMENT_LIMIT : t > ARGUMENT_LIMIT ? ARGUMENT_LIMIT : t;
  return Math.round(c * GRID) / GRID;
}

@inline
function sigmoid(t: f64): f64 {
  return 1 / (1 + Math.exp(-gridded(t)));
}

/** ln(1 + e^t) without overflow. */
@inline
function softplus(t: f64): f64 {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** The address of element k of an f64 array. */
@inline
function slot(array: usize, k: u32): usize {
  return array + (<usize>k << 3);
}

/**
 * One pixel's distribution for one lane, set anew for each (the state a walk over the pixels
 * allocates once: pixelDistribution, freePixelDistribution).
 */
@unmanaged
export class PixelDistribution {
  /** KIND_BERNOULLI, or the logistic mixture. */
  kind: u32;
  components: u32;
  /** With a predictive context: the mixture's first components, placed by the output transform; the rest are absolute. */
  relative: u32;
  total: u64;
  maxValue: u32;
  spare: f64;
  inverseMax: f64;
  // Mixture: weights, means and inverse scales per component (f64[MAX_COMPONENTS] each).
  weights: usize;
  means: usize;
  inverseScales: usize;
  /** Scratch for mixtureLog2Probability: one log term per component (f64[MAX_COMPONENTS]). */
  terms: usize;
  dominant: u32;
  /** The symbol the last locate() found. */
  found: u32;
  // Bernoulli: the probability of 1, and the mass of 0 out of 2^precision.
  one: f64;
  zeros: u64;

  /** Whether the lane's outputs (stride apart) are all finite: a NaN or infinite one stops the coding. */
  @inline finite(outputs: usize, stride: usize): bool {
    const count = pixelOutputs(this.kind, this.components);
    for (let j: u32 = 0; j < count; j++) if (!isFinite(load<f32>(outputs + <usize>j * stride))) return false;
    return true;
  }

  /** Sets the distribution from the lane's finite outputs (stride apart) and its output transform (0: none). */
  @inline set(outputs: usize, stride: usize, transform: usize): void {
    if (this.kind == KIND_BERNOULLI) this.setBernoulli(<f64>load<f32>(outputs));
    else this.setMixture(outputs, stride, transform);
  }

  /** (start << 32) | freq of symbol x. */
  @inline interval(x: u32): u64 {
    return this.kind == KIND_BERNOULLI ? this.bernoulliInterval(x) : this.mixtureInterval(x);
  }

  /** The interval of the symbol whose interval holds cf, that symbol left in `found`. */
  @inline locate(cf: u64): u64 {
    if (this.kind != KIND_BERNOULLI) return this.mixtureLocate(cf);
    this.found = <u32>(cf >= this.zeros);
    return this.bernoulliInterval(this.found);
  }

  /** log2 P(x) before quantisation. */
  @inline log2Probability(x: u32): f64 {
    return this.kind == KIND_BERNOULLI ? Math.log2(x ? this.one : 1 - this.one) : this.mixtureLog2Probability(x);
  }

  /**
   * Reads the lane's outputs (stride apart, all finite); with a predictive context's `transform`
   * (base, scale, log scale; 0 for none) the first `relative` components' means are base + scale *
   * output and their log scales log scale + output, the others' the outputs as they are.
   */
  setMixture(outputs: usize, stride: usize, transform: usize): void {
    const components = this.components;
    const relative = this.relative;
    const base: f64 = transform ? <f64>load<f32>(transform) : 0;
    const scale: f64 = transform ? <f64>load<f32>(transform, 4) : 1;
    const logScaleShift: f64 = transform ? <f64>load<f32>(transform, 8) : 0;
    let largest: f64 = -Infinity;
    for (let k: u32 = 0; k < components; k++) {
      const logit = <f64>load<f32>(outputs + <usize>k * stride);
      const mean = <f64>load<f32>(outputs + <usize>(components + k) * stride);
      const rawLogScale = <f64>load<f32>(outputs + <usize>(2 * components + k) * stride);
      const placed = k < relative;
      const logScale = placed ? rawLogScale + logScaleShift : rawLogScale;
      store<f64>(slot(this.weights, k), logit);
      store<f64>(slot(this.means, k), placed ? base + scale * mean : mean);
      const clipped = logScale < LOG_SCALE_MIN ? LOG_SCALE_MIN : logScale > LOG_SCALE_MAX ? LOG_SCALE_MAX : logScale;
      store<f64>(slot(this.inverseScales, k), Math.exp(-clipped));
      if (logit > largest) {
        largest = logit;
        this.dominant = k;
      }
    }
    let sum: f64 = 0;
    for (let k: u32 = 0; k < components; k++) {
      const e = Math.exp(load<f64>(slot(this.weights, k)) - largest);
      store<f64>(slot(this.weights, k), e);
      sum += e;
    }
    for (let k: u32 = 0; k < components; k++) store<f64>(slot(this.weights, k), load<f64>(slot(this.weights, k)) / sum);
  }

  /** F(x) = P(X <= x) for x < maxValue, monotone in x (see GRID). */
  @inline cdf(x: u32): f64 {
    const edge = (<f64>x + 0.5) * this.inverseMax;
    let f: f64 = 0;
    for (let k: u32 = 0; k < this.components; k++) {
      f += load<f64>(slot(this.weights, k)) * sigmoid((edge - load<f64>(slot(this.means, k))) * load<f64>(slot(this.inverseScales, k)));
    }
    return f < 1 ? f : 1;
  }

  /** C(x): the start of symbol x's interval, x in 0 .. maxValue + 1. */
  @inline start(x: u32): u64 {
    if (x == 0) return 0;
    if (x > this.maxValue) return this.total;
    return <u64>Math.floor(this.cdf(x - 1) * this.spare) + x;
  }

  @inline mixtureInterval(x: u32): u64 {
    const start = this.start(x);
    return (start << 32) | (this.start(x + 1) - start);
  }

  /**
   * The interval (start << 32 | freq) of the symbol whose interval holds cf, that symbol left in
   * `found`: a guess from the dominant component's inverse CDF, then a bracketing search that
   * keeps start(lo) <= cf < start(hi) and remembers both ends, so a good guess costs two CDF
   * evaluations, as many as a push.
   */
  mixtureLocate(cf: u64): u64 {
    const k = this.dominant;
    const u = (<f64>cf + 0.5) / <f64>this.total;
    const guess = (load<f64>(slot(this.means, k)) + Math.log(u / (1 - u)) / load<f64>(slot(this.inverseScales, k))) * <f64>this.maxValue;
    const x: u32 = guess <= 0 ? 0 : guess >= <f64>this.maxValue ? this.maxValue : <u32>Math.round(guess);
    let lo: u32 = 0;
    let hi: u32 = this.maxValue + 1;
    let startLo: u64 = 0;
    let startHi: u64 = this.total;
    let step: u32 = 1;
    const atGuess = this.start(x);
    if (atGuess <= cf) {
      lo = x;
      startLo = atGuess;
      while (lo + step < hi) {
        const next = lo + step;
        const at = this.start(next);
        if (at > cf) {
          hi = next;
          startHi = at;
          break;
        }
        lo = next;
        startLo = at;
        step <<= 1;
      }
    } else {
      hi = x;
      startHi = atGuess;
      while (hi - lo > step) {
        const next = hi - step;
        const at = this.start(next);
        if (at <= cf) {
          lo = next;
          startLo = at;
          break;
        }
        hi = next;
        startHi = at;
        step <<= 1;
      }
    }
    while (hi - lo > 1) {
      const mid = lo + ((hi - lo) >> 1);
      const at = this.start(mid);
      if (at <= cf) {
        lo = mid;
        startLo = at;
      } else {
        hi = mid;
        startHi = at;
      }
    }
    this.found = lo;
    return (startLo << 32) | (startHi - startLo);
  }

  /** 1 - F(x) for x < maxValue, summed from the upper tails so that it keeps its digits where F is near 1. */
  survival(x: u32): f64 {
    const edge = (<f64>x + 0.5) * this.inverseMax;
    let s: f64 = 0;
    for (let k: u32 = 0; k < this.components; k++) {
      s += load<f64>(slot(this.weights, k)) * sigmoid((load<f64>(slot(this.means, k)) - edge) * load<f64>(slot(this.inverseScales, k)));
    }
    return s;
  }

  /**
   * log2 P(x) before quantisation, for checking the codec against training's log-likelihood: the
   * CDF the quantiser uses (from below under the median, from the survival function above it), and
   * where that leaves under 2^-30, whose digits the clamped and gridded arguments lose, the
   * log-space form training computes (src/model/logistic-mixture.ts).
   */
  mixtureLog2Probability(x: u32): f64 {
    const below = x == 0 ? 0 : this.cdf(x - 1);
    const p = below < 0.5 ? (x >= this.maxValue ? 1 : this.cdf(x)) - below : this.survival(x - 1) - (x >= this.maxValue ? 0 : this.survival(x));
    if (p > TINY_PROBABILITY) return Math.log2(p);
    const upper = (<f64>x + 0.5) * this.inverseMax;
    const lower = (<f64>x - 0.5) * this.inverseMax;
    let largest: f64 = -Infinity;
    for (let k: u32 = 0; k < this.components; k++) {
      const term = this.componentLogProbability(k, x, upper, lower);
      store<f64>(slot(this.terms, k), term);
      largest = max<f64>(largest, term);
    }
    if (largest == -Infinity) return -Infinity;
    let sum: f64 = 0;
    for (let k: u32 = 0; k < this.components; k++) sum += Math.exp(load<f64>(slot(this.terms, k)) - largest);
    return (largest + Math.log(sum)) / Math.LN2;
  }

  /** ln(weight_k P_k(x)) for component k, the bin's edges (units of maxValue) given. */
  @inline componentLogProbability(k: u32, x: u32, upper: f64, lower: f64): f64 {
    const mean = load<f64>(slot(this.means, k));
    const inverseScale = load<f64>(slot(this.inverseScales, k));
    const logWeight = Math.log(load<f64>(slot(this.weights, k)));
    const a = (upper - mean) * inverseScale;
    const b = (lower - mean) * inverseScale;
    if (x == 0) return logWeight - softplus(-a);
    if (x >= this.maxValue) return logWeight - softplus(b);
    return logWeight - softplus(-a) - softplus(b) + Math.log(-Math.expm1(-inverseScale * this.inverseMax));
  }

  /** The probability of 1 from the lane's logit, and the mass of 0 out of 2^precision, kept in [1, 2^precision - 1]. */
  setBernoulli(logit: f64): void {
    this.one = sigmoid(logit);
    const ones = min<f64>(max<f64>(Math.floor(this.one * <f64>this.total + 0.5), 1), <f64>this.total - 1);
    this.zeros = this.total - <u64>ones;
  }

  @inline bernoulliInterval(x: u32): u64 {
    return x ? (this.zeros << 32) | (this.total - this.zeros) : this.zeros;
  }
}

/** The distribution a walk sets for each pixel and lane, with room for every component (one allocation). */
export function pixelDistribution(kind: u32, components: u32, relative: u32, maxValue: u32, precision: u32): PixelDistribution {
  const arrays = <usize>MAX_COMPONENTS << 3;
  const d = changetype<PixelDistribution>(heap.alloc(offsetof<PixelDistribution>() + 4 * arrays));
  d.kind = kind;
  d.components = components;
  d.relative = relative;
  d.total = <u64>1 << precision;
  d.maxValue = maxValue;
  d.spare = <f64>((<u64>1 << precision) - maxValue - 1);
  d.inverseMax = 1.0 / <f64>maxValue;
  d.weights = changetype<usize>(d) + offsetof<PixelDistribution>();
  d.means = d.weights + arrays;
  d.inverseScales = d.means + arrays;
  d.terms = d.inverseScales + arrays;
  d.dominant = 0;
  d.found = 0;
  d.one = 0;
  d.zeros = 0;
  return d;
}

export function freePixelDistribution(d: PixelDistribution): void {
  heap.free(changetype<usize>(d));
}
