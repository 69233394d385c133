// Codecs: a codec is a push/pop pair on a message (or a view of its lanes). The distributions
// below each code a whole array in one WASM call; `serial`, `onLanes` and `bitsBack` compose them,
// so the BB-ANS step is three codecs put together rather than a special case.

import { core } from './wasm.js';
import { BbansError, invalidArgument, requireInteger } from './errors.js';
import { type CodingTarget, type LaneView, resolveTarget } from './message.js';
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
/** What a strict message's pop returns when it runs out of coded bits (see Message.strict). */
const EXHAUSTED = 0x7fffffff;
export const MAX_BINS_LOG2 = 16;
export const MAX_TRIALS = 1000;

type Kernel = (message: number, laneOffset: number, laneCount: number, symbols: number, n: number, ...params: number[]) => number;
const kernel = (name: string): Kernel => core()[name] as Kernel;

interface ArrayCodecSpec {
  /** Kernel pair name: `${name}_push` / `${name}_pop`. */
  kernel: string;
  size: number;
  precision: number;
  /** Stages the parameter arrays and returns the kernel's trailing arguments. */
  params(stage: Stage): number[];
  /** Why element i's parameters cannot be coded, for the error message. */
  describeParams(i: number): string;
  symbolRange: string;
}

/** A codec for `size` symbols (u32) laid out rounds x laneCount over the target's lanes. */
function arrayCodec(spec: ArrayCodecSpec): DistributionCodec {
  const push = kernel(`${spec.kernel}_push`);
  const pop = kernel(`${spec.kernel}_pop`);
  const intervals = core()[`${spec.kernel}_intervals`] as (symbols: number, n: number, out: number, ...params: number[]) => number;
  const fail = (result: number, symbols?: Uint32Array): never => {
    if (result === EXHAUSTED) {
      throw new BbansError('CORRUPT_MESSAGE', 'the message ran out of coded bits: it is truncated or corrupt');
    }
    if (result >= 0) {
      throw new BbansError('INVALID_PARAMETER', `${spec.kernel}: element ${result} has invalid parameters (${spec.describeParams(result)})`);
    }
    const i = -result - 2;
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
      const view = checkedView(target, spec.size, spec.kernel);
      staged((stage) => {
        const result = push(view.message.pointer, view.offset, view.count, stage.put(symbols), spec.size, ...spec.params(stage));
        if (result !== -1) fail(result, symbols);
      });
    },
    pop(target) {
      const view = checkedView(target, spec.size, spec.kernel);
      return staged((stage) => {
        const out = stage.alloc(spec.size * 4);
        const result = pop(view.message.pointer, view.offset, view.count, out, spec.size, ...spec.params(stage));
        if (result !== -1) fail(result);
        return viewOf(Uint32Array, out, spec.size).slice();
      });
    },
    intervals(symbols) {
      checkSymbols(symbols);
      return staged((stage) => {
        const out = stage.alloc(spec.size * 8);
        const result = intervals(stage.put(symbols), spec.size, out, ...spec.params(stage));
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

function checkedView(target: CodingTarget, size: number, who: string): LaneView {
  const view = resolveTarget(target);
  if (size % view.count !== 0) invalidArgument(`${who}: ${size} symbols do not fill whole rounds of ${view.count} lanes`);
  return view;
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
    params: (stage) => [stage.put(probs), precision],
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
    params: (stage) => [k, stage.put(probs), precision],
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
    params: (stage) => [trials, stage.put(alphas), stage.put(betas), precision],
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
    params: (stage) => [binsLog2, stage.put(means), stage.put(scales), precision],
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

/** Runs `codec` on lanes offset .. offset + count - 1 of whatever target it is given. */
export function onLanes<T>(codec: Codec<T>, offset: number, count: number): Codec<T> {
  const narrow = (target: CodingTarget): LaneView => {
    const view = resolveTarget(target);
    if (offset + count > view.count) invalidArgument(`onLanes: lanes ${offset}..${offset + count - 1} are outside a view of ${view.count}`);
    return view.message.view(view.offset + offset, count);
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
