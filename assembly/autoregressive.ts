// The local autoregressive pixel likelihood, fused with the coder: one call walks the pixels of a
// batch of images (one image per lane) in raster order, and for each pixel evaluates the pixel
// network for all lanes at once (f32x4 SIMD across lanes), turns its outputs into the pixel's
// quantised distribution (f64, our own exp) and pushes or pops the symbol.
//
// Order: push walks the pixels backwards (t = P-1 .. 0, lanes 0 .. L-1), so pop, walking forwards
// (t = 0 .. P-1, lanes L-1 .. 0), decodes in raster order and has every neighbour of pixel t before
// it needs them. Both directions run the same arithmetic on the same inputs, so they agree to the
// bit; the per-lane result does not depend on how many lanes there are (each lane's sums run in the
// same order whatever the lane grouping).
//
// The network: inputs are the pixel's context (assembly/pixel-context.ts: the window's values, or
// the predictive context's differences from a classical prediction) then the decoder features (per
// pixel, or one vector per image shared by all its pixels); dense layers with relu; the last layer
// (no relu) gives the pixel's raw parameters: one Bernoulli logit, or K mixture logits, K means
// and K log scales (units of maxValue; a predictive context's means are offsets from its base
// prediction). Weights are stored per layer as [out][in] then the bias [out].

import { HEAD_MIN, Message, implicitWord, reserveTail } from './message';
import { EXHAUSTED } from './coder';
import { CONTEXT_PREDICTIVE, ContextLayout, TRANSFORM_VALUES, contextWidth, predictiveContexts } from './pixel-context';

/** The likelihood kinds (src/autoregressive.ts: KIND); anything but Bernoulli is the logistic mixture. */
export const KIND_BERNOULLI: u32 = 0;
const MAX_LAYERS: u32 = 8;
const MAX_COMPONENTS: u32 = 16;
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

@unmanaged
export class PixelModel {
  kind: u32;
  components: u32;
  height: u32;
  width: u32;
  maxValue: u32;
  /** CONTEXT_WINDOW or CONTEXT_PREDICTIVE (assembly/pixel-context.ts). */
  context: u32;
  neighbours: u32;
  features: u32;
  /** Whether the features are one vector per image ([lanes][feature]) rather than per pixel ([lanes][pixel][feature]). */
  sharedFeatures: bool;
  /** With a predictive context: the mixture's first components, placed by the output transform; the rest are absolute. */
  relativeComponents: u32;
  /** With a predictive context: its difference limit (0: none; see assembly/pixel-context.ts). */
  differenceLimit: f64;
  layers: u32;
  /** Units of each layer boundary: sizes[0] = inputs, sizes[layers] = outputs (u32[layers + 1]). */
  sizes: usize;
  /** Neighbour offsets as (dy, dx) i32 pairs. */
  offsets: usize;
  weights: usize;
  widest: u32;
  /** Scratch for dense(): the indices of a block's nonzero inputs (u32[widest]). */
  active: usize;
  /**
   * The same weights per layer as [in][out] then the bias [out], outputs padded with zeros to a
   * multiple of 16: denseLanes() reads four outputs' weights of one input with one load.
   */
  transposed: usize;
}

/** Units rounded up to whole chunks of four f32x4 vectors (what denseLanes() takes at a time). */
@inline
function padded(units: u32): u32 {
  return (units + 15) & ~15;
}

/** Copies the description and weights; the caller has checked that the sizes agree. */
export function pixel_model_create(
  kind: u32, components: u32, height: u32, width: u32, maxValue: u32, context: u32,
  offsets: usize, neighbours: u32, features: u32, sharedFeatures: bool, relativeComponents: u32, differenceLimit: f64, sizes: usize, layers: u32, weights: usize, weightCount: u32,
): PixelModel {
  assert(layers >= 1 && layers <= MAX_LAYERS, 'pixel model: layer count out of range');
  assert(components >= 1 && components <= MAX_COMPONENTS, 'pixel model: component count out of range');
  assert(relativeComponents <= components, 'pixel model: more relative components than components');
  const m = changetype<PixelModel>(heap.alloc(offsetof<PixelModel>()));
  m.kind = kind;
  m.components = components;
  m.height = height;
  m.width = width;
  m.maxValue = maxValue;
  m.context = context;
  m.neighbours = neighbours;
  m.features = features;
  m.sharedFeatures = sharedFeatures;
  m.relativeComponents = relativeComponents;
  m.differenceLimit = differenceLimit;
  m.layers = layers;
  m.sizes = heap.alloc((<usize>layers + 1) << 2);
  memory.copy(m.sizes, sizes, (<usize>layers + 1) << 2);
  m.offsets = heap.alloc(max<usize>(<usize>neighbours << 3, 8));
  memory.copy(m.offsets, offsets, <usize>neighbours << 3);
  m.weights = heap.alloc(<usize>weightCount << 2);
  memory.copy(m.weights, weights, <usize>weightCount << 2);
  let widest: u32 = 0;
  let expected: u64 = 0;
  for (let l: u32 = 0; l <= layers; l++) {
    const units = load<u32>(m.sizes + (<usize>l << 2));
    widest = max<u32>(widest, units);
    if (l > 0) expected += <u64>units * (load<u32>(m.sizes + (<usize>(l - 1) << 2)) + 1);
  }
  assert(load<u32>(m.sizes) == contextWidth(context, neighbours) + features, 'pixel model: input size is not the context + features');
  const outputs = load<u32>(m.sizes + (<usize>layers << 2));
  assert(outputs == (kind == KIND_BERNOULLI ? 1 : 3 * components), 'pixel model: output size does not fit the likelihood');
  assert(expected == <u64>weightCount, 'pixel model: weight count does not match the layer sizes');
  m.widest = widest;
  m.active = heap.alloc(<usize>widest << 2);
  m.transposed = transposeLayers(m);
  return m;
}

function transposeLayers(m: PixelModel): usize {
  let size: usize = 0;
  for (let l: u32 = 0; l < m.layers; l++) {
    size += <usize>(load<u32>(m.sizes + (<usize>l << 2)) + 1) * padded(load<u32>(m.sizes + (<usize>(l + 1) << 2)));
  }
  const out = heap.alloc(size << 2);
  memory.fill(out, 0, size << 2);
  let w = m.weights;
  let t = out;
  for (let l: u32 = 0; l < m.layers; l++) {
    const inputs = load<u32>(m.sizes + (<usize>l << 2));
    const outputs = load<u32>(m.sizes + (<usize>(l + 1) << 2));
    const width = <usize>padded(outputs);
    for (let j: u32 = 0; j < outputs; j++) {
      for (let i: u32 = 0; i <= inputs; i++) {
        // i == inputs is the bias, stored after the kernel in both layouts.
        const from = i < inputs ? w + ((<usize>j * inputs + i) << 2) : w + ((<usize>outputs * inputs + j) << 2);
        store<f32>(t + ((<usize>i * width + j) << 2), load<f32>(from));
      }
    }
    w += (<usize>outputs * (inputs + 1)) << 2;
    t += (<usize>(inputs + 1) * width) << 2;
  }
  return out;
}

export function pixel_model_free(m: PixelModel): void {
  heap.free(m.sizes);
  heap.free(m.offsets);
  heap.free(m.weights);
  heap.free(m.active);
  heap.free(m.transposed);
  heap.free(changetype<usize>(m));
}

// ---- the network, all lanes at once ------------------------------------------------------------

/**
 * out[j][lane] = act(b[j] + sum_i w[j][i] in[i][lane]) for `lanes` lanes (arrays [units][groups * 4],
 * groups = lanes / 4 rounded up); the sum runs over i = 0, 1, ... for every lane, however the
 * lanes are blocked. Inputs that are zero in every lane of a block are skipped: w * 0 is a zero,
 * and adding a zero changes a sum at most from -0 to +0, which nothing downstream can tell apart
 * (relu maps both to +0; exp, the CDF and comparisons treat them alike), so skipping gives the
 * same bits while background pixels, whose neighbours are all zero, cost less. `active` holds the
 * indices of the inputs a block uses. Blocks of 16 lanes go two outputs by four groups at a time,
 * sharing each input load; the lanes left over go two at a time (denseLanes).
 */
function dense(input: usize, inputs: u32, w: usize, transposed: usize, outputs: u32, output: usize, lanes: u32, relu: bool, active: usize): void {
  const groups = (lanes + 3) >> 2;
  const stride = <usize>groups << 4;
  const bias = w + (<usize>outputs * inputs << 2);
  let g: u32 = 0;
  for (; (g + 4) << 2 <= lanes; g += 4) {
    const block = input + (<usize>g << 4);
    const used = activeInputs(block, inputs, stride, 4, active);
    let j: u32 = 0;
    for (; j + 2 <= outputs; j += 2) {
      const row0 = w + (<usize>j * inputs << 2);
      const row1 = row0 + (<usize>inputs << 2);
      let a0 = v128.load32_splat(bias + (<usize>j << 2));
      let c0 = v128.load32_splat(bias + (<usize>j << 2), 4);
      let a1 = a0, a2 = a0, a3 = a0;
      let c1 = c0, c2 = c0, c3 = c0;
      for (let k: u32 = 0; k < used; k++) {
        const i = load<u32>(active + (<usize>k << 2));
        const w0 = v128.load32_splat(row0 + (<usize>i << 2));
        const w1 = v128.load32_splat(row1 + (<usize>i << 2));
        const x = block + <usize>i * stride;
        const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
        a0 = f32x4.add(a0, f32x4.mul(w0, x0)); a1 = f32x4.add(a1, f32x4.mul(w0, x1));
        a2 = f32x4.add(a2, f32x4.mul(w0, x2)); a3 = f32x4.add(a3, f32x4.mul(w0, x3));
        c0 = f32x4.add(c0, f32x4.mul(w1, x0)); c1 = f32x4.add(c1, f32x4.mul(w1, x1));
        c2 = f32x4.add(c2, f32x4.mul(w1, x2)); c3 = f32x4.add(c3, f32x4.mul(w1, x3));
      }
      const o0 = output + <usize>j * stride + (<usize>g << 4);
      const o1 = o0 + stride;
      v128.store(o0, activate(a0, relu)); v128.store(o0, activate(a1, relu), 16); v128.store(o0, activate(a2, relu), 32); v128.store(o0, activate(a3, relu), 48);
      v128.store(o1, activate(c0, relu)); v128.store(o1, activate(c1, relu), 16); v128.store(o1, activate(c2, relu), 32); v128.store(o1, activate(c3, relu), 48);
    }
    for (; j < outputs; j++) {
      for (let q: u32 = 0; q < 4; q++) {
        const at = <usize>q << 4;
        v128.store(output + <usize>j * stride + (<usize>g << 4) + at, activate(dotGroup(block + at, stride, w + (<usize>j * inputs << 2), bias + (<usize>j << 2), used, active), relu));
      }
    }
  }
  let lane = g << 2;
  for (; lane + 2 <= lanes; lane += 2) denseLanes(input, inputs, transposed, outputs, output, stride, lane, 2, relu, active);
  if (lane < lanes) denseLanes(input, inputs, transposed, outputs, output, stride, lane, 1, relu, active);
}

/**
 * dense() for one or two lanes, sixteen outputs of each at a time, four per f32x4: fewer than 16
 * lanes would leave most of a block's vector slots empty. Two lanes share each weight load, and
 * their eight sums keep the CPU's adders busy. Each output's sum is the same b + w x over the same
 * inputs in the same order (the lanes' nonzero inputs; a block may add more zeros), so the bits
 * agree with the block path.
 */
function denseLanes(input: usize, inputs: u32, transposed: usize, outputs: u32, output: usize, stride: usize, lane: u32, count: u32, relu: bool, active: usize): void {
  const at = <usize>lane << 2;
  const other = count == 2 ? at + 4 : at;
  let used: u32 = 0;
  for (let i: u32 = 0; i < inputs; i++) {
    // Branch-free: whether a relu output is zero is a coin toss a branch would mispredict. NaN != 0
    // holds too: a NaN input must reach the outputs.
    const x = input + <usize>i * stride;
    store<u32>(active + (<usize>used << 2), i);
    used += <u32>(load<f32>(x + at) != 0) | <u32>(load<f32>(x + other) != 0);
  }
  const row = <usize>padded(outputs) << 2;
  const bias = transposed + <usize>inputs * row;
  for (let first: u32 = 0; first < outputs; first += 16) {
    const column = <usize>first << 2;
    let a0 = v128.load(bias + column), a1 = v128.load(bias + column, 16), a2 = v128.load(bias + column, 32), a3 = v128.load(bias + column, 48);
    let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
    for (let k: u32 = 0; k < used; k++) {
      const i = load<u32>(active + (<usize>k << 2));
      const x = input + <usize>i * stride;
      const xa = v128.load32_splat(x + at);
      const xb = v128.load32_splat(x + other);
      const weights = transposed + <usize>i * row + column;
      const w0 = v128.load(weights), w1 = v128.load(weights, 16), w2 = v128.load(weights, 32), w3 = v128.load(weights, 48);
      a0 = f32x4.add(a0, f32x4.mul(w0, xa)); a1 = f32x4.add(a1, f32x4.mul(w1, xa));
      a2 = f32x4.add(a2, f32x4.mul(w2, xa)); a3 = f32x4.add(a3, f32x4.mul(w3, xa));
      b0 = f32x4.add(b0, f32x4.mul(w0, xb)); b1 = f32x4.add(b1, f32x4.mul(w1, xb));
      b2 = f32x4.add(b2, f32x4.mul(w2, xb)); b3 = f32x4.add(b3, f32x4.mul(w3, xb));
    }
    storeOutputs(activate(a0, relu), first, outputs, output, stride, at);
    storeOutputs(activate(a1, relu), first + 4, outputs, output, stride, at);
    storeOutputs(activate(a2, relu), first + 8, outputs, output, stride, at);
    storeOutputs(activate(a3, relu), first + 12, outputs, output, stride, at);
    if (count == 2) {
      storeOutputs(activate(b0, relu), first, outputs, output, stride, other);
      storeOutputs(activate(b1, relu), first + 4, outputs, output, stride, other);
      storeOutputs(activate(b2, relu), first + 8, outputs, output, stride, other);
      storeOutputs(activate(b3, relu), first + 12, outputs, output, stride, other);
    }
  }
}

/** Stores outputs first .. first + 3 of one lane (those below `outputs`) into the [units][lanes] layout. */
@inline
function storeOutputs(a: v128, first: u32, outputs: u32, output: usize, stride: usize, at: usize): void {
  const to = output + <usize>first * stride + at;
  if (first >= outputs) return;
  store<f32>(to, f32x4.extract_lane(a, 0));
  if (first + 1 < outputs) store<f32>(to + stride, f32x4.extract_lane(a, 1));
  if (first + 2 < outputs) store<f32>(to + 2 * stride, f32x4.extract_lane(a, 2));
  if (first + 3 < outputs) store<f32>(to + 3 * stride, f32x4.extract_lane(a, 3));
}

/** Writes to `active` the inputs that are nonzero (or NaN) in some lane of `vectors` groups; returns how many. */
@inline
function activeInputs(block: usize, inputs: u32, stride: usize, vectors: u32, active: usize): u32 {
  let used: u32 = 0;
  const zero = f32x4.splat(0);
  for (let i: u32 = 0; i < inputs; i++) {
    const x = block + <usize>i * stride;
    let nonzero = f32x4.ne(v128.load(x), zero);
    for (let q: u32 = 1; q < vectors; q++) nonzero = v128.or(nonzero, f32x4.ne(v128.load(x + (<usize>q << 4)), zero));
    store<u32>(active + (<usize>used << 2), i);
    used += <u32>v128.any_true(nonzero);
  }
  return used;
}

/** b + sum over the active inputs i of row[i] x[i], for one group of 4 lanes. */
@inline
function dotGroup(x: usize, stride: usize, row: usize, bias: usize, used: u32, active: usize): v128 {
  let a = v128.load32_splat(bias);
  for (let k: u32 = 0; k < used; k++) {
    const i = load<u32>(active + (<usize>k << 2));
    a = f32x4.add(a, f32x4.mul(v128.load32_splat(row + (<usize>i << 2)), v128.load(x + <usize>i * stride)));
  }
  return a;
}

@inline
function activate(a: v128, relu: bool): v128 {
  return relu ? f32x4.max(a, f32x4.splat(0)) : a;
}

// ---- one pixel's distribution for one lane -----------------------------------------------------

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

/** The distribution of one pixel of one lane, from its raw network outputs. */
@final
class PixelDistribution {
  total: u64 = 0;
  maxValue: u32 = 0;
  spare: f64 = 0;
  inverseMax: f64 = 0;
  components: u32 = 0;
  // Mixture: weights, means and inverse scales per component.
  weights: StaticArray<f64> = new StaticArray<f64>(MAX_COMPONENTS);
  means: StaticArray<f64> = new StaticArray<f64>(MAX_COMPONENTS);
  inverseScales: StaticArray<f64> = new StaticArray<f64>(MAX_COMPONENTS);
  /** Scratch for mixtureLog2Probability: one log term per component. */
  terms: StaticArray<f64> = new StaticArray<f64>(MAX_COMPONENTS);
  dominant: u32 = 0;
  found: u32 = 0;
  // Bernoulli: the probability of 1, and the mass of 0 out of 2^precision.
  one: f64 = 0;
  zeros: u64 = 0;

  /**
   * Reads the lane's outputs (stride apart); with a predictive context's `transform` (base, scale,
   * log scale; 0 for none) the first `relative` components' means are base + scale * output and
   * their log scales log scale + output, the others' the outputs as they are. False when any output
   * is NaN or infinite.
   */
  setMixture(outputs: usize, stride: usize, components: u32, transform: usize, relative: u32): bool {
    const base: f64 = transform ? <f64>load<f32>(transform) : 0;
    const scale: f64 = transform ? <f64>load<f32>(transform, 4) : 1;
    const logScaleShift: f64 = transform ? <f64>load<f32>(transform, 8) : 0;
    this.components = components;
    let largest: f64 = -Infinity;
    for (let k: u32 = 0; k < components; k++) {
      const logit = <f64>load<f32>(outputs + <usize>k * stride);
      const mean = <f64>load<f32>(outputs + <usize>(components + k) * stride);
      const rawLogScale = <f64>load<f32>(outputs + <usize>(2 * components + k) * stride);
      if (!isFinite(logit) || !isFinite(mean) || !isFinite(rawLogScale)) return false;
      const placed = k < relative;
      const logScale = placed ? rawLogScale + logScaleShift : rawLogScale;
      unchecked((this.weights[k] = logit));
      unchecked((this.means[k] = placed ? base + scale * mean : mean));
      const clipped = logScale < LOG_SCALE_MIN ? LOG_SCALE_MIN : logScale > LOG_SCALE_MAX ? LOG_SCALE_MAX : logScale;
      unchecked((this.inverseScales[k] = Math.exp(-clipped)));
      if (logit > largest) {
        largest = logit;
        this.dominant = k;
      }
    }
    let sum: f64 = 0;
    for (let k: u32 = 0; k < components; k++) {
      const e = Math.exp(unchecked(this.weights[k]) - largest);
      unchecked((this.weights[k] = e));
      sum += e;
    }
    for (let k: u32 = 0; k < components; k++) unchecked((this.weights[k] = unchecked(this.weights[k]) / sum));
    return true;
  }

  /** F(x) = P(X <= x) for x < maxValue, monotone in x (see GRID). */
  @inline cdf(x: u32): f64 {
    const edge = (<f64>x + 0.5) * this.inverseMax;
    let f: f64 = 0;
    for (let k: u32 = 0; k < this.components; k++) {
      f += unchecked(this.weights[k]) * sigmoid((edge - unchecked(this.means[k])) * unchecked(this.inverseScales[k]));
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
    const guess = (unchecked(this.means[k]) + Math.log(u / (1 - u)) / unchecked(this.inverseScales[k])) * <f64>this.maxValue;
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
      s += unchecked(this.weights[k]) * sigmoid((unchecked(this.means[k]) - edge) * unchecked(this.inverseScales[k]));
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
      unchecked((this.terms[k] = term));
      largest = max<f64>(largest, term);
    }
    if (largest == -Infinity) return -Infinity;
    let sum: f64 = 0;
    for (let k: u32 = 0; k < this.components; k++) sum += Math.exp(unchecked(this.terms[k]) - largest);
    return (largest + Math.log(sum)) / Math.LN2;
  }

  /** ln(weight_k P_k(x)) for component k, the bin's edges (units of maxValue) given. */
  @inline componentLogProbability(k: u32, x: u32, upper: f64, lower: f64): f64 {
    const mean = unchecked(this.means[k]);
    const inverseScale = unchecked(this.inverseScales[k]);
    const logWeight = Math.log(unchecked(this.weights[k]));
    const a = (upper - mean) * inverseScale;
    const b = (lower - mean) * inverseScale;
    if (x == 0) return logWeight - softplus(-a);
    if (x >= this.maxValue) return logWeight - softplus(b);
    return logWeight - softplus(-a) - softplus(b) + Math.log(-Math.expm1(-inverseScale * this.inverseMax));
  }

  setBernoulli(logit: f64): bool {
    if (!isFinite(logit)) return false;
    this.one = sigmoid(logit);
    const ones = min<f64>(max<f64>(Math.floor(this.one * <f64>this.total + 0.5), 1), <f64>this.total - 1);
    this.zeros = this.total - <u64>ones;
    return true;
  }

  @inline bernoulliInterval(x: u32): u64 {
    return x ? (this.zeros << 32) | (this.total - this.zeros) : this.zeros;
  }
}

const distribution = new PixelDistribution();

// ---- the fused loop ----------------------------------------------------------------------------

const MODE_PUSH: u32 = 0;
const MODE_POP: u32 = 1;
const MODE_INTERVALS: u32 = 2;
const MODE_LOG_PROBABILITIES: u32 = 3;

/**
 * Writes pixel t's network inputs for every lane: its context from `symbols` ([pixel][lanes]),
 * then features ([lanes][pixel][feature] as the decoder network gives them, or [lanes][feature]
 * when shared); a predictive context's output transforms go where `context` says.
 */
function gatherInputs(pm: PixelModel, t: u32, symbols: usize, features: usize, lanes: u32, computed: u32, input: usize, stride: usize, context: ContextLayout): void {
  const y = <i32>(t / pm.width);
  const x = <i32>(t % pm.width);
  const columns = contextWidth(pm.context, pm.neighbours);
  if (pm.context == CONTEXT_PREDICTIVE) {
    context.values = symbols;
    context.inputs = input;
    context.columnStride = stride;
    predictiveContexts(context, pm.height, pm.width, pm.maxValue, pm.offsets, pm.neighbours, y, x);
    for (let j: u32 = 0; j < columns; j++) memory.fill(input + <usize>j * stride + (<usize>lanes << 2), 0, <usize>(computed - lanes) << 2);
  } else {
    gatherWindow(pm, y, x, symbols, lanes, computed, input, stride);
  }
  const laneStride = (<usize>(pm.sharedFeatures ? 1 : pm.height * pm.width) * pm.features) << 2;
  const fromFeatures = pm.sharedFeatures ? features : features + ((<usize>t * pm.features) << 2);
  for (let f: u32 = 0; f < pm.features; f++) {
    const row = input + <usize>(columns + f) * stride;
    let from = fromFeatures + (<usize>f << 2);
    for (let lane: u32 = 0; lane < lanes; lane++) {
      store<f32>(row + (<usize>lane << 2), load<f32>(from));
      from += laneStride;
    }
    memory.fill(row + (<usize>lanes << 2), 0, <usize>(computed - lanes) << 2);
  }
}

/** The window context for every lane: the neighbours' values / maxValue, 0 outside the image. */
function gatherWindow(pm: PixelModel, y: i32, x: i32, symbols: usize, lanes: u32, computed: u32, input: usize, stride: usize): void {
  const scale = <f32>(1.0 / <f64>pm.maxValue);
  for (let j: u32 = 0; j < pm.neighbours; j++) {
    const yy = y + load<i32>(pm.offsets + (<usize>j << 3));
    const xx = x + load<i32>(pm.offsets + (<usize>j << 3), 4);
    const row = input + <usize>j * stride;
    if (yy < 0 || xx < 0 || xx >= <i32>pm.width) {
      memory.fill(row, 0, <usize>computed << 2);
      continue;
    }
    const from = symbols + ((<usize>(<u32>yy * pm.width + <u32>xx) * lanes) << 2);
    for (let lane: u32 = 0; lane < lanes; lane++) store<f32>(row + (<usize>lane << 2), <f32>load<u32>(from + (<usize>lane << 2)) * scale);
    memory.fill(row + (<usize>lanes << 2), 0, <usize>(computed - lanes) << 2);
  }
}

/**
 * The lanes the network is evaluated for: `lanes`, or up to the next whole block of 16 when the
 * lanes past the last block are more than PAD_ABOVE, which the block path, computing padding
 * lanes of zeros too, does faster than that many lanes two at a time (measured: 12 lanes left
 * over). The lanes' own outputs are the same bits either way (see dense).
 */
const PAD_ABOVE: u32 = 8;
function computedLanes(lanes: u32): u32 {
  return (lanes & 15) > PAD_ABOVE ? (lanes + 15) & ~15 : lanes;
}

/** Runs the network for pixel t; returns the address of its outputs ([outputs][groups * 4]). */
function evaluate(pm: PixelModel, scratch: usize, lanes: u32): usize {
  const stride = <usize>((lanes + 3) >> 2) << 4;
  const half = <usize>pm.widest * stride;
  let input = scratch;
  let output = scratch + half;
  let w = pm.weights;
  let transposed = pm.transposed;
  for (let l: u32 = 0; l < pm.layers; l++) {
    const inputs = load<u32>(pm.sizes + (<usize>l << 2));
    const outputs = load<u32>(pm.sizes + (<usize>(l + 1) << 2));
    dense(input, inputs, w, transposed, outputs, output, lanes, l + 1 < pm.layers, pm.active);
    w += (<usize>outputs * (inputs + 1)) << 2;
    transposed += (<usize>(inputs + 1) * padded(outputs)) << 2;
    const swap = input;
    input = output;
    output = swap;
  }
  return input;
}

/** Sets `distribution` for one lane of pixel t; false on a NaN or infinite network output. */
@inline
function setDistribution(pm: PixelModel, outputs: usize, lane: u32, stride: usize, transforms: usize): bool {
  const at = outputs + (<usize>lane << 2);
  if (pm.kind == KIND_BERNOULLI) return distribution.setBernoulli(<f64>load<f32>(at));
  return distribution.setMixture(at, stride, pm.components, pm.context == CONTEXT_PREDICTIVE ? transforms + <usize>lane * (TRANSFORM_VALUES << 2) : 0, pm.relativeComponents);
}

@inline
function intervalOf(pm: PixelModel, x: u32): u64 {
  return pm.kind == KIND_BERNOULLI ? distribution.bernoulliInterval(x) : distribution.mixtureInterval(x);
}

/**
 * The lanes a push or pop codes: runs of lanes of one or more messages (a batch that spans
 * frames), side by side. `table` holds (message, first lane, lanes) u32 triples; each message
 * appears once, so each run has a tail of its own and its words land exactly where they would if
 * the run were coded alone.
 */
@unmanaged
class Runs {
  count: u32;
  lanes: u32;
  /** Per lane: the address of its head, and its run. */
  heads: usize;
  runOf: usize;
  /** Per run: its message, and the tail length and borrowed count while the walk runs. */
  messages: usize;
  lengths: usize;
  borrowed: usize;
}

function runsOf(table: usize, count: u32, pixels: u32, reserve: bool): Runs {
  const r = changetype<Runs>(heap.alloc(offsetof<Runs>()));
  r.count = count;
  let lanes: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const m = changetype<Message>(load<u32>(table + <usize>k * 12));
    const first = load<u32>(table + <usize>k * 12, 4);
    const n = load<u32>(table + <usize>k * 12, 8);
    assert(n > 0 && <u64>first + n <= m.lanes, 'lane view outside the message');
    for (let j: u32 = 0; j < k; j++) assert(load<u32>(table + <usize>j * 12) != changetype<u32>(m), 'a message appears twice in one batch');
    lanes += n;
  }
  r.lanes = lanes;
  r.heads = heap.alloc(<usize>lanes << 2);
  r.runOf = heap.alloc(<usize>lanes << 2);
  r.messages = heap.alloc(<usize>count << 2);
  r.lengths = heap.alloc(<usize>count << 2);
  r.borrowed = heap.alloc(<usize>count << 2);
  let lane: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const m = changetype<Message>(load<u32>(table + <usize>k * 12));
    const first = load<u32>(table + <usize>k * 12, 4);
    const n = load<u32>(table + <usize>k * 12, 8);
    if (reserve) reserveTail(m, pixels * n);
    store<u32>(r.messages + (<usize>k << 2), changetype<u32>(m));
    store<u32>(r.lengths + (<usize>k << 2), m.tailLength);
    store<u32>(r.borrowed + (<usize>k << 2), m.borrowed);
    for (let j: u32 = 0; j < n; j++, lane++) {
      store<u32>(r.heads + (<usize>lane << 2), <u32>(m.heads + (<usize>(first + j) << 3)));
      store<u32>(r.runOf + (<usize>lane << 2), k);
    }
  }
  return r;
}

/** Writes the walk's tail lengths and borrowed counts back to the messages, and frees the runs. */
function closeRuns(r: Runs): void {
  for (let k: u32 = 0; k < r.count; k++) {
    const m = changetype<Message>(load<u32>(r.messages + (<usize>k << 2)));
    m.tailLength = load<u32>(r.lengths + (<usize>k << 2));
    m.borrowed = load<u32>(r.borrowed + (<usize>k << 2));
  }
  heap.free(r.heads);
  heap.free(r.runOf);
  heap.free(r.messages);
  heap.free(r.lengths);
  heap.free(r.borrowed);
  heap.free(changetype<usize>(r));
}

/**
 * The fused coder. Returns -1, EXHAUSTED (strict pop ran dry), i >= 0 (element i = t * lanes + lane
 * had a NaN or infinite network output) or -(i + 2) (element i's symbol is outside 0..maxValue; push
 * checks every symbol before touching the message). `out` receives popped symbols, or for
 * MODE_INTERVALS (start, freq) u32 pairs, for MODE_LOG_PROBABILITIES log2 P(x) as f64. `runs` is
 * null for the two modes that code nothing, which take `lanes` instead.
 */
function code(mode: u32, runs: Runs | null, lanes: u32, symbols: usize, out: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  const pixels = pm.height * pm.width;
  const n = pixels * lanes;
  if (mode != MODE_POP) {
    for (let i: u32 = 0; i < n; i++) if (load<u32>(symbols + (<usize>i << 2)) > pm.maxValue) return -(<i32>i + 2);
  }
  const computed = computedLanes(lanes);
  const groups = (computed + 3) >> 2;
  const stride = <usize>groups << 4;
  const scratch = heap.alloc(<usize>2 * pm.widest * stride);
  memory.fill(scratch, 0, <usize>2 * pm.widest * stride);
  const transforms = heap.alloc(<usize>computed * (TRANSFORM_VALUES << 2));
  // The predictive context's lanes: [pixel][lane] values, inputs [input][lanes], a transform each.
  const context = changetype<ContextLayout>(heap.alloc(offsetof<ContextLayout>()));
  context.pixelStride = lanes;
  context.laneStride = 1;
  context.lanes = lanes;
  context.inputLaneStride = 4;
  context.transforms = transforms;
  context.transformLaneStride = TRANSFORM_VALUES << 2;
  context.scratch = heap.alloc(<usize>lanes * 12);
  context.differenceLimit = pm.differenceLimit;
  distribution.total = <u64>1 << precision;
  distribution.maxValue = pm.maxValue;
  distribution.spare = <f64>((<u64>1 << precision) - pm.maxValue - 1);
  distribution.inverseMax = 1.0 / <f64>pm.maxValue;
  const known = mode == MODE_POP ? out : symbols;
  const mask: u64 = (<u64>1 << precision) - 1;
  const overflowUnit: u64 = (HEAD_MIN >> precision) << 32;
  let result: i32 = -1;
  for (let step: u32 = 0; step < pixels && result == -1; step++) {
    const t = mode == MODE_PUSH ? pixels - 1 - step : step;
    gatherInputs(pm, t, known, features, lanes, computed, scratch, stride, context);
    const outputs = evaluate(pm, scratch, computed);
    for (let j: u32 = 0; j < lanes; j++) {
      const lane = mode == MODE_POP ? lanes - 1 - j : j;
      const i = t * lanes + lane;
      if (!setDistribution(pm, outputs, lane, stride, transforms)) { result = <i32>i; break; }
      if (mode >= MODE_INTERVALS) {
        const x = load<u32>(symbols + (<usize>i << 2));
        if (mode == MODE_LOG_PROBABILITIES) {
          const log2p = pm.kind == KIND_BERNOULLI ? Math.log2(x ? distribution.one : 1 - distribution.one) : distribution.mixtureLog2Probability(x);
          store<f64>(out + (<usize>i << 3), log2p);
        } else {
          const interval = intervalOf(pm, x);
          store<u32>(out + (<usize>i << 3), <u32>(interval >> 32));
          store<u32>(out + (<usize>i << 3), <u32>interval, 4);
        }
        continue;
      }
      const r = changetype<Runs>(runs);
      const headPtr = <usize>load<u32>(r.heads + (<usize>lane << 2));
      const run = <usize>load<u32>(r.runOf + (<usize>lane << 2)) << 2;
      const m = changetype<Message>(load<u32>(r.messages + run));
      let length = load<u32>(r.lengths + run);
      let head = load<u64>(headPtr);
      if (mode == MODE_POP) {
        const cf = head & mask;
        let interval: u64;
        if (pm.kind == KIND_BERNOULLI) {
          distribution.found = <u32>(cf >= distribution.zeros);
          interval = distribution.bernoulliInterval(distribution.found);
        } else {
          interval = distribution.mixtureLocate(cf);
        }
        store<u32>(out + (<usize>i << 2), distribution.found);
        head = (interval & 0xffffffff) * (head >> precision) + cf - (interval >> 32);
        if (head < HEAD_MIN) {
          let word: u32 = 0;
          if (length > 0) {
            length--;
            word = load<u32>(m.tail + (<usize>length << 2));
          } else if (m.strict) {
            result = EXHAUSTED;
            break;
          } else {
            const borrowed = load<u32>(r.borrowed + run);
            word = implicitWord(borrowed);
            store<u32>(r.borrowed + run, borrowed + 1);
          }
          head = (head << 32) | word;
        }
      } else {
        const x = load<u32>(symbols + (<usize>i << 2));
        const interval = intervalOf(pm, x);
        const start = interval >> 32;
        const freq = interval & 0xffffffff;
        if (head >= overflowUnit * freq) {
          store<u32>(m.tail + (<usize>length << 2), <u32>head);
          length++;
          head >>= 32;
        }
        const quotient = head / freq;
        head = (quotient << precision) + (head - quotient * freq) + start;
      }
      store<u64>(headPtr, head);
      store<u32>(r.lengths + run, length);
    }
  }
  heap.free(scratch);
  heap.free(transforms);
  heap.free(context.scratch);
  heap.free(changetype<usize>(context));
  return result;
}

/** Pushes lane-major [pixel][lane] symbols over the runs of `table` (see Runs). */
export function autoregressive_push(table: usize, runCount: u32, symbols: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  const runs = runsOf(table, runCount, pm.height * pm.width, true);
  const result = code(MODE_PUSH, runs, runs.lanes, symbols, 0, pm, features, precision);
  closeRuns(runs);
  return result;
}

export function autoregressive_pop(table: usize, runCount: u32, out: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  const runs = runsOf(table, runCount, 0, false);
  const result = code(MODE_POP, runs, runs.lanes, 0, out, pm, features, precision);
  closeRuns(runs);
  return result;
}

export function autoregressive_intervals(lanes: u32, symbols: usize, out: usize, pm: PixelModel, features: usize, precision: u32): i32 {
  return code(MODE_INTERVALS, null, lanes, symbols, out, pm, features, precision);
}

/** log2 P(x) of every symbol before quantisation (f64 per symbol). */
export function autoregressive_log_probabilities(lanes: u32, symbols: usize, out: usize, pm: PixelModel, features: usize): i32 {
  return code(MODE_LOG_PROBABILITIES, null, lanes, symbols, out, pm, features, 24);
}
