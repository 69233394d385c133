// Codecs: a codec is a push/pop pair on a message (or a view of its lanes). The distributions
// below each code a whole array in one WASM call; `serial`, `onLanes` and `bitsBack` compose them,
// so the BB-ANS step is three codecs put together rather than a special case.

import { core } from './wasm.js';
import { BbansError, invalidArgument, requireInteger } from './errors.js';
import { type CodingTarget, EXHAUSTED, type LaneView, exhausted, laneCount, resolveTarget } from './message.js';
import { type Stage, staged, viewOf } from './memory.js';

export interface Codec<T> {
  push(target: CodingTarget, data: T): void;
  pop(target: CodingTarget): T;
}

/** A codec for a quantised distribution over an array of symbols, which can also say what each costs. */
export interface DistributionCodec extends Codec<Uint32Array> {
  readonly precision: number;
  /** Each symbol's interval [start, start + freq) out of 2^precision. */
  intervals(symbols: Uint32Array): { starts: Uint32Array; freqs: Uint32Array };
  /** Exact cost in bits of pushing `symbols`: sum of precision - log2(freq). */
  cost(symbols: Uint32Array): number;
}

export const MAX_PRECISION = 31;
export const MAX_BINS_LOG2 = 16;
export const MAX_TRIALS = 1000;

type Kernel = (message: number, laneOffset: number, laneCount: number, symbols: number, n: number, ...params: number[]) => number;
const kernel = (name: string): Kernel => core()[name] as Kernel;

/** Picks one view's elements out of a per-element parameter array (`width` values per element); the identity for a single view. */
type Pick = <A extends Float32Array | Uint32Array>(array: A, width?: number) => A;

interface ArrayCodecSpec {
  /** Kernel pair name: `${name}_push` / `${name}_pop`. */
  kernel: string;
  size: number;
  precision: number;
  /** Stages the parameter arrays (each through `pick`) and returns the kernel's trailing arguments. */
  params(stage: Stage, pick: Pick): number[];
  /** Why element i's parameters cannot be coded, for the error message. */
  describeParams(i: number): string;
  symbolRange: string;
}

/** Lane-major rounds x lanes arrays and one view's columns of them. */
class LaneSlice {
  readonly rounds: number;
  constructor(readonly lanes: number, readonly from: number, readonly count: number, size: number) {
    this.rounds = size / lanes;
  }

  /** The view's elements, rounds x count. */
  readonly pick: Pick = (array, width = 1) => {
    if (this.count === this.lanes) return array;
    const out = new (array.constructor as new (n: number) => typeof array)(this.rounds * this.count * width);
    for (let r = 0; r < this.rounds; r++) {
      const at = (r * this.lanes + this.from) * width;
      out.set(array.subarray(at, at + this.count * width), r * this.count * width);
    }
    return out;
  };

  /** Puts the view's elements back in their places in `whole`. */
  scatter(part: Uint32Array, whole: Uint32Array): void {
    for (let r = 0; r < this.rounds; r++) whole.set(part.subarray(r * this.count, (r + 1) * this.count), r * this.lanes + this.from);
  }

  /** The index in the whole array of the view's element i. */
  whole(i: number): number {
    return Math.floor(i / this.count) * this.lanes + this.from + (i % this.count);
  }
}

/** A target's views, each with its columns of an array of `size` elements over all of their lanes. */
function slicesOf(target: CodingTarget, size: number, who: string): Array<{ view: LaneView; slice: LaneSlice }> {
  const views = resolveTarget(target);
  const lanes = laneCount(views);
  if (size % lanes !== 0) invalidArgument(`${who}: ${size} symbols do not fill whole rounds of ${lanes} lanes`);
  let from = 0;
  return views.map((view) => {
    const slice = new LaneSlice(lanes, from, view.count, size);
    from += view.count;
    return { view, slice };
  });
}

/**
 * A codec for `size` symbols (u32) laid out rounds x lanes over the target's lanes. A target of
 * several views is coded view by view (popped in reverse), each with its own columns.
 */
function arrayCodec(spec: ArrayCodecSpec): DistributionCodec {
  const push = kernel(`${spec.kernel}_push`);
  const pop = kernel(`${spec.kernel}_pop`);
  const intervals = core()[`${spec.kernel}_intervals`] as (symbols: number, n: number, out: number, ...params: number[]) => number;
  const fail = (result: number, symbols?: Uint32Array, slice?: LaneSlice): never => {
    if (result === EXHAUSTED) throw exhausted();
    const whole = (i: number): number => (slice ? slice.whole(i) : i);
    if (result >= 0) {
      throw new BbansError('INVALID_PARAMETER', `${spec.kernel}: element ${whole(result)} has invalid parameters (${spec.describeParams(whole(result))})`);
    }
    const i = whole(-result - 2);
    throw new BbansError('INVALID_SYMBOL', `${spec.kernel}: element ${i} is symbol ${symbols?.[i]}, outside ${spec.symbolRange}`);
  };
  const checkSymbols = (symbols: Uint32Array): void => {
    if (!(symbols instanceof Uint32Array)) invalidArgument(`${spec.kernel}: symbols must be a Uint32Array`);
    if (symbols.length !== spec.size) invalidArgument(`${spec.kernel}: expected ${spec.size} symbols, got ${symbols.length}`);
  };
  const codec: DistributionCodec = {
    precision: spec.precision,
    push(target, symbols) {
      checkSymbols(symbols);
      for (const { view, slice } of slicesOf(target, spec.size, spec.kernel)) {
        const n = slice.rounds * view.count;
        staged((stage) => {
          const result = push(view.message.pointer, view.offset, view.count, stage.put(slice.pick(symbols)), n, ...spec.params(stage, slice.pick));
          if (result !== -1) fail(result, symbols, slice);
        });
      }
    },
    pop(target) {
      const slices = slicesOf(target, spec.size, spec.kernel);
      const whole = new Uint32Array(spec.size);
      for (const { view, slice } of slices.reverse()) {
        const n = slice.rounds * view.count;
        staged((stage) => {
          const out = stage.alloc(n * 4);
          const result = pop(view.message.pointer, view.offset, view.count, out, n, ...spec.params(stage, slice.pick));
          if (result !== -1) fail(result, undefined, slice);
          slice.scatter(viewOf(Uint32Array, out, n), whole);
        });
      }
      return whole;
    },
    intervals(symbols) {
      checkSymbols(symbols);
      return staged((stage) => {
        const out = stage.alloc(spec.size * 8);
        const result = intervals(stage.put(symbols), spec.size, out, ...spec.params(stage, (array) => array));
        if (result !== -1) fail(result, symbols);
        const pairs = viewOf(Uint32Array, out, spec.size * 2);
        const starts = new Uint32Array(spec.size);
        const freqs = new Uint32Array(spec.size);
        for (let i = 0; i < spec.size; i++) {
          starts[i] = pairs[2 * i];
          freqs[i] = pairs[2 * i + 1];
        }
        return { starts, freqs };
      });
    },
    cost(symbols) {
      const { freqs } = codec.intervals(symbols);
      let bits = 0;
      for (const freq of freqs) bits += spec.precision - Math.log2(freq);
      return bits;
    },
  };
  return codec;
}

function requireLength(who: string, name: string, array: ArrayLike<number>, length: number): void {
  if (array.length !== length) invalidArgument(`${who}: ${name} has ${array.length} entries, expected ${length}`);
}

function requireFloat32(who: string, name: string, array: unknown): asserts array is Float32Array {
  if (!(array instanceof Float32Array)) invalidArgument(`${who}: ${name} must be a Float32Array`);
}

/** Uniform over 0 .. 2^bits - 1, `size` symbols. */
export function uniform(bits: number, size: number): DistributionCodec {
  requireInteger('uniform bits', bits, 0, MAX_PRECISION);
  requireInteger('uniform size', size, 0, 2 ** 32 - 1);
  return arrayCodec({
    kernel: 'uniform',
    size,
    precision: bits,
    params: () => [bits],
    describeParams: () => '',
    symbolRange: `0..${2 ** bits - 1}`,
  });
}

const releaseTable = new FinalizationRegistry<number>((table) => (core().categorical_table_free as (t: number) => void)(table));

/** Categorical over 0 .. freqs.length - 1 with integer frequencies summing to 2^precision. */
export function categorical(freqs: ArrayLike<number>, precision: number, size: number): DistributionCodec {
  requireInteger('categorical precision', precision, 1, MAX_PRECISION);
  requireInteger('categorical size', size, 0, 2 ** 32 - 1);
  if (freqs.length < 1 || freqs.length > 2 ** precision) {
    invalidArgument(`categorical: ${freqs.length} symbols cannot each get mass at precision ${precision}`);
  }
  let total = 0;
  for (let s = 0; s < freqs.length; s++) {
    const f = freqs[s];
    if (!Number.isInteger(f) || f < 1) invalidArgument(`categorical: frequency of symbol ${s} is ${f}; every frequency must be an integer >= 1`);
    total += f;
  }
  if (total !== 2 ** precision) invalidArgument(`categorical: frequencies sum to ${total}, not 2^${precision} = ${2 ** precision}`);
  const table = staged((stage) =>
    (core().categorical_table_create as (f: number, k: number, p: number) => number)(stage.put(Uint32Array.from(freqs)), freqs.length, precision),
  );
  const codec = arrayCodec({
    kernel: 'categorical',
    size,
    precision,
    params: () => [table],
    describeParams: () => '',
    symbolRange: `0..${freqs.length - 1}`,
  });
  releaseTable.register(codec, table);
  return codec;
}

/**
 * Integer frequencies for `probs` at `precision`: every symbol at least 1, the total exactly
 * 2^precision, the rounding remainder on the most probable symbol. Plain IEEE arithmetic only,
 * so every engine computes the same table.
 */
export function quantizeProbabilities(probs: ArrayLike<number>, precision: number): Uint32Array {
  requireInteger('precision', precision, 1, MAX_PRECISION);
  const k = probs.length;
  if (k < 1 || k > 2 ** precision) invalidArgument(`cannot give ${k} symbols mass at precision ${precision}`);
  let sum = 0;
  let argmax = 0;
  for (let s = 0; s < k; s++) {
    const p = probs[s];
    if (!(p >= 0 && p < Infinity)) invalidArgument(`probability ${s} is ${p}`);
    sum += p;
    if (p > probs[argmax]) argmax = s;
  }
  if (!(sum > 0)) invalidArgument('probabilities sum to zero');
  const spare = 2 ** precision - k;
  const freqs = new Uint32Array(k);
  let used = 0;
  for (let s = 0; s < k; s++) {
    freqs[s] = 1 + Math.floor((probs[s] / sum) * spare);
    used += freqs[s];
  }
  freqs[argmax] += 2 ** precision - used;
  return freqs;
}

/** Bernoulli per element: probs[i] is the probability that symbol i is 1. */
export function bernoulli(probs: Float32Array, precision: number): DistributionCodec {
  requireFloat32('bernoulli', 'probs', probs);
  requireInteger('bernoulli precision', precision, 1, MAX_PRECISION);
  return arrayCodec({
    kernel: 'bernoulli',
    precision,
    size: probs.length,
    params: (stage, pick) => [stage.put(pick(probs)), precision],
    describeParams: (i) => `p = ${probs[i]}, must be in [0, 1]`,
    symbolRange: '0..1',
  });
}

/** Categorical over 0 .. k - 1 per element, element i with probabilities probs[i*k .. i*k + k) (any positive scale). */
export function categoricalProbs(k: number, probs: Float32Array, precision: number): DistributionCodec {
  requireInteger('categorical symbols', k, 1, 65536);
  requireFloat32('categoricalProbs', 'probs', probs);
  if (probs.length % k !== 0) invalidArgument(`categoricalProbs: ${probs.length} probabilities is not a whole number of ${k}-symbol rows`);
  requireInteger('categorical precision', precision, Math.ceil(Math.log2(k + 1)), MAX_PRECISION);
  return arrayCodec({
    kernel: 'categorical_probs',
    precision,
    size: probs.length / k,
    params: (stage, pick) => [k, stage.put(pick(probs, k)), precision],
    describeParams: (i) => `probabilities ${Array.from(probs.subarray(i * k, Math.min(i * k + 4, i * k + k))).join(', ')}${k > 4 ? ', ...' : ''}; must be finite, >= 0, not all 0`,
    symbolRange: `0..${k - 1}`,
  });
}

/** Beta-binomial(trials, alphas[i], betas[i]) per element, over 0 .. trials. */
export function betaBinomial(trials: number, alphas: Float32Array, betas: Float32Array, precision: number): DistributionCodec {
  requireInteger('beta-binomial trials', trials, 0, MAX_TRIALS);
  requireFloat32('betaBinomial', 'alphas', alphas);
  requireFloat32('betaBinomial', 'betas', betas);
  requireLength('betaBinomial', 'betas', betas, alphas.length);
  requireInteger('beta-binomial precision', precision, Math.ceil(Math.log2(trials + 2)), MAX_PRECISION);
  return arrayCodec({
    kernel: 'beta_binomial',
    precision,
    size: alphas.length,
    params: (stage, pick) => [trials, stage.put(pick(alphas)), stage.put(pick(betas)), precision],
    describeParams: (i) => `alpha = ${alphas[i]}, beta = ${betas[i]}; both must be finite and > 0`,
    symbolRange: `0..${trials}`,
  });
}

/** N(means[i], scales[i]) discretised over the 2^binsLog2 equal-mass bins of N(0, 1). */
export function gaussianPosterior(binsLog2: number, means: Float32Array, scales: Float32Array, precision: number): DistributionCodec {
  requireInteger('binsLog2', binsLog2, 1, MAX_BINS_LOG2);
  requireFloat32('gaussianPosterior', 'means', means);
  requireFloat32('gaussianPosterior', 'scales', scales);
  requireLength('gaussianPosterior', 'scales', scales, means.length);
  requireInteger('gaussian posterior precision', precision, binsLog2 + 1, MAX_PRECISION);
  return arrayCodec({
    kernel: 'gaussian_posterior',
    precision,
    size: means.length,
    params: (stage, pick) => [binsLog2, stage.put(pick(means)), stage.put(pick(scales)), precision],
    describeParams: (i) => `mean = ${means[i]}, scale = ${scales[i]}; mean must be finite, scale finite and > 0`,
    symbolRange: `0..${2 ** binsLog2 - 1}`,
  });
}

/** The latent value the decoder network sees for each bin index: Phi^-1((i + 0.5) / 2^binsLog2). */
export function binCentres(binsLog2: number, indices: Uint32Array): Float32Array {
  requireInteger('binsLog2', binsLog2, 1, MAX_BINS_LOG2);
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= 2 ** binsLog2) invalidArgument(`bin index ${indices[i]} at ${i} is outside 0..${2 ** binsLog2 - 1}`);
  }
  return staged((stage) => {
    const out = stage.alloc(indices.length * 4);
    (core().gaussian_bin_centres as (k: number, p: number, n: number, o: number) => void)(binsLog2, stage.put(indices), indices.length, out);
    return viewOf(Float32Array, out, indices.length).slice();
  });
}

/** The equal-mass bin holding each value. */
export function binOf(binsLog2: number, values: Float64Array): Uint32Array {
  requireInteger('binsLog2', binsLog2, 1, MAX_BINS_LOG2);
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) invalidArgument(`value ${i} is NaN`);
  return staged((stage) => {
    const out = stage.alloc(values.length * 4);
    (core().gaussian_bin_of as (k: number, p: number, n: number, o: number) => void)(binsLog2, stage.put(values), values.length, out);
    return viewOf(Uint32Array, out, values.length).slice();
  });
}

/** Codes a tuple with one codec per component; pops in reverse, as a stack must. */
export function serial<T extends unknown[]>(codecs: { [K in keyof T]: Codec<T[K]> }): Codec<T> {
  return {
    push(target, data) {
      if (data.length !== codecs.length) invalidArgument(`serial: expected ${codecs.length} parts, got ${data.length}`);
      codecs.forEach((codec, i) => codec.push(target, data[i]));
    },
    pop(target) {
      const parts = new Array(codecs.length);
      for (let i = codecs.length - 1; i >= 0; i--) parts[i] = codecs[i].pop(target);
      return parts as T;
    },
  };
}

/** Runs `codec` on lanes offset .. offset + count - 1 of whatever target it is given (counted across its views). */
export function onLanes<T>(codec: Codec<T>, offset: number, count: number): Codec<T> {
  const narrow = (target: CodingTarget): LaneView[] => {
    const views = resolveTarget(target);
    if (offset + count > laneCount(views)) invalidArgument(`onLanes: lanes ${offset}..${offset + count - 1} are outside a target of ${laneCount(views)}`);
    const out: LaneView[] = [];
    let first = 0;
    for (const view of views) {
      const from = Math.max(offset, first);
      const to = Math.min(offset + count, first + view.count);
      if (from < to) out.push(view.message.view(view.offset + from - first, to - from));
      first += view.count;
    }
    return out;
  };
  return {
    push: (target, data) => codec.push(narrow(target), data),
    pop: (target) => codec.pop(narrow(target)),
  };
}

export interface BitsBackModel<X, Z> {
  prior: Codec<Z>;
  likelihood(latent: Z): Codec<X>;
  posterior(data: X): Codec<Z>;
}

/**
 * Bits-back coding: push pops the latent from the posterior (taking bits off the message), pushes
 * the data under the likelihood and the latent under the prior; pop mirrors it exactly. The net
 * cost is -log p(x|z) - log p(z) + log q(z|x), the negative ELBO.
 */
export function bitsBack<X, Z>(model: BitsBackModel<X, Z>): Codec<X> {
  return {
    push(target, data) {
      const latent = model.posterior(data).pop(target);
      model.likelihood(latent).push(target, data);
      model.prior.push(target, latent);
    },
    pop(target) {
      const latent = model.prior.pop(target);
      const data = model.likelihood(latent).pop(target);
      model.posterior(data).push(target, latent);
      return data;
    },
  };
}
